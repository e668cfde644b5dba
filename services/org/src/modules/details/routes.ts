import type { FastifyInstance } from 'fastify';
import { auditRoutes } from './audit';
import { cadreRoutes } from './cadres';
import { catalogueRoutes } from './catalogue';
import { compoundRoutes } from './compounds';
import { coverageRoutes } from './coverage';
import { deskRoutes } from './desks';
import { gridRoutes } from './grids';
import { positionRoutes } from './positions';
import { statsRoutes } from './stats';

/**
 * What hangs off the org chart: committee positions, grids and their street cadres, convenience
 * desks, the service catalogue, compounds with their branch coverage, the stats and the audit trail.
 * Every route here needs a login; the one public route is in public-routes.ts.
 */
export default async function detailRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);
  positionRoutes(app);
  gridRoutes(app);
  cadreRoutes(app);
  deskRoutes(app);
  catalogueRoutes(app);
  compoundRoutes(app);
  coverageRoutes(app);
  statsRoutes(app);
  auditRoutes(app);
}
