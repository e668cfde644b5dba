import type { FastifyInstance } from 'fastify';
import { registerAuditRoute } from '@redheart/shared';
import { recordSystemLog } from '../system-log';

/**
 * The path of the organisation an audited record belongs to, so a street admin reads the trail of
 * their own street only. Entity types not listed here (the county-wide catalogue) have none: admins only.
 */
const owned = (table: string, column: string) =>
  `(SELECT o.path FROM ${table} x JOIN org_unit o ON o.id = x.${column} WHERE x.id = a.entity_id::bigint)`;
export const ORG_AUDIT_OWNER_PATH = `CASE WHEN a.entity_id ~ '^[0-9]{1,18}$' THEN
    CASE a.entity_type
      WHEN 'org_unit' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'community_catalogue' THEN (SELECT o.path FROM org_unit o WHERE o.id = a.entity_id::bigint)
      WHEN 'position' THEN ${owned('position', 'org_id')}
      WHEN 'grid' THEN ${owned('grid', 'community_id')}
      WHEN 'cadre_assignment' THEN ${owned('cadre_assignment', 'community_id')}
      WHEN 'desk' THEN ${owned('desk', 'community_id')}
      WHEN 'compound' THEN ${owned('compound', 'community_id')}
      WHEN 'account' THEN ${owned('account', 'org_id')}
    END
  END`;

/**
 * 操作日志 of the org service: GET /api/org/audit (shared/src/audit-route.ts). Its entries go out as
 * org.audit.recorded and into the system log (系统日志) in their own transaction.
 */
export function auditRoutes(app: FastifyInstance) {
  registerAuditRoute(app, { prefix: '/api/org', ownerPathSql: ORG_AUDIT_OWNER_PATH, authenticate: false, stream: { alsoInTransaction: recordSystemLog } });
}
