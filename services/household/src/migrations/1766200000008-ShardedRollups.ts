import type { MigrationInterface, QueryRunner } from 'typeorm';
import { shardRollupSql, unshardRollupSql } from '@redheart/shared';
import { SETTLED_COLS, SETTLED_KEY, settledRollupFunctionsSql } from './1765900000000-SettledRollup';

/**
 * case_settled_rollup gets a `shard` (shared/src/rollup.ts, ROLLUP_SHARD_SQL): each database session adds its settles'
 * deltas to a row of its own, so concurrent settles in one community on one day no longer queue for the same three
 * rows (day, month, all time) to the end of each other's transactions. The statistics sum the rows anyway.
 */
export class ShardedRollups1766200000008 implements MigrationInterface {
  name = 'ShardedRollups1766200000008';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of [...shardRollupSql('case_settled_rollup', SETTLED_KEY), ...settledRollupFunctionsSql(true)]) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of [...settledRollupFunctionsSql(false), ...unshardRollupSql('case_settled_rollup', SETTLED_KEY, SETTLED_COLS)]) await q.query(sql);
  }
}
