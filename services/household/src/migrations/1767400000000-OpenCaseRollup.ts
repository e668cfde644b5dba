import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropRollupTriggerSql, incrementSql, rollupTriggerSql } from '@redheart/shared';
import { stepLimitIntervalSql } from '../domain';

/**
 * The open cases counted by maintained rows (issue 13: the city overview's `/stats/counties` counted 124,716 open cases
 * of the full-size city one by one, 409 ms): per community, status, green channel and the hour the case's step started
 * (`start_hour`, an hour of UTC: date_bin, independent of the session's time zone), the number of open cases, in one
 * shard per session as case_settled_rollup (migration ShardedRollups) so that concurrent transitions in a community
 * do not queue for one row. Statement-level triggers on move_case keep it exact in the transaction that changes a case
 * (create, every transition, import, seed, delete). Its triggers are named `move_case_open_rollup_*`, so they fire
 * before the settled rollup's `move_case_rollup_*` in every transaction: the two tables are always locked in one order.
 *
 * Overdue (OVERDUE_SQL: `now() > step_started_at + limit`) from the rows: a row whose whole hour is past its limit
 * (`start_hour + 1 hour + limit <= now()`) is overdue entirely, and stays so while its cases keep their status; a row
 * with `start_hour + limit >= now()` has none overdue; the cases of the (at most one per status and green channel)
 * hour in between are counted exactly (index move_case_open_started_idx, a range of one hour per status).
 *
 * Folding (case_open_rollup_fold(), run by the migration and the household sweep every five minutes): the rows of a
 * community, status and green channel that are overdue entirely for good (or whose status has no limit) are summed into
 * one row at start_hour = -infinity. A later transition subtracts from the case's real hour (a row then negative):
 * both rows are in the same class, so the sums stay exact, and the rows read per community stay
 * statuses × 2 + the hours of the steps not yet overdue, whatever the history.
 * The limits (STEP_LIMIT_DAYS) are compiled into the fold function: a change of the limits needs a migration that
 * recreates it and rebuilds the table (the -infinity rows were classified with the old limits).
 */
export const OPEN_ROLLUP_KEY = ['community_id', 'status', 'green_channel', 'start_hour'];
const OPEN_STATUSES = `('DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED')`;
/** The UTC hour of an instant (date_bin on an absolute origin: the same whatever the session's TimeZone). */
export const hourSql = (ts: string) => `date_bin('1 hour', ${ts}, timestamptz '2000-01-01 00:00:00+00')`;

/** A row's hour (alias `a`, its start hour `hour`) is overdue for good, or never (a minute's margin: a reader's now() a moment before the fold's sees the same class). */
const overdueForGood = (a: string, hour: string) => `(${hour} + interval '1 hour' + ${stepLimitIntervalSql(a)} <= now() - interval '1 minute'
  OR ${stepLimitIntervalSql(a)} IS NULL)`;
/** The open cases of `rel` as rollup rows; `folded`: those overdue for good (or never) at -infinity already (the backfill). */
const caseRows = (rel: string, sign: number, folded = false) => `
  SELECT c.community_id, c.status, c.green_channel,
         ${folded ? `CASE WHEN ${overdueForGood('c', hourSql('c.step_started_at'))} THEN '-infinity' ELSE ${hourSql('c.step_started_at')} END` : hourSql('c.step_started_at')} AS start_hour,
         ${sign} AS n
    FROM ${rel} c WHERE c.status IN ${OPEN_STATUSES}`;
const upsert = (select: string) => incrementSql('case_open_rollup', OPEN_ROLLUP_KEY, ['n'], select, '', true);
/** The backfill from the cases there are, folded as case_open_rollup_fold() would leave it (a few rows per community, not one per case). */
export const OPEN_ROLLUP_BACKFILL = upsert(caseRows('move_case', 1, true));

const FOLDABLE = `r.start_hour > '-infinity' AND ${overdueForGood('r', 'r.start_hour')}`;

const FOLD_FUNCTION = `CREATE OR REPLACE FUNCTION case_open_rollup_fold() RETURNS int LANGUAGE plpgsql AS $fn$
  DECLARE g record; hs timestamptz[]; ss smallint[]; total bigint; folded int := 0;
  BEGIN
    FOR g IN SELECT DISTINCT r.community_id, r.status, r.green_channel FROM case_open_rollup r WHERE ${FOLDABLE} ORDER BY 1, 2, 3 LOOP
      -- lock the rows to fold in key order (the triggers lock in key order too, one shard per key), then delete exactly those
      SELECT array_agg(l.start_hour), array_agg(l.shard) INTO hs, ss FROM (
        SELECT r.start_hour, r.shard FROM case_open_rollup r
         WHERE r.community_id = g.community_id AND r.status = g.status AND r.green_channel = g.green_channel AND ${FOLDABLE}
         ORDER BY r.start_hour, r.shard FOR UPDATE) l;
      CONTINUE WHEN hs IS NULL;
      WITH d AS (DELETE FROM case_open_rollup r USING unnest(hs, ss) u (h, s)
                  WHERE r.community_id = g.community_id AND r.status = g.status AND r.green_channel = g.green_channel
                    AND r.start_hour = u.h AND r.shard = u.s RETURNING r.n)
      SELECT sum(d.n) INTO total FROM d;
      INSERT INTO case_open_rollup AS r (community_id, status, green_channel, start_hour, shard, n)
      VALUES (g.community_id, g.status, g.green_channel, '-infinity', 0, coalesce(total, 0))
      ON CONFLICT (community_id, status, green_channel, start_hour, shard) DO UPDATE SET n = r.n + excluded.n;
      folded := folded + cardinality(hs);
    END LOOP;
    RETURN folded;
  END $fn$`;

export class OpenCaseRollup1767400000000 implements MigrationInterface {
  name = 'OpenCaseRollup1767400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_open_rollup (community_id bigint NOT NULL, status text NOT NULL, green_channel boolean NOT NULL,
      start_hour timestamptz NOT NULL, shard smallint NOT NULL DEFAULT 0, n int NOT NULL DEFAULT 0, PRIMARY KEY (${[...OPEN_ROLLUP_KEY, 'shard'].join(', ')}))`);
    await q.query(`LOCK TABLE move_case IN SHARE MODE`);
    await q.query(OPEN_ROLLUP_BACKFILL);
    for (const sql of rollupTriggerSql('move_case', 'case_open_rollup_cases', {
      insert: upsert(caseRows('new_rows', 1)),
      update: upsert(`${caseRows('old_rows', -1)} UNION ALL ${caseRows('new_rows', 1)}`),
      delete: upsert(caseRows('old_rows', -1)),
    }, 'open_rollup')) await q.query(sql);
    await q.query(FOLD_FUNCTION);
    // the open cases of one status whose step started in an hour's range: the exact count of the hour at the limit
    await q.query(`CREATE INDEX move_case_open_started_idx ON move_case (status, green_channel, step_started_at) INCLUDE (community_id)
      WHERE status IN ${OPEN_STATUSES}`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS move_case_open_started_idx`);
    for (const sql of dropRollupTriggerSql('move_case', 'case_open_rollup_cases', 'open_rollup')) await q.query(sql);
    await q.query(`DROP FUNCTION IF EXISTS case_open_rollup_fold()`);
    await q.query(`DROP TABLE IF EXISTS case_open_rollup`);
  }
}
