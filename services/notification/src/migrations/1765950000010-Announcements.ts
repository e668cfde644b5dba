import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainAuditTable, createAuditTable, dropAuditTable, unchainAuditTable } from '@redheart/shared';

/**
 * Mutes and announcements (通知公告).
 *
 * - `notification_mute`: the kinds an account muted (GET/PUT /api/notify/preferences). Muted
 *   notifications are still written (they are addressed to a role, not to one account) but are
 *   hidden from that account: left out of its list, unread count and stream, and named in
 *   `mutedBy` for the outbound channels. Unmuting a kind shows its notifications again.
 * - a fourth way to address a notification: to every account whose own organisation lies under
 *   `recipient_under` (an announcement's scope), limited to `recipient_roles` when not null;
 *   `withdrawn_at` hides a notification from everyone (an announcement withdrawn).
 * - `notification_read` records the reader's username and role: an announcement's read receipts.
 * - `announcement`: what was published, to which scope and roles, whether it is public, and the
 *   notification that carries it to the bells.
 * - `audit_entry` (hash-chained like the other services'): publish and withdraw.
 */
export class Announcements1765950000010 implements MigrationInterface {
  name = 'Announcements1765950000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_mute (
        account text NOT NULL,
        kind text NOT NULL,
        muted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, kind)
      )`);
    await q.query(`ALTER TABLE notification ADD COLUMN recipient_under text, ADD COLUMN recipient_roles text[], ADD COLUMN withdrawn_at timestamptz`);
    await q.query(`ALTER TABLE notification DROP CONSTRAINT notification_check`);
    await q.query(`ALTER TABLE notification ADD CONSTRAINT notification_addressed CHECK (recipient_account IS NOT NULL OR recipient_under IS NOT NULL
      OR (recipient_role IS NOT NULL AND (recipient_org_id IS NOT NULL OR recipient_path IS NOT NULL)))`);
    await q.query(`CREATE INDEX notification_under_idx ON notification (id DESC) WHERE recipient_under IS NOT NULL`);
    await q.query(`ALTER TABLE notification_read ADD COLUMN username text, ADD COLUMN role text`);
    await q.query(`CREATE INDEX notification_read_notification_idx ON notification_read (notification_id, read_at)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION notification_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('notification_new', json_build_object(
          'id', NEW.id, 'kind', NEW.kind, 'account', NEW.recipient_account, 'role', NEW.recipient_role,
          'orgId', NEW.recipient_org_id, 'path', NEW.recipient_path, 'under', NEW.recipient_under, 'roles', NEW.recipient_roles)::text);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TABLE announcement (
        id bigserial PRIMARY KEY,
        title text NOT NULL,
        body text NOT NULL,
        scope_org_id bigint NOT NULL,
        scope_path text NOT NULL,
        scope_name text NOT NULL,
        roles text[],
        public boolean NOT NULL DEFAULT false,
        publisher_account text NOT NULL,
        publisher_username text NOT NULL,
        publisher_role text NOT NULL,
        publisher_name text NOT NULL,
        publisher_path text NOT NULL,
        notification_id bigint REFERENCES notification (id),
        published_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        withdrawn_by text
      )`);
    await q.query(`CREATE INDEX announcement_scope_idx ON announcement (scope_path text_pattern_ops, id DESC)`);
    await q.query(`CREATE INDEX announcement_public_idx ON announcement (id DESC) WHERE public AND withdrawn_at IS NULL`);
    await createAuditTable(q);
    await chainAuditTable(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await unchainAuditTable(q);
    await dropAuditTable(q);
    await q.query(`DROP TABLE IF EXISTS announcement`);
    await q.query(`
      CREATE OR REPLACE FUNCTION notification_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('notification_new', json_build_object(
          'id', NEW.id, 'kind', NEW.kind, 'account', NEW.recipient_account, 'role', NEW.recipient_role,
          'orgId', NEW.recipient_org_id, 'path', NEW.recipient_path)::text);
        RETURN NULL;
      END $$`);
    await q.query(`DROP INDEX IF EXISTS notification_read_notification_idx`);
    await q.query(`ALTER TABLE notification_read DROP COLUMN username, DROP COLUMN role`);
    await q.query(`DELETE FROM notification WHERE recipient_under IS NOT NULL`);
    await q.query(`ALTER TABLE notification DROP CONSTRAINT notification_addressed`);
    await q.query(`ALTER TABLE notification ADD CONSTRAINT notification_check CHECK (recipient_account IS NOT NULL OR (recipient_role IS NOT NULL AND (recipient_org_id IS NOT NULL OR recipient_path IS NOT NULL)))`);
    await q.query(`ALTER TABLE notification DROP COLUMN recipient_under, DROP COLUMN recipient_roles, DROP COLUMN withdrawn_at`);
    await q.query(`DROP TABLE IF EXISTS notification_mute`);
  }
}
