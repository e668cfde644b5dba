import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A unit's scorecard reads all of the unit's claim/release/reopen events, its delivered items and their
 * posted hours. Those rows lie scattered over years of the heap (a unit's items arrive among everyone
 * else's), so at a million items the scorecard spent its time on thousands of random heap pages. These
 * covering indexes let each of the three reads be an index-only scan over one contiguous index range.
 * item_event_unit_idx (unit_id, action) is a prefix of the new event index and goes; the partial
 * item_hours_member_idx (posted only) is replaced by one over all of a member's hours.
 */
export class ScorecardCoveringIndexes1764500000000 implements MigrationInterface {
  name = 'ScorecardCoveringIndexes1764500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX item_event_unit_cover_idx ON item_event (unit_id, action, at) INCLUDE (item_id)`);
    await q.query(`DROP INDEX item_event_unit_idx`);
    await q.query(`CREATE INDEX item_unit_done_idx ON item (unit_id) INCLUDE (id, done_at, scheduled_date, rating, status) WHERE done_at IS NOT NULL`);
    await q.query(`CREATE INDEX item_hours_posted_idx ON item_hours (item_id) INCLUDE (hours) WHERE posted`);
    // The scorecard's member list LEFT JOINs all of a member's hours (posted or not): the partial
    // index (posted only) could not serve it, so it hash-joined a scan of the whole item_hours.
    await q.query(`CREATE INDEX item_hours_member_all_idx ON item_hours (member_id) INCLUDE (item_id, hours, posted)`);
    await q.query(`DROP INDEX item_hours_member_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS item_hours_member_idx ON item_hours (member_id) WHERE posted`);
    await q.query(`DROP INDEX IF EXISTS item_hours_member_all_idx`);
    await q.query(`DROP INDEX IF EXISTS item_hours_posted_idx`);
    await q.query(`DROP INDEX IF EXISTS item_unit_done_idx`);
    await q.query(`CREATE INDEX IF NOT EXISTS item_event_unit_idx ON item_event (unit_id, action)`);
    await q.query(`DROP INDEX IF EXISTS item_event_unit_cover_idx`);
  }
}
