/**
 * Maintained totals (rollups, issue 13): SQL to keep a totals table exact in the transaction that writes
 * its source table. Statement-level AFTER triggers with transition tables (`new_rows`, `old_rows`) run
 * one set-based statement per write statement (a bulk import or seed is one aggregate, not one per row).
 */

/**
 * The shard a transaction adds its deltas to in a sharded totals table: one per database session (its backend's pid,
 * modulo ROLLUP_SHARDS), so that the pooled connections of a service each add to rows of their own instead of all
 * queueing for the one row of a community and day (a row lock held to the end of each writing transaction, round
 * trips to the service included). A total is the sum over its shards; readers sum anyway (they add days and months).
 */
export const ROLLUP_SHARDS = 32;
export const ROLLUP_SHARD_SQL = `(pg_backend_pid() % ${ROLLUP_SHARDS})::smallint`;

/**
 * `INSERT … ON CONFLICT DO UPDATE` that adds the summed `cols` of `select` (aliased `d`, grouped by
 * `key`) to `table`, in key order (so two transactions lock the rows in the same order), skipping
 * groups whose every sum is zero (an update that changes nothing counted locks nothing). A second
 * transaction on the same key waits for the first's row lock and adds to its committed value.
 * `sharded`: the table's key ends with a `shard` column, and the deltas go to this session's shard (ROLLUP_SHARD_SQL).
 */
export function incrementSql(table: string, key: string[], cols: string[], select: string, lateral = '', sharded = false): string {
  const keys = key.map((k) => (k.includes('.') ? k : `d.${k}`));
  const names = key.map((k) => k.split('.').pop());
  const shard = sharded ? [ROLLUP_SHARD_SQL] : [];
  const conflict = sharded ? [...names, 'shard'] : names;
  return `INSERT INTO ${table} AS r (${conflict.join(', ')}, ${cols.join(', ')})
  SELECT ${[...keys, ...shard].join(', ')}, ${cols.map((c) => `sum(d.${c})`).join(', ')} FROM (${select}) d ${lateral}
   GROUP BY ${keys.join(', ')}
  HAVING ${cols.map((c) => `sum(d.${c}) <> 0`).join(' OR ')}
   ORDER BY ${keys.join(', ')}
  ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${cols.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')}`;
}

/** SQL that gives `table` (keyed by `key`) a `shard` column, 0 for the rows there, at the end of its primary key. */
export function shardRollupSql(table: string, key: string[]): string[] {
  return [
    `ALTER TABLE ${table} ADD COLUMN shard smallint NOT NULL DEFAULT 0`,
    `ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`,
    `ALTER TABLE ${table} ADD PRIMARY KEY (${[...key, 'shard'].join(', ')})`,
  ];
}

/** Undoes shardRollupSql: the shards summed into shard 0, the column and its key part dropped. */
export function unshardRollupSql(table: string, key: string[], cols: string[]): string[] {
  return [
    `CREATE TEMP TABLE ${table}_sum ON COMMIT DROP AS SELECT ${key.join(', ')}, ${cols.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM ${table} GROUP BY ${key.join(', ')}`,
    `DELETE FROM ${table}`,
    `ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`,
    `ALTER TABLE ${table} DROP COLUMN shard`,
    `INSERT INTO ${table} (${key.join(', ')}, ${cols.join(', ')}) SELECT ${key.join(', ')}, ${cols.join(', ')} FROM ${table}_sum`,
    `ALTER TABLE ${table} ADD PRIMARY KEY (${key.join(', ')})`,
  ];
}

/**
 * The trigger function `fn` and its three statement triggers on `table` (`<table>_<name>_ins/upd/del`, name `rollup`
 * unless a second rollup of the table needs another): `sql.insert` runs after an INSERT (over `new_rows`), `sql.update`
 * after an UPDATE (`old_rows`, `new_rows`), `sql.delete` after a DELETE (`old_rows`). The triggers of one table fire in
 * the order of their names, so the rollups of a table are always locked in the same order.
 */
export function rollupTriggerSql(table: string, fn: string, sql: { insert: string; update: string; delete: string }, name = 'rollup'): string[] {
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      ${sql.insert};
    ELSIF TG_OP = 'UPDATE' THEN
      ${sql.update};
    ELSE
      ${sql.delete};
    END IF;
    RETURN NULL;
  END $fn$`,
    `CREATE TRIGGER ${table}_${name}_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${table}_${name}_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER ${table}_${name}_del AFTER DELETE ON ${table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/** Drops what rollupTriggerSql created. */
export function dropRollupTriggerSql(table: string, fn: string, name = 'rollup'): string[] {
  return [...['ins', 'upd', 'del'].map((op) => `DROP TRIGGER IF EXISTS ${table}_${name}_${op} ON ${table}`), `DROP FUNCTION IF EXISTS ${fn}()`];
}

/**
 * A rollup's row trigger for a rare change of a few columns: `<table>_<name>_upd`, AFTER UPDATE OF `columns`, FOR EACH ROW,
 * firing only when one of them changed (a bulk update of other columns pays nothing), and its function `fn` running `body`
 * (plpgsql over OLD and NEW).
 */
export function rollupColumnTriggerSql(table: string, name: string, fn: string, columns: string[], body: string): string[] {
  const row = (r: string) => `(${columns.map((c) => `${r}.${c}`).join(', ')})`;
  return [
    rollupRowFunctionSql(fn, body),
    `CREATE TRIGGER ${table}_${name}_upd AFTER UPDATE OF ${columns.join(', ')} ON ${table} FOR EACH ROW
  WHEN (${row('OLD')} IS DISTINCT FROM ${row('NEW')}) EXECUTE FUNCTION ${fn}()`,
  ];
}

/** The function of a rollup's row trigger (rollupColumnTriggerSql): `body`, then RETURN NULL (an AFTER trigger). */
export function rollupRowFunctionSql(fn: string, body: string, orReplace = false): string {
  return `CREATE ${orReplace ? 'OR REPLACE ' : ''}FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    ${body};
    RETURN NULL;
  END $fn$`;
}

/** Drops what rollupColumnTriggerSql created. */
export function dropRollupColumnTriggerSql(table: string, name: string, fn: string): string[] {
  return [`DROP TRIGGER IF EXISTS ${table}_${name}_upd ON ${table}`, `DROP FUNCTION IF EXISTS ${fn}()`];
}
