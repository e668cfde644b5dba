import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, type PageRequest, type PageTotal, readPage, scopeSql } from '@redheart/shared';
import type { ItemStatus, UnitReportStatus } from '../../domain';

/** A unit's figures over a range (unitScorecard). */
export interface ScorecardFigures {
  claims: number; releases: number; completed: number; onTime: number; rework: number; averageRating: number | null; rated: number;
  residentAverageRating: number | null; residentRated: number; hours: number; inHand: number;
  /** Share of completed items done by their scheduled day (0..1), null when none completed. */
  onTimeRate: number | null;
}
export interface UnitRef { id: number; name: string }
export interface MemberHoursRow { id: number; name: string; hours: number; items: number }
export interface MemberCardRow { id: number; name: string; username: string | null; unitId: number | null; communityId: number; path: string; communityName: string }
/** A unit due last month's scorecard notice (the id as the driver hands back a bigint). */
export interface UnitDueRow { id: string; name: string; path: string }
export interface MemberItemRow { id: number; itemNo: string; place: string; status: ItemStatus; hours: number; posted: boolean; doneAt: Date | null }

/**
 * A unit's scorecard, computed from the records each time: claims (own and assigned), on-time
 * completion (done by the scheduled day), rework (reopened), releases (推诿), average rating (the community's at
 * confirmation, and residentAverageRating: the residents' own stars through the completion notice's link), hours.
 * Rework is counted from the reopen events, when it happens: a reopened item has no done_at until it
 * is delivered again, so counting it from the done items hid the rework while it was pending.
 */
export async function unitScorecard(db: EntityManager, unitId: number, from = '1900-01-01', to = '2999-12-31'): Promise<ScorecardFigures> {
  const rows: Omit<ScorecardFigures, 'onTimeRate'>[] = await db.query(
    `WITH ev AS (
       SELECT action, item_id FROM item_event WHERE unit_id = $1 AND at::date BETWEEN $2 AND $3 AND action IN ('claim', 'assign', 'release', 'reopen')
     ), done AS (
       SELECT i.id, i.done_at, i.scheduled_date, i.rating, i.status FROM item i
        WHERE i.unit_id = $1 AND i.done_at IS NOT NULL AND i.done_at::date BETWEEN $2 AND $3
     )
     SELECT (SELECT count(*) FROM ev WHERE action IN ('claim', 'assign'))::int AS claims,
            (SELECT count(*) FROM ev WHERE action = 'release')::int AS releases,
            (SELECT count(*) FROM done)::int AS completed,
            (SELECT count(*) FROM done WHERE done_at::date <= scheduled_date)::int AS "onTime",
            (SELECT count(*) FROM ev WHERE action = 'reopen')::int AS rework,
            (SELECT round(avg(rating)::numeric, 2) FROM done WHERE rating IS NOT NULL)::float AS "averageRating",
            (SELECT count(*) FROM done WHERE rating IS NOT NULL)::int AS rated,
            (SELECT round(avg(rr.stars)::numeric, 2) FROM item_resident_rating rr JOIN done ON done.id = rr.item_id WHERE rr.stars IS NOT NULL)::float AS "residentAverageRating",
            (SELECT count(*) FROM item_resident_rating rr JOIN done ON done.id = rr.item_id WHERE rr.stars IS NOT NULL)::int AS "residentRated",
            (SELECT coalesce(sum(h.hours), 0) FROM item_hours h JOIN done ON done.id = h.item_id WHERE h.posted)::float AS hours,
            (SELECT count(*) FROM item WHERE unit_id = $1 AND status IN ('CLAIMED','SCHEDULED','IN_PROGRESS','DONE'))::int AS "inHand"`,
    [unitId, from, to],
  );
  const r = rows[0];
  return { ...r, onTimeRate: r.completed ? Math.round((r.onTime / r.completed) * 10000) / 10000 : null };
}

/** The members of a unit with their posted hours and items, most hours first (exported: bench/volunteer measures it). */
export const UNIT_MEMBERS_SQL = `SELECT m.id, m.name, coalesce(sum(h.hours) FILTER (WHERE h.posted), 0)::float AS hours, count(DISTINCT h.item_id)::int AS items
             FROM member m LEFT JOIN item_hours h ON h.member_id = m.id WHERE m.unit_id = $1 GROUP BY m.id ORDER BY hours DESC, m.id LIMIT 200`;

/** The scorecards' reads (the routes' on the replica, `dbRead`), and the monthly notices sent (on the primary). */
export class ScorecardRepository {
  constructor(private readonly ds: DataSource) {}

  /** The units with an approved dual report not yet sent the notice of `month` (YYYY-MM), by id. */
  async unitsDueNotice(month: string): Promise<UnitDueRow[]> {
    const rows: UnitDueRow[] = await this.ds.query(
      `SELECT u.id, u.name, u.path FROM unit_ref u
        WHERE EXISTS (SELECT 1 FROM unit_report r WHERE r.unit_id = u.id AND r.status = 'approved')
          AND NOT EXISTS (SELECT 1 FROM scorecard_notice n WHERE n.unit_id = u.id AND n.month = $1)
        ORDER BY u.id`,
      [month],
    );
    return rows;
  }

  /** Records the notice of `month` to the unit; false: it was recorded already (another run, replica or restart). */
  async insertNotice(m: EntityManager, unitId: string, month: string): Promise<boolean> {
    const rows: { unit_id: string }[] = await m.query(
      `INSERT INTO scorecard_notice (unit_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING unit_id`,
      [unitId, month],
    );
    return rows.length > 0;
  }

  figures(unitId: number, from?: string, to?: string): Promise<ScorecardFigures> {
    return unitScorecard(this.ds.manager, unitId, from, to);
  }

  async unit(id: number): Promise<UnitRef | undefined> {
    const rows: UnitRef[] = await this.ds.query(`SELECT id, name FROM unit_ref WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The states of the unit's approved, ended or pending reports to communities under the scope paths. */
  async reportStatusesInScope(unitId: number, scopePaths: string[]): Promise<UnitReportStatus[]> {
    const params = scopePaths.map((p) => `${likeEscape(p)}%`);
    const rows: { status: UnitReportStatus }[] = await this.ds.query(
      `SELECT r.status FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id
            WHERE r.unit_id = $${params.length + 1} AND r.status IN ('approved', 'ended', 'pending') AND ${scopeSql('cr.path', scopePaths, 1)}`,
      [...params, unitId],
    );
    return rows.map((r) => r.status);
  }

  async unitMembers(unitId: number): Promise<MemberHoursRow[]> {
    return this.ds.query(UNIT_MEMBERS_SQL, [unitId]);
  }

  /** The units with an approved report to a community under the scope paths (a unit once however many), whose name holds `q`. */
  private unitsFrom(scopePaths: string[], q: string | undefined): { from: string; params: unknown[] } {
    const params: unknown[] = scopePaths.map((p) => `${likeEscape(p)}%`);
    let nameFilter = '';
    if (q) { params.push(likeEscape(q.trim())); nameFilter = ` AND u.name LIKE '%' || $${params.length} || '%'`; }
    const from = `FROM unit_ref u WHERE EXISTS (SELECT 1 FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id
                     WHERE r.unit_id = u.id AND r.status = 'approved' AND ${scopeSql('cr.path', scopePaths, 1)})${nameFilter}`;
    return { from, params };
  }

  /** All those units, in id order. */
  async unitsInScope(scopePaths: string[], q: string | undefined): Promise<UnitRef[]> {
    const { from, params } = this.unitsFrom(scopePaths, q);
    return this.ds.query(`SELECT u.id, u.name ${from} ORDER BY u.id`, params);
  }

  /** A page of those units in name order, and their total. */
  async unitPageInScope(scopePaths: string[], q: string | undefined, paged: PageRequest): Promise<{ rows: UnitRef[] } & PageTotal> {
    const { from, params } = this.unitsFrom(scopePaths, q);
    return readPage<UnitRef>(this.ds, `SELECT u.id, u.name ${from} ORDER BY u.name, u.id`, `SELECT 1 ${from}`, params, paged);
  }

  async member(id: number): Promise<MemberCardRow | undefined> {
    const rows: MemberCardRow[] = await this.ds.query(
      `SELECT m.id, m.name, m.username, m.unit_id AS "unitId", m.community_id AS "communityId", cr.path, cr.name AS "communityName" FROM member m JOIN community_ref cr ON cr.id = m.community_id WHERE m.id = $1`,
      [id],
    );
    return rows[0];
  }

  async memberItems(memberId: number): Promise<MemberItemRow[]> {
    return this.ds.query(
      `SELECT i.id, i.item_no AS "itemNo", i.place, i.status, h.hours::float AS hours, h.posted, i.done_at AS "doneAt"
           FROM item_hours h JOIN item i ON i.id = h.item_id WHERE h.member_id = $1 ORDER BY i.done_at DESC NULLS LAST LIMIT 200`,
      [memberId],
    );
  }
}
