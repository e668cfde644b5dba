import type { DataSource, EntityManager } from 'typeorm';
import { emit } from '@redheart/shared';
import { claimDueNotices, markDueTold } from './repository';

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
    return markDueTold(m, now);
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
      const rows = await claimDueNotices(m, now ?? new Date(), BATCH);
      const notices: LimitNotice[] = [];
      for (const r of rows) {
        // another run wrote this one meanwhile (its insert won): its event is written there
        if (!r.written) continue;
        const dueAt = new Date(r.dueAt).toISOString();
        await emit(m, {
          type: r.light === 'red' ? 'household.case.overdue' : 'household.case.due_soon', aggregateId: r.caseId, orgPath: r.path ?? null, actor: null,
          payload: {
            caseId: r.caseId, caseNo: r.caseNo, communityId: r.communityId, communityName: r.communityName,
            createdBy: r.createdBy, status: r.status, light: r.light, dueAt,
          },
        });
        notices.push({ caseId: r.caseId, caseNo: r.caseNo, status: r.status, light: r.light, dueAt });
      }
      return { seen: rows.length, notices };
    });
  }
}
