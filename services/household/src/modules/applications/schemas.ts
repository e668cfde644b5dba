import { APPLICATION_STATUSES, nullableEnumSchema } from '@redheart/shared';

const ns = { type: ['string', 'null'] } as const;
const s = { type: 'string' } as const;
const i = { type: 'integer' } as const;

export const applicationSummarySchema = {
  type: 'object',
  properties: {
    id: i, applicationNo: s, serviceId: i, serviceCode: s, serviceName: s, category: s, timeLimitDays: { ...i, description: '办结时限（工作日，0 = 即办）' },
    communityId: i, communityName: s,
    status: { type: 'string', enum: APPLICATION_STATUSES },
    applicantName: s, department: ns,
    light: { type: 'string', enum: ['green', 'yellow', 'red', 'none'] }, dueAt: ns,
    createdAt: s, updatedAt: s, doneAt: ns, version: i,
  },
} as const;

export const applicationDetailSchema = {
  type: 'object',
  properties: {
    ...applicationSummarySchema.properties,
    applicantPhone: ns,
    result: ns,
    acceptedAt: ns,
    checklist: { type: 'array', items: { type: 'object', properties: { item: s, provided: { type: 'boolean' } } } },
    missingItems: { type: 'array', items: s },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: i, action: s, fromStatus: nullableEnumSchema(APPLICATION_STATUSES), toStatus: nullableEnumSchema(APPLICATION_STATUSES), actorUsername: s, actorRole: s, at: s, reason: ns, data: { type: ['object', 'null'], additionalProperties: true } },
      },
    },
    allowedActions: { type: 'array', items: s },
  },
} as const;

export const applicationListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: applicationSummarySchema }, total: i, totalExact: { type: 'boolean' }, page: i, limit: i },
} as const;

const measures = {
  total: i, open: i, done: i, rejected: i, handedOver: i, overdue: i, doneInTime: i, avgDaysToDone: { type: ['number', 'null'] },
} as const;

export const applicationStatsSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: { total: i, open: i, done: i, rejected: i, handedOver: i, overdue: i, doneInTime: i } },
    byService: { type: 'array', items: { type: 'object', properties: { serviceId: i, serviceCode: s, serviceName: s, category: s, ...measures } } },
    byCommunity: { type: 'array', items: { type: 'object', properties: { communityId: i, communityName: s, streetName: ns, ...measures } } },
  },
} as const;

export const catalogueListSchema = {
  type: 'object',
  properties: {
    items: {
      type: 'array',
      items: { type: 'object', properties: { id: i, code: s, name: s, category: s, materials: { type: 'array', items: s }, timeLimitDays: i } },
    },
  },
} as const;
