import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 系统日志: every service's audit trail in one place, followed on events (`<service>.audit.recorded`: household,
 * volunteer and notify by the org service's consumers; the org service's own entries in their own transaction).
 * One row per entry (service, audit id); never before/after (the event does not carry them).
 */
export class SystemLog1766100000005 implements MigrationInterface {
  name = 'SystemLog1766100000005';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE system_log (
      id bigserial PRIMARY KEY,
      service text NOT NULL,
      audit_id bigint NOT NULL,
      seq bigint,
      occurred_at timestamptz NOT NULL,
      actor_id text,
      actor_username text,
      actor_role text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      reason text,
      request_id text,
      org_path text,
      received_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (service, audit_id)
    )`);
    await q.query(`CREATE INDEX system_log_service_idx ON system_log (service, id DESC)`);
    await q.query(`CREATE INDEX system_log_actor_idx ON system_log (actor_username, id DESC)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS system_log`);
  }
}
