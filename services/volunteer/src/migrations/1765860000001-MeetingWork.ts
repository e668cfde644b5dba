import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Work decided by a joint committee meeting (大党委 / 大工委, kept by the org service): a service item or a project
 * remembers the meeting and the decision it came from. One piece of work per decision (unique), so the org
 * service's retry after a lost answer finds the work it already created instead of making a second one.
 */
export class MeetingWork1765860000001 implements MigrationInterface {
  name = 'MeetingWork1765860000001';

  public async up(q: QueryRunner): Promise<void> {
    for (const t of ['item', 'project']) {
      await q.query(`ALTER TABLE ${t} ADD COLUMN meeting_id bigint, ADD COLUMN meeting_decision_id bigint, ADD COLUMN meeting_title text`);
      await q.query(`CREATE UNIQUE INDEX ${t}_meeting_decision_uq ON ${t} (meeting_decision_id) WHERE meeting_decision_id IS NOT NULL`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['item', 'project']) {
      await q.query(`DROP INDEX IF EXISTS ${t}_meeting_decision_uq`);
      await q.query(`ALTER TABLE ${t} DROP COLUMN IF EXISTS meeting_title, DROP COLUMN IF EXISTS meeting_decision_id, DROP COLUMN IF EXISTS meeting_id`);
    }
  }
}
