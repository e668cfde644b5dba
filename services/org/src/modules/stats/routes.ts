import type { FastifyInstance } from 'fastify';
import { recordRoutes, requestCtx } from '../org-records';
import { statsSchema } from './schemas';
import { StatsService } from './service';

/** The programme's figures within the caller's scope. */
export default async function statsRoutes(app: FastifyInstance) {
  recordRoutes(app);
  // Counts tolerate a little lag: the replica when there is one.
  const service = new StatsService(app.dbRead);

  app.get('/api/org/stats', {
    schema: { tags: ['stats'], summary: 'Counts of organisations, positions, grids, services and desks within the caller’s scope', response: { 200: statsSchema } },
    handler: async (req) => service.stats(requestCtx(req)),
  });
}
