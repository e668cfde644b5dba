import type { FastifyInstance } from 'fastify';
import { type AuditStream, registerAuditRoute } from '@redheart/shared';
import { HOUSEHOLD_AUDIT_OWNER_PATH } from './repository';

/**
 * The household service's audit stream (household.audit.recorded, followed by the org service's system log): the app's
 * database streams it (registerAuditRoute), and so does the demo seed's (scripts/lib/platform.mjs).
 */
export const HOUSEHOLD_AUDIT_STREAM: AuditStream = { service: 'household', ownerPathSql: HOUSEHOLD_AUDIT_OWNER_PATH };

/**
 * 操作日志 of the household service: GET /api/household/audit, the shared route (shared/src/audit-route.ts: its query,
 * answer schema, roles and paging) over this service's owner rule (./repository.ts).
 */
export default async function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/household', ownerPathSql: HOUSEHOLD_AUDIT_STREAM.ownerPathSql });
}
