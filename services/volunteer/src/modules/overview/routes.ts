import type { FastifyInstance } from 'fastify';
import { IsInt, IsOptional, Min } from 'class-validator';
import { parseQuery } from '@redheart/shared';
import { ITEM_STATUSES } from '../../domain';
import type { CountyOverviewService, OverviewService } from './service';

class OverviewQuery {
  @IsOptional() @IsInt() @Min(1) streetId?: number;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

const int = { type: 'integer' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const figures = {
  items: int, open: int, claimed: int, delivered: int, rated: int, averageRating: nullableNumber, escalated: int, releases: int, rework: int,
  hours: { type: 'number' }, checkIns: int, pledges: int, pledgesDelivered: int, units: int, members: int,
} as const;

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

/** GET /api/volunteer/overview: the figures the city overview shows next to org coverage and household statistics. */
const countyFigures = {
  communities: int, items: int, open: int, delivered: int, deliveryRate: nullableNumber, rated: int, averageRating: nullableNumber,
  hours: { type: 'number' }, units: int, members: int,
} as const;

export const countiesSchema = {
  type: 'object',
  properties: {
    totals: { type: 'object', properties: countyFigures },
    counties: { type: 'array', items: { type: 'object', properties: { countyId: int, ...countyFigures } } },
  },
} as const;

export default async function overviewRoutes(app: FastifyInstance, opts: { overview: OverviewService; counties: CountyOverviewService }) {
  app.addHook('onRequest', app.authenticate);
  app.get('/api/volunteer/overview', {
    schema: {
      tags: ['overview'],
      summary: 'Items claimed, delivered and rated, average rating, service-day attendance, hours, pledges, per community in scope; ?streetId=&communityId=',
      response: { 200: overviewSchema }, dto: { query: OverviewQuery }
    },
    handler: async (req) => opts.overview.overview(req.user, await parseQuery(OverviewQuery, req.query)),
  });
  app.get('/api/volunteer/overview/counties', {
    schema: {
      tags: ['overview'],
      summary: 'County by county (city_admin: every county; admin: its own): items, open, delivered, delivery rate, ratings, posted hours, reported units and members',
      response: { 200: countiesSchema },
    },
    handler: async (req) => opts.counties.counties(req.user),
  });
}
