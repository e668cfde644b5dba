import type { DataSource, EntityManager } from 'typeorm';
import { emit } from '@redheart/shared';
import { LIMIT_DAYS_SQL, STEP_LIMIT_DAYS } from '../../domain';

/** A limit notice as written: the case, its step and the colour it reached. */
export interface LimitNotice {
  caseId: number;
  caseNo: string;
  status: string;
  light: 'yellow' | 'red';
  dueAt: string;
}

/** Cases per transaction (a backlog after a long stop is worked off in batches, each committed with its events). */
const BATCH = 500;
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

/**
 * 办理时限提醒: the clerk who opened a case is told when its step is about to pass its time limit (yellow:
 * 80 % used) and when it has passed it (red), once per case, step and colour. The notice row and its event
 * (`household.case.due_soon` / `household.case.overdue`) commit together; the row's key makes a second run,
 * a second replica or a restart write nothing twice. A case first seen already red is told red only.
 */
export class CaseLimitReminders {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records every colour the cases have reached at `now` as already told, without telling anyone (no
   * event): the demo seed does this for the cases it writes, so a fresh platform's first run does not
   * flood its clerks with notices of cases that were born late. Answers the number marked.
   */
  static async markTold(m: EntityManager, now: Date): Promise<number> {
    const rows: unknown[] = await m.query(
      `WITH ${DUE_CTES}
       INSERT INTO case_limit_notice (case_id, status, step_started_at, light)
       SELECT id, status, step_started_at, light FROM due ON CONFLICT DO NOTHING RETURNING case_id`,
      [now, STATUSES],
    );
    return rows.length;
  }

  /** One run of the job: every case whose step reached a colour not yet told (`now`: the clock, for tests). */
  async run(now?: Date): Promise<LimitNotice[]> {
    const out: LimitNotice[] = [];
    for (;;) {
      const batch = await this.batch(now);
      out.push(...batch.notices);
      if (batch.seen < BATCH) return out;
    }
  }

  private async batch(now?: Date): Promise<{ seen: number; notices: LimitNotice[] }> {
    return this.ds.transaction(async (m) => {
      const rows: (LimitNotice & { caseId: string; communityId: string | null; communityName: string | null; path: string | null; createdBy: string; dueAt: Date })[] = await m.query(
        `WITH ${DUE_CTES}, fresh AS (
           SELECT d.* FROM due d
            WHERE NOT EXISTS (SELECT 1 FROM case_limit_notice n WHERE n.case_id = d.id AND n.step_started_at = d.step_started_at AND n.light = d.light)
            ORDER BY d.id LIMIT ${BATCH}
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
        [now ?? new Date(), STATUSES],
      );
      const notices: LimitNotice[] = [];
      for (const r of rows as (typeof rows[number] & { written: boolean })[]) {
        // another run wrote this one meanwhile (its insert won): its event is written there
        if (!r.written) continue;
        const dueAt = new Date(r.dueAt).toISOString();
        await emit(m, {
          type: r.light === 'red' ? 'household.case.overdue' : 'household.case.due_soon', aggregateId: r.caseId, orgPath: r.path ?? null, actor: null,
          payload: {
            caseId: Number(r.caseId), caseNo: r.caseNo, communityId: r.communityId === null ? null : Number(r.communityId), communityName: r.communityName,
            createdBy: r.createdBy, status: r.status, light: r.light, dueAt,
          },
        });
        notices.push({ caseId: Number(r.caseId), caseNo: r.caseNo, status: r.status, light: r.light, dueAt });
      }
      return { seen: rows.length, notices };
    });
  }
}
