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

/** 集中服务日: the calendar with the items scheduled, and a roster per place (building / desk). */
export default async function serviceDayRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/service-days', {
    schema: { tags: ['service-days'], summary: 'The 15th and 25th in a range, with what is scheduled on each' },
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
      return serviceDaysBetween(from, to).map((date) => {
        const items = rows.filter((r) => r.scheduledDate === date);
        const roster = [...new Set(items.map((i) => i.place))].map((place) => ({ place, items: items.filter((i) => i.place === place).map((i) => ({ id: i.id, itemNo: i.itemNo, unitName: i.unitName, status: i.status })) }));
        return { date, items, roster, attendance: items.reduce((s, i) => s + i.checkedIn, 0) };
      });
    },
  });
}
