import type { FastifyInstance } from 'fastify';
import { IsDateString, IsInt, IsOptional, Length, Min } from 'class-validator';
import { badRequest, businessToday, likeEscape, parseQuery, scopeSql } from '@redheart/shared';
import { nextServiceDay } from '../../domain';

class CalendarQuery {
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) from?: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

/** Every 15th and 25th between two dates. */
export function serviceDaysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let d = nextServiceDay(from);
  while (d <= to) {
    out.push(d);
    const [y, m, day] = d.split('-').map(Number);
    const next = new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
    d = nextServiceDay(next);
  }
  return out;
}

/**
 * The convenience desk (便民服务台) an item's place names: the org chart keeps one desk per building (group), and
 * the volunteer service does not hold the desks themselves, so a place that names a building ("龙腾花园1号楼2单元")
 * belongs to that building's desk ("龙腾花园1号楼"); a place naming no building (a gate, a square) has none.
 */
export function deskOf(place: string): string | null {
  const m = /^(.+?[0-9０-９一二三四五六七八九十百]+\s*(?:号楼|栋|幢))/.exec(place.trim());
  return m ? m[1] : null;
}

/** A member on a service day's roster: signed up (or checked in) for an item, in their group's colour. */
interface RosterMember {
  itemId: number;
  id: number;
  name: string;
  checkedIn: boolean;
  group: { id: number; name: string; nameEn: string | null; color: string } | null;
}

/** 集中服务日: the calendar with the items scheduled, and a roster per convenience desk (else per place). */
export default async function serviceDayRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/service-days', {
    schema: { tags: ['service-days'], summary: 'The 15th and 25th in a range, with what is scheduled on each and its roster (per desk; each item\'s members with their group and its colour)', dto: { query: CalendarQuery } },
    handler: async (req) => {
      const q = await parseQuery(CalendarQuery, req.query);
      const from = q.from ?? businessToday().slice(0, 8) + '01';
      // The next four service days; two months always hold four (walking to 2999 took ~24 000 steps a request).
      const to = q.to ?? serviceDaysBetween(from, new Date(Date.parse(`${from}T00:00:00Z`) + 62 * 86400_000).toISOString().slice(0, 10)).slice(0, 4).at(-1)!;
      if (to < from) throw badRequest('to lies before from', undefined, 'VALIDATION_FAILED');
      if (Date.parse(to) - Date.parse(from) > 400 * 86400_000) throw badRequest('At most about a year at a time', undefined, 'VALIDATION_FAILED');
      const params: unknown[] = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
      const where = [scopeSql('cr.path', req.user.scopePaths, 1)];
      params.push(from, to);
      where.push(`i.scheduled_date BETWEEN $${params.length - 1} AND $${params.length}`);
      if (q.communityId) { params.push((await app.volunteer.communities.visible(app.db.manager, req.user, q.communityId)).id); where.push(`i.community_id = $${params.length}`); }
      if (req.user.role === 'unit_staff') { params.push(req.user.orgId); where.push(`i.unit_id = $${params.length}`); }
      const rows: { scheduledDate: string; id: number; itemNo: string; place: string; status: string; unitName: string | null; communityName: string; categoryName: string; signups: number; checkedIn: number }[] = await app.db.query(
        `SELECT i.scheduled_date AS "scheduledDate", i.id, i.item_no AS "itemNo", i.place, i.status, u.name AS "unitName", cr.name AS "communityName",
                sc.name AS "categoryName",
                (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id)::int AS signups,
                (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id AND s.checked_in_at IS NOT NULL)::int AS "checkedIn"
           FROM item i JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id LEFT JOIN unit_ref u ON u.id = i.unit_id
          WHERE ${where.join(' AND ')} ORDER BY i.scheduled_date, i.place, i.id`,
        params,
      );
      // Who signed up or checked in for each item, with their group (服务队) and its colour: the roster's tags.
      const people: RosterMember[] = rows.length
        ? await app.db.query(
          `SELECT s.item_id AS "itemId", mb.id, mb.name, s.checked_in_at IS NOT NULL AS "checkedIn",
                  CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('id', g.id, 'name', g.name, 'nameEn', g.name_en, 'color', g.color) END AS "group"
             FROM item_signup s JOIN member mb ON mb.id = s.member_id LEFT JOIN member_group g ON g.id = mb.group_id
            WHERE s.item_id = ANY($1::bigint[]) ORDER BY s.item_id, g.sort NULLS LAST, s.signed_at, mb.id`,
          [rows.map((r) => r.id)],
        )
        : [];
      const membersOf = new Map<number, Omit<RosterMember, 'itemId'>[]>();
      for (const { itemId, ...p } of people) membersOf.set(itemId, [...(membersOf.get(itemId) ?? []), p]);
      return serviceDaysBetween(from, to).map((date) => {
        const items = rows.filter((r) => r.scheduledDate === date);
        // One group per desk (its building); an item at a place without a building forms a group of its own place.
        const groups = new Map<string, { desk: string | null; place: string; items: { id: number; itemNo: string; place: string; unitName: string | null; status: string; members: Omit<RosterMember, 'itemId'>[] }[] }>();
        for (const i of items) {
          const desk = deskOf(i.place);
          const key = desk ? `desk:${desk}` : `place:${i.place}`;
          if (!groups.has(key)) groups.set(key, { desk, place: desk ?? i.place, items: [] });
          groups.get(key)!.items.push({ id: i.id, itemNo: i.itemNo, place: i.place, unitName: i.unitName, status: i.status, members: membersOf.get(i.id) ?? [] });
        }
        const roster = [...groups.values()].sort((a, b) => (a.desk === null ? 1 : 0) - (b.desk === null ? 1 : 0) || a.place.localeCompare(b.place, 'zh-CN'));
        return { date, items, roster, attendance: items.reduce((s, i) => s + i.checkedIn, 0) };
      });
    },
  });
}
