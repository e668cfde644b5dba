import type { DataSource } from 'typeorm';
import { type AuthUser, businessToday, notFound, type Role, sumBy } from '@redheart/shared';
import { assertMay, POLICY } from '../../policy';
import { ITEM_STATUSES } from '../../domain';
import { OverviewRepository, type ScopeCommunityRow } from './repository';

export const OVERVIEW_ROLES: readonly Role[] = POLICY['overview.read'].roles;

export interface CommunityFigures {
  communityId: number;
  communityName: string;
  streetName: string | null;
  items: number;
  open: number;
  claimed: number;
  delivered: number;
  rated: number;
  averageRating: number | null;
  escalated: number;
  releases: number;
  rework: number;
  hours: number;
  checkIns: number;
  pledges: number;
  pledgesDelivered: number;
  units: number;
  members: number;
}

/** The street a community belongs to is the parent in its org path: /county/street/community/. */
const streetOf = (path: string): number | null => {
  const seg = path.split('/').filter(Boolean);
  return seg.length >= 2 ? Number(seg[seg.length - 2]) : null;
};
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The dual-report figures of the communities in the caller's scope: the item counts by status,
 * ratings, pledges and posted hours from the totals the triggers keep (item_community_rollup,
 * item_hours_rollup; migration ItemRollup), the rest from the records: items reported, claimed (claim/assign events), delivered, rated with the average rating,
 * escalations, releases and rework (events), posted volunteer hours, check-ins per service day,
 * public pledges and how many are delivered, reported units and members.
 */
export class OverviewService {
  private readonly repo: OverviewRepository;

  constructor(ds: DataSource) {
    this.repo = new OverviewRepository(ds);
  }

  async overview(user: AuthUser, q: { streetId?: number; communityId?: number }) {
    assertMay(user, 'overview.read');
    let communities: ScopeCommunityRow[] = await this.repo.scopeCommunities(user.scopePaths);
    if (q.streetId !== undefined) {
      communities = communities.filter((c) => streetOf(c.path) === q.streetId);
      if (!communities.length) throw notFound('Street');
    }
    if (q.communityId !== undefined) {
      communities = communities.filter((c) => c.id === q.communityId);
      if (!communities.length) throw notFound('Community');
    }
    const ids = communities.map((c) => c.id);
    const [items, events, hours, checkIns, reports, members, units, byStatus, serviceDays] = await Promise.all([
      this.repo.itemCounts(ids), this.repo.eventCounts(ids), this.repo.hours(ids), this.repo.checkIns(ids), this.repo.units(ids), this.repo.members(ids),
      this.repo.distinctUnits(ids), this.repo.byStatus(ids), this.repo.serviceDays(ids),
    ]);
    const by = <T extends { id: number }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
    const [itemMap, eventMap, hourMap, checkInMap, reportMap, memberMap] = [by(items), by(events), by(hours), by(checkIns), by(reports), by(members)];
    const perCommunity = communities.map((c) => {
      const i = itemMap.get(c.id);
      const e = eventMap.get(c.id);
      const row = {
        communityId: c.id, communityName: c.name, streetName: c.streetName,
        items: i?.items ?? 0, open: i?.open ?? 0, claimed: e?.claimed ?? 0, delivered: i?.delivered ?? 0, rated: i?.rated ?? 0,
        averageRating: i?.rated ? round(i.ratingSum / i.rated) : null,
        escalated: e?.escalated ?? 0, releases: e?.releases ?? 0, rework: e?.rework ?? 0,
        hours: round(hourMap.get(c.id)?.hours ?? 0), checkIns: checkInMap.get(c.id)?.checkIns ?? 0,
        pledges: i?.pledges ?? 0, pledgesDelivered: i?.pledgesDelivered ?? 0,
        units: reportMap.get(c.id)?.units ?? 0, members: memberMap.get(c.id)?.members ?? 0,
      };
      return { row, ratingSum: i?.ratingSum ?? 0 };
    });
    const sum = (k: keyof CommunityFigures) => perCommunity.reduce((s, { row }) => s + (row[k] as number), 0);
    const rated = sum('rated');
    const ratingSum = perCommunity.reduce((s, x) => s + x.ratingSum, 0);
    const today = businessToday();
    const held = serviceDays.filter((d) => d.date <= today);
    const heldCheckIns = held.reduce((s, d) => s + d.checkIns, 0);
    const statusCounts: Record<string, number> = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0]));
    for (const r of byStatus) statusCounts[r.status] = r.n;
    return {
      streetId: q.streetId ?? null,
      communityId: q.communityId ?? null,
      totals: {
        communities: communities.length,
        items: sum('items'), open: sum('open'), claimed: sum('claimed'), delivered: sum('delivered'), rated,
        averageRating: rated ? round(ratingSum / rated) : null,
        escalated: sum('escalated'), releases: sum('releases'), rework: sum('rework'),
        hours: round(sum('hours')), checkIns: sum('checkIns'), pledges: sum('pledges'), pledgesDelivered: sum('pledgesDelivered'),
        units, members: sum('members'),
        serviceDaysHeld: held.length,
        checkInsPerServiceDay: held.length ? round(heldCheckIns / held.length, 1) : null,
      },
      byStatus: statusCounts,
      serviceDays,
      communities: perCommunity.map(({ row }) => row),
    };
  }
}

const ZERO_COUNTY = () => ({ communities: 0, items: 0, live: 0, open: 0, delivered: 0, rated: 0, ratingSum: 0, hours: 0, units: 0, members: 0 });

/**
 * 双报到 county by county, for the organisation departments' comparison: the communities in the
 * caller's scope grouped by their county (from the org path); per county the items, those open and
 * delivered, the delivery rate (delivered of the items not cancelled, merged or rejected), ratings,
 * posted hours, reported units (approved reports) and members.
 */
export class CountyOverviewService {
  private readonly repo: OverviewRepository;

  constructor(ds: DataSource) {
    this.repo = new OverviewRepository(ds);
  }

  async counties(user: AuthUser) {
    assertMay(user, 'overview.counties');
    // each statement's per-community rows come summed by county (`id`: the county; null for a path without one)
    const [communities, items, hours, reports, members] = await this.repo.countyFigures(user.scopePaths);
    const row = (r: { id: number | null } & Partial<ReturnType<typeof ZERO_COUNTY>>) => {
      const { id, ...counts } = r;
      return { key: id === null ? null : Number(id), counts: { ...ZERO_COUNTY(), ...counts } };
    };
    const sums = sumBy([...communities, ...items, ...hours, ...reports, ...members].map(row), ZERO_COUNTY);
    const figures = (s: ReturnType<typeof ZERO_COUNTY>) => ({
      communities: s.communities, items: s.items, open: s.open, delivered: s.delivered,
      deliveryRate: s.live ? round(s.delivered / s.live, 4) : null,
      rated: s.rated, averageRating: s.rated ? round(s.ratingSum / s.rated) : null,
      hours: round(s.hours), units: s.units, members: s.members,
    });
    const counties = [...sums.entries()]
      .filter((e): e is [number, ReturnType<typeof ZERO_COUNTY>] => e[0] !== null && e[0] !== undefined)
      .map(([countyId, s]) => ({ countyId, ...figures(s) }));
    const all = [...sums.values()].reduce((a, s) => {
      for (const k of Object.keys(a) as (keyof typeof a)[]) a[k] += s[k];
      return a;
    }, ZERO_COUNTY());
    return { totals: figures(all), counties };
  }
}
