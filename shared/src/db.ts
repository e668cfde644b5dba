import { createHash } from 'node:crypto';
import { Client, types } from 'pg';
import { installJobSchema } from './jobs';
import { ensureServiceRole, grantServiceRole, serviceRolePassword } from './roles';

/**
 * Each service owns its own database. Given the server URL (DATABASE_URL) and a service name,
 * the service's database is `<base>_<service>`: postgres://…/redheart → redheart_org.
 * `<SERVICE>_DATABASE_URL` overrides it for that one service.
 */
export function serviceDatabaseUrl(env: NodeJS.ProcessEnv, service: string): string {
  const own = env[`${service.toUpperCase()}_DATABASE_URL`];
  if (own) return own;
  const base = env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set (npm start and npm test start an embedded PostgreSQL and set it)');
  const url = new URL(base);
  const baseName = url.pathname.replace(/^\//, '') || 'redheart';
  url.pathname = `/${baseName}_${service}`;
  return url.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** Creates the database named in `url` on its server when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Refusing unusual database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } catch (e) {
      // another process created it between our check and our create
      if ((e as { code?: string }).code !== '42P04' && (e as { code?: string }).code !== '23505') throw e;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`Refusing unusual database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

let typesConfigured = false;
/**
 * DATE columns stay 'YYYY-MM-DD' strings (no time-zone shift through JS Date), and int8 (ids,
 * count(*)) become numbers: our identities and counts stay far below 2^53.
 */
export function configurePgTypes(): void {
  if (typesConfigured) return;
  typesConfigured = true;
  types.setTypeParser(1082, (v: string) => v);
  types.setTypeParser(20, (v: string) => Number(v));
}
configurePgTypes();

/**
 * TypeORM's `query()` answers UPDATE/DELETE with `[rows, rowCount]` but SELECT/INSERT with `rows`;
 * this gives the rows either way (for `… RETURNING`).
 */
export function rowsOf<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/**
 * `m.query(text, values)` through a named prepared statement: on the transaction's own connection when `m` is a
 * transaction's manager, else on the pool. PostgreSQL then parses and plans the statement once per connection
 * (after five runs it keeps a generic plan) instead of on every call: for the statements of the hot write paths
 * (a settle, a claim, a sign-up), whose joins, JSON subqueries and CTEs cost more to parse and plan than to run —
 * a perf profile of the volunteer database's backends under bench:events:sse spent most of their time in the
 * parser, the planner and the catalogue caches. For statements whose plan does not depend on the values (keys,
 * not LIKE prefixes or ranges, whose generic plan can be worse than a custom one). Also for hot, selective reads
 * outside a transaction (`preparedIn(ds.manager, …)`: on the pool). The name is derived from the text, so two texts
 * never share a name. Errors come as TypeORM's QueryFailedError, as from `m.query`.
 */
export async function preparedIn<T = Record<string, unknown>>(m: import('typeorm').EntityManager, text: string, values: unknown[]): Promise<T[]> {
  const runner = m.queryRunner;
  const client = runner && !runner.isReleased ? ((await runner.connect()) as import('pg').PoolClient | undefined) : (m.connection?.driver as unknown as { master?: import('pg').Pool } | undefined)?.master;
  // not a pg connection (another driver): as TypeORM sends it
  if (typeof client?.query !== 'function') return rowsOf<T>(await m.query(text, values));
  try {
    const res = await client.query({ name: preparedName(text), text, values });
    return res.rows as T[];
  } catch (err) {
    const { QueryFailedError } = await import('typeorm');
    throw new QueryFailedError(text, values, err as Error);
  }
}

const preparedNames = new Map<string, string>();
/** Past this many distinct texts, new ones run unnamed: a text built with a value in it must not fill every connection's statement cache. */
const MAX_PREPARED = 1000;
function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (!name) {
    if (preparedNames.size >= MAX_PREPARED) return undefined;
    name = `rh_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** SQL for a timestamptz column as the ISO string the APIs answer with (UTC, milliseconds), for JSON built in SQL. */
export const isoSql = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Escapes LIKE wildcards so user text (or a scope path) matches literally. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The programme's time zone: BUSINESS_TIMEZONE, China Standard Time (no DST) by default. */
export const businessTimeZone = (): string => process.env.BUSINESS_TIMEZONE ?? 'Asia/Shanghai';

/** businessTimeZone(), checked to be a time-zone name, for writing into SQL (a session's timezone, a function body). */
export function sqlTimeZone(): string {
  const tz = businessTimeZone();
  if (!/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/.test(tz)) throw new Error(`BUSINESS_TIMEZONE ${tz} is not a time-zone name`);
  return tz;
}

const ZONE_FORMATS = new Map<string, Intl.DateTimeFormat>();
/**
 * One formatter per time zone and kind, made once ('day': YYYY-MM-DD; 'minute': the day and HH:mm, 24-hour): building
 * an Intl.DateTimeFormat costs about half a millisecond of CPU (505 µs against 5.6 µs to format with a made one),
 * which was 7 % of a claim's and 5 % of a settle's service CPU in a profile under bench:per-request's writes
 * (issue 12), and an export formats a time per row.
 */
export function zoneFormat(timeZone: string, kind: 'day' | 'minute'): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let format = ZONE_FORMATS.get(key);
  if (!format) {
    const day = { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    format = new Intl.DateTimeFormat('en-CA', kind === 'day' ? day : { ...day, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    ZONE_FORMATS.set(key, format);
  }
  return format;
}

/**
 * Today's date where the programme runs (China Standard Time, no DST): a clerk in Qixia working
 * at 07:00 must not be told that "today" is yesterday, which UTC would say.
 */
export function businessToday(now = new Date(), timeZone = businessTimeZone()): string {
  return zoneFormat(timeZone, 'day').format(now);
}

/**
 * The pool's options: `current_date` in SQL agrees with businessToday(), and opening a connection
 * gives up after PG_CONNECT_TIMEOUT_MS (3000) so that a request never hangs on an unreachable
 * database; it fails and is answered 503 (db-outage.ts).
 */
export function pgConnectionExtra(poolSize: number): Record<string, unknown> {
  const tz = sqlTimeZone();
  const connectTimeout = Number(process.env.PG_CONNECT_TIMEOUT_MS ?? 3000);
  if (!Number.isInteger(connectTimeout) || connectTimeout <= 0) throw new Error('PG_CONNECT_TIMEOUT_MS must be a positive number of milliseconds');
  return { max: poolSize, options: `-c timezone=${tz}`, connectionTimeoutMillis: connectTimeout };
}

/**
 * Creates the database if missing and applies pending migrations, one process at a time (an
 * advisory lock per service), each migration in its own transaction, as the owner (`url`'s user).
 * Then the service's own role (`rh_<service>`, roles.ts) is created or updated, with
 * `<SERVICE>_DB_PASSWORD(_FILE)` from `env` as its password when set, and granted what it serves with.
 */
export async function migrateDatabase(
  url: string,
  create: (url: string, opts: { poolSize?: number }) => import('typeorm').DataSource,
  lockKey: number,
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  await ensureDatabase(url);
  await ensureServiceRole(url, service, serviceRolePassword(env, service));
  const ds = create(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query('SELECT pg_advisory_lock($1)', [lockKey]);
      const ran = await ds.runMigrations({ transaction: 'each' });
      // the job engine's schema (pg-boss), installed by the owner so services need no CREATE right
      await installJobSchema(ds);
      await grantServiceRole((sql) => qr.query(sql), service, databaseName(url));
      return ran.map((m) => m.name);
    } finally {
      await qr.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
      await qr.release();
    }
  } finally {
    await ds.destroy();
  }
}
