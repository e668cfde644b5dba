import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 系统日志's filters, each an index walk newest first like the operation log's (indexAuditTable): the action (exact,
 * or a prefix such as `account.`), the record (type and id), the time range; the service and the actor have theirs
 * (SystemLog1766100000005).
 */
export class SystemLogFilterIndexes1766100000006 implements MigrationInterface {
  name = 'SystemLogFilterIndexes1766100000006';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS system_log_action_idx ON system_log (action text_pattern_ops, id DESC)`);
    await q.query(`CREATE INDEX IF NOT EXISTS system_log_record_idx ON system_log (entity_type, entity_id, id DESC)`);
    await q.query(`CREATE INDEX IF NOT EXISTS system_log_occurred_idx ON system_log (occurred_at, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS system_log_occurred_idx`);
    await q.query(`DROP INDEX IF EXISTS system_log_record_idx`);
    await q.query(`DROP INDEX IF EXISTS system_log_action_idx`);
  }
}
