import type { FastifyInstance } from 'fastify';
import { parseQuery } from '@redheart/shared';
import { recordRoutes, requestCtx } from '../org-records';
import { CoverageQuery } from './dto';
import { countyCoverageSchema, coverageSchema } from './schemas';
import { CoverageService } from './service';

/** Compound-branch coverage (小区党支部覆盖率) per street and community, and county by county. */
export default async function coverageRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new CoverageService(app.db);

  app.get('/api/org/coverage/counties', {
    schema: {
      tags: ['coverage'],
      summary: 'County by county (city_admin: every county of the city; admin: its own): streets, communities and compound-branch coverage',
      response: { 200: countyCoverageSchema },
    },
    handler: async (req) => service.counties(requestCtx(req)),
  });

  app.get('/api/org/coverage', {
    schema: { tags: ['coverage'], summary: 'Compound-branch coverage per street and community within the caller’s scope', response: { 200: coverageSchema }, dto: { query: CoverageQuery } },
    handler: async (req) => {
      const q = await parseQuery(CoverageQuery, req.query);
      return service.coverage(requestCtx(req), q.streetId);
    },
  });
}
