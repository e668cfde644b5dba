import type { MigrationInterface, QueryRunner } from 'typeorm';
import { shardRollupSql, unshardRollupSql } from '@redheart/shared';
import { ITEM_ROLLUPS, itemRollupTriggerSql } from './1765900000002-ItemRollup';

/** The trigger functions only (CREATE OR REPLACE), not their triggers. */
const functionsSql = (sharded: boolean) => itemRollupTriggerSql(sharded).map((sqls) => sqls[0].replace(/^CREATE FUNCTION/, 'CREATE OR REPLACE FUNCTION'));

/**
 * item_community_rollup and item_hours_rollup get a `shard` (shared/src/rollup.ts, ROLLUP_SHARD_SQL): each database
 * session adds its deltas to rows of its own, so concurrent claims in one community no longer queue for the same
 * two rows (the old status's and the new one's) to the end of each other's transactions. The overviews sum the rows anyway.
 */
export class ShardedRollups1766200000008 implements MigrationInterface {
  name = 'ShardedRollups1766200000008';

  async up(q: QueryRunner): Promise<void> {
    for (const r of ITEM_ROLLUPS) for (const sql of shardRollupSql(r.table, r.key)) await q.query(sql);
    for (const sql of functionsSql(true)) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of functionsSql(false)) await q.query(sql);
    for (const r of ITEM_ROLLUPS) for (const sql of unshardRollupSql(r.table, r.key, r.cols)) await q.query(sql);
  }
}
