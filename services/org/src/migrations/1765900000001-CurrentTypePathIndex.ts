import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The city overview's coverage comparison (CoverageService.counties) finds each county's current
 * communities by a path range; over org_unit_current_path_idx that range walks every current
 * organisation of the county, member households included (≈ 1.7 M at Yantai's full size). Keyed by
 * type first, the walk reads the county's communities only (issue 13; docs/benchmarks.md, bench:city).
 */
export class CurrentTypePathIndex1765900000001 implements MigrationInterface {
  name = 'CurrentTypePathIndex1765900000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX org_unit_current_type_path_idx ON org_unit (type, path text_pattern_ops) WHERE valid_to IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS org_unit_current_type_path_idx`);
  }
}
