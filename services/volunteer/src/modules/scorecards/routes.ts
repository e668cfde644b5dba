import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { IsDateString, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { assertInScope, assertRole, likeEscape, pageRequest, parseId, parseQuery, readPage, type Role, scopeSql } from '@redheart/shared';

/** Roles that may read a unit's scorecard at all (each within its scope); members and grid workers may not. */
const UNIT_CARD_READERS: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff'];
const UNIT_LIST_READERS: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];

class RangeQuery {
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) from?: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) to?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

/** 单位积分: the range, a unit's name (part of it), and page mode (numbered pages with a total; without `page` every unit as before). */
class UnitListQuery extends RangeQuery {
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}

/**
 * A unit's scorecard, computed from the records each time: claims (own and assigned), on-time
 * completion (done by the scheduled day), rework (reopened), releases (推诿), average rating (the community's at
 * confirmation, and residentAverageRating: the residents' own stars through the completion notice's link), hours.
 * Rework is counted from the reopen events, when it happens: a reopened item has no done_at until it
 * is delivered again, so counting it from the done items hid the rework while it was pending.
 */
export async function unitScorecard(db: EntityManager, unitId: number, from = '1900-01-01', to = '2999-12-31') {
  const rows = await db.query(
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

export default async function scorecardRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.get<{ Params: { id: string } }>('/api/volunteer/scorecards/units/:id', {
    schema: { tags: ['scorecards'], summary: 'A unit’s scorecard (its staff, or communities/streets it reported to, admins)', dto: { query: RangeQuery } },
    handler: async (req) => {
      assertRole(req.user, UNIT_CARD_READERS, '成员和网格员不能查看单位的积分卡');
      const unitId = parseId(req.params.id, 'Unit');
      const q = await parseQuery(RangeQuery, req.query);
      const unit = await app.dbRead.query(`SELECT id, name FROM unit_ref WHERE id = $1`, [unitId]);
      assertInScope(unit[0], '单位');
      // Who sees the members' names and hours: admins, the unit's own staff, and the communities (and their
      // streets) whose report from the unit was approved (or has ended). A community still deciding on the
      // unit's report sees the card without the members (members: null); a rejected report shows nothing.
      let withMembers = true;
      if (req.user.role === 'unit_staff') assertInScope(req.user.orgId === unitId, '单位');
      else if (req.user.role !== 'admin') {
        const params = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
        const seen: { status: string }[] = await app.dbRead.query(
          `SELECT r.status FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id
            WHERE r.unit_id = $${params.length + 1} AND r.status IN ('approved', 'ended', 'pending') AND ${scopeSql('cr.path', req.user.scopePaths, 1)}`,
          [...params, unitId],
        );
        assertInScope(seen.length, '单位');
        withMembers = seen.some((r) => r.status !== 'pending');
      }
      const members = withMembers
        ? await app.dbRead.query(
          `SELECT m.id, m.name, coalesce(sum(h.hours) FILTER (WHERE h.posted), 0)::float AS hours, count(DISTINCT h.item_id)::int AS items
             FROM member m LEFT JOIN item_hours h ON h.member_id = m.id WHERE m.unit_id = $1 GROUP BY m.id ORDER BY hours DESC, m.id LIMIT 200`,
          [unitId],
        )
        : null;
      return { unit: unit[0], from: q.from ?? null, to: q.to ?? null, ...(await unitScorecard(app.dbRead.manager, unitId, q.from, q.to)), members };
    },
  });

  app.get('/api/volunteer/scorecards/units', {
    schema: { tags: ['scorecards'], summary: 'All units that reported to communities in scope, with their scorecards (from, to, q: a unit name; page mode: page, limit → total, in name order)', dto: { query: UnitListQuery } },
    handler: async (req) => {
      assertRole(req.user, UNIT_LIST_READERS);
      const q = await parseQuery(UnitListQuery, req.query);
      const params: unknown[] = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
      let nameFilter = '';
      if (q.q) { params.push(likeEscape(q.q.trim())); nameFilter = ` AND u.name LIKE '%' || $${params.length} || '%'`; }
      // A unit once, however many communities in scope approved its report.
      const from = `FROM unit_ref u WHERE EXISTS (SELECT 1 FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id
                     WHERE r.unit_id = u.id AND r.status = 'approved' AND ${scopeSql('cr.path', req.user.scopePaths, 1)})${nameFilter}`;
      const cards = async (units: { id: number; name: string }[]) => {
        const out = [];
        for (const u of units) out.push({ unit: u, ...(await unitScorecard(app.dbRead.manager, u.id, q.from, q.to)) });
        return out;
      };
      // Page mode: the units in name order, a page of them with their cards (each card is computed, so only the page's).
      const paged = pageRequest(q, 20);
      if (paged) {
        const { rows, ...total } = await readPage<{ id: number; name: string }>(app.dbRead, `SELECT u.id, u.name ${from} ORDER BY u.name, u.id`, `SELECT 1 ${from}`, params, paged);
        return { items: await cards(rows), ...total, page: paged.page, limit: paged.limit };
      }
      return cards(await app.dbRead.query(`SELECT u.id, u.name ${from} ORDER BY u.id`, params));
    },
  });

  app.get<{ Params: { id: string } }>('/api/volunteer/scorecards/members/:id', {
    schema: { tags: ['scorecards'], summary: 'A member’s hours and items' },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Member');
      const rows = await app.dbRead.query(
        `SELECT m.id, m.name, m.username, m.unit_id AS "unitId", m.community_id AS "communityId", cr.path, cr.name AS "communityName" FROM member m JOIN community_ref cr ON cr.id = m.community_id WHERE m.id = $1`,
        [id],
      );
      const m = rows[0];
      // A member sees their own card; a unit's staff the cards of their unit's members; community staff, streets
      // and admins those in scope.
      const mine = req.user.role === 'member' ? m?.username === req.user.username
        : req.user.role === 'unit_staff' ? m && Number(m.unitId) === req.user.orgId
          : m && req.user.scopePaths.some((p) => m.path.startsWith(p));
      assertInScope(mine, '成员');
      const items = await app.dbRead.query(
        `SELECT i.id, i.item_no AS "itemNo", i.place, i.status, h.hours::float AS hours, h.posted, i.done_at AS "doneAt"
           FROM item_hours h JOIN item i ON i.id = h.item_id WHERE h.member_id = $1 ORDER BY i.done_at DESC NULLS LAST LIMIT 200`,
        [id],
      );
      const total = items.filter((i: { posted: boolean }) => i.posted).reduce((s: number, i: { hours: number }) => s + i.hours, 0);
      return { id: m.id, name: m.name, communityName: m.communityName, hours: Math.round(total * 100) / 100, items };
    },
  });
}
