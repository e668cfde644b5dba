import type { MigrationInterface, QueryRunner } from 'typeorm';
import { indexAuditTable, unindexAuditTable } from '@redheart/shared';

/**
 * The console's logs (系统监控): the operation log's indexes on the audit trail; the login log
 * (every attempt: success, wrong password, locked, disabled, throttled; by whom and from where);
 * and what the online-sessions screen shows of a session: the address and browser of each refresh
 * token (a session's latest token says where it was last seen).
 */
export class OrgConsoleLogs1765740000000 implements MigrationInterface {
  name = 'OrgConsoleLogs1765740000000';

  async up(q: QueryRunner): Promise<void> {
    await indexAuditTable(q);
    await q.query(`CREATE TABLE login_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      username text NOT NULL,
      account_id bigint,
      result text NOT NULL CHECK (result IN ('success', 'bad_password', 'locked', 'disabled', 'throttled')),
      ip text NOT NULL,
      user_agent text
    )`);
    await q.query(`CREATE INDEX login_log_username_idx ON login_log (username, id DESC)`);
    await q.query(`CREATE INDEX login_log_ip_idx ON login_log (ip, id DESC)`);
    await q.query(`CREATE INDEX login_log_result_idx ON login_log (result, id DESC)`);
    await q.query(`CREATE INDEX login_log_account_idx ON login_log (account_id, id DESC)`);
    await q.query(`CREATE INDEX login_log_at_idx ON login_log (at)`);
    await q.query(`ALTER TABLE refresh_token ADD COLUMN ip text, ADD COLUMN user_agent text`);
    // a live session's current token: the online-sessions list walks this
    await q.query(`CREATE INDEX refresh_token_live_idx ON refresh_token (created_at DESC) WHERE used_at IS NULL AND revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS refresh_token_live_idx`);
    await q.query(`ALTER TABLE refresh_token DROP COLUMN ip, DROP COLUMN user_agent`);
    await q.query(`DROP TABLE login_log`);
    await unindexAuditTable(q);
  }
}
