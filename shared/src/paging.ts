import { badRequest } from './errors';

/**
 * Numbered pages for the console's list screens (共 N 条, page size, jump to page), alongside the
 * keyset cursor of pagination.ts that the phone pages and "load more" lists keep using. A request
 * is in page mode when it carries `page`; then `cursor` is refused.
 *
 * - `limit` 1–100 (a 400 naming `limit` otherwise);
 * - an offset walk reads and drops page×limit rows, so it stops at PAGE_WINDOW rows (a 400 naming
 *   `page` beyond: narrow the filters instead);
 * - the total is exact while it is at most EXACT_TOTAL_MAX (a count over a LIMIT 1001 subquery, so
 *   never more than 1,001 index entries are counted), otherwise the planner's row estimate with
 *   `totalExact: false` (the screen says 约 N 条).
 */
export const PAGE_LIMIT_MAX = 100;
export const PAGE_WINDOW = 10_000;
export const EXACT_TOTAL_MAX = 1_000;

export interface PageRequest {
  page: number;
  limit: number;
  offset: number;
}

export interface PageTotal {
  total: number;
  totalExact: boolean;
}

export interface Page<T> extends PageTotal {
  items: T[];
  page: number;
  limit: number;
}

const invalid = (field: string, message: string, error: string) => badRequest(message, [{ field, errors: [error] }], 'VALIDATION_FAILED');

/**
 * The page asked for, or null when the request has no `page` (keyset mode). `defaultLimit` applies
 * when `limit` is absent. The DTO has already checked both are integers ≥ 1 when present.
 */
export function pageRequest(q: { page?: number; limit?: number; cursor?: string }, defaultLimit: number): PageRequest | null {
  if (q.page === undefined) return null;
  if (q.cursor !== undefined) throw invalid('cursor', '按页码翻页时不能同时给出 cursor（page 与 cursor 二选一）', 'must be absent when page is given');
  const limit = q.limit ?? defaultLimit;
  const page = q.page;
  if (!Number.isSafeInteger(page) || page < 1) throw invalid('page', 'page 须为从 1 起的整数', 'must be an integer ≥ 1');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_LIMIT_MAX) {
    throw invalid('limit', `limit 须为 1–${PAGE_LIMIT_MAX} 的整数`, `must be an integer from 1 to ${PAGE_LIMIT_MAX}`);
  }
  if (page * limit > PAGE_WINDOW) {
    throw invalid(
      'page',
      `第 ${page} 页超出可翻页范围：按页码最多翻到前 ${PAGE_WINDOW} 条（每页 ${limit} 条时第 ${Math.floor(PAGE_WINDOW / limit)} 页），请用筛选条件缩小范围`,
      `page × limit must be at most ${PAGE_WINDOW}`,
    );
  }
  return { page, limit, offset: (page - 1) * limit };
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
}

/**
 * The total of `rowsSql` (a `SELECT 1 FROM … WHERE …` with no ORDER BY or LIMIT): counted while it
 * is at most EXACT_TOTAL_MAX, else the planner's estimate for the statement (never below the count
 * already seen, so an estimate is always more than EXACT_TOTAL_MAX).
 */
export async function pageTotal(db: Queryable, rowsSql: string, params: unknown[]): Promise<PageTotal> {
  const [counted] = (await db.query(`SELECT count(*)::int AS n FROM (${rowsSql} LIMIT ${EXACT_TOTAL_MAX + 1}) t`, params)) as { n: number }[];
  if (counted.n <= EXACT_TOTAL_MAX) return { total: counted.n, totalExact: true };
  const [plan] = (await db.query(`EXPLAIN (FORMAT JSON) ${rowsSql}`, params)) as { 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }[];
  const estimate = Math.round(Number(plan['QUERY PLAN'][0]?.Plan['Plan Rows']) || 0);
  return { total: Math.max(estimate, EXACT_TOTAL_MAX + 1), totalExact: false };
}

/**
 * One numbered page: `selectSql` (the columns, filters and ORDER BY, no LIMIT) at the page's offset, and
 * the total of `rowsSql` (as pageTotal), read side by side.
 */
export async function readPage<R>(db: Queryable, selectSql: string, rowsSql: string, params: unknown[], paged: Pick<PageRequest, 'offset' | 'limit'>): Promise<{ rows: R[] } & PageTotal> {
  return withPageTotal(db, db.query(`${selectSql} LIMIT ${paged.limit} OFFSET ${paged.offset}`, params) as Promise<R[]>, rowsSql, params, paged);
}

/**
 * A page's rows (`rows`, read by the caller at `paged`'s offset) with the total of `rowsSql`, read side by
 * side, the total then corrected by what the page saw. An estimate can be off either way: a short page
 * ends the list, so the total is then exact (offset + rows); an empty page past the end is counted
 * (it lies within the 10,000-row window, so the count reads at most that many index entries) so the
 * screen can step back to the last page that has rows; a full page means at least offset + limit rows.
 */
export async function withPageTotal<R>(
  db: Queryable,
  rows: Promise<R[]>,
  rowsSql: string,
  params: unknown[],
  paged: Pick<PageRequest, 'offset' | 'limit'>,
): Promise<{ rows: R[] } & PageTotal> {
  const [seen, total] = await Promise.all([rows, pageTotal(db, rowsSql, params)]);
  if (total.totalExact) return { rows: seen, ...total };
  if (seen.length > 0 && seen.length < paged.limit) return { rows: seen, total: paged.offset + seen.length, totalExact: true };
  if (seen.length === 0) {
    const [counted] = (await db.query(`SELECT count(*)::int AS n FROM (${rowsSql} LIMIT ${PAGE_WINDOW + 1}) t`, params)) as { n: number }[];
    if (counted.n <= PAGE_WINDOW) return { rows: seen, total: counted.n, totalExact: true };
    return { rows: seen, total: Math.max(total.total, counted.n), totalExact: false };
  }
  return { rows: seen, total: Math.max(total.total, paged.offset + seen.length), totalExact: false };
}

/** JSON-schema properties of a page answer (merged into a list schema next to `items` / `nextCursor`). */
export const pageSchemaProperties = {
  total: { type: 'integer', description: 'Rows matching the filters (page mode): exact when totalExact, else the planner’s estimate' },
  totalExact: { type: 'boolean' },
  page: { type: 'integer' },
  limit: { type: 'integer' },
} as const;

/** Query-string properties of page mode, for a list route's `querystring` documentation. */
export const pageQueryDoc = 'page mode: ?page=1&limit=20 (limit 1–100, page×limit ≤ 10000) → {items,total,totalExact,page,limit}';
