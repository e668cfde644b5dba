import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live delivery (SSE, `/api/notify/stream`):
 * - `stream_ticket`: the short-lived single-use tickets an EventSource presents instead of an
 *   Authorization header (it cannot send one). Only the ticket's SHA-256 is stored, with the caller as
 *   its token said (the AuthUser claims and the token's expiry: the stream ends then).
 * - `notification_inserted()`: every new notification is announced with `pg_notify('notification_new', …)`
 *   (its id, kind and addressee), delivered at commit to every replica LISTENing on this database, so a
 *   notification written by the replica that consumed the event reaches a stream open on another one.
 */
export class NotificationStream1765880000010 implements MigrationInterface {
  name = 'NotificationStream1765880000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stream_ticket (
        ticket_hash text PRIMARY KEY,
        account text NOT NULL,
        claims jsonb NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX stream_ticket_expires_idx ON stream_ticket (expires_at)`);
    await q.query(`
      CREATE FUNCTION notification_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('notification_new', json_build_object(
          'id', NEW.id, 'kind', NEW.kind, 'account', NEW.recipient_account, 'role', NEW.recipient_role,
          'orgId', NEW.recipient_org_id, 'path', NEW.recipient_path)::text);
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER notification_inserted AFTER INSERT ON notification FOR EACH ROW EXECUTE FUNCTION notification_inserted()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS notification_inserted ON notification`);
    await q.query(`DROP FUNCTION IF EXISTS notification_inserted()`);
    await q.query(`DROP TABLE IF EXISTS stream_ticket`);
  }
}
