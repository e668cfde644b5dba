import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The step time-limit notices (modules/reminders): one row per case, step and colour once its event is
 * written, so a case is told yellow (80 % of the step's limit used) and red (past it) once per step, however
 * many replicas run the job and however often it runs. A step is its status and when it started (a case
 * returned to a status starts a new step).
 */
export class CaseLimitNotices1765890000000 implements MigrationInterface {
  name = 'CaseLimitNotices1765890000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_limit_notice (
        case_id bigint NOT NULL REFERENCES move_case(id) ON DELETE CASCADE,
        status text NOT NULL,
        step_started_at timestamptz NOT NULL,
        light text NOT NULL CHECK (light IN ('yellow', 'red')),
        notified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, step_started_at, light)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS case_limit_notice`);
  }
}
