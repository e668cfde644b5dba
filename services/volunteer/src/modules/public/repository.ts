import type { DataSource } from 'typeorm';
import type { ItemStatus } from '../../domain';

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

/* ─── the reads ─── */

/** A pledge as the board shows it, before its free text is masked. */
export interface PledgeRow {
  id: number; itemNo: string; communityId: number; communityName: string; categoryName: string; place: string; description: string; status: ItemStatus;
  scheduledDate: string | null; doneAt: string | Date | null; rating: number | null;
  evidence: { id: number; kind: string; note: string | null }[];
}
export interface BoardTotals { units: number; pledges: number; delivered: number }
export interface UnitSummaryRow { unitId: number; unitName: string; total: number; delivered: number }
export interface BoardUnitRow extends UnitSummaryRow { latest: PledgeRow[] }
export interface Team { id: number; name: string; nameEn: string | null; color: string; members: number }
export interface PublicCommunity { id: number; name: string; streetName: string | null }

/**
 * The board's reads, on the replica (`dbRead`): each but the totals covers only the units of one page, so its cost
 * does not grow with all the pledges ever made.
 */
export class PublicBoardRepository {
  constructor(private readonly ds: DataSource) {}

  async communities(): Promise<PublicCommunity[]> {
    return this.ds.query(`SELECT id, name, street_name AS "streetName" FROM community_ref ORDER BY street_name COLLATE "C" NULLS LAST, name COLLATE "C", id`);
  }

  async totals(communityId: number | null): Promise<BoardTotals> {
    const rows: BoardTotals[] = await this.ds.query(communityId ? BOARD_SQL.communityTotals : BOARD_SQL.totals, communityId ? [communityId] : []);
    return rows[0];
  }

  /** Up to `take` units after the unit `afterId` (0: from the first) in (name, id) order, with their summaries and latest pledges. */
  async page(communityId: number | null, take: number, afterId: number): Promise<BoardUnitRow[]> {
    const after = ['', afterId];
    return this.ds.query(communityId ? BOARD_SQL.communityPage : BOARD_SQL.page, communityId ? [take, ...after, communityId] : [take, ...after]);
  }

  async unitExists(id: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM unit_ref WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async unit(unitId: number, communityId: number | null): Promise<UnitSummaryRow | undefined> {
    const rows: UnitSummaryRow[] = await this.ds.query(communityId ? BOARD_SQL.communityUnit : BOARD_SQL.unit, communityId ? [unitId, communityId] : [unitId]);
    return rows[0];
  }

  /** Up to `take` of the unit's pledges below the id `before`, newest first. */
  async unitPledges(unitId: number, communityId: number | null, before: number, take: number): Promise<PledgeRow[]> {
    return this.ds.query(communityId ? BOARD_SQL.communityUnitPledges : BOARD_SQL.unitPledges, communityId ? [unitId, before, take, communityId] : [unitId, before, take]);
  }

  /**
   * The teams of the units shown: their approved members per group (living in the community, when the board shows one),
   * one grouped read over the units' members (member_unit_idx).
   */
  async teams(unitIds: number[], communityId: number | null): Promise<Map<number, Team[]>> {
    const out = new Map<number, Team[]>();
    if (!unitIds.length) return out;
    const rows: (Team & { unitId: number })[] = await this.ds.query(
      `SELECT m.unit_id AS "unitId", g.id, g.name, g.name_en AS "nameEn", g.color, count(*)::int AS members
       FROM member m JOIN member_group g ON g.id = m.group_id
      WHERE m.unit_id = ANY($1::bigint[]) AND m.status = 'approved'${communityId ? ' AND m.community_id = $2' : ''}
      GROUP BY m.unit_id, g.id ORDER BY m.unit_id, g.sort, g.id`,
      communityId ? [unitIds, communityId] : [unitIds],
    );
    for (const { unitId, ...t } of rows) out.set(unitId, [...(out.get(unitId) ?? []), t]);
    return out;
  }

  /** A photo of a pledge the board shows (a unit holds it; not cancelled, merged or rejected). */
  async photo(itemId: number, evidenceId: number): Promise<{ file_name: string; mime: string } | undefined> {
    const rows: { file_name: string; mime: string }[] = await this.ds.query(
      `SELECT e.file_name, e.mime FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE e.id = $1 AND e.item_id = $2 AND i.pledge AND e.kind = 'photo'
            AND i.unit_id IS NOT NULL AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`,
      [evidenceId, itemId],
    );
    return rows[0];
  }
}
