import type { FastifyInstance } from 'fastify';
import { type AuditStream, communityOwnedPathSql, registerAuditRoute } from '@redheart/shared';

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

/**
 * The volunteer service's audit stream (volunteer.audit.recorded, followed by the org service's system log): the app's
 * database streams it (registerAuditRoute), and so does the demo seed's (scripts/lib/platform.mjs).
 */
export const VOLUNTEER_AUDIT_STREAM: AuditStream = { service: 'volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH };

export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH });
}
