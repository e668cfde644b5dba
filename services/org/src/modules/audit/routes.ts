import type { FastifyInstance } from 'fastify';
import { type AuditStream, registerAuditRoute } from '@redheart/shared';
import { recordRoutes } from '../org-records';
import { recordSystemLog } from '../system-log/service';
import { ORG_AUDIT_OWNER_PATH } from './repository';

/**
 * The org service's audit stream: its entries go out as org.audit.recorded and into the system log (系统日志) in their
 * own transaction. The app's database streams it (registerAuditRoute), and so does the demo seed's
 * (scripts/lib/platform.mjs), so the seeded history reaches the system log too.
 */
export const ORG_AUDIT_STREAM: AuditStream = { service: 'org', ownerPathSql: ORG_AUDIT_OWNER_PATH, alsoInTransaction: recordSystemLog };

/** 操作日志 of the org service: GET /api/org/audit (shared/src/audit-route.ts). */
export default async function auditRoutes(app: FastifyInstance) {
  recordRoutes(app);
  registerAuditRoute(app, { prefix: '/api/org', ownerPathSql: ORG_AUDIT_STREAM.ownerPathSql, authenticate: false, stream: { alsoInTransaction: recordSystemLog } });
}
