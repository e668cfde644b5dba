#!/usr/bin/env node
// `npm run bench:per-request`: what one request costs on the whole stack, measured side by side in one run
// (issue 12). The platform as `npm start` runs it (gateway + org + household + volunteer from their built dist,
// one process each) on the machine's PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
// redheart_perfbench: databases redheart_perfbench_<service>, demo data seeded once), and in one run, interleaved:
//   1. gateway vs direct at 8 and 32 keep-alive connections: org children, a case-list page, open items;
//   2. each service direct vs the floor (floor.mjs: plain Fastify + pg running the SQL the service sent for the
//      same request, recorded by capture.cjs, behind the same token check);
//   3. settles (household) and claims (volunteer) per second vs `pgbench -c 8 -j 2 -T 15` tpcb TPS on the same
//      server, and the statements each settle and each claim sends (recorded by capture.cjs);
//   4. the resident memory of the stack's four Node processes after the warm-up.
// Load: autocannon (closed loop, keep-alive), in this process. Figures go to docs/benchmarks.md (BENCH_DOCS_FILE
// for a trial run). Settings: BENCH_SECONDS (per measurement, 4), BENCH_ROUNDS (3), BENCH_SETTLES (1,500),
// BENCH_CLAIMS (1,500), BENCH_PORT_BASE (9880: gateway 9880, services 9881–9883, metrics 9885–9888).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { envInt, fmt, loadBefore, loadNote, log, machine, ms, require, requireBuilt, root, runMain, stamp, startChild, startPlatform, writeDocs } from '../lib/common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
requireBuilt(
  ['shared/dist/index.js', 'services/org/dist/src/server.js', 'services/household/dist/src/server.js', 'services/volunteer/dist/src/server.js', 'services/gateway/dist/server.js'],
  'run `npm run bench:per-request` (it builds everything first)',
);
const autocannon = require('autocannon');
const pg = require(require.resolve('pg', { paths: [join(root, 'shared')] }));

const SECONDS = envInt('BENCH_SECONDS', 4);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const SETTLES = envInt('BENCH_SETTLES', 1500);
const CLAIMS = envInt('BENCH_CLAIMS', 1500);
const BASE = envInt('BENCH_PORT_BASE', 9880);
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/redheart_perfbench';
if (/redheart_ci\b/.test(DATABASE_URL)) throw new Error('never the CI database');
const PGBENCH = process.env.PGBENCH || (existsSync('/usr/lib/postgresql/15/bin/pgbench') ? '/usr/lib/postgresql/15/bin/pgbench' : 'pgbench');
const TARGETS = { gateway: 0.85, floor: 0.9, writes: 0.25 };
const PORTS = { gateway: BASE, org: BASE + 1, household: BASE + 2, volunteer: BASE + 3 };
const TZ = process.env.BUSINESS_TIMEZONE ?? 'Asia/Shanghai';
// BENCH_WRITES_ONLY=1: only the writes vs pgbench (no reads, no floor), printed, docs not rewritten
const WRITES_ONLY = process.env.BENCH_WRITES_ONLY === '1';

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const dbUrl = (service) => {
  const u = new URL(DATABASE_URL);
  u.pathname = `${u.pathname}_${service}`;
  return u.toString();
};
const sleep = (t) => new Promise((r) => setTimeout(r, t));

// ---------------------------------------------------------------- the stack
function startStack(captureDir) {
  const env = {
    ...process.env,
    DATABASE_URL,
    PORT: String(PORTS.gateway),
    ORG_PORT: String(PORTS.org),
    HOUSEHOLD_PORT: String(PORTS.household),
    VOLUNTEER_PORT: String(PORTS.volunteer),
    GATEWAY_METRICS_PORT: String(BASE + 5),
    ORG_METRICS_PORT: String(BASE + 6),
    HOUSEHOLD_METRICS_PORT: String(BASE + 7),
    VOLUNTEER_METRICS_PORT: String(BASE + 8),
    REPLICA_PORT_BASE: String(BASE + 10),
    LOG_LEVEL: 'warn',
    // the login limits are per address, and every bench request comes from 127.0.0.1
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(here, 'capture.cjs')}`.trim(),
    BENCH_CAPTURE_DIR: captureDir,
  };
  return startPlatform(env);
}

async function waitHealthy(url, stack, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (stack.child.exitCode !== null) throw new Error(`the stack exited (${stack.child.exitCode}):\n${stack.output()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await sleep(500);
  }
  throw new Error(`not healthy within ${timeoutMs} ms:\n${stack.output()}`);
}

/** The stack's Node processes: start.mjs's children, by their listening port's pid file (capture.cjs) or command line. */
function stackProcesses(rootPid) {
  const kids = (pid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const out = [];
  for (const pid of kids(rootPid)) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    const m = /services\/(\w+)\/dist/.exec(cmd);
    if (m) out.push({ pid, name: m[1] });
  }
  return out;
}
const rssMiB = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
};
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
};

// ---------------------------------------------------------------- capture (capture.cjs in each service)
async function captured(captureDir, service, fn) {
  const pid = Number(readFileSync(join(captureDir, `${service}.pid`), 'utf8'));
  const file = join(captureDir, `${service}.json`);
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  await sleep(50);
  await fn();
  process.kill(pid, 'SIGUSR2');
  // the file appears, then is written: read it until it parses (a loaded machine can take seconds)
  let list;
  for (let i = 0; i < 500 && list === undefined; i++) {
    try {
      list = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      await sleep(20);
    }
  }
  if (list === undefined) throw new Error(`${service}: no statements recorded in ${file}`);
  // the ended-sessions feed, the health checks and the job queue's polling (pg-boss: anything on its schema but
  // a job sent by the request) run on timers, not for the request
  return list.filter(
    (s) => !/session_revocation|^\s*SELECT 1\s*$/i.test(s.text) && !(/pgboss/i.test(s.text) && !/^\s*(WITH\b[\s\S]*)?INSERT INTO\s+"?pgboss/i.test(s.text)),
  );
}

// ---------------------------------------------------------------- HTTP
async function call(url, { method = 'GET', token, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function login(username) {
  const r = await call(`http://127.0.0.1:${PORTS.gateway}/api/auth/login`, { method: 'POST', body: { username, password: process.env.DEMO_PASSWORD ?? 'Qixia@2020' } });
  if (r.status !== 200 || !r.json?.accessToken) throw new Error(`login ${username}: ${r.status} ${r.text.slice(0, 200)}`);
  return { token: r.json.accessToken, user: r.json.user };
}

/** A closed loop of `connections` keep-alive connections for SECONDS: requests/s, p99 and anything not 2xx. */
function cannon(url, token, connections, seconds = SECONDS) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, pipelining: 1, headers: { authorization: `Bearer ${token}` } }, (err, r) => {
      if (err) return reject(err);
      resolve({ rps: r.requests.total / (r.duration || seconds), p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts });
    });
  });
}

/** `total` POSTs from `connections` concurrent loops; per second over the wall time. */
async function writes(url, token, jobs, connections, bodyOf) {
  let next = 0;
  let ok = 0;
  const failed = {};
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        const r = await fetch(`${url}${job.path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(bodyOf(job)) });
        await r.arrayBuffer();
        if (r.status === 200) ok++;
        else failed[r.status] = (failed[r.status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { ok, failed, seconds, perSecond: ok / seconds };
}

// ---------------------------------------------------------------- data for the writes
async function approvedCases(n, communityId) {
  const c = new pg.Client({ connectionString: dbUrl('household') });
  await c.connect();
  try {
    const hh = (await c.query('SELECT id FROM household WHERE community_id = $1 ORDER BY id LIMIT 200', [communityId])).rows.map((r) => Number(r.id));
    if (!hh.length) throw new Error(`no household in community ${communityId}`);
    const tag = Date.now().toString(36);
    const rows = (
      await c.query(
        `WITH c AS (
           INSERT INTO move_case (case_no, type, status, community_id, target_household_id, new_household, applicant_name, checklist, approval_no,
                                  created_by, created_at, version)
           SELECT 'HJ2026-8' || lpad((extract(epoch FROM now())::bigint % 100000)::text, 5, '0') || lpad(k::text, 5, '0'),
                  CASE WHEN k % 3 = 0 THEN 'purchased_flat' ELSE 'joining_relatives' END, 'APPROVED', $2::bigint,
                  CASE WHEN k % 3 = 0 THEN NULL ELSE ($3::bigint[])[1 + k % array_length($3::bigint[], 1)] END,
                  CASE WHEN k % 3 = 0 THEN jsonb_build_object('kind', 'family', 'building', '9', 'unit', '1', 'room', (100 + k % 900)::text, 'address', '新房' || k || '号') END,
                  '申请人' || k, '{}'::jsonb, 'ZQ-P' || k, 'bench', now() - interval '1 day', 3
             FROM generate_series(1, $1::int) k
           RETURNING id, version)
         SELECT id, version FROM c ORDER BY id`,
        [n, communityId, hh],
      )
    ).rows;
    await c.query(
      `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, source_registration_id)
       SELECT c.id, '新' || (ARRAY['明','华','丽','强'])[1 + k] || c.id, 'v1.perf.' || c.id || '.' || k,
              'perf-${tag}-' || c.id || '-' || k, '370602********' || lpad(((c.id * 3 + k) % 10000)::text, 4, '0'),
              CASE WHEN k % 2 = 0 THEN 'M' ELSE 'F' END, date '1990-01-01' + (c.id % 9000)::int, CASE WHEN k = 0 THEN '本人' ELSE '子女' END, NULL
         FROM move_case c CROSS JOIN LATERAL generate_series(0, c.id % 3) k
        WHERE c.id = ANY($1::bigint[])`,
      [rows.map((r) => r.id)],
    );
    // Statistics for both tables (the case list's per-person lookups are planned from case_person's) and the visibility
    // map, so the page total's count can be an index-only scan as on a vacuumed production database.
    await c.query('VACUUM (ANALYZE) move_case, case_person');
    return rows.map((r) => ({ path: `/api/household/cases/${r.id}/transitions`, version: r.version }));
  } finally {
    await c.end();
  }
}

/** PUBLISHED unit items the unit may claim: copies of the open items it sees (new ids and numbers). */
async function publishedItems(n, openIds) {
  const c = new pg.Client({ connectionString: dbUrl('volunteer') });
  await c.connect();
  try {
    const cols = (await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'item' AND table_schema = 'public' AND column_name NOT IN ('id', 'item_no') AND is_generated = 'NEVER' ORDER BY ordinal_position`)).rows.map((r) => `"${r.column_name}"`);
    const tag = Date.now().toString(36);
    const rows = (
      await c.query(
        `INSERT INTO item (item_no, ${cols.join(', ')})
         SELECT i.item_no || '-${tag}-' || g, ${cols.map((x) => `i.${x}`).join(', ')}
           FROM (SELECT * FROM item WHERE id = ANY($2::bigint[]) AND status = 'PUBLISHED' AND kind = 'unit') i
           CROSS JOIN generate_series(1, $1::int) g
         RETURNING id, version`,
        [Math.ceil(n / Math.max(1, openIds.length)), openIds],
      )
    ).rows.slice(0, n);
    await c.query('ANALYZE item');
    return rows.map((r) => ({ path: `/api/volunteer/items/${r.id}/transitions`, version: r.version }));
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- pgbench
function pgbenchTps() {
  const u = new URL(DATABASE_URL);
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const db = u.pathname.slice(1);
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  const has = execFileSync('psql', [...args, '-d', db, '-Atc', "SELECT to_regclass('pgbench_accounts') IS NOT NULL"], { env, encoding: 'utf8' }).trim();
  if (has !== 't') {
    log('pgbench -i -s 10 (once) …');
    execFileSync(PGBENCH, [...args, '-i', '-s', '10', '-q', db], { env, stdio: 'ignore' });
  }
  const out = execFileSync(PGBENCH, [...args, '-c', '8', '-j', '2', '-T', '15', '-n', db], { env, encoding: 'utf8' });
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m) throw new Error(`pgbench said:\n${out}`);
  const version = execFileSync(PGBENCH, ['--version'], { encoding: 'utf8' }).trim();
  return { tps: Number(m[1]), version };
}

async function ensureDatabase() {
  const u = new URL(DATABASE_URL);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const had = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!had.rowCount) await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}


/** The floor (floor.mjs) with the statements recorded for `targets`, checked, and every path warmed up a few seconds. */
async function startFloor(targets, direct) {
  const gw = `http://127.0.0.1:${PORTS.gateway}`;
  const platform = await import(join(root, 'scripts/lib/platform.mjs'));
  const sec = platform.secrets();
  const floor = await startChild(join(here, 'floor.mjs'), [], {
    cmd: 'start',
    options: {
      publicKey: readFileSync(sec.keys.publicKeyFile, 'utf8'),
      internalToken: readFileSync(sec.env.INTERNAL_TOKEN_FILE, 'utf8').trim(),
      orgUrl: direct('org'),
      poolSize: 10,
      timezone: TZ,
      databases: { org: dbUrl('org'), household: dbUrl('household'), volunteer: dbUrl('volunteer') },
      requests: Object.fromEntries(targets.map((t) => [t.name, { db: t.service, statements: t.statements }])),
    },
  }, 'floor');
  for (const t of targets) {
    const f = await call(`${floor.url}/floor/${t.name}`, { token: t.auth.token });
    if (f.status !== 200) throw new Error(`floor ${t.name}: ${f.status} ${f.text.slice(0, 200)}`);
  }
  log('warm-up …');
  for (const t of targets) {
    await cannon(`${gw}${t.path}`, t.auth.token, 8, 2);
    await cannon(`${direct(t.service)}${t.path}`, t.auth.token, 8, 1);
    await cannon(`${floor.url}/floor/${t.name}`, t.auth.token, 8, 1);
  }
  return floor;
}

/**
 * What the service's database sessions wait on while `fn` runs: pg_stat_activity of `service`'s database sampled every
 * 10 ms (the non-idle sessions' wait_event_type:wait_event, or CPU), as shares of the samples.
 */
async function waitProfile(service, fn) {
  const c = new pg.Client({ connectionString: dbUrl(service) });
  await c.connect();
  const counts = {};
  let n = 0;
  let on = true;
  const loop = (async () => {
    while (on) {
      const r = await c.query(`SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, state FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`);
      for (const x of r.rows) {
        const k = x.state === 'idle in transaction' ? 'idle in transaction (waiting for the service)' : x.w;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      n++;
      await sleep(10);
    }
  })();
  try {
    return { result: await fn(), samples: n, counts };
  } finally {
    on = false;
    await loop;
    await c.end();
  }
}
const profileText = (p) =>
  Object.entries(p.counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / p.samples).toFixed(2)}`).join(', ');

// ---------------------------------------------------------------- main
runMain(async () => {
  await ensureDatabase();
  const captureDir = mkdtempSync(join(os.tmpdir(), 'rh-perf-'));
  log(`starting the stack on ${PORTS.gateway}–${PORTS.volunteer} (${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}) …`);
  const stack = startStack(captureDir);
  const stopAll = [];
  const cleanupAll = async () => {
    for (const f of stopAll.reverse()) await f().catch(() => undefined);
    await stack.stop();
    rmSync(captureDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(`http://127.0.0.1:${PORTS.gateway}/api/health`, stack);
    for (const s of ['org', 'household', 'volunteer']) await waitHealthy(`http://127.0.0.1:${PORTS[s]}/api/${s}/health`, stack);
    log('stack healthy');
    const admin = await login('admin');
    const clerk = await login('clerk.longteng');
    const staff = await login('unit.staff');

    // what is measured: the same request direct and through the gateway
    const gw = `http://127.0.0.1:${PORTS.gateway}`;
    const direct = (s) => `http://127.0.0.1:${PORTS[s]}`;
    const targets = [
      { name: 'org-children', label: 'org children (admin, own node)', service: 'org', path: `/api/org/units/${admin.user.orgId}/children`, auth: admin },
      { name: 'case-list', label: 'case-list page (clerk, 20)', service: 'household', path: '/api/household/cases?limit=20', auth: clerk },
      { name: 'open-items', label: 'open items (unit staff, 20)', service: 'volunteer', path: '/api/volunteer/items?view=open&limit=20', auth: staff },
    ];
    for (const t of targets) {
      const a = await call(`${gw}${t.path}`, { token: t.auth.token });
      const b = await call(`${direct(t.service)}${t.path}`, { token: t.auth.token });
      if (a.status !== 200 || b.status !== 200) throw new Error(`${t.path}: gateway ${a.status}, direct ${b.status}: ${a.text.slice(0, 200)}`);
      // the SQL of one request (from the second on: per-process caches warm). The recorder sees every statement of
      // the process, and right after start-up a service also works in the background (its outbox relay publishing
      // the seed's events, catalogue copies): the fewest statements of three recordings are the request's own
      t.statements = undefined;
      for (let i = 0; i < 3; i++) {
        const seen = await captured(captureDir, t.service, () => call(`${direct(t.service)}${t.path}`, { token: t.auth.token }));
        if (!t.statements || seen.length < t.statements.length) t.statements = seen;
      }
      t.bytes = b.text.length;
      log(`${t.name}: ${t.bytes} bytes, ${t.statements.length} statement(s) per request`);
    }

    // the floor, with the same token check and the statements just recorded (not in BENCH_WRITES_ONLY)
    const floor = WRITES_ONLY ? undefined : await startFloor(targets, direct);
    if (floor) stopAll.push(() => floor.stop());
    const procs = stackProcesses(stack.child.pid);
    const rss = procs.map((p) => ({ ...p, mib: rssMiB(p.pid) }));
    const rssTotal = rss.reduce((a, p) => a + p.mib, 0);
    log(`resident memory after warm-up: ${rss.map((p) => `${p.name} ${p.mib.toFixed(0)}`).join(', ')} → ${rssTotal.toFixed(0)} MiB`);

    const before = loadBefore();
    const results = [];
    for (let r = 0; r < (WRITES_ONLY ? 0 : ROUNDS); r++) {
      for (const t of targets) {
        for (const conns of [8, 32]) {
          const variants = [
            ['gateway', `${gw}${t.path}`],
            ['direct', `${direct(t.service)}${t.path}`],
            ['floor', `${floor.url}/floor/${t.name}`],
          ];
          // rotate which goes first
          const order = variants.slice(r % 3).concat(variants.slice(0, r % 3));
          const row = { target: t.name, conns, round: r };
          for (const [kind, url] of order) row[kind] = await cannon(url, t.auth.token, conns);
          results.push(row);
          log(`  round ${r + 1} ${t.name.padEnd(12)} ${String(conns).padStart(2)} conns: gateway ${fmt(Math.round(row.gateway.rps))}, direct ${fmt(Math.round(row.direct.rps))}, floor ${fmt(Math.round(row.floor.rps))} req/s`);
        }
      }
    }

    // ---- writes: settles, pgbench, claims
    log(`writes: ${fmt(SETTLES)} settles and ${fmt(CLAIMS)} claims direct, 8 concurrent clients each, and pgbench in between`);
    const communityId = clerk.user.orgId;
    const cases = await approvedCases(SETTLES + 1, communityId);
    const open = await call(`${direct('volunteer')}/api/volunteer/items?view=open&limit=100`, { token: staff.token });
    const openIds = (open.json?.items ?? []).filter((i) => i.status === 'PUBLISHED' && (i.kind ?? 'unit') === 'unit').map((i) => i.id);
    if (!openIds.length) throw new Error('the unit staff sees no open unit item to copy');
    const items = await publishedItems(CLAIMS + 1, openIds);
    const settleBody = (j) => ({ action: 'settle', version: j.version });
    const claimBody = (j) => ({ action: 'claim', version: j.version });
    const post = (base, token, j, body) =>
      fetch(`${base}${j.path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body(j)) }).then(async (x) => {
        await x.arrayBuffer();
        return x.status;
      });
    // statements of one settle and one claim
    let s1;
    const settleStatements = await captured(captureDir, 'household', async () => {
      s1 = await post(direct('household'), clerk.token, cases[0], settleBody);
    });
    let c1;
    const claimStatements = await captured(captureDir, 'volunteer', async () => {
      c1 = await post(direct('volunteer'), staff.token, items[0], claimBody);
    });
    if (s1 !== 200 || c1 !== 200) throw new Error(`first settle ${s1}, first claim ${c1}`);
    log(`  statements: settle ${settleStatements.length}, claim ${claimStatements.length}`);
    const pidOf = Object.fromEntries(procs.map((p) => [p.name, p.pid]));
    const hc0 = cpuMs(pidOf.household);
    const settleProfile = await waitProfile('household', () => writes(direct('household'), clerk.token, cases.slice(1), 8, settleBody));
    const settles = settleProfile.result;
    const settleCpu = (cpuMs(pidOf.household) - hc0) / Math.max(1, settles.ok);
    log(`  settles: ${settles.ok} in ${settles.seconds.toFixed(1)} s → ${settles.perSecond.toFixed(0)}/s ${JSON.stringify(settles.failed)}; service CPU ${settleCpu.toFixed(2)} ms per settle`);
    const bench = pgbenchTps();
    log(`  ${bench.version}: -c 8 -j 2 -T 15 tpcb: ${bench.tps.toFixed(0)} TPS`);
    const vc0 = cpuMs(pidOf.volunteer);
    const claimProfile = await waitProfile('volunteer', () => writes(direct('volunteer'), staff.token, items.slice(1), 8, claimBody));
    const claims = claimProfile.result;
    const claimCpu = (cpuMs(pidOf.volunteer) - vc0) / Math.max(1, claims.ok);
    log(`  claims: ${claims.ok} in ${claims.seconds.toFixed(1)} s → ${claims.perSecond.toFixed(0)}/s ${JSON.stringify(claims.failed)}; service CPU ${claimCpu.toFixed(2)} ms per claim`);
    const after = os.loadavg();
    log(`  sessions of the household database during the settles (mean per sample): ${profileText(settleProfile)}`);
    log(`  sessions of the volunteer database during the claims (mean per sample): ${profileText(claimProfile)}`);
    if (WRITES_ONLY) {
      log(`  settles ÷ pgbench ${(settles.perSecond / bench.tps).toFixed(3)}, claims ÷ pgbench ${(claims.perSecond / bench.tps).toFixed(3)}; ${loadNote(before, after)}`);
      return 0;
    }

    // ---- the table
    const ratio = (t, conns, a, b) => median(results.filter((x) => x.target === t && x.conns === conns).map((x) => x[a].rps / x[b].rps));
    const rpsOf = (t, conns, k) => median(results.filter((x) => x.target === t && x.conns === conns).map((x) => x[k].rps));
    const badOf = (k) => results.reduce((a, x) => a + x[k].bad, 0);
    const lines = [];
    const pass = (v, target) => (v >= target ? 'pass' : '**miss**');
    const rows = [];
    for (const t of targets) {
      for (const conns of [8, 32]) {
        const g = ratio(t.name, conns, 'gateway', 'direct');
        const f = ratio(t.name, conns, 'direct', 'floor');
        rows.push({ g, f });
        lines.push(`| ${t.label} | ${conns} | ${fmt(Math.round(rpsOf(t.name, conns, 'gateway')))} | ${fmt(Math.round(rpsOf(t.name, conns, 'direct')))} | ${fmt(Math.round(rpsOf(t.name, conns, 'floor')))} | ${(g * 100).toFixed(1)} % (${pass(g, TARGETS.gateway)}) | ${(f * 100).toFixed(1)} % (${pass(f, TARGETS.floor)}) |`);
      }
    }
    const settleRatio = settles.perSecond / bench.tps;
    const claimRatio = claims.perSecond / bench.tps;
    const m = machine('—', {});
    const date = stamp();
    const loadText = loadNote(before, after);
    const table = [
      '| request | conns | gateway req/s | direct req/s | floor req/s | gateway / direct (≥ 85 %) | direct / floor (≥ 90 %) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...lines,
    ].join('\n');
    const writesTable = [
      '| write | per second (8 clients) | × pgbench TPS (≥ 0.25) | statements per request | service CPU per request |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| settle (household) | ${settles.perSecond.toFixed(0)} | ${settleRatio.toFixed(3)} (${pass(settleRatio, TARGETS.writes)}) | ${settleStatements.length} | ${ms(settleCpu)} ms |`,
      `| claim (volunteer) | ${claims.perSecond.toFixed(0)} | ${claimRatio.toFixed(3)} (${pass(claimRatio, TARGETS.writes)}) | ${claimStatements.length} | ${ms(claimCpu)} ms |`,
      `| pgbench tpcb \`-c 8 -j 2 -T 15\` | ${bench.tps.toFixed(0)} TPS | — | — | — |`,
    ].join('\n');
    const memLine = `Resident memory after warm-up: ${rss.map((p) => `${p.name} ${p.mib.toFixed(0)} MiB`).join(', ')}; **${rssTotal.toFixed(0)} MiB** in all (issue 12's starting point: 447 MiB).`;
    const failures = `Answers other than 2xx or errors in the load: gateway ${badOf('gateway')}, direct ${badOf('direct')}, floor ${badOf('floor')}; writes failed: settles ${JSON.stringify(settles.failed)}, claims ${JSON.stringify(claims.failed)}.`;
    const stmts = (list) => list.map((s) => s.text.replace(/\s+/g, ' ').trim().slice(0, 60)).map((s) => `\`${s.replace(/`/g, "'")}…\``).join(', ');
    process.stdout.write(`\n${table}\n\n${writesTable}\n\n${memLine}\n${failures}\n${loadText}\n\n`);

    writeDocs(
      { name: 'per-request', title: 'Per-request cost', indexRow: '| [Per-request cost](#per-request-cost-benchper-request) | `npm run bench:per-request` |' },
      `## Per-request cost (bench/per-request)

\`npm run bench:per-request\` — the platform as \`npm start\` runs it (gateway, org, household, volunteer from their built dist, one
process each, LOG_LEVEL warn, demo data) on the machine's PostgreSQL (\`${DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}\`), measured in one run.
Load from autocannon ${require('autocannon/package.json').version} (closed loop, keep-alive) in the bench's own process on the same 2 cores.
${ROUNDS} rounds; in each, for every request and connection count, the gateway, the service direct and the **floor** are measured
${SECONDS} s each back to back (the first of the three rotates). The floor (bench/per-request/floor.mjs) is a plain Fastify + pg server that
checks the token exactly as the services do (shared \`authPlugin\`: ES256, the verified-token cache, the ended-sessions feed) and then runs
the very statements the service sent for the same request (recorded from the service's pg client by bench/per-request/capture.cjs), with
the same values, on one pooled connection. Ratios are medians of the per-round ratios. Run ${date}.

${table}

Statements per request: ${targets.map((t) => `${t.name} ${t.statements.length}`).join(', ')}.

Writes, direct to each service, 8 concurrent keep-alive clients, each on its own case or item: ${fmt(SETTLES)} APPROVED cases of the clerk's
community (1–3 persons, two in three joining an existing household) settled with \`POST /api/household/cases/:id/transitions {action: 'settle'}\`,
then \`pgbench -c 8 -j 2 -T 15\` (tpcb, scale 10, ${bench.version}) on the same server, then ${fmt(CLAIMS)} PUBLISHED unit items (copies of the
ones the unit's staff sees open) claimed with \`POST /api/volunteer/items/:id/transitions {action: 'claim'}\`. Service CPU from /proc.

${writesTable}

What the service's database sessions waited on during the writes (pg_stat_activity every 10 ms, mean sessions per sample):
settles — ${profileText(settleProfile)}; claims — ${profileText(claimProfile)}.

Statements of one settle: ${stmts(settleStatements)}.

Statements of one claim: ${stmts(claimStatements)}.

${memLine}

${failures}

**Machine:** ${m.cpu}, ${m.nproc} CPUs (\`nproc\`), ${m.memory} RAM, ${m.os}; Node.js ${m.node}; ${loadText} (the machine was shared with other work).
`,
    );
    void rows;
    return 0;
  } finally {
    await cleanupAll();
  }
});
