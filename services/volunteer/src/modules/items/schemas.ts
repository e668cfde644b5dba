import { enumSchema, nullableEnumSchema, pageSchemaProperties } from '@redheart/shared';
import { EVIDENCE_KINDS, ITEM_KINDS, ITEM_STATUSES, REPORTER_SOURCES } from '../../domain';

const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
const ni = { type: ['integer', 'null'] } as const;

export const itemProperties = {
  id: { type: 'integer' }, itemNo: s, communityId: { type: 'integer' }, communityName: s, categoryId: { type: 'integer' }, categoryName: s,
  kind: enumSchema(ITEM_KINDS), place: s, description: s, status: enumSchema(ITEM_STATUSES), source: enumSchema(REPORTER_SOURCES), reportedBy: s, reporterName: ns, capacity: { type: 'integer' }, deadline: ns,
  unitId: ni, unitName: ns, claimedAt: ns, assignedBy: ns, responseDeadline: ns, scheduledDate: ns, startedAt: ns, doneAt: ns, rating: ni,
  reworkCount: { type: 'integer' }, releaseCount: { type: 'integer' }, mergedIntoId: ni, referralBody: ns, pledge: { type: 'boolean' }, closedAt: ns,
  createdAt: s, updatedAt: s, version: { type: 'integer' }, signups: { type: 'integer' },
  trackingNo: { ...ns, description: 'a need a resident reported from a desk\'s QR page: the number they follow it by' }, deskCode: ns,
  meetingId: { ...ni, description: 'the joint committee meeting (大党委/大工委, org service) whose decision this item is' }, meetingDecisionId: ni, meetingTitle: ns,
} as const;

export const itemListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: { type: 'object', properties: itemProperties } }, nextCursor: ns, ...pageSchemaProperties },
} as const;

export const itemDetailSchema = {
  type: 'object',
  properties: {
    ...itemProperties,
    checkinCode: ns,
    reporterPhone: { ...ns, description: 'the phone a resident left with a need (the community only)' },
    possibleDuplicates: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, itemNo: s, status: enumSchema(ITEM_STATUSES) } } },
    timeline: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer' }, action: s, fromStatus: nullableEnumSchema(ITEM_STATUSES), toStatus: nullableEnumSchema(ITEM_STATUSES), actorUsername: s, actorRole: s, at: s, reason: ns, data: { type: ['object', 'null'], additionalProperties: true } } },
    },
    hours: { type: 'array', items: { type: 'object', properties: { memberId: ni, name: s, hours: { type: 'number' }, posted: { type: 'boolean' } } } },
    evidence: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, kind: enumSchema(EVIDENCE_KINDS), fileName: ns, mime: ns, size: ni, note: ns, uploadedBy: s, at: s } } },
    signups: { type: 'array', items: { type: 'object', properties: { memberId: { type: 'integer' }, name: s, signedAt: s, checkedInAt: ns } } },
    allowedActions: { type: 'array', items: s },
  },
} as const;

export const evidenceUploadedSchema = { type: 'object', properties: { id: { type: 'integer' }, kind: enumSchema(EVIDENCE_KINDS), mime: s, size: { type: 'integer' }, at: s } } as const;

/** What a check-in code opens (GET /checkin/:code). */
export const checkinInfoSchema = {
  type: 'object',
  properties: {
    itemId: { type: 'integer' }, itemNo: s, place: s, description: s, categoryName: s, scheduledDate: ns, unitName: ns, status: { type: 'string', enum: ITEM_STATUSES },
    communityName: s, checkinOpen: { type: 'boolean' }, opensOn: { ...ns, description: 'the service day check-in opens on, while it is not open yet' },
  },
} as const;
export const checkedInSchema = { type: 'object', properties: { itemId: { type: 'integer' }, itemNo: s, place: s, member: s, checkedIn: { type: 'boolean' } } } as const;
export const escalatedSchema = { type: 'object', properties: { escalated: { type: 'array', items: { type: 'integer' }, description: 'the items escalated now' } } } as const;
