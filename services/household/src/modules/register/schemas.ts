/** JSON schemas of the register routes' answers (the gateway's merged OpenAPI document lists them; the serialiser keeps only what they name). */
import { enumSchema, HOUSEHOLD_KINDS } from '@redheart/shared';

const ns = { type: ['string', 'null'] } as const;
const ni = { type: ['integer', 'null'] } as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

export const personListSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, name: { type: 'string' }, idMasked: { type: 'string' }, sex: { type: 'string' }, birthDate: { type: 'string' },
      householdId: ni, householdNo: ns, communityName: ns, relation: ns,
    },
  },
} as const;

export const revealSchema = { type: 'object', properties: { id: { type: 'integer' }, idNumber: { type: 'string' } } } as const;

/** One reveal of a full ID number: whose, by whom, why and when (the community: the subject's, when known). */
export const revealLogSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, subjectType: { type: 'string', description: 'what was revealed: person' }, subjectId: { type: 'integer' },
      communityId: ni, communityName: ns, actorUsername: { type: 'string' }, actorRole: { type: 'string' }, reason: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
    },
  },
} as const;

const memberSchema = {
  type: 'object',
  properties: {
    personId: { type: 'integer' }, name: { type: 'string' }, idMasked: { type: 'string' }, sex: { type: 'string' }, birthDate: { type: 'string' },
    relation: { type: 'string' }, since: { type: 'string' }, caseId: ni,
  },
} as const;
const householdProps = {
  id: { type: 'integer' }, householdNo: { type: 'string' }, communityId: { type: 'integer' }, communityName: { type: 'string' }, kind: enumSchema(HOUSEHOLD_KINDS),
  building: ns, unit: ns, room: ns, address: { type: 'string' }, gridCode: ns, members: { type: 'integer' },
} as const;

export const householdListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: { type: 'object', properties: householdProps } }, nextAfter: ni },
} as const;

export const householdBookSchema = {
  type: 'object',
  properties: {
    ...householdProps,
    current: { type: 'array', items: memberSchema },
    past: { type: 'array', items: { type: 'object', properties: { ...memberSchema.properties, until: { type: 'string' }, endReason: ns } } },
  },
} as const;

/** A flat with its owners (names and masked ID numbers). */
export const propertyListSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, certificateNo: { type: 'string' }, communityId: { type: 'integer' }, communityName: { type: 'string' },
      building: ns, unit: ns, room: ns, address: { type: 'string' }, area: { type: ['number', 'null'] }, gridCode: ns,
      owners: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, idMasked: { type: 'string' } } } },
    },
  },
} as const;
