import type { DataSource, EntityManager } from 'typeorm';
import { byCountySql, communitiesByCountySql, likeEscape, scopeSql } from '@redheart/shared';
import { type CaseStatus, OVERDUE_SQL, STEP_LIMIT_DAYS, stepLimitIntervalSql } from '../../domain';
import { hourSql } from '../../migrations/1767400000000-OpenCaseRollup';
import { OPEN } from '../cases/repository';

export { OPEN } from '../cases/repository';

/** The open cases, as the partial index move_case_open_idx states them (a literal list, so the planner can use it). */
const OPEN_SQL = `c.status IN (${OPEN.map((s) => `'${s}'`).join(', ')})`;

/**
 * The open cases whose step's limit passed within the hour of their step's start that is at its limit now (not every
 * case of that hour is overdue yet): per status and green channel a range of an hour of move_case_open_started_idx
 * (the bounds a minute wider; OVERDUE_SQL and the hour decide), the cases case_open_rollup cannot classify by its row.
 */
const EDGE_HOUR_SQL = `${OPEN_SQL} AND (${Object.entries(STEP_LIMIT_DAYS)
  .flatMap(([status, d]) => [false, true].map((green) => {
    const secs = (Number(d) / (green ? 2 : 1)) * 86400;
    return `(c.status = '${status}' AND c.green_channel = ${green} AND c.step_started_at > now() - interval '${secs + 3660} seconds' AND c.step_started_at < now() - interval '${secs - 60} seconds')`;
  }))
  .join(' OR ')}) AND ${OVERDUE_SQL} AND ${hourSql('c.step_started_at')} + interval '1 hour' + ${stepLimitIntervalSql('c')} > now()`;

/**
 * Open cases per community and status with how many are overdue, from case_open_rollup (migration OpenCaseRollup):
 * its rows whose whole hour is past the limit are overdue, plus the exact count of the hour at the limit (EDGE_HOUR_SQL).
 * `communities`: the filter on the community column (`= ANY($1::bigint[])` in OPEN_FROM_ROLLUP_SQL).
 */
export const openFromRollupSql = (communities: string): string => `
  WITH roll AS (
    SELECT r.community_id, r.status, sum(r.n)::int AS n,
           coalesce(sum(r.n) FILTER (WHERE r.start_hour + interval '1 hour' + ${stepLimitIntervalSql('r')} <= now()), 0)::int AS overdue
      FROM case_open_rollup r WHERE r.community_id ${communities} GROUP BY 1, 2),
  edge AS (
    SELECT c.community_id, c.status, count(*)::int AS overdue FROM move_case c
     WHERE c.community_id ${communities} AND ${EDGE_HOUR_SQL} GROUP BY 1, 2)
  SELECT roll.community_id AS "communityId", roll.status, roll.n, roll.overdue + coalesce(edge.overdue, 0) AS overdue
    FROM roll LEFT JOIN edge USING (community_id, status) WHERE roll.n <> 0`;
export const OPEN_FROM_ROLLUP_SQL = openFromRollupSql('= ANY($1::bigint[])');

/** A period of whole days (YYYY-MM-DD, from parsePeriod); null = open-ended. */
export interface Period {
  from: string | null;
  to: string | null;
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
function lastOfMonth(d: string): string {
  const [y, m] = d.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * The rows of case_settled_rollup (alias `r`) that cover a period exactly once: the all-time row
 * when there is no period (unless `months` is asked for: then every month row), else the whole
 * months inside it and the days at its ends. Dates come from parsePeriod (YYYY-MM-DD), inlined.
 */
export function rollupCover(period: Period, opts: { months?: boolean } = {}): string {
  const { from, to } = period;
  if (!from && !to) return opts.months ? `r.grain = 'm'` : `r.grain = 't'`;
  const firstFull = from && !from.endsWith('-01') ? addDays(lastOfMonth(from), 1) : from;
  const lastFull = to && to !== lastOfMonth(to) ? addDays(`${to.slice(0, 7)}-01`, -1) : to;
  if (from && to && firstFull! > lastFull!) return `(r.grain = 'd' AND r.bucket BETWEEN '${from}' AND '${to}')`;
  const parts = [`(r.grain = 'm'${firstFull ? ` AND r.bucket >= '${firstFull}'` : ''}${lastFull ? ` AND r.bucket <= '${lastFull}'` : ''})`];
  if (from && from !== firstFull) parts.push(`(r.grain = 'd' AND r.bucket >= '${from}' AND r.bucket < '${firstFull}')`);
  if (to && to !== lastFull) parts.push(`(r.grain = 'd' AND r.bucket > '${lastFull}' AND r.bucket <= '${to}')`);
  return `(${parts.join(' OR ')})`;
}

export interface SettledRow {
  /** null on the grand total row */
  communityId: number | null;
  households: number;
  persons: number;
  avgDays: number | null;
}
export interface SettledMonthRow {
  month: string;
  households: number;
  persons: number;
}
export interface EmployerRow {
  public_institution: number;
  enterprise: number;
  other: number;
  unknown: number;
}
export interface OpenCasesRow {
  communityId: number;
  status: CaseStatus;
  n: number;
  overdue: number;
}
/** A county's (`id`) communities. */
export interface CountyCommunitiesRow {
  id: number;
  communities: number;
}
/** A county's (`id`) households settled. */
export interface SettledHouseholdsRow {
  id: number;
  households: number;
}
/** A county's (`id`) open and overdue cases. */
export interface OpenCountsRow {
  id: number;
  open: number;
  overdue: number;
}
/**
 * A county's (`id`) communities' first (f…) and latest (l…) comparisons summed: flats, flats separated, residents,
 * residents elsewhere; `compared`: how many communities were compared.
 */
export interface FirstLatestSnapshotRow {
  id: number;
  compared: number;
  f1: number;
  f2: number;
  f3: number;
  f4: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
}

/**
 * The statistics' reads: the settled move-ins from the rollup the triggers keep exact (case_settled_rollup, read as
 * months and days, not cases), the open cases (move_case_open_idx), the comparisons' snapshots. SQL only, no rules.
 */
export class StatsRepository {
  constructor(private readonly ds: DataSource) {}

  async streetNames(m: EntityManager, ids: number[]): Promise<{ id: number; streetName: string | null }[]> {
    return m.query(`SELECT id, street_name AS "streetName" FROM community_ref WHERE id = ANY($1::bigint[])`, [ids]);
  }

  /** Settled move-ins per community and in total (the row with communityId null): households, persons, average processing days. */
  async settledPerCommunity(m: EntityManager, ids: number[], period: Period): Promise<SettledRow[]> {
    return m.query(
      `SELECT r.community_id AS "communityId", coalesce(sum(r.households), 0)::int AS households, coalesce(sum(r.persons), 0)::int AS persons,
              sum(r.processing_seconds) / nullif(sum(r.households), 0) / 86400 AS "avgDays"
         FROM case_settled_rollup r WHERE r.community_id = ANY($1::bigint[]) AND ${rollupCover(period)}
        GROUP BY GROUPING SETS ((r.community_id), ())`,
      [ids],
    );
  }

  async settledPerMonth(m: EntityManager, ids: number[], period: Period): Promise<SettledMonthRow[]> {
    return m.query(
      `SELECT to_char(r.bucket, 'YYYY-MM') AS month, sum(r.households)::int AS households, sum(r.persons)::int AS persons
         FROM case_settled_rollup r WHERE r.community_id = ANY($1::bigint[]) AND ${rollupCover(period, { months: true })}
        GROUP BY 1 HAVING sum(r.households) > 0 ORDER BY 1`,
      [ids],
    );
  }

  /** 机关事业单位职工带头: the persons moved in by where they work (unknown where the case did not say). */
  async personsByEmployer(m: EntityManager, ids: number[], period: Period): Promise<EmployerRow | undefined> {
    const rows: EmployerRow[] = await m.query(
      `SELECT coalesce(sum(r.persons_public_institution), 0)::int AS public_institution, coalesce(sum(r.persons_enterprise), 0)::int AS enterprise,
              coalesce(sum(r.persons_other), 0)::int AS other, coalesce(sum(r.persons_unknown), 0)::int AS unknown
         FROM case_settled_rollup r WHERE r.community_id = ANY($1::bigint[]) AND ${rollupCover(period)}`,
      [ids],
    );
    return rows[0];
  }

  /** Open cases per community and status, with how many are overdue (case_open_rollup, OPEN_FROM_ROLLUP_SQL). */
  async openCases(m: EntityManager | DataSource, ids: number[]): Promise<OpenCasesRow[]> {
    return m.query(OPEN_FROM_ROLLUP_SQL, [ids]);
  }

  /**
   * The county comparison over the communities under the scope paths (`id`: the county): communities, households
   * settled in the period, open and overdue cases, and the communities' first and latest comparisons summed
   * (`compared`: how many were compared; communities never compared have no snapshot). Each statement's per-community
   * rows are summed by county in SQL (byCountySql).
   */
  countyFigures(scopePaths: string[], period: Period): Promise<[CountyCommunitiesRow[], SettledHouseholdsRow[], OpenCountsRow[], FirstLatestSnapshotRow[]]> {
    const scope = scopeSql('cr.path', scopePaths, 1);
    const params = scopePaths.map((p) => `${likeEscape(p)}%`);
    const int = 'int' as const;
    return Promise.all([
      this.ds.query(communitiesByCountySql(scope), params),
      this.ds.query(byCountySql((c) => `SELECT r.community_id AS id, sum(r.households) AS households
         FROM case_settled_rollup r WHERE r.community_id ${c} AND ${rollupCover(period)} GROUP BY 1`, { households: int }, scope), params),
      this.ds.query(byCountySql((c) => `SELECT o."communityId" AS id, o.n AS open, o.overdue FROM (${openFromRollupSql(c)}) o`, { open: int, overdue: int }, scope), params),
      this.ds.query(byCountySql((c) => `SELECT f.community_id AS id, 1 AS compared, f.flats AS f1, f.flats_separated AS f2, f.residents AS f3, f.residents_elsewhere AS f4,
              l.flats AS l1, l.flats_separated AS l2, l.residents AS l3, l.residents_elsewhere AS l4
         FROM (SELECT DISTINCT ON (community_id) * FROM separation_snapshot WHERE community_id ${c} ORDER BY community_id, taken_at, id) f
         JOIN (SELECT DISTINCT ON (community_id) * FROM separation_snapshot WHERE community_id ${c} ORDER BY community_id, taken_at DESC, id DESC) l
           USING (community_id)`, { compared: int, f1: int, f2: int, f3: int, f4: int, l1: int, l2: int, l3: int, l4: int }, scope), params),
    ]);
  }
}
