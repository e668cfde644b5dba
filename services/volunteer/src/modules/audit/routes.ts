import type { FastifyInstance } from 'fastify';
import { communityOwnedPathSql, registerAuditRoute } from '@redheart/shared';

/**
 * 操作日志 of the volunteer service: GET /api/volunteer/audit (shared/src/audit-route.ts). A record
 * belongs to its community; the county's lists (categories, practical projects) to no organisation:
 * the admins'.
 */
export const VOLUNTEER_AUDIT_OWNER_PATH = communityOwnedPathSql({
  item: 'item',
  member: 'member',
  unit_report: 'unit_report',
  project: 'project',
  resource: 'resource',
});

export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH });
}
