import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The item lists a role opens first (a community's items, a street's open items) read by community:
 * each community in scope is one range of this index, newest first, so a page reads about a page of
 * rows whatever the city's history (issue 13). item_open_idx serves the same walks with a status.
 */
export class ItemCommunityListIndex1765870000000 implements MigrationInterface {
  name = 'ItemCommunityListIndex1765870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS item_community_list_idx ON item (community_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS item_community_list_idx`);
  }
}
