import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subtree counts and scope-wide lists ask for current organisations under a path prefix. A partial
 * index over current paths answers them with an index-only scan instead of visiting every heap row
 * of the subtree to read valid_to (a city of ~60,000 organisations: see docs/benchmarks.md).
 */
export class CurrentPathIndex1764500000000 implements MigrationInterface {
  name = 'CurrentPathIndex1764500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX org_unit_current_path_idx ON org_unit (path text_pattern_ops) WHERE valid_to IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS org_unit_current_path_idx`);
  }
}
