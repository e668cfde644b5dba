import { APPLICATION_STATUSES, CASE_STATUSES, enumSchema, errorResponseSchema, nullableEnumSchema, TRAFFIC_LIGHTS } from '@redheart/shared';
import { CASE_TYPES } from '../../domain';
const ns = { type: ['string', 'null'] } as const;
/** A hukou case's status or a service application's (a lookup answers either). */
const STATUSES = [...new Set([...CASE_STATUSES, ...APPLICATION_STATUSES])];

export const caseLookupBody = {
  type: 'object',
  required: ['caseNumber', 'phoneLast4'],
  properties: {
    caseNumber: { type: 'string', description: 'The number on the receipt: a hukou case (HJ2026-000123) or a service application (FW2026-000123)' },
    phoneLast4: { type: 'string', description: 'The last 4 digits of the applicant\'s phone number given when the case was opened' },
  },
} as const;

/** What a resident sees of a case: no ID numbers, no clerks, the applicant's name masked. */
export const publicCaseSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['hukou', 'service'], description: 'a hukou case (HJ…) or a 一网通办 service application (FW…)' },
    caseNo: { type: 'string' },
    type: { type: 'string', enum: [...CASE_TYPES, 'service'], description: 'the case type; `service` for a service application' },
    serviceName: { ...ns, description: 'the catalogue service applied for (service applications)' },
    status: { ...enumSchema(STATUSES), description: 'a hukou case\'s status, or a service application\'s' },
    communityName: { type: 'string' },
    streetName: ns,
    applicantName: { type: 'string', description: 'masked: the family name, the rest starred' },
    persons: { type: 'integer', description: 'how many persons the case moves' },
    light: enumSchema(TRAFFIC_LIGHTS),
    dueAt: ns,
    createdAt: { type: 'string' },
    settledAt: ns,
    missingItems: { type: 'array', items: { type: 'string' }, description: 'the materials still to bring (while a supplement is requested)' },
    steps: {
      type: 'array',
      items: { type: 'object', properties: { action: { type: 'string' }, fromStatus: nullableEnumSchema(STATUSES), toStatus: nullableEnumSchema(STATUSES), at: { type: 'string' } } },
    },
  },
} as const;

const errorSchema = errorResponseSchema;
export const publicErrors = { 400: errorSchema, 404: errorSchema, 429: errorSchema } as const;
