import type { EntityManager, QueryRunner } from 'typeorm';
import { type AuthUser, inScope } from './auth';
import { likeEscape } from './db';
import { notFound } from './errors';
import { type EventConsumerSpec, type EventEnvelope, PermanentEventError } from './events';

export interface CommunityRef {
  id: number;
  name: string;
  path: string;
  streetName: string | null;
  divisionCode: string | null;
}

export interface OrgCommunity {
  id: number;
  name: string;
  path: string;
  streetName: string | null;
  divisionCode: string | null;
}

/** Each service that works per community keeps this copy of the org chart's communities. */
export async function createCommunityRefTable(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE community_ref (
      id bigint PRIMARY KEY,
      name text NOT NULL,
      path text NOT NULL,
      street_name text,
      division_code text,
      synced_at timestamptz NOT NULL DEFAULT now()
    )`);
  await q.query(`CREATE INDEX community_ref_path_idx ON community_ref (path text_pattern_ops)`);
}

/**
 * A service keeps a copy of the communities (id, name, path) that it syncs from the
 * org service's internal list; the path decides whose scope a case or household lies in.
 */
export class CommunityDirectory {
  constructor(private readonly fetchAll?: () => Promise<OrgCommunity[]>) {}

  /**
   * Writes the copies. `asOf` (an event's time): a row synced later than that (a full resync, a
   * newer event) is left as it is, so an old event delivered late never undoes a newer state.
   */
  async upsert(db: EntityManager, list: OrgCommunity[], asOf?: Date): Promise<number> {
    if (!list.length) return 0;
    await db.query(
      `INSERT INTO community_ref (id, name, path, street_name, division_code, synced_at)
       SELECT *, COALESCE($6::timestamptz, now()) FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, path = EXCLUDED.path, street_name = EXCLUDED.street_name,
         division_code = EXCLUDED.division_code, synced_at = EXCLUDED.synced_at
       WHERE $6::timestamptz IS NULL OR community_ref.synced_at <= $6::timestamptz`,
      [list.map((c) => c.id), list.map((c) => c.name), list.map((c) => c.path), list.map((c) => c.streetName), list.map((c) => c.divisionCode), asOf ?? null],
    );
    return list.length;
  }

  /** Pulls the org service's list; no-op when the service runs without an org connection (tests). */
  async sync(db: EntityManager): Promise<number> {
    if (!this.fetchAll) return 0;
    return this.upsert(db, await this.fetchAll());
  }

  async get(db: EntityManager, id: number): Promise<CommunityRef | undefined> {
    const rows: CommunityRef[] = await db.query(
      `SELECT id, name, path, street_name AS "streetName", division_code AS "divisionCode" FROM community_ref WHERE id = $1`,
      [id],
    );
    if (rows[0] || !this.fetchAll) return rows[0];
    // A community created in the org chart since the last sync.
    await this.sync(db);
    return (await db.query(`SELECT id, name, path, street_name AS "streetName", division_code AS "divisionCode" FROM community_ref WHERE id = $1`, [id]))[0];
  }

  /** A community the caller may work in, else 404. */
  async visible(db: EntityManager, user: AuthUser, id: number): Promise<CommunityRef> {
    const c = await this.get(db, id);
    if (!c || !inScope(c.path, user.scopePaths)) throw notFound('Community');
    return c;
  }

  async inScopeIds(db: EntityManager, user: AuthUser): Promise<number[]> {
    const rows: { id: number }[] = await db.query(
      `SELECT id FROM community_ref WHERE ${scopeSql('path', user.scopePaths, 1)}`,
      user.scopePaths.map((p) => `${likeEscape(p)}%`),
    );
    return rows.map((r) => r.id);
  }
}

/** A work unit as the volunteer service copies it (unit_ref). */
export interface OrgWorkUnit {
  id: number;
  name: string;
  path: string;
  /** A county department (县直部门) that whistles (街呼县应) are sent to. */
  department?: boolean;
}

/**
 * What an `org.unit.*` event carries: the communities and work units at or under the changed
 * organisation as they are after the change (a move changes every path below it), or `resync`
 * when they were too many to carry (the consumer then reads the whole list from the org service).
 */
export interface OrgUnitChange {
  unitId: number;
  unitType: string;
  communities: OrgCommunity[];
  workUnits: OrgWorkUnit[];
  resync?: boolean;
}

/** `org.unit.created | updated | renamed | moved | archived` */
export const ORG_UNIT_EVENT_TYPES = ['org.unit.created', 'org.unit.updated', 'org.unit.renamed', 'org.unit.moved', 'org.unit.archived'] as const;

/**
 * The consumer that keeps a service's community copy (and, with `workUnits`, its work-unit copy)
 * current from the org chart's events: a restructure reaches the copy as soon as the event arrives.
 */
export function communityRefConsumer(
  service: string,
  directory: CommunityDirectory,
  opts: { workUnits?: (m: EntityManager, units: OrgWorkUnit[], asOf: Date) => Promise<void>; resync?: (m: EntityManager) => Promise<void> } = {},
): EventConsumerSpec {
  const apply = async (m: EntityManager, e: EventEnvelope) => {
    const p = e.payload as Partial<OrgUnitChange>;
    if (!Array.isArray(p.communities) || !Array.isArray(p.workUnits)) throw new PermanentEventError('payload without communities and workUnits');
    const asOf = new Date(e.occurredAt);
    if (p.resync) {
      if (opts.resync) await opts.resync(m);
      else await directory.sync(m);
      return;
    }
    await directory.upsert(m, p.communities, asOf);
    if (opts.workUnits && p.workUnits.length) await opts.workUnits(m, p.workUnits, asOf);
  };
  return { name: `${service}-community-ref`, from: 'org', types: 'org.unit.>', handlers: Object.fromEntries(ORG_UNIT_EVENT_TYPES.map((t) => [t, apply])) };
}

/** `(col LIKE $n OR col LIKE $n+1 …)` for scope prefixes (values: `${likeEscape(p)}%`). */
export function scopeSql(col: string, scopePaths: string[], firstParam: number): string {
  if (!scopePaths.length) return 'false';
  return `(${scopePaths.map((_, i) => `${col} LIKE $${firstParam + i}`).join(' OR ')})`;
}

/**
 * The county committee a community belongs to, from its org path: communities hang under a street
 * (or town) under a county, so the county is the third segment from the end of
 * `/…/<county>/<street>/<community>/`. Null for a path too short to have one.
 */
export function countyOfPath(path: string): number | null {
  const seg = path.split('/').filter(Boolean);
  return seg.length >= 3 ? Number(seg[seg.length - 3]) : null;
}

/**
 * countyOfPath in SQL: the county of the org path in `col` (a bigint; NULL for a path too short to have one): the
 * fourth field from the end of `/…/<county>/<street>/<community>/` split at '/' (the last is the empty one after the
 * trailing slash). split_part, not a regular expression: a city's county comparison of open cases (2,908 rows) took
 * 12 ms with it, 24 ms with a substring by regular expression.
 */
export const countyOfPathSql = (col: string): string => `nullif(split_part(${col}, '/', -4), '')::bigint`;

/**
 * A per-community statement's rows (its column `id`: the community) summed by county in SQL, over the communities of
 * community_ref that `scope` (a condition on its alias `cr`, e.g. scopeSql('cr.path', …)) selects: one row per county
 * (`id`: the county, as countyOfPath reads it from the path; null for a path without one), in order of the county's id,
 * with the `sums` columns summed and cast as given. `perCommunity(communities)` is the statement with `communities` as its filter on the
 * community column (`community_id ${communities}`: `IN (SELECT id FROM scope)`).
 *
 * A city's county comparison then reads 13 rows per statement, and the service neither lists the scope's 1,452
 * communities nor sends them back as an array: at Yantai's size, parsing and summing the per-community rows in
 * the service cost about as much CPU as the statements, and planning a statement over an array of 1,452 constants
 * 3–7 ms (bench:city).
 */
export function byCountySql(perCommunity: (communities: string) => string, sums: Record<string, 'int' | 'float8'>, scope: string): string {
  const cols = Object.entries(sums).map(([c, type]) => `coalesce(sum(q."${c}"), 0)::${type} AS "${c}"`).join(', ');
  return `WITH scope AS MATERIALIZED (SELECT cr.id, ${countyOfPathSql('cr.path')} AS county FROM community_ref cr WHERE ${scope})
    SELECT s.county AS id, ${cols} FROM (${perCommunity('IN (SELECT id FROM scope)')}) q JOIN scope s ON s.id = q.id GROUP BY 1 ORDER BY 1`;
}

/** The communities per county that `scope` selects (byCountySql's scope): `id` the county, `communities` how many. */
export const communitiesByCountySql = (scope: string): string => byCountySql((communities) => `SELECT id, 1 AS communities FROM community_ref WHERE id ${communities}`, { communities: 'int' }, scope);

/** Sums rows of counts by a key (county, street …) into one row per key, in order of first appearance. */
export function sumBy<K, R extends Record<string, number>>(rows: readonly { key: K; counts: R }[], zero: () => R): Map<K, R> {
  const out = new Map<K, R>();
  for (const { key, counts } of rows) {
    const acc = out.get(key) ?? zero();
    for (const k of Object.keys(counts) as (keyof R)[]) (acc[k] as number) += counts[k];
    out.set(key, acc);
  }
  return out;
}
