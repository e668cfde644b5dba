import type { EntityManager } from 'typeorm';
import { LIMIT_DAYS_SQL, STEP_LIMIT_DAYS } from '../../domain';

/** Yellow from this share of the step's limit (the traffic light's rule: limitLight in workflow.ts). */
const YELLOW_AT = 0.8;

const STATUSES = Object.keys(STEP_LIMIT_DAYS);

/** The cases (statuses $2) whose step has reached yellow or red at $1, with the colour and when it falls due. */
const DUE_CTES = `lim AS (
           SELECT c.id, c.status, c.step_started_at, ${LIMIT_DAYS_SQL} / (CASE WHEN c.green_channel THEN 2.0 ELSE 1 END) AS days
             FROM move_case c WHERE c.status = ANY($2::text[])
         ), due AS (
           SELECT l.id, l.status, l.step_started_at, l.step_started_at + make_interval(secs => l.days * 86400.0) AS due_at,
                  CASE WHEN $1::timestamptz > l.step_started_at + make_interval(secs => l.days * 86400.0) THEN 'red' ELSE 'yellow' END AS light
             FROM lim l
            WHERE $1::timestamptz >= l.step_started_at + make_interval(secs => l.days * ${YELLOW_AT} * 86400.0)
         )`;

/** A case whose step reached a colour not yet told, with what its event names; `written`: this statement's notice row won. */
export interface DueNoticeRow {
  caseId: number;
  caseNo: string;
  status: string;
  light: 'yellow' | 'red';
  dueAt: Date;
  communityId: number | null;
  communityName: string | null;
  path: string | null;
  createdBy: string;
  written: boolean;
}

/** Writes a notice row (case, step, colour) for every colour the cases have reached at `now`, telling no one; how many. */
export async function markDueTold(m: EntityManager, now: Date): Promise<number> {
  const rows: { case_id: number }[] = await m.query(
    `WITH ${DUE_CTES}
     INSERT INTO case_limit_notice (case_id, status, step_started_at, light)
     SELECT id, status, step_started_at, light FROM due ON CONFLICT DO NOTHING RETURNING case_id`,
    [now, STATUSES],
  );
  return rows.length;
}

/**
 * Up to `limit` cases (by id) whose step reached a colour at `now` that no notice row records yet: the rows are
 * written in the same statement (ON CONFLICT DO NOTHING: a concurrent run's row wins, and `written` is false here).
 */
export async function claimDueNotices(m: EntityManager, now: Date, limit: number): Promise<DueNoticeRow[]> {
  return m.query(
    `WITH ${DUE_CTES}, fresh AS (
       SELECT d.* FROM due d
        WHERE NOT EXISTS (SELECT 1 FROM case_limit_notice n WHERE n.case_id = d.id AND n.step_started_at = d.step_started_at AND n.light = d.light)
        ORDER BY d.id LIMIT ${limit}
     ), ins AS (
       INSERT INTO case_limit_notice (case_id, status, step_started_at, light)
       SELECT id, status, step_started_at, light FROM fresh
       ON CONFLICT DO NOTHING RETURNING case_id, light
     )
     SELECT mc.id AS "caseId", mc.case_no AS "caseNo", f.status, f.light, f.due_at AS "dueAt", mc.community_id AS "communityId",
            cr.name AS "communityName", cr.path, mc.created_by AS "createdBy", (ins.case_id IS NOT NULL) AS written
       FROM fresh f JOIN move_case mc ON mc.id = f.id LEFT JOIN community_ref cr ON cr.id = mc.community_id
       LEFT JOIN ins ON ins.case_id = f.id AND ins.light = f.light
      ORDER BY mc.id`,
    [now, STATUSES],
  );
}
