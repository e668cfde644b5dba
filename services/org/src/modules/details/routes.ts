import type { FastifyInstance } from 'fastify';
import { assertRole } from '@redheart/shared';
import { ORG_WRITERS } from '../units/service';
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
  // A role that may change nothing here is refused first (403), before its body is read.
  app.addHook('preValidation', async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') assertRole(req.user, ORG_WRITERS, '您的角色无权修改组织架构');
  });
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
