/** JSON schemas of the statistics' answers. */
import { measureProperties } from '../separation/schemas';

const counts = { households: { type: 'integer' }, persons: { type: 'integer' } } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const statusCounts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const rates = { type: ['object', 'null'], properties: { takenAt: { type: 'string' }, ...measureProperties } } as const;

export const summarySchema = {
  type: 'object',
  properties: {
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    communityId: { type: ['integer', 'null'] },
    totals: { type: 'object', properties: { ...counts, avgProcessingDays: nullableNumber, open: { type: 'integer' }, overdue: { type: 'integer' } } },
    communities: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          communityId: { type: 'integer' }, communityName: { type: 'string' }, streetName: { type: ['string', 'null'] }, ...counts,
          avgProcessingDays: nullableNumber, open: { type: 'integer' }, overdue: { type: 'integer' },
        },
      },
    },
    months: { type: 'array', items: { type: 'object', properties: { month: { type: 'string' }, ...counts } } },
    personsByEmployer: {
      type: 'object',
      description: 'Persons moved in (settled move-in cases of the period) by where they work: 机关事业单位, 企业, 其他, not given',
      properties: { public_institution: { type: 'integer' }, enterprise: { type: 'integer' }, other: { type: 'integer' }, unknown: { type: 'integer' } },
    },
    openByStatus: statusCounts,
    overdueByStatus: statusCounts,
    separation: { type: 'object', properties: { communities: { type: 'integer' }, before: rates, now: rates } },
  },
} as const;


const countyCounts = { communities: { type: 'integer' }, households: { type: 'integer' }, open: { type: 'integer' }, overdue: { type: 'integer' } } as const;
const measureOrNull = { type: ['object', 'null'], properties: measureProperties } as const;
const countySeparation = { type: 'object', properties: { communities: { type: 'integer' }, before: measureOrNull, latest: measureOrNull } } as const;
export const countiesSchema = {
  type: 'object',
  properties: {
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    totals: { type: 'object', properties: { ...countyCounts, separation: countySeparation } },
    counties: { type: 'array', items: { type: 'object', properties: { countyId: { type: 'integer' }, ...countyCounts, separation: countySeparation } } },
  },
} as const;
