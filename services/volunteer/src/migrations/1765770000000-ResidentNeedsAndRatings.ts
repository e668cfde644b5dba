import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Residents without a login (issue 15, item 4):
 * - a need reported from a convenience desk's QR page is an item with source 'resident', the desk it came from, the
 *   phone the resident left for the clerk to call back, and a tracking number the resident follows it by;
 * - a delivered item gets a one-time rating link (printed on its completion notice): the token is kept only as its
 *   SHA-256, one row per item, and the row takes the resident's stars once.
 */
export class ResidentNeedsAndRatings1765770000000 implements MigrationInterface {
  name = 'ResidentNeedsAndRatings1765770000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE item ADD COLUMN tracking_no text, ADD COLUMN desk_code text, ADD COLUMN reporter_phone text`);
    await q.query(`ALTER TABLE item ADD CONSTRAINT item_tracking_no_format CHECK (tracking_no ~ '^[A-HJ-NP-Z2-9]{10}$')`);
    await q.query(`CREATE UNIQUE INDEX item_tracking_no_uq ON item (tracking_no) WHERE tracking_no IS NOT NULL`);
    await q.query(`
      CREATE TABLE item_resident_rating (
        item_id bigint PRIMARY KEY REFERENCES item(id),
        token_hash text NOT NULL UNIQUE,
        issued_by text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        stars int CHECK (stars BETWEEN 1 AND 5),
        comment text,
        rated_at timestamptz,
        CHECK ((stars IS NULL) = (rated_at IS NULL))
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS item_resident_rating`);
    await q.query(`DROP INDEX IF EXISTS item_tracking_no_uq`);
    await q.query(`ALTER TABLE item DROP CONSTRAINT IF EXISTS item_tracking_no_format`);
    await q.query(`ALTER TABLE item DROP COLUMN IF EXISTS reporter_phone, DROP COLUMN IF EXISTS desk_code, DROP COLUMN IF EXISTS tracking_no`);
  }
}
