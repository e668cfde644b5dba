import { ITEM_STATUSES } from '../../domain';

const int = { type: 'integer' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const figures = {
  items: int, open: int, claimed: int, delivered: int, rated: int, averageRating: nullableNumber, escalated: int, releases: int, rework: int,
  hours: { type: 'number' }, checkIns: int, pledges: int, pledgesDelivered: int, units: int, members: int,
} as const;

/** GET /api/volunteer/overview: the figures the city overview shows next to org coverage and household statistics. */
export const overviewSchema = {
  type: 'object',
  properties: {
    streetId: { type: ['integer', 'null'] },
    communityId: { type: ['integer', 'null'] },
    totals: { type: 'object', properties: { communities: int, ...figures, serviceDaysHeld: int, checkInsPerServiceDay: nullableNumber } },
    byStatus: { type: 'object', properties: Object.fromEntries(ITEM_STATUSES.map((s) => [s, int])) },
    serviceDays: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, scheduled: int, delivered: int, checkIns: int } } },
    communities: {
      type: 'array',
      items: { type: 'object', properties: { communityId: int, communityName: { type: 'string' }, streetName: { type: ['string', 'null'] }, ...figures } },
    },
  },
} as const;

const countyFigures = {
  communities: int, items: int, open: int, delivered: int, deliveryRate: nullableNumber, rated: int, averageRating: nullableNumber,
  hours: { type: 'number' }, units: int, members: int,
} as const;

/** GET /api/volunteer/overview/counties: the same figures county by county. */
export const countiesSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: countyFigures },
    counties: { type: 'array', items: { type: 'object', properties: { countyId: int, ...countyFigures } } },
  },
} as const;
