import type { FastifyInstance } from 'fastify';
import { type AuditStream, registerAuditRoute } from '@redheart/shared';
import { VOLUNTEER_AUDIT_OWNER_PATH } from './repository';

/**
 * 操作日志 of the volunteer service: GET /api/volunteer/audit, the shared route (shared/src/audit-route.ts: its query,
 * answer schema, roles and paging) over this service's owner rule (./repository.ts).
 */

/**
 * The volunteer service's audit stream (volunteer.audit.recorded, followed by the org service's system log): the app's
 * database streams it (registerAuditRoute), and so does the demo seed's (scripts/lib/platform.mjs).
 */
export const VOLUNTEER_AUDIT_STREAM: AuditStream = { service: 'volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH };

export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/volunteer', ownerPathSql: VOLUNTEER_AUDIT_OWNER_PATH });
}
