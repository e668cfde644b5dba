import type { FastifyInstance } from 'fastify';
import { registerAuditRoute } from '@redheart/shared';
import { VOLUNTEER_AUDIT_OWNER_PATH } from './repository';

/**
 * 操作日志 of the volunteer service: GET /api/volunteer/audit, the shared route (shared/src/audit-route.ts: its query,
 * answer schema, roles and paging) over this service's owner rule (./repository.ts).
 */
export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH });
}
