import type { DataSource } from 'typeorm';
import { type AuthUser, badRequest, sumBy } from '@redheart/shared';
import { STEP_LIMIT_DAYS } from '../../domain';
import { assertMay } from '../../policy';
import { measure, type SeparationMeasure, type SeparationService } from '../separation/service';
import { OPEN, type Period, StatsRepository } from './repository';

export type { Period } from './repository';

/** `YYYY-MM` or `YYYY-MM-DD`; a month as `from` is its first day, as `to` its last. */
export function parsePeriod(from?: string, to?: string): Period {
  const day = (raw: string | undefined, field: 'from' | 'to'): string | null => {
    if (!raw) return null;
    const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(raw.trim());
    const bad = () => badRequest(`${field} must be YYYY-MM or YYYY-MM-DD`, [{ field, errors: ['not a date or month'] }], 'VALIDATION_FAILED');
    if (!m) throw bad();
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = m[3] ? Number(m[3]) : field === 'from' ? 1 : new Date(Date.UTC(y, mo, 0)).getUTCDate();
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) throw bad();
    return date.toISOString().slice(0, 10);
  };
  const p = { from: day(from, 'from'), to: day(to, 'to') };
  if (p.from && p.to && p.from > p.to) throw badRequest('from must not be after to', [{ field: 'from', errors: ['after to'] }], 'VALIDATION_FAILED');
  return p;
}

function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number);
  const [ly, lm] = last.split('-').map(Number);
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m === 13) {
      m = 1;
      y++;
    }
  }
  return out;
}

const days = (v: number | null) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/**
 * 户籍进社区 in figures: households (= SETTLED move-in cases) and persons moved in per community
 * and month and processing time, from the rollup the triggers keep exact (case_settled_rollup, read
 * as months and days, not cases); overdue and open cases from the open cases only (move_case_open_idx);
 * and the separation rates before and after.
 */
export class StatsService {
  constructor(
    private readonly ds: DataSource,
    private readonly separation: SeparationService,
    private readonly repo: StatsRepository = new StatsRepository(ds),
  ) {}

  async summary(user: AuthUser, q: { from?: string; to?: string; communityId?: number }) {
    this.separation.assertReader(user);
    const period = parsePeriod(q.from, q.to);
    const m = this.ds.manager;
    const communities: { id: number; name: string }[] = await this.separation.targetCommunities(m, user, q.communityId);
    const ids = communities.map((c) => c.id);
    const meta = await this.repo.streetNames(m, ids);
    const street = new Map(meta.map((c) => [c.id, c.streetName]));
    // Settled move-ins only (a move out of the system is not a household moved in, a REVOKED case was undone),
    // read from the rollup the triggers keep (migration SettledRollup): rows per community and day/month/all time.
    const perCommunity = await this.repo.settledPerCommunity(m, ids, period);
    const perMonth = await this.repo.settledPerMonth(m, ids, period);
    const byEmployer = await this.repo.personsByEmployer(m, ids, period);
    const open = await this.repo.openCases(m, ids);

    const settledBy = new Map(perCommunity.filter((r) => r.communityId !== null).map((r) => [r.communityId!, r]));
    const total = perCommunity.find((r) => r.communityId === null) ?? { households: 0, persons: 0, avgDays: null };
    const openBy = new Map<number, { open: number; overdue: number }>();
    const openByStatus = Object.fromEntries(OPEN.map((s) => [s, 0])) as Record<string, number>;
    const overdueByStatus = Object.fromEntries(Object.keys(STEP_LIMIT_DAYS).map((s) => [s, 0])) as Record<string, number>;
    for (const r of open) {
      const e = openBy.get(r.communityId) ?? { open: 0, overdue: 0 };
      e.open += r.n;
      e.overdue += r.overdue;
      openBy.set(r.communityId, e);
      openByStatus[r.status] += r.n;
      if (r.status in overdueByStatus) overdueByStatus[r.status] += r.overdue;
    }
    const byMonth = new Map(perMonth.map((r) => [r.month, r]));
    const first = period.from?.slice(0, 7) ?? perMonth[0]?.month;
    const last = period.to?.slice(0, 7) ?? perMonth.at(-1)?.month;
    const months = first && last && first <= last ? monthsBetween(first, last) : [];
    const openTotal = open.reduce((n, r) => n + r.n, 0);
    const overdueTotal = open.reduce((n, r) => n + r.overdue, 0);
    return {
      from: period.from,
      to: period.to,
      communityId: q.communityId ?? null,
      totals: { households: total.households, persons: total.persons, avgProcessingDays: days(total.avgDays), open: openTotal, overdue: overdueTotal },
      communities: communities.map((c) => {
        const s = settledBy.get(c.id);
        const o = openBy.get(c.id);
        return {
          communityId: c.id, communityName: c.name, streetName: street.get(c.id) ?? null, households: s?.households ?? 0, persons: s?.persons ?? 0,
          avgProcessingDays: days(s?.avgDays ?? null), open: o?.open ?? 0, overdue: o?.overdue ?? 0,
        };
      }),
      months: months.map((month) => ({ month, households: byMonth.get(month)?.households ?? 0, persons: byMonth.get(month)?.persons ?? 0 })),
      personsByEmployer: Object.fromEntries((['public_institution', 'enterprise', 'other', 'unknown'] as const).map((k) => [k, byEmployer?.[k] ?? 0])),
      openByStatus,
      overdueByStatus,
      separation: await this.separation.beforeAfter(m, ids),
    };
  }
}

export interface CountyHouseholdFigures {
  countyId: number;
  communities: number;
  /** Settled move-in cases of the period (households moved in). */
  households: number;
  open: number;
  overdue: number;
  /** Separation rates over the communities compared at least once: at their first comparison and their latest. */
  separation: { communities: number; before: SeparationMeasure | null; latest: SeparationMeasure | null };
}

const ZERO_COUNTS = () => ({ communities: 0, households: 0, open: 0, overdue: 0 });
const ZERO_SEP = () => ({ compared: 0, f1: 0, f2: 0, f3: 0, f4: 0, l1: 0, l2: 0, l3: 0, l4: 0 });

/**
 * 户籍进社区 county by county, for the organisation departments' comparison: the communities in the
 * caller's scope grouped by their county (from the org path), each county's settled households of
 * the period, open and overdue cases, and separation rates from the snapshots of the comparisons
 * (first and latest per community; no live re-measure, which would read every register).
 */
export class CountyStatsService {
  constructor(
    ds: DataSource,
    private readonly repo: StatsRepository = new StatsRepository(ds),
  ) {}

  async counties(user: AuthUser, q: { from?: string; to?: string }) {
    assertMay(user, 'compareCounties');
    const period = parsePeriod(q.from, q.to);
    // each statement's per-community rows come summed by county (`id`: the county; null for a path without one)
    const [communities, settled, open, snaps] = await this.repo.countyFigures(user.scopePaths, period);
    const county = (id: number | string | null) => (id === null ? null : Number(id));
    const counts = sumBy(
      [
        ...communities.map((r) => ({ key: county(r.id), counts: { ...ZERO_COUNTS(), communities: r.communities } })),
        ...settled.map((r) => ({ key: county(r.id), counts: { communities: 0, households: r.households, open: 0, overdue: 0 } })),
        ...open.map((r) => ({ key: county(r.id), counts: { communities: 0, households: 0, open: r.open, overdue: r.overdue } })),
      ],
      ZERO_COUNTS,
    );
    const seps = sumBy(
      snaps.map(({ id, ...counts }) => ({ key: county(id), counts })),
      ZERO_SEP,
    );
    const separation = (s: ReturnType<typeof ZERO_SEP> | undefined) => ({
      communities: s?.compared ?? 0,
      before: s?.compared ? measure(s.f1, s.f2, s.f3, s.f4) : null,
      latest: s?.compared ? measure(s.l1, s.l2, s.l3, s.l4) : null,
    });
    const counties: CountyHouseholdFigures[] = [...counts.entries()]
      .filter((e): e is [number, ReturnType<typeof ZERO_COUNTS>] => e[0] !== null && e[0] !== undefined)
      .map(([countyId, c]) => ({ countyId, ...c, separation: separation(seps.get(countyId)) }));
    const all = [...counts.values()].reduce((a, c) => ({ communities: a.communities + c.communities, households: a.households + c.households, open: a.open + c.open, overdue: a.overdue + c.overdue }), ZERO_COUNTS());
    const allSep = [...seps.values()].reduce((a, s) => {
      for (const k of Object.keys(a) as (keyof typeof a)[]) a[k] += s[k];
      return a;
    }, ZERO_SEP());
    return { from: period.from, to: period.to, totals: { ...all, separation: separation(allSep) }, counties };
  }
}
