import type { DataSource } from 'typeorm';
import { byCountySql, communitiesByCountySql, likeEscape, scopeSql } from '@redheart/shared';
import type { ItemStatus } from '../../domain';

const OPEN = `('REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE')`;
const DELIVERED = `('DONE', 'CONFIRMED', 'CLOSED')`;
/**
 * As on the public board: a pledge a unit holds (counted as `pledges` in item_community_rollup), not
 * cancelled, merged or rejected (its status row).
 */
const LIVE_PLEDGE_STATUS = `r.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`;

/** Per-community statements (`communities`: the filter on the community column; column `id`: the community). */
const countyItemCountsSql = (communities: string) => `SELECT r.community_id AS id, sum(r.items)::int AS items,
       coalesce(sum(r.items) FILTER (WHERE r.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')), 0)::int AS live,
       coalesce(sum(r.items) FILTER (WHERE r.status IN ${OPEN}), 0)::int AS open,
       coalesce(sum(r.items) FILTER (WHERE r.status IN ${DELIVERED}), 0)::int AS delivered,
       sum(r.rated)::int AS rated, sum(r.rating_sum)::int AS "ratingSum"
  FROM item_community_rollup r WHERE r.community_id ${communities} GROUP BY r.community_id`;
/** Posted volunteer hours, from item_hours_rollup (migration ItemRollup; its shards summed, migration ShardedRollups). */
const hoursSql = (communities: string) => `SELECT community_id AS id, sum(hours)::float AS hours FROM item_hours_rollup WHERE community_id ${communities}
  GROUP BY community_id HAVING sum(hours) <> 0`;
/** Approved unit reports. */
const unitsSql = (communities: string) => `SELECT community_id AS id, count(*)::int AS units FROM unit_report WHERE status = 'approved' AND community_id ${communities} GROUP BY community_id`;
/** Approved members. */
const membersSql = (communities: string) => `SELECT community_id AS id, count(*)::int AS members FROM member WHERE status = 'approved' AND community_id ${communities} GROUP BY community_id`;
const IN_IDS = '= ANY($1::bigint[])';

/** A community in the caller's scope. */
export interface ScopeCommunityRow { id: number; name: string; path: string; streetName: string | null }

/* One row per community (`id`): every column a number (ids, counts, sums). Type aliases, so that they read as records. */
export type ItemCountsRow = { id: number; items: number; open: number; delivered: number; rated: number; ratingSum: number; pledges: number; pledgesDelivered: number };
export type CountyItemCountsRow = { id: number; items: number; live: number; open: number; delivered: number; rated: number; ratingSum: number };
export type EventCountsRow = { id: number; claimed: number; escalated: number; releases: number; rework: number };
export type HoursRow = { id: number; hours: number };
export type CheckInsRow = { id: number; checkIns: number };
export type UnitsRow = { id: number; units: number };
export type MembersRow = { id: number; members: number };
/** A county's (`id`) communities. */
export type CountyCommunitiesRow = { id: number; communities: number };

export interface StatusCountRow { status: ItemStatus; n: number }
export interface ServiceDayRow { date: string; scheduled: number; delivered: number; checkIns: number }

/**
 * The SQL of the overviews: the communities in scope, then per community (ids) the totals the triggers keep
 * (item_community_rollup, item_hours_rollup; migration ItemRollup) and the counts read from the records.
 */
export class OverviewRepository {
  constructor(private readonly ds: DataSource) {}

  /** The communities under the scope paths, in path order. */
  scopeCommunities(scopePaths: string[]): Promise<ScopeCommunityRow[]> {
    return this.ds.query(
      `SELECT id, name, path, street_name AS "streetName" FROM community_ref cr WHERE ${scopeSql('cr.path', scopePaths, 1)} ORDER BY path`,
      scopePaths.map((p) => `${likeEscape(p)}%`),
    );
  }

  /** Items open and delivered, ratings, and live pledges (delivered or not), from item_community_rollup. */
  itemCounts(ids: number[]): Promise<ItemCountsRow[]> {
    return this.ds.query(
      `SELECT r.community_id AS id, sum(r.items)::int AS items,
              coalesce(sum(r.items) FILTER (WHERE r.status IN ${OPEN}), 0)::int AS open,
              coalesce(sum(r.items) FILTER (WHERE r.status IN ${DELIVERED}), 0)::int AS delivered,
              sum(r.rated)::int AS rated, sum(r.rating_sum)::int AS "ratingSum",
              coalesce(sum(r.pledges) FILTER (WHERE ${LIVE_PLEDGE_STATUS}), 0)::int AS pledges,
              coalesce(sum(r.pledges) FILTER (WHERE ${LIVE_PLEDGE_STATUS} AND r.status IN ${DELIVERED}), 0)::int AS "pledgesDelivered"
         FROM item_community_rollup r WHERE r.community_id = ANY($1::bigint[]) GROUP BY r.community_id`,
      [ids],
    );
  }

  /**
   * The county comparison over the communities under the scope paths (`id`: the county): communities, item counts
   * (`live`: not cancelled, merged or rejected, the delivery rate's base), posted hours, approved unit reports and
   * members, each statement's per-community rows summed by county in SQL (byCountySql).
   */
  countyFigures(scopePaths: string[]): Promise<[CountyCommunitiesRow[], CountyItemCountsRow[], HoursRow[], UnitsRow[], MembersRow[]]> {
    const scope = scopeSql('cr.path', scopePaths, 1);
    const params = scopePaths.map((p) => `${likeEscape(p)}%`);
    const int = 'int' as const;
    return Promise.all([
      this.ds.query(communitiesByCountySql(scope), params),
      this.ds.query(byCountySql(countyItemCountsSql, { items: int, live: int, open: int, delivered: int, rated: int, ratingSum: int }, scope), params),
      this.ds.query(byCountySql(hoursSql, { hours: 'float8' }, scope), params),
      this.ds.query(byCountySql(unitsSql, { units: int }, scope), params),
      this.ds.query(byCountySql(membersSql, { members: int }, scope), params),
    ]);
  }

  /** Items claimed (claim/assign) and escalated, releases and rework, from item_event. */
  eventCounts(ids: number[]): Promise<EventCountsRow[]> {
    return this.ds.query(
      `SELECT i.community_id AS id,
              count(DISTINCT e.item_id) FILTER (WHERE e.action IN ('claim', 'assign'))::int AS claimed,
              count(DISTINCT e.item_id) FILTER (WHERE e.action = 'escalate')::int AS escalated,
              count(*) FILTER (WHERE e.action = 'release')::int AS releases,
              count(*) FILTER (WHERE e.action = 'reopen')::int AS rework
         FROM item_event e JOIN item i ON i.id = e.item_id
        WHERE i.community_id = ANY($1::bigint[]) AND e.action IN ('claim', 'assign', 'escalate', 'release', 'reopen')
        GROUP BY i.community_id`,
      [ids],
    );
  }

  /** Posted volunteer hours per community, from item_hours_rollup (migration ItemRollup; its shards summed, migration ShardedRollups). */
  hours(ids: number[]): Promise<HoursRow[]> {
    return this.ds.query(hoursSql(IN_IDS), [ids]);
  }

  checkIns(ids: number[]): Promise<CheckInsRow[]> {
    return this.ds.query(
      `SELECT i.community_id AS id, count(*)::int AS "checkIns"
         FROM item_signup s JOIN item i ON i.id = s.item_id WHERE s.checked_in_at IS NOT NULL AND i.community_id = ANY($1::bigint[]) GROUP BY i.community_id`,
      [ids],
    );
  }

  /** Approved unit reports per community. */
  units(ids: number[]): Promise<UnitsRow[]> {
    return this.ds.query(unitsSql(IN_IDS), [ids]);
  }

  /** Approved members per community. */
  members(ids: number[]): Promise<MembersRow[]> {
    return this.ds.query(membersSql(IN_IDS), [ids]);
  }

  /** How many units reported (approved) in any of the communities: a unit reporting to two counts once. */
  async distinctUnits(ids: number[]): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(`SELECT count(DISTINCT unit_id)::int AS n FROM unit_report WHERE status = 'approved' AND community_id = ANY($1::bigint[])`, [ids]);
    return rows[0]?.n ?? 0;
  }

  /** Items per status over the communities (the statuses with none left out). */
  byStatus(ids: number[]): Promise<StatusCountRow[]> {
    return this.ds.query(`SELECT status, sum(items)::int AS n FROM item_community_rollup WHERE community_id = ANY($1::bigint[]) GROUP BY status HAVING sum(items) <> 0`, [ids]);
  }

  /** Attendance per service day (the 15th and 25th): the check-ins of the items scheduled on it (a reopened item counts on its last date). */
  serviceDays(ids: number[]): Promise<ServiceDayRow[]> {
    return this.ds.query(
      `SELECT i.scheduled_date AS date, count(*)::int AS scheduled,
              count(*) FILTER (WHERE i.status IN ${DELIVERED})::int AS delivered,
              coalesce(sum((SELECT count(*) FROM item_signup s WHERE s.item_id = i.id AND s.checked_in_at IS NOT NULL)), 0)::int AS "checkIns"
         FROM item i
        WHERE i.community_id = ANY($1::bigint[]) AND i.scheduled_date IS NOT NULL AND i.status <> 'CANCELLED'
          AND extract(day FROM i.scheduled_date) IN (15, 25)
        GROUP BY i.scheduled_date ORDER BY i.scheduled_date`,
      [ids],
    );
  }
}
