import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reveal log answers "who saw which ID number" per street: each entry records the community the
 * person was registered in when revealed (and through it the street), so a street admin reads only its
 * own streets' reveals. Entries written before this migration take the community of the person's
 * active registration, else of their latest one.
 */
export class RevealLogCommunity1764750000000 implements MigrationInterface {
  name = 'RevealLogCommunity1764750000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE id_reveal_log ADD COLUMN community_id bigint`);
    await q.query(`
      UPDATE id_reveal_log l SET community_id = (
        SELECT h.community_id FROM registration r JOIN household h ON h.id = r.household_id
         WHERE r.person_id = l.subject_id ORDER BY (r.status = 'active') DESC, r.id DESC LIMIT 1)
       WHERE l.subject_type = 'person'`);
    await q.query(`CREATE INDEX id_reveal_log_community_idx ON id_reveal_log (community_id, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS id_reveal_log_community_idx`);
    await q.query(`ALTER TABLE id_reveal_log DROP COLUMN community_id`);
  }
}
