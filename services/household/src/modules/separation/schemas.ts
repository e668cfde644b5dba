import { CASE_STATUSES, enumSchema, pageSchemaProperties, TASK_KINDS, TASK_STATUSES } from '@redheart/shared';
const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

export const measureProperties = {
  flats: { type: 'integer' },
  flatsSeparated: { type: 'integer' },
  flatRate: nullableNumber,
  residents: { type: 'integer' },
  residentsElsewhere: { type: 'integer' },
  residentRate: nullableNumber,
} as const;

const gridMeasure = { type: 'object', properties: { gridCode: nullableString, ...measureProperties } } as const;

export const compareSchema = {
  type: 'object',
  properties: {
    takenAt: { type: 'string' },
    tasksCreated: { type: 'integer' },
    communities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          communityId: { type: 'integer' }, communityName: { type: 'string' }, snapshotId: { type: 'integer' }, tasksCreated: { type: 'integer' },
          ...measureProperties, grids: { type: 'array', items: gridMeasure },
        },
      },
    },
  },
} as const;

const funnelCounts = {
  identified: { type: 'integer' }, contacted: { type: 'integer' }, applied: { type: 'integer' }, settled: { type: 'integer' }, declined: { type: 'integer' },
  open: { type: 'integer' },
  rates: { type: 'object', properties: { contacted: nullableNumber, applied: nullableNumber, settled: nullableNumber, declined: nullableNumber } },
} as const;

export const funnelSchema = {
  type: 'object',
  properties: {
    communityId: { type: ['integer', 'null'] },
    totals: { type: 'object', properties: funnelCounts },
    grids: { type: 'array', items: { type: 'object', properties: { communityId: { type: 'integer' }, communityName: { type: 'string' }, gridCode: nullableString, ...funnelCounts } } },
  },
} as const;

export const taskSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, communityId: { type: 'integer' }, communityName: { type: 'string' }, gridCode: nullableString, kind: enumSchema(TASK_KINDS),
    propertyId: { type: 'integer' }, certificateNo: { type: 'string' }, address: { type: 'string' }, personName: { type: 'string' }, idMasked: { type: 'string' },
    registeredCommunityId: { type: ['integer', 'null'] }, registeredCommunityName: nullableString, status: { type: 'string', enum: TASK_STATUSES }, caseId: { type: ['integer', 'null'] },
    caseNo: nullableString, caseStatus: { type: ['string', 'null'], enum: [...CASE_STATUSES, null] }, assignedTo: nullableString, note: nullableString, identifiedAt: { type: 'string' },
    contactedAt: nullableString, appliedAt: nullableString, settledAt: nullableString, declinedAt: nullableString, updatedAt: { type: 'string' },
    version: { type: 'integer' }, allowedActions: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const taskListSchema = {
  type: 'object',
  properties: { items: { type: 'array', items: taskSchema }, nextAfter: { type: ['integer', 'null'] }, ...pageSchemaProperties },
} as const;

export const snapshotListSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'integer' }, communityId: { type: 'integer' }, communityName: { type: 'string' }, takenAt: { type: 'string' }, takenBy: { type: 'string' },
      tasksCreated: { type: 'integer' }, ...measureProperties,
    },
  },
} as const;

export const importResultSchema = {
  type: 'object',
  properties: {
    dryRun: { type: 'boolean' }, rows: { type: 'integer' }, properties: { type: 'integer' }, created: { type: 'integer' }, updated: { type: 'integer' },
    owners: { type: 'integer' }, households: { type: 'integer' }, persons: { type: 'integer' },
  },
} as const;
