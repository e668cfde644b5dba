import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What the public pledge board shows: a pledge a unit holds, not cancelled, merged or rejected. */
const ON_BOARD = `pledge AND unit_id IS NOT NULL AND status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`;

/**
 * The public pledge board is paged by unit (GET /api/volunteer/public/pledges?limit=&cursor=&communityId=).
 * Its reads touch only the board's own rows (~1.2 % of items), through partial indexes over them:
 * - item_board_unit_idx (unit_id, id DESC) INCLUDE (status): a unit's summary (index-only count by status),
 *   its latest pledges and its pledge pages (keyset on id), and the board's totals (one index-only scan);
 * - item_board_community_idx (community_id, unit_id, id DESC) INCLUDE (status): the same within one community
 *   (?communityId=): the units with pledges there, their summaries, latest pledges and the totals;
 * - unit_ref_name_idx (name, id): the page of units is walked in name order (keyset on name, id).
 */
export class PublicBoardIndexes1764600000000 implements MigrationInterface {
  name = 'PublicBoardIndexes1764600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX item_board_unit_idx ON item (unit_id, id DESC) INCLUDE (status) WHERE ${ON_BOARD}`);
    await q.query(`CREATE INDEX item_board_community_idx ON item (community_id, unit_id, id DESC) INCLUDE (status) WHERE ${ON_BOARD}`);
    await q.query(`CREATE INDEX unit_ref_name_idx ON unit_ref (name, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS unit_ref_name_idx`);
    await q.query(`DROP INDEX IF EXISTS item_board_community_idx`);
    await q.query(`DROP INDEX IF EXISTS item_board_unit_idx`);
  }
}
