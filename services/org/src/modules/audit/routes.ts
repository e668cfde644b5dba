import type { FastifyInstance } from 'fastify';
import { registerAuditRoute } from '@redheart/shared';
import { recordRoutes } from '../org-records';
import { recordSystemLog } from '../system-log/service';
import { ORG_AUDIT_OWNER_PATH } from './repository';

/**
 * 操作日志 of the org service: GET /api/org/audit (shared/src/audit-route.ts). Its entries go out as
 * org.audit.recorded and into the system log (系统日志) in their own transaction.
 */
export default async function auditRoutes(app: FastifyInstance) {
  recordRoutes(app);
  registerAuditRoute(app, { prefix: '/api/org', ownerPathSql: ORG_AUDIT_OWNER_PATH, authenticate: false, stream: { alsoInTransaction: recordSystemLog } });
}
