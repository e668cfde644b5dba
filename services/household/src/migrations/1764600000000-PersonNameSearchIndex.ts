import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Name search returns the first 20 persons by name: with an index in exactly that order
 * (byte order, then id) PostgreSQL walks the matches in order and stops at 20, instead of joining
 * every person of a common two-character name before sorting (see docs/benchmarks.md, household).
 */
export class PersonNameSearchIndex1764600000000 implements MigrationInterface {
  name = 'PersonNameSearchIndex1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX person_name_c_id_idx ON person ((name COLLATE "C"), id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS person_name_c_id_idx`);
  }
}
