import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The monthly scorecard notices (modules/scorecards/monthly.ts): one row per unit and month once its event
 * is written, so a unit's staff are told of a month's scorecard once, however many replicas run the job.
 */
export class ScorecardNotices1765890000001 implements MigrationInterface {
  name = 'ScorecardNotices1765890000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scorecard_notice (
        unit_id bigint NOT NULL REFERENCES unit_ref(id) ON DELETE CASCADE,
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
        notified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (unit_id, month)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS scorecard_notice`);
  }
}
