import { createHash, sign } from 'node:crypto';
import { Client } from 'pg';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { serveMetrics } from './metrics';
import type { DataSource } from 'typeorm';
import { type AuthUser, TOKEN_AUDIENCE, TOKEN_ISSUER } from './auth';
import type { OrgCommunity } from './community-ref';
import { ensureDatabase } from './db';
import { serviceRoleUrlFromEnv } from './roles';
import { generateSigningKeys, type KeyPair } from './keys';
import type { Role } from './workflows/roles';
import { type ActionRule, mayAct, type WorkflowDefinition } from './workflows/types';

// Helpers for the services' tests and benches. Never used by a running service.

/**
 * Signs an ES256 access token exactly as the org service does (for tests and benches of the
 * services that only verify). Without `sid`/`sv`, the session is one fixed per user (`sv` 0).
 */
export function signTestToken(privateKey: string, user: AuthUser, opts: { expiresIn?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  user = { sid: testSessionId(user.sub), sv: 0, ...user };
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ ...user, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + (opts.expiresIn ?? 900) })}`;
  return `${data}.${sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/** The session id a test token of account `sub` carries unless it names one (a UUID made from the id). */
export function testSessionId(sub: string): string {
  const h = createHash('sha256').update(`test-session-${sub}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A token per named test user, signed on first use and the same on every later call. */
export function testTokens<K extends string>(privateKey: string, users: Record<K, AuthUser>): (who: K) => string {
  const cache = new Map<K, string>();
  return (who) => {
    if (!cache.has(who)) cache.set(who, signTestToken(privateKey, users[who]));
    return cache.get(who)!;
  };
}

/**
 * One database per jest worker, so files in parallel workers never see each other's rows:
 * `redheart_test_<service>_w<worker>` (`…_<suffix>` with one) on DATABASE_URL's server.
 */
export function workerTestDatabaseUrl(service: string, suffix?: string): string {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run the tests with `npm test` (it starts an embedded PostgreSQL)');
  const url = new URL(base);
  url.pathname = `/redheart_test_${service}_w${process.env.JEST_WORKER_ID ?? '1'}${suffix ? `_${suffix}` : ''}`;
  return url.toString();
}

export interface TestDatabase {
  /** The service's name (its role is rh_<service>). */
  service: string;
  /** The service's DataSource factory (createXDataSource). */
  create: (url: string, opts: { poolSize?: number }) => DataSource;
  /** The service's migrations (migrateX). */
  migrate: (url: string) => Promise<unknown>;
}

/** The database at `url` (created when missing) with an empty public schema, migrated, and a pool of `poolSize` on it. */
export async function freshTestDataSource(url: string, db: TestDatabase, poolSize: number): Promise<DataSource> {
  await ensureDatabase(url);
  const reset = db.create(url, { poolSize: 1 });
  await reset.initialize();
  await reset.query('DROP SCHEMA public CASCADE');
  await reset.query('CREATE SCHEMA public');
  await reset.query('DROP SCHEMA IF EXISTS pgboss CASCADE');
  await reset.destroy();
  await db.migrate(url);
  const ds = db.create(url, { poolSize });
  await ds.initialize();
  return ds;
}

export interface TestApp<A extends FastifyInstance = FastifyInstance> {
  app: A;
  /** The owner's pool (fixtures, checks); the app serves through its own role's pool, `app.db`. */
  ds: DataSource;
  /** A key pair of the test's own: the app verifies with the public key, tests sign with the private one. */
  keys: KeyPair;
  /** Closes the app, then the pool. */
  close(): Promise<void>;
}

/**
 * A pool on `url` as the service's own role (rh_<service>, with `<SERVICE>_DB_PASSWORD(_FILE)`,
 * which `npm test` sets), as the service serves: what the app runs on in the tests, so that
 * the suite proves the role's grants are enough.
 */
export async function serviceTestDataSource(url: string, db: TestDatabase, poolSize: number): Promise<DataSource> {
  const ds = db.create(serviceRoleUrlFromEnv(process.env, db.service, url), { poolSize });
  await ds.initialize();
  return ds;
}

/**
 * A fresh migrated database (freshTestDataSource) and the app that `build` makes on it with a new
 * signing key pair, ready; it never listens (supertest drives app.server).
 */
export async function startTestApp<A extends FastifyInstance>(
  opts: TestDatabase & { url: string; poolSize: number; build: (ds: DataSource, keys: KeyPair) => Promise<A> },
): Promise<TestApp<A>> {
  const ds = await freshTestDataSource(opts.url, opts, Math.min(opts.poolSize, 10));
  const served = await serviceTestDataSource(opts.url, opts, opts.poolSize);
  const keys = generateSigningKeys();
  const app = await opts.build(served, keys);
  await app.ready();
  return {
    app,
    ds,
    keys,
    close: async () => {
      await app.close();
      await served.destroy();
      await ds.destroy();
    },
  };
}

/** The communities of the services' test fixture, as the org chart has them: 栖霞(1) → 翠屏(2): 翠亭(5); 庄园(3): 龙腾(7), 万达(8). */
export const TEST_COMMUNITY = { cuiting: 5, longteng: 7, wanda: 8 } as const;
export const TEST_COMMUNITIES: OrgCommunity[] = [
  { id: TEST_COMMUNITY.cuiting, name: '翠亭社区党委', path: '/1/2/5/', streetName: '翠屏街道党工委', divisionCode: '370686001001' },
  { id: TEST_COMMUNITY.longteng, name: '龙腾社区党委', path: '/1/3/7/', streetName: '庄园街道党工委', divisionCode: '370686002002' },
  { id: TEST_COMMUNITY.wanda, name: '万达社区党委', path: '/1/3/8/', streetName: '庄园街道党工委', divisionCode: '370686002001' },
];

/**
 * Token claims of the fixture's accounts as the org service signs them, one per role: 龙腾 (7) is
 * the community of the community roles, 11 the work unit reported to it.
 */
export const TEST_USERS = {
  admin: { sub: '1', username: 'admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  street: { sub: '2', username: 'street.zhuangyuan', role: 'street_admin', orgId: 3, scopePaths: ['/1/3/'] },
  secretary: { sub: '3', username: 'secretary.longteng', role: 'community_secretary', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerk: { sub: '4', username: 'clerk.longteng', role: 'community_clerk', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerkCuiting: { sub: '5', username: 'clerk.cuiting', role: 'community_clerk', orgId: 5, scopePaths: ['/1/2/5/'] },
  grid: { sub: '6', username: 'grid.longteng', role: 'grid_worker', orgId: 7, scopePaths: ['/1/3/7/'] },
  unit: { sub: '7', username: 'unit.staff', role: 'unit_staff', orgId: 11, scopePaths: ['/1/11/', '/1/3/7/'] },
  member: { sub: '8', username: 'member', role: 'member', orgId: 7, scopePaths: ['/1/3/7/'] },
} satisfies Record<string, AuthUser>;

/** One account of the fixture per role of a community's work, in a stable order: the personas a workflow's table test walks. */
export const FIXTURE_WHO = ['admin', 'street', 'secretary', 'clerk', 'grid', 'unit', 'member'] as const satisfies readonly (keyof typeof TEST_USERS)[];
export type FixtureWho = (typeof FIXTURE_WHO)[number];

/**
 * Serves the app's metrics on an ephemeral internal port (serveMetrics, closed with the app) and
 * returns a function that reads them, as Prometheus scrapes them.
 */
export async function metricsScraper(app: FastifyInstance): Promise<() => Promise<string>> {
  const server = await serveMetrics(app, { port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
    return res.text();
  };
}

/**
 * The value of the series `name` whose labels include `labels` (in any order) in Prometheus text;
 * undefined when there is none, the sum when several match.
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) total = (total ?? 0) + Number(m[3]);
  }
  return total;
}

/**
 * The transactions the pg clients of this process send while `run` runs, each as its statements from `START TRANSACTION`
 * to its `COMMIT` or `ROLLBACK` (on one client), in the order they began: what the per-request bench counts per settle
 * and per claim, for tests that keep a write's round trips from growing (a count, not a time).
 */
export async function recordTransactions(run: () => Promise<unknown>): Promise<string[][]> {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const open = new Map<unknown, string[]>();
  const done: string[][] = [];
  proto.query = function recorded(this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') {
      const sql = text.trim();
      if (/^(START TRANSACTION|BEGIN)\b/i.test(sql)) {
        const tx = [sql];
        open.set(this, tx);
        done.push(tx);
      } else {
        const tx = open.get(this);
        if (tx) {
          tx.push(sql);
          if (/^(COMMIT|ROLLBACK)\b/i.test(sql)) open.delete(this);
        }
      }
    }
    return original.apply(this, args);
  };
  try {
    await run();
  } finally {
    proto.query = original;
  }
  return done;
}

/** The answer of one transition request, as a test reads it. */
export interface TransitionAnswer {
  status: number;
  body: { code?: string };
}

/**
 * A workflow table's (state, action, actor) triples for the actors a test signs in as, split by the table's answer
 * (`mayAct`): what the API must accept and what it must refuse.
 */
export function workflowTriples<S extends string, A extends string, W extends string>(
  def: WorkflowDefinition<S, A, ActionRule<S>>,
  states: readonly S[],
  actors: readonly W[],
  roleOf: (who: W) => Role,
): { allowed: [S, A, W][]; refused: [S, A, W][] } {
  const all = states.flatMap((s) => def.actions.flatMap((a) => actors.map((who) => [s, a, who] as [S, A, W])));
  return {
    allowed: all.filter(([s, a, who]) => mayAct(def, s, a, roleOf(who))),
    refused: all.filter(([s, a, who]) => !mayAct(def, s, a, roleOf(who))),
  };
}

/**
 * Walks a workflow table's refusals against the API: per state a fresh record in it (`inState`), then every refused
 * (action, actor) of that state asked through `act` — 403 when the actor's role may never ask for the action, 409
 * WRONG_STATE when only the state is wrong — and afterwards the record (`read`) still in its state at its version
 * (nothing written). Returns what differed, one line each ("STATE action who: status code"); empty when all held.
 */
export async function walkRefusals<S extends string, A extends string, W extends string, R extends { status: S; version: number }>(opts: {
  def: WorkflowDefinition<S, A, ActionRule<S>>;
  refused: readonly (readonly [S, A, W])[];
  states: readonly S[];
  roleOf: (who: W) => Role;
  inState: (state: S) => Promise<R>;
  act: (record: R, action: A, who: W) => Promise<TransitionAnswer>;
  read: (record: R) => Promise<{ status: S; version: number }>;
}): Promise<string[]> {
  const wrong: string[] = [];
  for (const s of opts.states) {
    const record = await opts.inState(s);
    for (const [, a, who] of opts.refused.filter(([x]) => x === s)) {
      const r = await opts.act(record, a, who);
      const expected = opts.def.rules[a].roles.includes(opts.roleOf(who)) ? 409 : 403;
      if (r.status !== expected || (expected === 409 && r.body.code !== 'WRONG_STATE')) wrong.push(`${s} ${a} ${who}: ${r.status} ${r.body.code}`);
    }
    const after = await opts.read(record);
    if (after.status !== record.status || after.version !== record.version) {
      wrong.push(`${s}: the refusals wrote (now ${after.status} v${after.version}, was ${record.status} v${record.version})`);
    }
  }
  return wrong;
}
