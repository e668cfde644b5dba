import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventTables, dropEventTables } from '@redheart/shared';

/**
 * The notification service's database: its event tables (inbox of the events it reads, dead letters),
 * the notifications and who has read them.
 *
 * A notification is addressed one of three ways: to an account (`recipient_account`, the token's sub),
 * to the holders of a role in one organisation (`recipient_role` + `recipient_org_id`: the unit's staff,
 * a community's secretary), or to the holders of a role whose own organisation contains a path
 * (`recipient_role` + `recipient_path`: the street admin above a community). Read state is per account.
 */
export class InitNotification1765810000010 implements MigrationInterface {
  name = 'InitNotification1765810000010';

  async up(q: QueryRunner): Promise<void> {
    await createEventTables(q);
    await q.query(`
      CREATE TABLE notification (
        id bigserial PRIMARY KEY,
        event_id uuid NOT NULL,
        rule text NOT NULL,
        kind text NOT NULL,
        recipient_account text,
        recipient_role text,
        recipient_org_id bigint,
        recipient_path text,
        org_path text,
        record_type text NOT NULL,
        record_id text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        actor text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, rule),
        CHECK (recipient_account IS NOT NULL OR (recipient_role IS NOT NULL AND (recipient_org_id IS NOT NULL OR recipient_path IS NOT NULL)))
      )`);
    await q.query(`CREATE INDEX notification_account_idx ON notification (recipient_account, id DESC) WHERE recipient_account IS NOT NULL`);
    await q.query(`CREATE INDEX notification_role_org_idx ON notification (recipient_role, recipient_org_id, id DESC) WHERE recipient_org_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_role_path_idx ON notification (recipient_role, recipient_path text_pattern_ops, id DESC) WHERE recipient_path IS NOT NULL`);
    await q.query(`
      CREATE TABLE notification_read (
        notification_id bigint NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
        account text NOT NULL,
        read_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, notification_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS notification_read, notification`);
    await dropEventTables(q);
  }
}
