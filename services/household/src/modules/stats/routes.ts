import type { FastifyInstance } from 'fastify';
import { parseQuery } from '@redheart/shared';
import { CountiesQuery, SummaryQuery } from './dto';
import { countiesSchema, summarySchema } from './schemas';
import type { CountyStatsService, StatsService } from './service';

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
