import type { FastifyInstance } from 'fastify';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { parseQuery } from '@redheart/shared';
import { measureProperties } from '../separation/schemas';
import type { CountyStatsService, StatsService } from './service';

class SummaryQuery {
  @IsOptional() @IsString() @Length(7, 10) from?: string;
  @IsOptional() @IsString() @Length(7, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

const counts = { households: { type: 'integer' }, persons: { type: 'integer' } } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const statusCounts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const rates = { type: ['object', 'null'], properties: { takenAt: { type: 'string' }, ...measureProperties } } as const;

const summarySchema = {
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

class CountiesQuery {
  @IsOptional() @IsString() @Length(7, 10) from?: string;
  @IsOptional() @IsString() @Length(7, 10) to?: string;
}

const countyCounts = { communities: { type: 'integer' }, households: { type: 'integer' }, open: { type: 'integer' }, overdue: { type: 'integer' } } as const;
const measureOrNull = { type: ['object', 'null'], properties: measureProperties } as const;
const countySeparation = { type: 'object', properties: { communities: { type: 'integer' }, before: measureOrNull, latest: measureOrNull } } as const;
const countiesSchema = {
  type: 'object',
  properties: {
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    totals: { type: 'object', properties: { ...countyCounts, separation: countySeparation } },
    counties: { type: 'array', items: { type: 'object', properties: { countyId: { type: 'integer' }, ...countyCounts, separation: countySeparation } } },
  },
} as const;

export default async function statsRoutes(app: FastifyInstance, opts: { stats: StatsService; counties: CountyStatsService }) {
  app.addHook('onRequest', app.authenticate);
  app.get('/api/household/stats/summary', {
    schema: {
      tags: ['stats'],
      summary: 'Households and persons moved in (settled move-in cases) per community and month, processing days, open and overdue cases, separation rates before/after, persons moved in by employer (机关事业单位 first); ?from=&to= (YYYY-MM[-DD]) &communityId=',
      response: { 200: summarySchema }, dto: { query: SummaryQuery }
    },
    handler: async (req) => opts.stats.summary(req.user, await parseQuery(SummaryQuery, req.query)),
  });
  app.get('/api/household/stats/counties', {
    schema: {
      tags: ['stats'],
      summary: 'County by county (city_admin: every county; admin: its own): communities, settled households of the period (?from=&to=), open and overdue cases, separation rates at the first and the latest comparison',
      response: { 200: countiesSchema }, dto: { query: CountiesQuery }
    },
    handler: async (req) => opts.counties.counties(req.user, await parseQuery(CountiesQuery, req.query)),
  });
}
