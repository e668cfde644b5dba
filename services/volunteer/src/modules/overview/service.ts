import type { DataSource } from 'typeorm';
import { assertRole, type AuthUser, businessToday, COUNTY_READERS, countyOfPath, likeEscape, notFound, type Role, scopeSql, sumBy } from '@redheart/shared';
import { assertMay, POLICY } from '../../policy';
import { ITEM_STATUSES } from '../../domain';

export const OVERVIEW_ROLES: readonly Role[] = POLICY['overview.read'].roles;
const OPEN = `('REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE')`;
const DELIVERED = `('DONE', 'CONFIRMED', 'CLOSED')`;
/**
 * As on the public board: a pledge a unit holds (counted as `pledges` in item_community_rollup), not
 * cancelled, merged or rejected (its status row).
 */
const LIVE_PLEDGE_STATUS = `r.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`;
/** Posted volunteer hours per community, from item_hours_rollup (migration ItemRollup; its shards summed, migration ShardedRollups). */
const HOURS_SQL = `SELECT community_id AS id, sum(hours)::float AS hours FROM item_hours_rollup WHERE community_id = ANY($1::bigint[])
  GROUP BY community_id HAVING sum(hours) <> 0`;

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

interface CommunityRow {
  id: number;
  name: string;
  path: string;
  streetName: string | null;
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
  constructor(private readonly ds: DataSource) {}

  async overview(user: AuthUser, q: { streetId?: number; communityId?: number }) {
    assertMay(user, 'overview.read');
    let communities: CommunityRow[] = await this.ds.query(
      `SELECT id, name, path, street_name AS "streetName" FROM community_ref cr WHERE ${scopeSql('cr.path', user.scopePaths, 1)} ORDER BY path`,
      user.scopePaths.map((p) => `${likeEscape(p)}%`),
    );
    if (q.streetId !== undefined) {
      communities = communities.filter((c) => streetOf(c.path) === q.streetId);
      if (!communities.length) throw notFound('Street');
    }
    if (q.communityId !== undefined) {
      communities = communities.filter((c) => c.id === q.communityId);
      if (!communities.length) throw notFound('Community');
    }
    const ids = communities.map((c) => c.id);
    const [items, events, hours, checkIns, reports, members, units, byStatus, days] = await Promise.all([
      this.ds.query(
        `SELECT r.community_id AS id, sum(r.items)::int AS items,
                coalesce(sum(r.items) FILTER (WHERE r.status IN ${OPEN}), 0)::int AS open,
                coalesce(sum(r.items) FILTER (WHERE r.status IN ${DELIVERED}), 0)::int AS delivered,
                sum(r.rated)::int AS rated, sum(r.rating_sum)::int AS "ratingSum",
                coalesce(sum(r.pledges) FILTER (WHERE ${LIVE_PLEDGE_STATUS}), 0)::int AS pledges,
                coalesce(sum(r.pledges) FILTER (WHERE ${LIVE_PLEDGE_STATUS} AND r.status IN ${DELIVERED}), 0)::int AS "pledgesDelivered"
           FROM item_community_rollup r WHERE r.community_id = ANY($1::bigint[]) GROUP BY r.community_id`,
        [ids],
      ),
      this.ds.query(
        `SELECT i.community_id AS id,
                count(DISTINCT e.item_id) FILTER (WHERE e.action IN ('claim', 'assign'))::int AS claimed,
                count(DISTINCT e.item_id) FILTER (WHERE e.action = 'escalate')::int AS escalated,
                count(*) FILTER (WHERE e.action = 'release')::int AS releases,
                count(*) FILTER (WHERE e.action = 'reopen')::int AS rework
           FROM item_event e JOIN item i ON i.id = e.item_id
          WHERE i.community_id = ANY($1::bigint[]) AND e.action IN ('claim', 'assign', 'escalate', 'release', 'reopen')
          GROUP BY i.community_id`,
        [ids],
      ),
      this.ds.query(HOURS_SQL, [ids]),
      this.ds.query(
        `SELECT i.community_id AS id, count(*)::int AS "checkIns"
           FROM item_signup s JOIN item i ON i.id = s.item_id WHERE s.checked_in_at IS NOT NULL AND i.community_id = ANY($1::bigint[]) GROUP BY i.community_id`,
        [ids],
      ),
      this.ds.query(`SELECT community_id AS id, count(*)::int AS units FROM unit_report WHERE status = 'approved' AND community_id = ANY($1::bigint[]) GROUP BY community_id`, [ids]),
      this.ds.query(`SELECT community_id AS id, count(*)::int AS members FROM member WHERE status = 'approved' AND community_id = ANY($1::bigint[]) GROUP BY community_id`, [ids]),
      this.ds.query(`SELECT count(DISTINCT unit_id)::int AS n FROM unit_report WHERE status = 'approved' AND community_id = ANY($1::bigint[])`, [ids]),
      this.ds.query(`SELECT status, sum(items)::int AS n FROM item_community_rollup WHERE community_id = ANY($1::bigint[]) GROUP BY status HAVING sum(items) <> 0`, [ids]),
      // Attendance per service day: the check-ins of the items scheduled on it (a reopened item counts on its last date).
      this.ds.query(
        `SELECT i.scheduled_date AS date, count(*)::int AS scheduled,
                count(*) FILTER (WHERE i.status IN ${DELIVERED})::int AS delivered,
                coalesce(sum((SELECT count(*) FROM item_signup s WHERE s.item_id = i.id AND s.checked_in_at IS NOT NULL)), 0)::int AS "checkIns"
           FROM item i
          WHERE i.community_id = ANY($1::bigint[]) AND i.scheduled_date IS NOT NULL AND i.status <> 'CANCELLED'
            AND extract(day FROM i.scheduled_date) IN (15, 25)
          GROUP BY i.scheduled_date ORDER BY i.scheduled_date`,
        [ids],
      ),
    ]);
    // Every column of these rows is a number (ids, counts, sums).
    const by = (rows: Record<string, number>[]) => new Map(rows.map((r) => [Number(r.id), r]));
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
    const serviceDays: { date: string; scheduled: number; delivered: number; checkIns: number }[] = days;
    const today = businessToday();
    const held = serviceDays.filter((d) => d.date <= today);
    const heldCheckIns = held.reduce((s, d) => s + d.checkIns, 0);
    const statusCounts: Record<string, number> = Object.fromEntries(ITEM_STATUSES.map((s) => [s, 0]));
    for (const r of byStatus as { status: string; n: number }[]) statusCounts[r.status] = r.n;
    return {
      streetId: q.streetId ?? null,
      communityId: q.communityId ?? null,
      totals: {
        communities: communities.length,
        items: sum('items'), open: sum('open'), claimed: sum('claimed'), delivered: sum('delivered'), rated,
        averageRating: rated ? round(ratingSum / rated) : null,
        escalated: sum('escalated'), releases: sum('releases'), rework: sum('rework'),
        hours: round(sum('hours')), checkIns: sum('checkIns'), pledges: sum('pledges'), pledgesDelivered: sum('pledgesDelivered'),
        units: (units as { n: number }[])[0]?.n ?? 0, members: sum('members'),
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
  constructor(private readonly ds: DataSource) {}

  async counties(user: AuthUser) {
    assertRole(user, COUNTY_READERS, '县区对比仅供市委、县委组织部查看');
    const communities: { id: number; path: string }[] = await this.ds.query(
      `SELECT id, path FROM community_ref cr WHERE ${scopeSql('cr.path', user.scopePaths, 1)}`,
      user.scopePaths.map((p) => `${likeEscape(p)}%`),
    );
    const countyOf = new Map(communities.map((c) => [Number(c.id), countyOfPath(c.path)]));
    const ids = [...countyOf.keys()];
    const [items, hours, reports, members]: Record<string, number>[][] = await Promise.all([
      this.ds.query(
        `SELECT r.community_id AS id, sum(r.items)::int AS items,
                coalesce(sum(r.items) FILTER (WHERE r.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')), 0)::int AS live,
                coalesce(sum(r.items) FILTER (WHERE r.status IN ${OPEN}), 0)::int AS open,
                coalesce(sum(r.items) FILTER (WHERE r.status IN ${DELIVERED}), 0)::int AS delivered,
                sum(r.rated)::int AS rated, sum(r.rating_sum)::int AS "ratingSum"
           FROM item_community_rollup r WHERE r.community_id = ANY($1::bigint[]) GROUP BY r.community_id`,
        [ids],
      ),
      this.ds.query(HOURS_SQL, [ids]),
      this.ds.query(`SELECT community_id AS id, count(*)::int AS units FROM unit_report WHERE status = 'approved' AND community_id = ANY($1::bigint[]) GROUP BY community_id`, [ids]),
      this.ds.query(`SELECT community_id AS id, count(*)::int AS members FROM member WHERE status = 'approved' AND community_id = ANY($1::bigint[]) GROUP BY community_id`, [ids]),
    ]);
    const row = (r: Record<string, number>) => {
      const { id, ...counts } = r;
      return { key: countyOf.get(Number(id)), counts: { ...ZERO_COUNTY(), ...counts } };
    };
    const sums = sumBy([...ids.map((id) => ({ key: countyOf.get(id), counts: { ...ZERO_COUNTY(), communities: 1 } })), ...[...items, ...hours, ...reports, ...members].map(row)], ZERO_COUNTY);
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
