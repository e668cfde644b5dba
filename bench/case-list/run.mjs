#!/usr/bin/env node
// `npm run bench:case-list`: the household case list a role opens first (GET /api/household/cases?limit=20,
// scope only) against the same page with an explicit communityId, on a register where one community has
// ≥ 13,000 cases among 240,000. Prints req/s, latencies and the plans (EXPLAIN ANALYZE) of the query the
// service runs, beside the query it replaced (the scope as `cr.path LIKE …` on the joined community_ref),
// and checks that both give the same rows and cursors. See bench/case-list/README.md.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  databaseNote, envInt, explain, fmt, freshSchema, lat, loadBefore as logLoadBefore, loadSession, log, machineDocs, ms, openDatabase,
  pgFacts, planDetails, require, requireBuilt, root, runMain, serveOverIpc, startChild, stats, summary, timed, writeDocs,
} from '../lib/common.mjs';

requireBuilt(['shared/dist/index.js', 'services/household/dist/src/app.js'], 'run `npm run build -w shared -w services/household` first');

const shared = require(join(root, 'shared/dist/index.js'));
const { createHouseholdDataSource, migrateHousehold } = require(join(root, 'services/household/dist/src/data-source.js'));

const CASES = envInt('BENCH_CASES', 240_000);
const TARGET = envInt('BENCH_TARGET', 13_400);
const REPEAT = envInt('BENCH_REPEAT', 200);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const SECONDS = envInt('BENCH_SECONDS', 5);
// 12 counties × 12 streets × 10 communities = 1,440 communities, as bench/household.
const COUNTIES = 12;
const STREETS = 12;
const PER_STREET = 10;
const COMMUNITIES = COUNTIES * STREETS * PER_STREET;
const BASE = 10_000;
const MAX_READ = 1_000; // a page and its walks read tens to hundreds of rows, never the community's history
const EVERY = Math.max(1, Math.floor(CASES / TARGET)); // every EVERY-th case is the big community's

const DOCS_SECTION = {
  name: 'case-list',
  title: 'Household case list (scope)',
  indexRow: '| [Household case list (scope)](#household-case-list-scope-benchcase-list) | `npm run bench:case-list` |',
};

// The list's query before it read by community_id (services/household, CaseService.list up to 0eb9ed0~1).
function pathLikeQuery(scopePaths, cursor, communityId) {
  const params = scopePaths.map((p) => `${shared.likeEscape(p)}%`);
  const where = [shared.scopeSql('cr.path', scopePaths, 1)];
  if (communityId) {
    params.push(communityId);
    where.push(`c.community_id = $${params.length}`);
  }
  if (cursor) {
    params.push(...shared.decodeCursor(cursor));
    where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(21);
  return {
    sql: `SELECT c.*, ${shared.cursorAtSql('c.created_at')} AS "cursorAt", cr.name AS "communityName" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.length}`,
    params,
  };
}

async function fill(url) {
  const { c, q, step } = await loadSession(url);
  const t = performance.now();
  await step(`${fmt(COMMUNITIES)} communities`, async () => {
    const r = await q(`
      INSERT INTO community_ref (id, name, path, street_name, division_code, synced_at)
      SELECT ${BASE} + i, '社区' || i, '/1/' || (2 + i / ${STREETS * PER_STREET}) || '/' || (100 + i / ${PER_STREET}) || '/' || (${BASE} + i) || '/',
             '街道' || (i / ${PER_STREET}), lpad(i::text, 12, '0'), now()
        FROM generate_series(0, ${COMMUNITIES - 1}) i`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(CASES)} move cases over 5 years (every ${EVERY}th in community ${BASE})`, async () => {
    const r = await q(`
      INSERT INTO move_case (id, case_no, type, status, community_id, applicant_name, created_by, step_started_at, settled_at, created_at, updated_at, version)
      SELECT i, 'HJ' || extract(year FROM at)::int || '-' || lpad(i::text, 7, '0'), 'other', st,
             CASE WHEN i % ${EVERY} = 0 THEN ${BASE} ELSE ${BASE} + 1 + (i::bigint * 7919) % ${COMMUNITIES - 1} END,
             '张伟', 'bench', at, CASE WHEN st = 'SETTLED' THEN at + interval '9 days' END, at, at, 5
        FROM (SELECT i, timestamptz '2021-01-01' + (i::float8 / ${CASES}) * interval '5 years' AS at,
                     CASE WHEN i % 50 < 40 THEN 'SETTLED' WHEN i % 50 < 45 THEN 'REJECTED' ELSE 'SUBMITTED' END AS st
                FROM generate_series(1, ${CASES}) i) s`);
    await q(`SELECT setval(pg_get_serial_sequence('move_case', 'id'), ${CASES})`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
  await step('CHECKPOINT', () => q('CHECKPOINT').then(() => undefined));
  const counts = (await q(`SELECT (SELECT count(*) FROM move_case)::int AS cases,
      (SELECT count(*) FROM move_case WHERE community_id = ${BASE})::int AS big,
      (SELECT count(*) FROM move_case c JOIN community_ref cr ON cr.id = c.community_id WHERE cr.path LIKE '/1/2/100/%')::int AS street`)).rows[0];
  await c.end();
  return { counts, fillSeconds: (performance.now() - t) / 1000 };
}

function serve() {
  serveOverIpc(async (m) => {
    const { buildApp } = require(join(root, 'services/household/dist/src/app.js'));
    return buildApp({ publicKey: m.publicKey, pii: m.pii, dataSource: createHouseholdDataSource(m.databaseUrl), ownsDataSource: true, logger: false });
  });
}

async function main() {
  const { CaseService } = require(join(root, 'services/household/dist/src/modules/cases/service.js'));
  const undici = require('undici');
  const url = await openDatabase('bench_case_list', 'pg-bench-case-list');
  await freshSchema(url, migrateHousehold);
  const f = await fill(url);
  log(`cases: ${fmt(f.counts.cases)} in all, ${fmt(f.counts.big)} in community ${BASE}, ${fmt(f.counts.street)} in its street (10 communities)`);

  const ds = createHouseholdDataSource(url, { poolSize: 4 });
  await ds.initialize();
  const { version: pgVersion, settings } = await pgFacts((sql, params) => ds.query(sql, params), ['shared_buffers', 'work_mem', 'random_page_cost', 'jit']);

  const pii = shared.PiiVault.generateKeys();
  const keys = shared.generateSigningKeys();
  const server = await startChild(fileURLToPath(import.meta.url), ['--serve'], { cmd: 'start', publicKey: keys.publicKey, pii, databaseUrl: url }, 'household');
  log(`household service (buildApp from dist, own process, default pool) on ${server.url}`);

  const big = `/1/2/100/${BASE}/`;
  const users = {
    clerk: { sub: '4', username: 'bench.clerk', role: 'community_clerk', orgId: BASE, scopePaths: [big] },
    street: { sub: '2', username: 'bench.street', role: 'street_admin', orgId: 100, scopePaths: ['/1/2/100/'] },
    admin: { sub: '1', username: 'bench.admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  };
  const headers = Object.fromEntries(Object.entries(users).map(([k, u]) => [k, { authorization: `Bearer ${shared.signTestToken(keys.privateKey, u, { expiresIn: 3600 })}`, accept: 'application/json' }]));
  const seq = new undici.Pool(server.url, { connections: 1, keepAliveTimeout: 60_000 });
  const pool = new undici.Pool(server.url, { connections: CONCURRENCY, keepAliveTimeout: 60_000 });
  const get = async (p, who, through = seq) => {
    const r = await through.request({ path: p, method: 'GET', headers: headers[who] });
    const body = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`GET ${p}: ${r.statusCode} ${body.slice(0, 200)}`);
    return JSON.parse(body);
  };

  // The pages: each role's first page (scope only), and the clerk's community asked for explicitly.
  const pages = [
    { name: 'clerk, scope only', who: 'clerk', path: '/api/household/cases?limit=20' },
    { name: `clerk, communityId=${BASE}`, who: 'clerk', path: `/api/household/cases?limit=20&communityId=${BASE}`, communityId: BASE },
    { name: 'street admin, scope only', who: 'street', path: '/api/household/cases?limit=20' },
    { name: 'admin (city), scope only', who: 'admin', path: '/api/household/cases?limit=20' },
  ];

  // The service's SQL (recorded from CaseService.list) and the path-LIKE query, on page 1 and page 50.
  let last;
  const rec = Object.create(ds);
  rec.query = (sql, params) => {
    if (/FROM move_case c|LATERAL/.test(sql)) last = { sql, params };
    return ds.query(sql, params);
  };
  const service = new CaseService(rec, new shared.PiiVault(pii), new shared.CommunityDirectory());
  const plans = [];
  let same = 0;
  let compared = 0;
  for (const p of pages) {
    let cursor;
    for (let n = 1; n <= 50; n++) {
      const page = await service.list(users[p.who], { limit: 20, cursor, communityId: p.communityId });
      const ref = pathLikeQuery(users[p.who].scopePaths, cursor, p.communityId);
      const rows = await ds.query(ref.sql, ref.params);
      const refIds = rows.slice(0, 20).map((r) => Number(r.id));
      const refNext = rows.length > 20 ? shared.encodeCursor(rows[19].cursorAt, Number(rows[19].id)) : null;
      compared += 1;
      if (JSON.stringify(page.items.map((c) => Number(c.id))) === JSON.stringify(refIds) && page.nextCursor === refNext) same += 1;
      else log(`  DIFFERENT rows for ${p.name}, page ${n}`);
      if (n === 1) {
        // warm: the second EXPLAIN ANALYZE of each
        const svc = last;
        await explain(ds, svc.sql, svc.params);
        plans.push([`${p.name} — the service's query (page 1)`, await explain(ds, svc.sql, svc.params)]);
        await explain(ds, ref.sql, ref.params);
        plans.push([`${p.name} — the path-LIKE query it replaced (page 1)`, await explain(ds, ref.sql, ref.params)]);
      }
      cursor = page.nextCursor;
    }
  }
  log(`same rows and cursors as the path-LIKE query on ${same} of ${compared} pages (4 lists × pages 1–50)`);
  const scanOf = (plan) => [...new Set([...plan.matchAll(/(Index Only Scan|Index Scan|Bitmap Heap Scan|Seq Scan)(?: Backward)?(?: using (\w+))? on (\w+)/g)]
    .filter((m) => m[3] === 'move_case').map((m) => `${m[1]}${m[2] ? ` ${m[2]}` : ''}`))].join(' + ');
  // rows read from move_case: Σ actual rows × loops of its scan nodes (a page is 21 rows; a street's walks 10 × 21)
  const readOf = (plan) => plan.split('\n').filter((l) => / on move_case /.test(l))
    .reduce((n, l) => { const a = /actual time=[\d.]+\.\.[\d.]+ rows=([\d.]+) loops=(\d+)/.exec(l); return n + (a ? Math.round(Number(a[1]) * Number(a[2])) : 0); }, 0);
  const planSummary = plans.map(([name, plan]) => ({ name, scan: scanOf(plan), read: readOf(plan), time: /Execution Time: ([\d.]+) ms/.exec(plan)?.[1] }));
  for (const s of planSummary) log(`  plan: ${s.name.padEnd(62)} ${s.scan.padEnd(44)} ${fmt(s.read)} rows read, ${s.time} ms`);

  const loadBefore = logLoadBefore();
  const rows = [];
  log(`HTTP: ${REPEAT} sequential requests (one keep-alive connection) after 20 warm-up, then ${CONCURRENCY} concurrent clients for ${SECONDS} s:`);
  for (const p of pages) {
    const st = await timed(`${p.name} · sequential`, REPEAT, [null], () => get(p.path, p.who));
    const lats = [];
    const end = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await get(p.path, p.who, pool);
        lats.push(performance.now() - s);
      }
    }));
    const rps = lats.length / ((performance.now() - t0) / 1000);
    const cst = stats(lats);
    log(`  ${`${p.name} · ${CONCURRENCY} clients`.padEnd(52)} ${rps.toFixed(0)} req/s, median ${ms(cst.median)} ms, p99 ${ms(cst.p99)} ms`);
    const plan = planSummary.find((s) => s.name.startsWith(`${p.name} — the service`));
    rows.push({ figure: `${p.name}: \`GET ${p.path.replace('/api/household', '')}\``, value: `${rps.toFixed(0)} req/s (${CONCURRENCY} clients, median ${ms(cst.median)} ms); one client ${lat(st)}; plan ${plan.scan}, ${fmt(plan.read)} rows of move_case read, ${plan.time} ms`, target: `index range walk (≤ ${fmt(MAX_READ)} rows read)`, pass: !/Seq Scan|Bitmap/.test(plan.scan) && plan.read <= MAX_READ });
  }
  const loadAfter = (await import('node:os')).default.loadavg();
  await seq.close();
  await pool.close();
  await server.stop();
  await ds.destroy();

  const { m, date, table, loadNote } = summary(rows, {
    pgVersion, settings, loadBefore, loadAfter, loadSuffix: ' (the machine is shared with other work)',
    data: (d) => `data: ${fmt(f.counts.cases)} cases, ${fmt(f.counts.big)} in the clerk's community, ${fmt(f.counts.street)} in the street; ${d}`,
  });
  const planTable = ['| list | query | move_case read by | rows of move_case read | execution |', '| --- | --- | --- | --- | --- |',
    ...planSummary.map((s) => { const [list, query] = s.name.split(' — '); return `| ${list} | ${query} | ${s.scan} | ${fmt(s.read)} | ${s.time} ms |`; })].join('\n');
  if (CASES >= 240_000 || process.env.BENCH_WRITE_DOCS === '1') {
    writeDocs(DOCS_SECTION, `## Household case list (scope) (bench/case-list)

Measured ${date} with \`npm run bench:case-list\` (${databaseNote()}).

${machineDocs(m)}. Database, household service and load generator run on this one machine, shared with other work
during the run; ${loadNote}.

**Data:** ${fmt(COMMUNITIES)} communities (\`/1/<county>/<street>/<community>/\`, 12 × 12 × 10) and ${fmt(f.counts.cases)} move cases over five years;
the clerk's community has ${fmt(f.counts.big)} of them, its street ${fmt(f.counts.street)}; filled in ${f.fillSeconds.toFixed(1)} s, then \`VACUUM (ANALYZE)\`.

${table}

Each page is \`limit=20\`, newest first (keyset on \`(created_at, id)\`), through the real app (\`buildApp\` from dist in its own process, default
pool): ${REPEAT} sequential requests on one keep-alive connection after 20 warm-up, then ${CONCURRENCY} concurrent clients for ${SECONDS} s (req/s).
A list passes when the service's query reads \`move_case\` by an index range walk (no Seq Scan, no bitmap scan) and reads at most ${fmt(MAX_READ)} of its rows
(Σ actual rows × loops of the scan nodes), however long the community's history.

The service's query beside the one it replaced (the scope as \`cr.path LIKE …\` on the joined \`community_ref\`), page 1, \`EXPLAIN (ANALYZE)\`;
both give the same rows and cursors on ${same} of ${compared} pages compared (each list, pages 1–50):

${planTable}
${planDetails(plans)}`);
  }
  return rows.some((r) => r.pass === false) || same !== compared ? 1 : 0;
}

if (process.argv[2] === '--serve') serve();
else runMain(main);
