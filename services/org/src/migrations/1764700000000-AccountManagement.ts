import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts are managed by the organisation department (账号管理): a version for optimistic
 * locking, when it last changed, and whether its password is a one-time password that must be
 * replaced at the next login (new accounts and resets).
 */
export class AccountManagement1764700000000 implements MigrationInterface {
  name = 'AccountManagement1764700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE account
      ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
      ADD COLUMN password_changed_at timestamptz,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN version int NOT NULL DEFAULT 1`);
    await q.query(`CREATE INDEX account_display_name_idx ON account (display_name)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS account_display_name_idx`);
    await q.query(`ALTER TABLE account DROP COLUMN must_change_password, DROP COLUMN password_changed_at, DROP COLUMN updated_at, DROP COLUMN version`);
  }
}
