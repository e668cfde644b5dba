import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropRollupTriggerSql, incrementSql, rollupTriggerSql } from '@redheart/shared';

/**
 * The overviews read maintained totals instead of every item of the scope (issue 13):
 * `item_community_rollup` holds per community and item status the items, those rated with the sum of
 * their ratings, and the live-pledge candidates (a pledge a unit holds); `item_hours_rollup` the posted
 * volunteer hours per community. Statement-level triggers on item and item_hours keep both exact in
 * the transaction that writes (report, every transition, merge, import, seed, delete): each adds the
 * contribution of the rows as they are after the statement and subtracts the one they had before, as
 * INSERT … ON CONFLICT DO UPDATE increments in key order (no lost update between two transactions).
 */
const ITEM_COLS = ['items', 'rated', 'rating_sum', 'pledges'];
const HOUR_COLS = ['hours'];

export const ITEM_ROLLUPS = [
  { table: 'item_community_rollup', key: ['community_id', 'status'], cols: ITEM_COLS },
  { table: 'item_hours_rollup', key: ['community_id'], cols: HOUR_COLS },
];
const itemUpsert = (select: string, sharded = false) => incrementSql('item_community_rollup', ['community_id', 'status'], ITEM_COLS, select, '', sharded);
const hourUpsert = (select: string, sharded = false) => incrementSql('item_hours_rollup', ['community_id'], HOUR_COLS, select, '', sharded);

const itemRows = (rel: string, sign: number) => `
  SELECT i.community_id, i.status, ${sign} AS items, ${sign} * (i.rating IS NOT NULL)::int AS rated, ${sign} * coalesce(i.rating, 0) AS rating_sum,
         ${sign} * (i.pledge AND i.unit_id IS NOT NULL)::int AS pledges
    FROM ${rel} i`;
/** The posted hours of the items that an UPDATE moved to another community: out of the old one, into the new one. */
const movedHours = (side: 'o' | 'n', sign: number) => `
  SELECT ${side}.community_id, ${sign} * h.hours AS hours
    FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.community_id <> o.community_id JOIN item_hours h ON h.item_id = o.id AND h.posted`;
/** The posted hours in `rel` (a transition table of item_hours), times `sign`, under their item's community now. */
const hourRows = (rel: string, sign: number) => `
  SELECT i.community_id, ${sign} * h.hours AS hours FROM ${rel} h JOIN item i ON i.id = h.item_id WHERE h.posted`;

/** The trigger SQL of item and item_hours: adding to one shard per session (`sharded`, migration ShardedRollups) or to the one row of a key. */
export function itemRollupTriggerSql(sharded: boolean): [string[], string[]] {
  const itemSql = rollupTriggerSql('item', 'item_rollup_items', {
    insert: itemUpsert(itemRows('new_rows', 1), sharded),
    // an item that moves to another community takes its posted hours along
    update: `${itemUpsert(`${itemRows('old_rows', -1)} UNION ALL ${itemRows('new_rows', 1)}`, sharded)};
      ${hourUpsert(`${movedHours('o', -1)} UNION ALL ${movedHours('n', 1)}`, sharded)}`,
    delete: itemUpsert(itemRows('old_rows', -1), sharded),
  });
  const hourSql = rollupTriggerSql('item_hours', 'item_rollup_hours', {
    insert: hourUpsert(hourRows('new_rows', 1), sharded),
    update: hourUpsert(`${hourRows('old_rows', -1)} UNION ALL ${hourRows('new_rows', 1)}`, sharded),
    delete: hourUpsert(hourRows('old_rows', -1), sharded),
  });
  return [itemSql, hourSql];
}

export class ItemRollup1765900000002 implements MigrationInterface {
  name = 'ItemRollup1765900000002';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_community_rollup (
        community_id bigint NOT NULL,
        status text NOT NULL,
        items int NOT NULL DEFAULT 0,
        rated int NOT NULL DEFAULT 0,
        rating_sum int NOT NULL DEFAULT 0,
        pledges int NOT NULL DEFAULT 0,
        PRIMARY KEY (community_id, status)
      )`);
    await q.query(`CREATE TABLE item_hours_rollup (community_id bigint PRIMARY KEY, hours numeric NOT NULL DEFAULT 0)`);
    await q.query(`LOCK TABLE item, item_hours IN SHARE MODE`);
    await q.query(itemUpsert(itemRows('item', 1)));
    await q.query(hourUpsert(hourRows('item_hours', 1)));
    const [itemSql, hourSql] = itemRollupTriggerSql(false);
    for (const sql of [...itemSql, ...hourSql]) await q.query(sql);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const sql of [...dropRollupTriggerSql('item', 'item_rollup_items'), ...dropRollupTriggerSql('item_hours', 'item_rollup_hours')]) await q.query(sql);
    await q.query(`DROP TABLE IF EXISTS item_community_rollup, item_hours_rollup`);
  }
}
