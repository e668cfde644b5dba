import { badRequest } from './errors';

/**
 * Keyset cursor over (timestamp, id) descending: opaque to clients, checked on the way back in.
 * Give the timestamp as cursorAtSql() reads it (microseconds): a JS Date keeps milliseconds only,
 * and a cursor rounded down would skip the rows created earlier within the same millisecond.
 */
export function encodeCursor(at: Date | string, id: number): string {
  return Buffer.from(JSON.stringify([typeof at === 'string' ? at : at.toISOString(), id])).toString('base64url');
}

/**
 * A keyset page from a read of limit + 1 rows: the first `limit` rows, and `next`, the row the next page starts
 * after (the page's last), when a row beyond the page was read; null on the last page.
 */
export function keysetPage<T>(rows: readonly T[], limit: number): { page: T[]; next: T | null } {
  const page = rows.slice(0, limit);
  return { page, next: rows.length > limit ? (page.at(-1) ?? null) : null };
}

/** SQL for a timestamptz as the cursor carries it: ISO 8601 in UTC with microseconds. */
export const cursorAtSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function decodeCursor(cursor: string): [string, number] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && Number.isSafeInteger(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw badRequest('cursor is not valid', [{ field: 'cursor', errors: ['malformed'] }], 'VALIDATION_FAILED');
}
