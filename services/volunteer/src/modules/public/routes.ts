import type { FastifyInstance } from 'fastify';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { badRequest, decodeCursor, encodeCursor, maskPublicText, notFound, parseId, parseQuery } from '@redheart/shared';
import { readPhoto } from '../items/evidence';

/** Re-exported: the board masks its free text with the shared rule (shared/src/pii.ts). */
export { maskPublicText };

/* ─── the SQL (exported: bench/volunteer measures and explains exactly these statements) ─── */

/** How many of its latest pledges each unit shows on the board. */
export const LATEST = 3;
/** On the board: a pledge a unit holds, not cancelled, merged or rejected (the predicate of the board's partial indexes). */
const ON_BOARD = `i.pledge AND i.unit_id IS NOT NULL AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`;
/** Delivered: done, confirmed by the community, or closed. */
const DELIVERED_STATUSES = ['DONE', 'CONFIRMED', 'CLOSED'] as const;
const DELIVERED = `i.status IN (${DELIVERED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
/**
 * Pledges as the board shows them (nothing about the reporter). `ids` picks the ids to show, newest first, from the
 * board's index alone (an index-only scan that stops at its LIMIT); only those rows are then read by primary key,
 * joined and given their evidence (item_evidence_item_idx).
 */
const pledgesOf = (ids: string) => `SELECT i.id, i.item_no AS "itemNo", i.community_id AS "communityId", cr.name AS "communityName", sc.name AS "categoryName",
       i.place, i.description, i.status, i.scheduled_date AS "scheduledDate", i.done_at AS "doneAt", i.rating,
       coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'note', e.note) ORDER BY e.id) FROM item_evidence e WHERE e.item_id = i.id), '[]') AS evidence
  FROM (${ids}) top JOIN item i ON i.id = top.id JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id
 ORDER BY i.id DESC`;
const SUMMARY_COLUMNS = `count(*)::int AS total, (count(*) FILTER (WHERE ${DELIVERED}))::int AS delivered`;

/**
 * The board's totals: one aggregate over the partial index (index-only; the whole board is ~1.2 % of
 * all items), grouped per unit so that the number of units comes with it. $1: the community, if any.
 */
const totalsSql = (inCommunity: boolean) => `
SELECT count(*)::int AS units, coalesce(sum(s.total), 0)::int AS pledges, coalesce(sum(s.delivered), 0)::int AS delivered
  FROM (SELECT i.unit_id, ${SUMMARY_COLUMNS} FROM item i
         WHERE ${ON_BOARD}${inCommunity ? ' AND i.community_id = $1' : ''} GROUP BY i.unit_id) s`;

/**
 * A page of units in (name, id) order after the cursor, then for those units only: their summary (an
 * index-only count over their own index range) and their latest 3 pledges (the top of the same range).
 * $1: page size + 1, $3: the unit to continue after (its name is read in the same statement; $2 when there is none,
 * '' for the first page), $4: the community, if any. Without a community
 * the units are walked in name order (unit_ref_name_idx), each probed for one board pledge (LIMIT 1 keeps
 * it a probe); within a community, the units come from that community's board rows.
 */
const pageSql = (inCommunity: boolean) => {
  const here = inCommunity ? ' AND i.community_id = $4' : '';
  const units = inCommunity
    ? `SELECT u.id, u.name FROM unit_ref u
        WHERE u.id IN (SELECT i.unit_id FROM item i WHERE ${ON_BOARD}${here}) AND (u.name, u.id) > (coalesce((SELECT cu.name FROM unit_ref cu WHERE cu.id = $3::bigint), $2::text), $3::bigint)
        ORDER BY u.name, u.id LIMIT $1`
    : `SELECT u.id, u.name FROM unit_ref u
        CROSS JOIN LATERAL (SELECT 1 FROM item i WHERE i.unit_id = u.id AND ${ON_BOARD} LIMIT 1) held
        WHERE (u.name, u.id) > (coalesce((SELECT cu.name FROM unit_ref cu WHERE cu.id = $3::bigint), $2::text), $3::bigint)
        ORDER BY u.name, u.id LIMIT $1`;
  return `
WITH page AS MATERIALIZED (
  ${units}
)
SELECT p.id AS "unitId", p.name AS "unitName", s.total, s.delivered, l.latest
  FROM page p
  CROSS JOIN LATERAL (SELECT ${SUMMARY_COLUMNS} FROM item i WHERE i.unit_id = p.id AND ${ON_BOARD}${here}) s
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') AS latest
      FROM (${pledgesOf(`SELECT i.id FROM item i WHERE i.unit_id = p.id AND ${ON_BOARD}${here} ORDER BY i.id DESC LIMIT ${LATEST}`)}) x
  ) l
 ORDER BY p.name, p.id`;
};

/** A unit and its summary. $1: the unit, $2: the community, if any. */
const unitSql = (inCommunity: boolean) => `
SELECT u.id AS "unitId", u.name AS "unitName", s.total, s.delivered
  FROM unit_ref u CROSS JOIN LATERAL (SELECT ${SUMMARY_COLUMNS} FROM item i WHERE i.unit_id = u.id AND ${ON_BOARD}${inCommunity ? ' AND i.community_id = $2' : ''}) s
 WHERE u.id = $1`;

/** A page of a unit's pledges, newest first (keyset on id). $1: the unit, $2: the id to continue below, $3: page size + 1, $4: the community, if any. */
const unitPledgesSql = (inCommunity: boolean) =>
  pledgesOf(`SELECT i.id FROM item i WHERE i.unit_id = $1 AND ${ON_BOARD}${inCommunity ? ' AND i.community_id = $4' : ''} AND i.id < $2 ORDER BY i.id DESC LIMIT $3`);

export const BOARD_SQL = {
  totals: totalsSql(false),
  communityTotals: totalsSql(true),
  page: pageSql(false),
  communityPage: pageSql(true),
  unit: unitSql(false),
  communityUnit: unitSql(true),
  unitPledges: unitPledgesSql(false),
  communityUnitPledges: unitPledgesSql(true),
} as const;

/* ─── queries and answers ─── */

class BoardQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}

const DEFAULT_LIMIT = 20;
/**
 * Both cursors are the shared opaque (timestamp, id) cursor; only its id is used (the timestamp is the epoch). The
 * board's names the last unit shown, whose name is read back to continue after (name, id); a unit's page names the
 * last pledge shown, to continue below its id.
 */
const NO_TIME = new Date(0);

const s = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const ns = { type: ['string', 'null'] } as const;
const ni = { type: ['integer', 'null'] } as const;
const pledgeSchema = {
  type: 'object',
  properties: {
    id: int, itemNo: s, communityId: int, communityName: s, categoryName: s, place: s, description: s, status: s, scheduledDate: ns, doneAt: ns, rating: ni,
    evidence: { type: 'array', items: { type: 'object', properties: { id: int, kind: s, note: ns } } },
  },
} as const;
const summarySchema = { type: 'object', properties: { total: int, delivered: int, inProgress: int } } as const;
/** The unit's members by group (服务队, in its colour): how many approved members serve in each; no names. */
const teamsSchema = { type: 'array', items: { type: 'object', properties: { id: int, name: s, nameEn: ns, color: s, members: int } } } as const;
export const boardSchema = {
  type: 'object',
  properties: {
    communityId: ni,
    totals: { type: 'object', properties: { units: int, pledges: int, delivered: int } },
    units: { type: 'array', items: { type: 'object', properties: { unitId: int, unitName: s, summary: summarySchema, teams: teamsSchema, latest: { type: 'array', items: pledgeSchema } } } },
    nextCursor: ns,
  },
} as const;
export const unitPledgesSchema = {
  type: 'object',
  properties: { unitId: int, unitName: s, communityId: ni, summary: summarySchema, teams: teamsSchema, items: { type: 'array', items: pledgeSchema }, nextCursor: ns },
} as const;

interface PledgeRow {
  id: number;
  description: string;
  doneAt: string | Date | null;
  evidence: { id: number; kind: string; note: string | null }[];
  [k: string]: unknown;
}
/** Free text (the reporter's description, the unit's notes) is masked; times are ISO instants. */
const publicPledge = (p: PledgeRow) => ({
  ...p,
  description: maskPublicText(p.description),
  doneAt: p.doneAt ? new Date(p.doneAt).toISOString() : null,
  evidence: p.evidence.map((e) => ({ ...e, note: e.note === null ? null : maskPublicText(e.note) })),
});
const summary = (r: { total: number; delivered: number }) => ({ total: r.total, delivered: r.delivered, inProgress: r.total - r.delivered });

interface Team { unitId: number; id: number; name: string; nameEn: string | null; color: string; members: number }
/**
 * The teams of the units shown: their approved members per group (living in the community, when the board shows one),
 * one grouped read over the units' members (member_unit_idx).
 */
async function teamsOf(db: FastifyInstance['dbRead'], unitIds: number[], communityId: number | null): Promise<Map<number, Omit<Team, 'unitId'>[]>> {
  const out = new Map<number, Omit<Team, 'unitId'>[]>();
  if (!unitIds.length) return out;
  const rows: Team[] = await db.query(
    `SELECT m.unit_id AS "unitId", g.id, g.name, g.name_en AS "nameEn", g.color, count(*)::int AS members
       FROM member m JOIN member_group g ON g.id = m.group_id
      WHERE m.unit_id = ANY($1::bigint[]) AND m.status = 'approved'${communityId ? ' AND m.community_id = $2' : ''}
      GROUP BY m.unit_id, g.id ORDER BY m.unit_id, g.sort, g.id`,
    communityId ? [unitIds, communityId] : [unitIds],
  );
  for (const { unitId, ...t } of rows) out.set(unitId, [...(out.get(unitId) ?? []), t]);
  return out;
}

/**
 * 公开履诺: the public pledge board, readable without login so residents can hold units to their
 * promises. Only pledge items and their photos are shown; nothing about residents. The board is paged by
 * unit; each read but the totals covers only the units of one page, so its cost does not grow with all the
 * pledges ever made; the totals are one index-only aggregate over the board's own rows (a partial index).
 */
export default async function publicRoutes(app: FastifyInstance, opts: { filesDir: string }) {
  app.get('/api/volunteer/public/communities', {
    schema: {
      tags: ['public'],
      summary: 'Every community of the programme (id, name, street), no login: the board\'s filter and where a unit may report to',
      security: [],
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, streetName: { type: ['string', 'null'] } } } } },
    },
    handler: async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return app.dbRead.query(`SELECT id, name, street_name AS "streetName" FROM community_ref ORDER BY street_name COLLATE "C" NULLS LAST, name COLLATE "C", id`);
    },
  });

  app.get('/api/volunteer/public/pledges', {
    schema: {
      tags: ['public'],
      summary: 'The public pledge board (no login): totals and a page of units (keyset by name) with their summary, their members\' teams (服务队, counts per group and its colour) and latest 3 pledges; ?communityId=&limit=&cursor=',
      security: [],
      response: { 200: boardSchema }, dto: { query: BoardQuery }
    },
    handler: async (req, reply) => {
      const q = await parseQuery(BoardQuery, req.query);
      const limit = q.limit ?? DEFAULT_LIMIT;
      // The page statement reads the cursor unit's name itself; whether that unit exists is checked alongside.
      const afterId = q.cursor ? decodeCursor(q.cursor)[1] : 0;
      const after = ['', afterId];
      const c = q.communityId ?? null;
      const [[totals], rows, cursorUnit] = await Promise.all([
        app.dbRead.query(c ? BOARD_SQL.communityTotals : BOARD_SQL.totals, c ? [c] : []),
        app.dbRead.query(c ? BOARD_SQL.communityPage : BOARD_SQL.page, c ? [limit + 1, ...after, c] : [limit + 1, ...after]),
        q.cursor ? app.dbRead.query(`SELECT 1 FROM unit_ref WHERE id = $1`, [afterId]) : [true],
      ]);
      if (!cursorUnit.length) throw badRequest('cursor is not valid', [{ field: 'cursor', errors: ['names no unit'] }], 'VALIDATION_FAILED');
      const page: { unitId: number; unitName: string; total: number; delivered: number; latest: PledgeRow[] }[] = rows.slice(0, limit);
      const last = page.at(-1);
      const teams = await teamsOf(app.dbRead, page.map((u) => u.unitId), c);
      reply.header('cache-control', 'public, max-age=60');
      return {
        communityId: c,
        totals,
        units: page.map((u) => ({ unitId: u.unitId, unitName: u.unitName, summary: summary(u), teams: teams.get(u.unitId) ?? [], latest: u.latest.map(publicPledge) })),
        nextCursor: rows.length > limit && last ? encodeCursor(NO_TIME, last.unitId) : null,
      };
    },
  });

  app.get<{ Params: { unitId: string } }>('/api/volunteer/public/pledges/units/:unitId', {
    schema: {
      tags: ['public'],
      summary: 'One unit’s public pledges, newest first (keyset on id), with its summary (no login); ?communityId=&limit=&cursor=',
      security: [],
      response: { 200: unitPledgesSchema }, dto: { query: BoardQuery }
    },
    handler: async (req, reply) => {
      const unitId = parseId(req.params.unitId, 'Unit');
      const q = await parseQuery(BoardQuery, req.query);
      const limit = q.limit ?? DEFAULT_LIMIT;
      const before = q.cursor ? decodeCursor(q.cursor)[1] : Number.MAX_SAFE_INTEGER;
      const c = q.communityId ?? null;
      const [[unit], rows, teams] = await Promise.all([
        app.dbRead.query(c ? BOARD_SQL.communityUnit : BOARD_SQL.unit, c ? [unitId, c] : [unitId]),
        app.dbRead.query(c ? BOARD_SQL.communityUnitPledges : BOARD_SQL.unitPledges, c ? [unitId, before, limit + 1, c] : [unitId, before, limit + 1]),
        teamsOf(app.dbRead, [unitId], c),
      ]);
      if (!unit || unit.total === 0) throw notFound('Unit');
      const page: PledgeRow[] = rows.slice(0, limit);
      const last = page.at(-1);
      reply.header('cache-control', 'public, max-age=60');
      return {
        unitId: unit.unitId,
        unitName: unit.unitName,
        communityId: c,
        summary: summary(unit),
        teams: teams.get(unitId) ?? [],
        items: page.map(publicPledge),
        nextCursor: rows.length > limit && last ? encodeCursor(NO_TIME, last.id) : null,
      };
    },
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/volunteer/public/pledges/:id/evidence/:evidenceId', {
    // Only the photos of pledges the board shows (a unit holds them; not cancelled, merged or rejected).
    schema: { tags: ['public'], summary: 'A photo of a public pledge (no login)', security: [] },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      const rows = await app.dbRead.query(
        `SELECT e.file_name, e.mime FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE e.id = $1 AND e.item_id = $2 AND i.pledge AND e.kind = 'photo'
            AND i.unit_id IS NOT NULL AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`,
        [parseId(req.params.evidenceId, 'Evidence'), id],
      );
      if (!rows[0]) throw notFound('Evidence');
      reply.header('content-type', rows[0].mime).header('cache-control', 'public, max-age=3600');
      return reply.send(await readPhoto(opts.filesDir, id, rows[0].file_name));
    },
  });
}
