import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions that end, end: an epoch per account carried in its access tokens (`sv`) and a feed of
 * ended sessions that every service polls. Login abuse: failures per address across usernames,
 * and locks per (username, address) pair instead of per account (so a stranger cannot lock the
 * real user out).
 */
export class SessionsAndLoginThrottle1764910000000 implements MigrationInterface {
  name = 'SessionsAndLoginThrottle1764910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE account ADD COLUMN session_epoch int NOT NULL DEFAULT 0, DROP COLUMN failed_logins, DROP COLUMN locked_until`);
    await q.query(`CREATE TABLE session_revocation (
      id bigserial PRIMARY KEY,
      account_id bigint NOT NULL REFERENCES account(id) ON DELETE CASCADE,
      session_id uuid,
      epoch int NOT NULL,
      reason text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX session_revocation_at_idx ON session_revocation (at)`);
    await q.query(`CREATE TABLE login_failure (
      id bigserial PRIMARY KEY,
      address text NOT NULL,
      username text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX login_failure_address_idx ON login_failure (address, at)`);
    await q.query(`CREATE INDEX login_failure_at_idx ON login_failure (at)`);
    await q.query(`CREATE TABLE login_lock (
      username text NOT NULL,
      address text NOT NULL,
      failures int NOT NULL DEFAULT 0,
      level int NOT NULL DEFAULT 0,
      until timestamptz,
      last_failure_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (username, address)
    )`);
    await q.query(`CREATE INDEX login_lock_until_idx ON login_lock (username, until)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_lock`);
    await q.query(`DROP TABLE login_failure`);
    await q.query(`DROP TABLE session_revocation`);
    await q.query(`ALTER TABLE account DROP COLUMN session_epoch, ADD COLUMN failed_logins int NOT NULL DEFAULT 0, ADD COLUMN locked_until timestamptz`);
  }
}
