import type { DataSource } from 'typeorm';
import { likeEscape, scopeSql } from '@redheart/shared';
import type { ItemStatus } from '../../domain';
import type { MemberGroupRef } from '../membergroups/repository';

export interface ScheduledItemRow {
  scheduledDate: string; id: number; itemNo: string; place: string; status: ItemStatus; unitName: string | null; communityName: string; categoryName: string;
  signups: number; checkedIn: number;
}
/** A member on a service day's roster: signed up (or checked in) for an item, in their group's colour. */
export interface RosterMember {
  itemId: number;
  id: number;
  name: string;
  checkedIn: boolean;
  group: MemberGroupRef | null;
}

/** The SQL of the service days (集中服务日). */
export class ServiceDayRepository {
  constructor(private readonly ds: DataSource) {}

  /** The items scheduled between two days in the communities under the scope paths (one community's; one unit's). */
  async scheduled(scopePaths: string[], from: string, to: string, only: { communityId: number | null; unitId: number | null }): Promise<ScheduledItemRow[]> {
    const params: unknown[] = scopePaths.map((p) => `${likeEscape(p)}%`);
    const where = [scopeSql('cr.path', scopePaths, 1)];
    params.push(from, to);
    where.push(`i.scheduled_date BETWEEN $${params.length - 1} AND $${params.length}`);
    if (only.communityId !== null) { params.push(only.communityId); where.push(`i.community_id = $${params.length}`); }
    if (only.unitId !== null) { params.push(only.unitId); where.push(`i.unit_id = $${params.length}`); }
    return this.ds.query(
      `SELECT i.scheduled_date AS "scheduledDate", i.id, i.item_no AS "itemNo", i.place, i.status, u.name AS "unitName", cr.name AS "communityName",
                sc.name AS "categoryName",
                (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id)::int AS signups,
                (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id AND s.checked_in_at IS NOT NULL)::int AS "checkedIn"
           FROM item i JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id LEFT JOIN unit_ref u ON u.id = i.unit_id
          WHERE ${where.join(' AND ')} ORDER BY i.scheduled_date, i.place, i.id`,
      params,
    );
  }

  /** Who signed up or checked in for each item, with their group (服务队) and its colour: the roster's tags. */
  async roster(itemIds: number[]): Promise<RosterMember[]> {
    if (!itemIds.length) return [];
    return this.ds.query(
      `SELECT s.item_id AS "itemId", mb.id, mb.name, s.checked_in_at IS NOT NULL AS "checkedIn",
                  CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('id', g.id, 'name', g.name, 'nameEn', g.name_en, 'color', g.color) END AS "group"
             FROM item_signup s JOIN member mb ON mb.id = s.member_id LEFT JOIN member_group g ON g.id = mb.group_id
            WHERE s.item_id = ANY($1::bigint[]) ORDER BY s.item_id, g.sort NULLS LAST, s.signed_at, mb.id`,
      [itemIds],
    );
  }
}
