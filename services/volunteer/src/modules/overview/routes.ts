import type { FastifyInstance } from 'fastify';
import { parseQuery } from '@redheart/shared';
import { OverviewQuery } from './dto';
import { countiesSchema, overviewSchema } from './schemas';
import type { CountyOverviewService, OverviewService } from './service';

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
