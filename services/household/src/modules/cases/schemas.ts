import { CASE_STATUSES, enumSchema, nullableEnumSchema, pageSchemaProperties, ROLES, TRAFFIC_LIGHTS } from '@redheart/shared';
import { CASE_EVENT_ACTIONS, CASE_TYPES, DUPLICATE_KINDS, EMPLOYERS } from '../../domain';

const nullableString = { type: ['string', 'null'] } as const;
const caseStatusOrNull = nullableEnumSchema(CASE_STATUSES);

export const caseSummaryProperties = {
  id: { type: 'integer' },
  caseNo: { type: 'string' },
  type: { type: 'string', enum: CASE_TYPES },
  status: { type: 'string', enum: CASE_STATUSES },
  communityId: { type: 'integer' },
  communityName: nullableString,
  applicantName: { type: 'string' },
  greenChannel: { type: 'boolean' },
  potentialDuplicate: { type: 'boolean' },
  revokePending: { type: 'boolean' },
  light: enumSchema(TRAFFIC_LIGHTS),
  dueAt: nullableString,
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
  settledAt: nullableString,
  version: { type: 'integer' },
} as const;

export const caseListSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: caseSummaryProperties } },
    nextCursor: nullableString,
    ...pageSchemaProperties,
  },
} as const;

const personSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, name: { type: 'string' }, idMasked: { type: 'string' }, sex: { type: 'string' }, birthDate: { type: 'string' }, relation: { type: 'string' },
    employer: { type: ['string', 'null'], enum: [...EMPLOYERS, null] },
  },
} as const;

export const caseDetailSchema = {
  type: 'object',
  properties: {
    ...caseSummaryProperties,
    applicantPhone: nullableString,
    targetHouseholdId: { type: ['integer', 'null'] },
    newHousehold: { type: ['object', 'null'], additionalProperties: true },
    sourceHouseholdId: { type: ['integer', 'null'] },
    destination: nullableString,
    propertyCertificateNo: nullableString,
    approvalNo: nullableString,
    revokeReason: nullableString,
    checklist: { type: 'array', items: { type: 'object', properties: { item: { type: 'string' }, provided: { type: 'boolean' }, verified: { type: 'boolean' } } } },
    missingItems: { type: 'array', items: { type: 'string' } },
    persons: { type: 'array', items: personSchema },
    duplicates: { type: 'array', items: { type: 'object', properties: { kind: enumSchema(DUPLICATE_KINDS), idMasked: { type: 'string' }, caseNo: { type: 'string' } } } },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' }, action: enumSchema(CASE_EVENT_ACTIONS), fromStatus: caseStatusOrNull, toStatus: caseStatusOrNull, actorUsername: { type: 'string' },
          actorRole: enumSchema(ROLES), at: { type: 'string' }, reason: nullableString,
          attachments: { type: 'array', items: { type: 'object', additionalProperties: true } }, data: { type: ['object', 'null'], additionalProperties: true },
        },
      },
    },
    notices: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, items: { type: 'array', items: { type: 'string' } }, note: nullableString, issuedBy: { type: 'string' }, issuedAt: { type: 'string' } } },
    },
    allowedActions: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const noticeSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, caseNo: { type: 'string' }, type: { type: 'string' }, applicantName: { type: 'string' }, communityName: { type: 'string' },
    items: { type: 'array', items: { type: 'string' } }, note: nullableString, issuedBy: { type: 'string' }, issuedAt: { type: 'string' },
    persons: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, idMasked: { type: 'string' }, relation: { type: 'string' } } } },
  },
} as const;

export const receiptSchema = {
  type: 'object',
  properties: {
    caseId: { type: 'integer' }, caseNo: { type: 'string' }, type: { type: 'string', enum: CASE_TYPES }, status: { type: 'string', enum: CASE_STATUSES }, greenChannel: { type: 'boolean' },
    communityId: { type: 'integer' }, communityName: { type: 'string' }, applicantName: { type: 'string' }, applicantPhone: nullableString,
    propertyCertificateNo: nullableString,
    persons: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, relation: { type: 'string' }, idMasked: { type: 'string' } } } },
    materialsReceived: { type: 'array', items: { type: 'object', properties: { item: { type: 'string' }, verified: { type: 'boolean' } } } },
    materialsMissing: { type: 'array', items: { type: 'string' } },
    accepted: { type: 'boolean' }, receivedAt: nullableString, clerk: nullableString, dueAt: nullableString, createdAt: { type: 'string' },
  },
} as const;
