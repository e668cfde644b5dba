import type { DataSource, EntityManager } from 'typeorm';
import { type AuditRecorded, listAudit } from '@redheart/shared';
import type { SystemLogQuery } from './dto';

const COLUMNS = `a.id, a.service, a.audit_id AS "auditId", a.occurred_at AS "occurredAt", a.actor_id AS "actorId", a.actor_username AS "actorUsername",
  a.actor_role AS "actorRole", a.action, a.entity_type AS "entityType", a.entity_id AS "entityId", a.reason, a.request_id AS "requestId"`;

/** Writes one entry (a second copy of the same service and audit id does nothing). */
export async function insertSystemLog(m: EntityManager, e: AuditRecorded): Promise<void> {
  await m.query(
    `INSERT INTO system_log (service, audit_id, seq, occurred_at, actor_id, actor_username, actor_role, action, entity_type, entity_id, reason, request_id, org_path)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (service, audit_id) DO NOTHING`,
    [e.service, e.auditId, e.seq, e.occurredAt, e.actorId, e.actorUsername, e.actorRole, e.action, e.entityType, e.entityId, e.reason, e.requestId, e.orgPath],
  );
}

/**
 * A page of system_log, newest first, through the operation logs' shared list (shared/src/audit-route.ts listAudit: its
 * filters, time range and paging) scoped by the entry's org path; `scopePaths` null: every entry; `unowned`: also the
 * entries of no organisation.
 */
export function listSystemLog(db: DataSource, q: SystemLogQuery, scopePaths: readonly string[] | null, unowned: boolean) {
  return listAudit((sql, params) => db.query(sql, params), 'a.org_path', q, scopePaths, unowned, {
    table: 'system_log', columns: COLUMNS, filters: q.service ? [{ sql: (n) => `a.service = $${n}`, value: q.service }] : [],
  });
}
