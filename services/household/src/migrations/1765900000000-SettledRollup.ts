import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dropRollupTriggerSql, incrementSql, rollupTriggerSql, sqlTimeZone } from '@redheart/shared';

/**
 * The statistics read maintained totals instead of every case of the scope (issue 13): per community,
 * one row per business day, one per month and one for all time ('d', 'm', 't') with the settled
 * move-in cases (households), their persons (all, and by employer), and the sum of their processing
 * times in seconds (for the average). A period is read as whole months plus the days at its ends;
 * no period is the all-time row: at most communities × (months + 60) rows, whatever the history.
 * Statement-level triggers on move_case and case_person keep it exact in the transaction that
 * changes a case or its persons (create, every transition, import, seed, delete): each adds the
 * contribution of the rows as they are after the statement and subtracts the one they had before,
 * with INSERT … ON CONFLICT DO UPDATE increments (no lost update when two transactions settle in
 * the same community on the same day: the second waits for the first's row lock and adds to it).
 *
 * The day is the business day (`BUSINESS_TIMEZONE` at migration time, Asia/Shanghai by default),
 * the zone the services' sessions use, so `settled_at >= from::date AND settled_at < to::date + 1`
 * over the cases equals the days from `from` to `to` over the rollup.
 */
export const SETTLED_COUNTED = `status = 'SETTLED' AND type <> 'move_out'`;

const COLS = ['households', 'persons', 'persons_public_institution', 'persons_enterprise', 'persons_other', 'persons_unknown', 'processing_seconds'];
/** The grains kept: a day, its month (bucket = the month's first day) and all time (bucket = TOTAL_BUCKET). */
export const TOTAL_BUCKET = '1970-01-01';
export const SETTLED_KEY = ['community_id', 'grain', 'bucket'];
export const SETTLED_COLS = COLS;
const upsert = (select: string, sharded = false) =>
  incrementSql('case_settled_rollup', ['community_id', 'g.grain', 'g.bucket'], COLS, select,
    `CROSS JOIN LATERAL (VALUES ('d', d.day), ('m', date_trunc('month', d.day)::date), ('t', date '${TOTAL_BUCKET}')) g (grain, bucket)`, sharded);

/** The contribution of the cases in `rel` (a transition table) times `sign`, with their persons as they are now. */
const caseRows = (rel: string, sign: number) => `
  SELECT c.community_id, household_business_day(c.settled_at) AS day, ${sign} AS households, ${sign} * coalesce(p.n, 0) AS persons,
         ${sign} * coalesce(p.pi, 0) AS persons_public_institution, ${sign} * coalesce(p.en, 0) AS persons_enterprise,
         ${sign} * coalesce(p.ot, 0) AS persons_other, ${sign} * coalesce(p.un, 0) AS persons_unknown,
         ${sign} * extract(epoch FROM c.settled_at - c.created_at) AS processing_seconds
    FROM ${rel} c
    LEFT JOIN (SELECT cp.case_id, count(*) AS n, count(*) FILTER (WHERE cp.employer = 'public_institution') AS pi,
                      count(*) FILTER (WHERE cp.employer = 'enterprise') AS en, count(*) FILTER (WHERE cp.employer = 'other') AS ot,
                      count(*) FILTER (WHERE cp.employer IS NULL) AS un
                 FROM case_person cp WHERE cp.case_id IN (SELECT id FROM ${rel} WHERE ${SETTLED_COUNTED}) GROUP BY cp.case_id) p ON p.case_id = c.id
   WHERE c.${SETTLED_COUNTED.replace(' AND ', ' AND c.')}`;

/** The persons in `rel` (a transition table of case_person) times `sign`, for their cases that count now. */
const personRows = (rel: string, sign: number) => `
  SELECT c.community_id, household_business_day(c.settled_at) AS day, 0 AS households, ${sign} * p.n AS persons,
         ${sign} * p.pi AS persons_public_institution, ${sign} * p.en AS persons_enterprise, ${sign} * p.ot AS persons_other,
         ${sign} * p.un AS persons_unknown, 0 AS processing_seconds
    FROM (SELECT case_id, count(*) AS n, count(*) FILTER (WHERE employer = 'public_institution') AS pi,
                 count(*) FILTER (WHERE employer = 'enterprise') AS en, count(*) FILTER (WHERE employer = 'other') AS ot,
                 count(*) FILTER (WHERE employer IS NULL) AS un
            FROM ${rel} GROUP BY case_id) p
    JOIN move_case c ON c.id = p.case_id
   WHERE c.${SETTLED_COUNTED.replace(' AND ', ' AND c.')}`;

const triggerSql = (table: string, fn: string, rows: (rel: string, sign: number) => string, sharded = false) =>
  rollupTriggerSql(table, fn, {
    insert: upsert(rows('new_rows', 1), sharded),
    update: upsert(`${rows('old_rows', -1)} UNION ALL ${rows('new_rows', 1)}`, sharded),
    delete: upsert(rows('old_rows', -1), sharded),
  });

/** The two trigger functions (CREATE OR REPLACE), adding to one shard per session (`sharded`, migration ShardedRollups) or to the one row of a key. */
export const settledRollupFunctionsSql = (sharded: boolean): string[] =>
  [triggerSql('move_case', 'case_settled_rollup_cases', caseRows, sharded)[0], triggerSql('case_person', 'case_settled_rollup_persons', personRows, sharded)[0]]
    .map((sql) => sql.replace(/^CREATE FUNCTION/, 'CREATE OR REPLACE FUNCTION'));

export class SettledRollup1765900000000 implements MigrationInterface {
  name = 'SettledRollup1765900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION household_business_day(ts timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN (ts AT TIME ZONE '${sqlTimeZone()}')::date`);
    await q.query(`
      CREATE TABLE case_settled_rollup (
        community_id bigint NOT NULL,
        grain "char" NOT NULL CHECK (grain IN ('d', 'm', 't')),
        bucket date NOT NULL,
        households int NOT NULL DEFAULT 0,
        persons int NOT NULL DEFAULT 0,
        persons_public_institution int NOT NULL DEFAULT 0,
        persons_enterprise int NOT NULL DEFAULT 0,
        persons_other int NOT NULL DEFAULT 0,
        persons_unknown int NOT NULL DEFAULT 0,
        processing_seconds numeric NOT NULL DEFAULT 0,
        PRIMARY KEY (community_id, grain, bucket)
      )`);
    await q.query(`LOCK TABLE move_case, case_person IN SHARE MODE`);
    await q.query(upsert(caseRows('move_case', 1)));
    for (const sql of [...triggerSql('move_case', 'case_settled_rollup_cases', caseRows), ...triggerSql('case_person', 'case_settled_rollup_persons', personRows)]) await q.query(sql);
    // the open cases per community and status (the statistics' open and overdue figures): only they are read
    await q.query(`CREATE INDEX move_case_open_idx ON move_case (community_id, status) INCLUDE (step_started_at, green_channel)
      WHERE status IN ('DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS move_case_open_idx`);
    for (const sql of [...dropRollupTriggerSql('move_case', 'case_settled_rollup_cases'), ...dropRollupTriggerSql('case_person', 'case_settled_rollup_persons')]) await q.query(sql);
    await q.query(`DROP TABLE IF EXISTS case_settled_rollup`);
    await q.query(`DROP FUNCTION IF EXISTS household_business_day(timestamptz)`);
  }
}
