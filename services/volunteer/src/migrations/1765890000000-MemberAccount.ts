import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A member's platform account (the token's subject), so the notification service can tell the member of
 * what concerns them (hours posted): recorded when the member reports (双报到) and learnt whenever the
 * member acts (sign-up, check-in). Null for a member who never used the platform (nobody to tell).
 */
export class MemberAccount1765890000000 implements MigrationInterface {
  name = 'MemberAccount1765890000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member ADD COLUMN account_id text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE member DROP COLUMN IF EXISTS account_id`);
  }
}
