import type { EntityManager } from 'typeorm';

/**
 * Multi-row INSERT in chunks (at most 30,000 parameters a statement), rows in the order given;
 * objects and arrays are written as JSON. `table`, `cols`, `returning` and `onConflict` go into
 * the SQL as they are: constants of the caller, never input. With `returning`, the returned rows
 * of all chunks, in order.
 */
export async function insertMany(
  m: EntityManager,
  table: string,
  cols: readonly string[],
  rows: unknown[][],
  returning = '',
  onConflict = '',
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const per = Math.max(1, Math.floor(30000 / cols.length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => {
      params.push(v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
      return `$${params.length}`;
    }).join(', ')})`);
    const res = await m.query(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values.join(', ')}${onConflict ? ` ${onConflict}` : ''}${returning ? ` RETURNING ${returning}` : ''}`, params);
    if (returning) out.push(...res);
  }
  return out;
}
