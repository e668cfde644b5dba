#!/usr/bin/env node
// `node bench/household/run.mjs` (after `npm run build -w shared -w services/household`): fills a
// city-sized household register (2,000,000 persons in 700,000 households, about Yantai) in
// PostgreSQL and measures the household service's lookups, case-list pages and settle throughput
// against the targets of the issue; the figures go into docs/benchmarks.md. See bench/household/README.md.
//
// Shares its settings, output, statistics, machine, database and docs helpers with the other
// benches (bench/lib/common.mjs). The app runs in a child process: this same file with `--serve`.
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  databaseNote, envInt, explain, fmt, freshSchema, lat, loadBefore as logLoadBefore, loadSession, log,
  machineDocs, makeRnd, missedText, ms, openDatabase, pgFacts, planDetails, require, requireBuilt, root, runMain, secondaries,
  serveOverIpc, startChild, stats, summary, timed as timedRuns, verdict, writeDocs,
} from '../lib/common.mjs';

requireBuilt(['shared/dist/index.js', 'services/household/dist/src/app.js'], 'run `npm run build -w shared -w services/household` first');

const shared = require(join(root, 'shared/dist/index.js'));
const { createHouseholdDataSource, migrateHousehold } = require(join(root, 'services/household/dist/src/data-source.js'));

// ---------------------------------------------------------------- settings
const PERSONS = envInt('BENCH_PERSONS', 2_000_000);
const HOUSEHOLDS = envInt('BENCH_HOUSEHOLDS', 700_000);
const CASES = envInt('BENCH_CASES', 240_000);
const REAL = envInt('BENCH_REAL_PERSONS', 500);
const REPEAT = envInt('BENCH_REPEAT', 300);
const SETTLES = envInt('BENCH_SETTLES', 2_000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 24);
const PAGE = envInt('BENCH_PAGE', 500);
const EXPLAIN_ALL = process.env.BENCH_EXPLAIN === '1';
const TARGETS = { id: 2, name: 10, page: 10, settles: 200 };

// Yantai-like: 12 counties × 12 streets × 10 communities = 1,440 communities.
const SHAPE = { counties: 12, streetsPerCounty: 12, communitiesPerStreet: 10 };
const COMMUNITIES = SHAPE.counties * SHAPE.streetsPerCounty * SHAPE.communitiesPerStreet;
const COMMUNITY_BASE = 10_000;

// Surnames weighted roughly by frequency (王 李 张 刘 陈 lead), and common given-name characters.
const SURNAMES = [
  ...'王王王王王王王李李李李李李李张张张张张张刘刘刘刘刘陈陈陈陈杨杨杨赵赵黄黄周周吴吴徐徐孙孙胡胡朱朱高高林林何何郭郭马马罗',
  ...'梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力燕鹏飞宇浩然晨阳婷雪梅琳欣怡子涵思雨佳俊峰海波云龙凤志新春林',
  ...'东亮斌鑫宁成刚健凯亚楠颖玲丹倩璐晶慧洁琴莉蓉淑珍芬荣翠兵斌坤彬鹤松柏梓博文轩泽瑞祥福寿德胜利民庆生忠诚信义礼智仁',
];
const sqlArray = (a) => `ARRAY[${a.map((w) => `'${w}'`).join(',')}]::text[]`;
const REAL_DIVISION = '370602'; // 芝罘区

// Random but repeatable samples (the same every run).
const { pickOne } = makeRnd(20261126);

// ---------------------------------------------------------------- fill
const LOAD_TABLES = ['household', 'person', 'registration', 'move_case', 'case_person'];

async function fill(url, vault) {
  const { c, q, step } = await loadSession(url);
  await q('SET max_parallel_workers_per_gather = 0'); // setseed + random() stay repeatable
  await q('SELECT setseed(0.2026)');
  const started = performance.now();
  const bulk = PERSONS - REAL;
  log(`filling ${fmt(COMMUNITIES)} communities, ${fmt(HOUSEHOLDS)} households, ${fmt(PERSONS)} persons (${fmt(REAL)} with real ID numbers), ${fmt(CASES)} move cases`);

  // Bulk load without the secondary indexes, unique constraints and foreign keys of the loaded
  // tables, then rebuild them from their own definitions: the measured schema is exactly what the
  // migrations made (primary keys stay).
  const sec = await secondaries(q, LOAD_TABLES, { unique: true });
  const { indexes, constraints } = sec;
  await step(`drop ${indexes.length} indexes and ${constraints.length} constraints for the load`, () => sec.drop());

  const S = sqlArray(SURNAMES);
  const G = sqlArray(GIVEN);
  const randName = `(${S})[1 + floor(random() * ${SURNAMES.length})::int] || (${G})[1 + floor(random() * ${GIVEN.length})::int]
      || CASE WHEN random() < 0.7 THEN (${G})[1 + floor(random() * ${GIVEN.length})::int] ELSE '' END`;
  const communityOf = (h) => `(${COMMUNITY_BASE} + 1 + ((${h}) - 1) % ${COMMUNITIES})`;

  await step(`${fmt(COMMUNITIES)} communities (community_ref)`, async () => {
    const r = await q(`
      INSERT INTO community_ref (id, name, path, street_name, division_code)
      SELECT ${COMMUNITY_BASE} + g,
             '第' || g || '社区党委',
             '/1/' || (2 + county) || '/' || (100 + street) || '/' || (${COMMUNITY_BASE} + g) || '/',
             '第' || (street + 1) || '街道党工委',
             '3706' || lpad((county + 1)::text, 2, '0') || lpad((street % ${SHAPE.streetsPerCounty} + 1)::text, 3, '0') || lpad(((g - 1) % ${SHAPE.communitiesPerStreet} + 1)::text, 3, '0')
        FROM (SELECT g, (g - 1) / ${SHAPE.streetsPerCounty * SHAPE.communitiesPerStreet} AS county, (g - 1) / ${SHAPE.communitiesPerStreet} AS street
                FROM generate_series(1, ${COMMUNITIES}) g) s`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(HOUSEHOLDS)} households`, async () => {
    const r = await q(`
      INSERT INTO household (id, household_no, community_id, grid_code, kind, building, unit, room, address, created_at)
      SELECT h, 'HH' || cr.division_code || '-' || lpad(h::text, 7, '0'), cr.id, 'G' || (1 + h % 8), 'family',
             (1 + (h / 30) % 40)::text, (1 + h % 3)::text, (100 * (1 + h % 18) + 1 + h % 4)::text,
             cr.name || (1 + (h / 30) % 40) || '号楼' || (1 + h % 3) || '单元' || (100 * (1 + h % 18) + 1 + h % 4) || '室',
             timestamptz '2010-01-01' + (h::float8 / ${HOUSEHOLDS}) * interval '14 years'
        FROM generate_series(1, ${HOUSEHOLDS}) h JOIN community_ref cr ON cr.id = ${communityOf('h')}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(bulk)} persons (synthetic id_hash)`, async () => {
    // id_hash: a 43-character base64url value like an HMAC-SHA256, but synthetic (the bulk is not
    // looked up by ID); id_cipher: a string of a real ciphertext's length.
    const r = await q(`
      INSERT INTO person (id, name, id_cipher, id_hash, id_masked, sex, birth_date, created_at)
      SELECT i, ${randName},
             'v1.' || substr(md5(i::text), 1, 16) || '.' || substr(md5((i + 7)::text), 1, 22) || '.' || substr(md5((i + 13)::text), 1, 24),
             'bench-' || rtrim(translate(encode(decode(md5(i::text) || md5((-i)::text), 'hex'), 'base64'), '+/', '-_'), '='),
             '3706' || lpad((1 + i % 12)::text, 2, '0') || '********' || lpad((i % 10000)::text, 4, '0'),
             CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END,
             date '1935-01-01' + (random() * 32000)::int,
             timestamptz '2010-01-01' + random() * interval '14 years'
        FROM generate_series(1, ${bulk}) i`);
    return `${fmt(r.rowCount)} rows`;
  });
  // A few hundred persons with valid ID numbers, hashed and encrypted with the app's PII keys, so
  // the lookup through the API finds them.
  const real = [];
  for (let k = 0; k < REAL; k++) {
    const birth = new Date(Date.UTC(1950, 0, 1) + k * 53 * 86_400_000).toISOString().slice(0, 10);
    const sex = k % 2 ? 'F' : 'M';
    const idNumber = shared.makeResidentId(REAL_DIVISION, birth, 100 + k, sex);
    const name = pickOne(SURNAMES) + pickOne(GIVEN) + (k % 3 ? pickOne(GIVEN) : '');
    real.push({ id: bulk + 1 + k, idNumber, name, sex, birth, hash: vault.hash(idNumber), cipher: vault.encrypt(idNumber), masked: shared.maskResidentId(idNumber) });
  }
  await step(`${fmt(REAL)} persons with real ID numbers (app's PII keys)`, async () => {
    const r = await q(`
      INSERT INTO person (id, name, id_cipher, id_hash, id_masked, sex, birth_date)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bpchar[], $7::date[])`,
    [real.map((p) => p.id), real.map((p) => p.name), real.map((p) => p.cipher), real.map((p) => p.hash), real.map((p) => p.masked), real.map((p) => p.sex), real.map((p) => p.birth)]);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(PERSONS)} active registrations`, async () => {
    // Person i lives in household (i - 1) % households + 1: the first round are the heads.
    const r = await q(`
      INSERT INTO registration (id, person_id, household_id, relation, status, start_date)
      SELECT p, p, 1 + (p - 1) % ${HOUSEHOLDS},
             CASE WHEN p <= ${HOUSEHOLDS} THEN '户主' WHEN p <= ${2 * HOUSEHOLDS} THEN '配偶' ELSE '子女' END,
             'active', date '2010-01-01' + (p % 5000)
        FROM generate_series(1, ${PERSONS}) p`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(CASES)} move cases over 5 years`, async () => {
    const r = await q(`
      INSERT INTO move_case (id, case_no, type, status, community_id, target_household_id, applicant_name, applicant_phone, green_channel,
                             checklist, approval_no, step_started_at, settled_at, created_by, created_at, updated_at, version)
      SELECT i, 'HJ' || extract(year FROM at)::int || '-' || lpad(i::text, 7, '0'), typ, st, ${communityOf('h')}, h,
             ${randName}, '138' || lpad((i % 100000000)::text, 8, '0'), i % 25 = 0, '{}'::jsonb,
             CASE WHEN st = 'SETTLED' THEN 'ZQ' || i END,
             at, CASE WHEN st = 'SETTLED' THEN at + interval '9 days' END, 'bench', at, at, 5
        FROM (SELECT i, 1 + (i::bigint * 7919) % ${HOUSEHOLDS} AS h,
                     timestamptz '2021-01-01' + ((i + random() * 0.8)::float8 / ${CASES}) * interval '5 years' AS at,
                     (ARRAY['purchased_flat','joining_relatives','joining_relatives','collective','other'])[1 + i % 5] AS typ,
                     CASE WHEN i % 50 < 40 THEN 'SETTLED' WHEN i % 50 < 44 THEN 'REJECTED' WHEN i % 50 < 46 THEN 'WITHDRAWN'
                          WHEN i % 50 < 48 THEN 'SUBMITTED' ELSE 'ACCEPTED' END AS st
                FROM generate_series(1, ${CASES}) i) s`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('case persons (1–3 per case)', async () => {
    const r = await q(`
      INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation)
      SELECT c, p.name, p.id_cipher, p.id_hash, p.id_masked, p.sex, p.birth_date, CASE WHEN k = 0 THEN '本人' ELSE '子女' END
        FROM generate_series(1, ${CASES}) c CROSS JOIN LATERAL generate_series(0, c % 3) k
        JOIN person p ON p.id = 1 + (c::bigint * 104729 + k * 7) % ${bulk}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('identity sequences', async () => {
    for (const t of ['household', 'person', 'registration', 'move_case']) {
      await q(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
    }
    await q(`SELECT setval('move_case_no_seq', ${CASES})`);
    await q(`SELECT setval('household_no_seq', ${HOUSEHOLDS})`);
  });
  for (const i of indexes) await step(`index ${i.name}`, () => q(i.def).then(() => undefined));
  for (const k of constraints) await step(`${k.contype === 'u' ? 'unique' : 'foreign key'} ${k.name}`, () => sec.addConstraint(k));
  await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
  // The fill's dirty pages are written out before measuring, not by the checkpointer in the middle of it.
  await step('CHECKPOINT', () => q('CHECKPOINT').then(() => undefined));
  const counts = (await q(`SELECT (SELECT count(*) FROM community_ref)::int AS communities, (SELECT count(*) FROM household)::int AS households,
      (SELECT count(*) FROM person)::int AS persons, (SELECT count(*) FROM registration WHERE status = 'active')::int AS registrations,
      (SELECT count(*) FROM move_case)::int AS cases, (SELECT count(*) FROM case_person)::int AS case_persons,
      pg_size_pretty(pg_database_size(current_database())) AS db_size,
      pg_size_pretty(pg_total_relation_size('person')) AS person_size`)).rows[0];
  const fillSeconds = (performance.now() - started) / 1000;
  log(`filled in ${fillSeconds.toFixed(1)} s: ${Object.entries(counts).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`);
  await c.end();
  if (counts.persons !== PERSONS || counts.households !== HOUSEHOLDS || counts.registrations !== PERSONS) throw new Error('fill produced unexpected counts');
  return { counts, fillSeconds, real };
}

// ---------------------------------------------------------------- settle cases
async function createSettleCases(ds, n) {
  // APPROVED cases as accept/approve would leave them: 1–3 persons each, none registered anywhere
  // (source_registration_id NULL). Two in three join an existing household (a different one each),
  // one in three settles into a new household (purchased flat).
  const rows = await ds.query(`
    WITH c AS (
      INSERT INTO move_case (case_no, type, status, community_id, target_household_id, new_household, applicant_name, checklist, approval_no,
                             created_by, created_at, version)
      SELECT 'HJ2026-9' || lpad(k::text, 6, '0'),
             CASE WHEN k % 3 = 0 THEN 'purchased_flat' ELSE 'joining_relatives' END, 'APPROVED',
             ${COMMUNITY_BASE} + 1 + (h - 1) % ${COMMUNITIES},
             CASE WHEN k % 3 = 0 THEN NULL ELSE h END,
             CASE WHEN k % 3 = 0 THEN jsonb_build_object('kind', 'family', 'building', '9', 'unit', '1', 'room', (100 + k % 900)::text, 'address', '新房' || k || '号') END,
             '申请人' || k, '{}'::jsonb, 'ZQ-B' || k, 'bench', now() - interval '1 day', 3
        FROM (SELECT k, 1 + (k::bigint * 337) % ${HOUSEHOLDS} AS h FROM generate_series(1, $1::int) k) s
      RETURNING id, version)
    SELECT id, version FROM c ORDER BY id`, [n]);
  await ds.query(`
    INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, source_registration_id)
    SELECT c.id, '新' || (ARRAY['明','华','丽','强'])[1 + k] || c.id, 'v1.settle.' || c.id || '.' || k,
           'settle-' || c.id || '-' || k, '370602********' || lpad(((c.id * 3 + k) % 10000)::text, 4, '0'),
           CASE WHEN k % 2 = 0 THEN 'M' ELSE 'F' END, date '1990-01-01' + (c.id % 9000)::int, CASE WHEN k = 0 THEN '本人' ELSE '子女' END, NULL
      FROM move_case c CROSS JOIN LATERAL generate_series(0, c.id % 3) k
     WHERE c.id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
  await ds.query('ANALYZE move_case');
  await ds.query('ANALYZE case_person');
  return rows.map((r) => ({ id: Number(r.id), version: r.version }));
}

// ---------------------------------------------------------------- measurement helpers
const timed = (label, repeat, inputs, fn) => timedRuns(label, repeat, inputs, fn, { pad: 60 });

// ---------------------------------------------------------------- docs
const DOCS_SECTION = {
  name: 'household',
  title: 'Household (hukou moves)',
  indexRow: '| [Household (hukou moves)](#household-benchhousehold) | `node bench/household/run.mjs` (after `npm run build -w shared -w services/household`) |',
};

// ---------------------------------------------------------------- child: the real app, listening
// `node bench/household/run.mjs --serve`, forked by main (startChild): the household service from its
// dist in its own Node process, as server.ts runs it, so that the load generator's CPU is not the app's.
function serve() {
  serveOverIpc(async (m) => {
    const { buildApp } = require(join(root, 'services/household/dist/src/app.js'));
    return buildApp({
      publicKey: m.publicKey,
      pii: m.pii,
      // the server's own pool size (createHouseholdDataSource's default), as server.ts uses it
      dataSource: createHouseholdDataSource(m.databaseUrl),
      ownsDataSource: true,
      logger: false,
    });
  });
}

// ---------------------------------------------------------------- main
async function main() {
  const { CaseService } = require(join(root, 'services/household/dist/src/modules/cases/service.js'));
  const undici = require('undici');
  const url = await openDatabase('bench_household', 'pg-bench-household');
  await freshSchema(url, migrateHousehold);
  const pii = shared.PiiVault.generateKeys();
  const vault = new shared.PiiVault(pii);
  const f = await fill(url, vault);

  const ds = createHouseholdDataSource(url, { poolSize: 4 });
  await ds.initialize();
  const { version: pgVersion, settings } = await pgFacts((sql, params) => ds.query(sql, params), ['shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit']);
  settings.collation = (await ds.query(`SELECT datcollate AS v FROM pg_database WHERE datname = current_database()`))[0].v;

  // ---- the real app, listening on 127.0.0.1 in its own process (its own DataSource with the default pool)
  const keys = shared.generateSigningKeys();
  log('starting the household service (built dist, own process, logger off) on 127.0.0.1 …');
  const server = await startChild(fileURLToPath(import.meta.url), ['--serve'], { cmd: 'start', publicKey: keys.publicKey, pii, databaseUrl: url }, 'household');
  const origin = server.url;
  const admin = { sub: '1', username: 'bench.admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] };
  const token = shared.signTestToken(keys.privateKey, admin, { expiresIn: 4 * 3600 });
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
  const seq = new undici.Pool(origin, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
  const get = async (path) => {
    const r = await seq.request({ path, method: 'GET', headers });
    const body = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`GET ${path}: ${r.statusCode} ${body.slice(0, 300)}`);
    return JSON.parse(body);
  };
  log(`household service (buildApp from dist) listening on ${origin}`);

  // ---- inputs
  const realInputs = Array.from({ length: f.real.length }, () => pickOne(f.real));
  const twoCharNames = (await ds.query(`SELECT name FROM person TABLESAMPLE SYSTEM (2) REPEATABLE (7) WHERE length(name) = 2 LIMIT 2000`)).map((r) => r.name);
  const nameInputs = Array.from({ length: 200 }, () => pickOne(twoCharNames));
  const matchCounts = [];
  for (const n of nameInputs.slice(0, 50)) matchCounts.push((await ds.query(`SELECT count(*)::int AS n FROM person WHERE name LIKE $1`, [`${n}%`]))[0].n);
  const avgMatches = Math.round(matchCounts.reduce((a, b) => a + b, 0) / matchCounts.length);
  const maxMatches = Math.max(...matchCounts);
  log(`two-character names: prefix matches per name — average ${fmt(avgMatches)}, max ${fmt(maxMatches)} (over 50 sampled names)`);

  // The SQL of GET /api/household/persons (services/household/src/modules/register/routes.ts) for an admin (scope /1/).
  const personsSql = (cond) => `SELECT p.id, p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", h.id AS "householdId", h.household_no AS "householdNo",
                cr.name AS "communityName", r.relation
           FROM person p
           JOIN registration r ON r.person_id = p.id AND r.status = 'active'
           JOIN household h ON h.id = r.household_id
           JOIN community_ref cr ON cr.id = h.community_id
          WHERE ${cond} AND (cr.path LIKE $1)
          ORDER BY p.name COLLATE "C", p.id LIMIT $3`;
  const idSql = personsSql('p.id_hash = $2');
  const nameSql = personsSql('p.name COLLATE "C" LIKE $2');
  // correctness first
  const one = await get(`/api/household/persons?idNumber=${f.real[0].idNumber}`);
  if (one.length !== 1 || one[0].name !== f.real[0].name) throw new Error(`ID lookup through the API did not find the real person: ${JSON.stringify(one)}`);
  const byName = await get(`/api/household/persons?name=${encodeURIComponent(nameInputs[0])}`);
  if (!byName.length || !byName.every((p) => p.name.startsWith(nameInputs[0]))) throw new Error('name search through the API gave no / wrong rows');

  // Case list: CaseService.list (the route's service) through the DataSource, recording its SQL.
  let lastListQuery;
  const recDs = Object.create(ds);
  recDs.query = (sql, params) => {
    lastListQuery = { sql, params };
    return ds.query(sql, params);
  };
  // The app's community directory without an org connection (as buildApp makes it without fetchCommunities):
  // community_ref is filled by the bench, no sync needed.
  const cases = new CaseService(recDs, vault, new shared.CommunityDirectory());

  const loadBefore = logLoadBefore();
  const r = {};
  log(`measuring (warm, ${REPEAT} runs each after 20 warm-up runs, sequential, one keep-alive connection for HTTP):`);
  // The route sends the exact lookup as a named prepared statement (shared preparedIn); so does this.
  r.idSql = await timed(`ID lookup · SQL (prepared statement, as the route)`, REPEAT, realInputs, (p) => shared.preparedIn(ds.manager, idSql, ['/1/%', p.hash, 20]));
  r.idHttp = await timed(`ID lookup · HTTP GET /persons?idNumber=`, REPEAT, realInputs, (p) => get(`/api/household/persons?idNumber=${p.idNumber}`));
  r.nameSql = await timed(`two-character name search · SQL (DataSource)`, REPEAT, nameInputs, (n) => ds.query(nameSql, ['/1/%', `${n}%`, 20]));
  r.nameHttp = await timed(`two-character name search · HTTP GET /persons?name=`, REPEAT, nameInputs, (n) => get(`/api/household/persons?name=${encodeURIComponent(n)}`));

  // walk to page PAGE through the API, following nextCursor
  const walk = [];
  let page = null;
  let cursor = null;
  let firstCursorPage = null;
  for (let i = 1; i <= PAGE; i++) {
    const s = performance.now();
    page = await get(`/api/household/cases?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    walk.push(performance.now() - s);
    if (i === PAGE) break;
    if (i === 1) firstCursorPage = page.nextCursor;
    cursor = page.nextCursor;
    if (!cursor) throw new Error(`the case list ended at page ${i}`);
  }
  if (page.items.length !== 20) throw new Error(`page ${PAGE} has ${page.items.length} items`);
  const walkSt = stats(walk);
  const pageCursor = cursor;
  log(`  walked ${PAGE} pages via nextCursor: median ${ms(walkSt.median)} ms, p99 ${ms(walkSt.p99)} ms per page; page ${PAGE} starts at ${page.items[0].caseNo} (${page.items[0].createdAt ?? ''})`);
  void firstCursorPage;
  r.page1Sql = await timed(`case list page 1 · SQL (CaseService.list)`, REPEAT, [null], () => cases.list(admin, { limit: 20 }));
  const page1Query = lastListQuery;
  r.page1Http = await timed(`case list page 1 · HTTP GET /cases?limit=20`, REPEAT, [null], () => get('/api/household/cases?limit=20'));
  r.pageNSql = await timed(`case list page ${PAGE} · SQL (CaseService.list, cursor)`, REPEAT, [pageCursor], (c) => cases.list(admin, { limit: 20, cursor: c }));
  const pageNQuery = lastListQuery;
  r.pageNHttp = await timed(`case list page ${PAGE} · HTTP GET /cases?limit=20&cursor=…`, REPEAT, [pageCursor], (c) => get(`/api/household/cases?limit=20&cursor=${encodeURIComponent(c)}`));

  // ---- settles through the API
  const allSettle = await createSettleCases(ds, SETTLES + 50);
  // 50 of them settled by one client first: the single-request latency, and the statements per settle
  const seqCases = allSettle.slice(0, 50);
  const settleCases = allSettle.slice(50);
  const postH = { ...headers, 'content-type': 'application/json' };
  const seqLat = [];
  for (const c of seqCases) {
    const s = performance.now();
    const res = await seq.request({ path: `/api/household/cases/${c.id}/transitions`, method: 'POST', headers: postH, body: JSON.stringify({ action: 'settle', version: c.version }) });
    const body = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`sequential settle failed: ${res.statusCode} ${body.slice(0, 200)}`);
    seqLat.push(performance.now() - s);
  }
  const seqSettle = { st: stats(seqLat) };
  log(`  one client, ${seqCases.length} settles one after another: median ${ms(seqSettle.st.median)} ms, p99 ${ms(seqSettle.st.p99)} ms`);
  const cpCount = (await ds.query(`SELECT count(*)::int AS n FROM case_person WHERE case_id = ANY($1::bigint[])`, [allSettle.map((c) => c.id)]))[0].n;
  log(`settling ${fmt(settleCases.length)} APPROVED cases (${fmt(cpCount)} persons, none registered) with POST /cases/:id/transitions {action:'settle'}, ${CONCURRENCY} concurrent keep-alive clients (undici ${require('undici/package.json').version} Pool) …`);
  const pool = new undici.Pool(origin, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 60_000 });
  const postHeaders = { ...headers, 'content-type': 'application/json' };
  const settleLat = [];
  const failures = {};
  let next = 0;
  // CPU time of the service process (the child) and of the load generator (this process) during the settles
  const serviceCpu0 = await server.cpu();
  const clientCpu0 = process.cpuUsage();
  const sStart = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < settleCases.length) {
      const c = settleCases[next++];
      const s = performance.now();
      const res = await pool.request({ path: `/api/household/cases/${c.id}/transitions`, method: 'POST', headers: postHeaders, body: JSON.stringify({ action: 'settle', version: c.version }) });
      const body = await res.body.text();
      settleLat.push(performance.now() - s);
      if (res.statusCode !== 200) {
        const key = `${res.statusCode} ${body.slice(0, 120)}`;
        failures[key] = (failures[key] ?? 0) + 1;
      }
    }
  }));
  const settleSeconds = (performance.now() - sStart) / 1000;
  const clientCpu = process.cpuUsage(clientCpu0);
  const serviceCpuPerSettle = ((await server.cpu()) - serviceCpu0) / settleCases.length;
  const clientCpuPerSettle = (clientCpu.user + clientCpu.system) / 1000 / settleCases.length;
  await pool.close();
  const settleSt = stats(settleLat);
  const nFailed = Object.values(failures).reduce((a, b) => a + b, 0);
  const settlesPerSec = (settleCases.length - nFailed) / settleSeconds;
  log(`  ${fmt(settleCases.length - nFailed)} settled in ${settleSeconds.toFixed(2)} s: ${settlesPerSec.toFixed(0)} settles/s, median ${ms(settleSt.median)} ms, p99 ${ms(settleSt.p99)} ms; ${nFailed} failed${nFailed ? ` ${JSON.stringify(failures)}` : ''}; service CPU ${ms(serviceCpuPerSettle)} ms per settle (load generator ${ms(clientCpuPerSettle)} ms)`);
  const ids = allSettle.map((c) => c.id);
  const v = (await ds.query(`
    SELECT (SELECT count(*) FROM move_case WHERE id = ANY($1::bigint[]) AND status = 'SETTLED' AND settled_at IS NOT NULL)::int AS settled,
           (SELECT count(*) FROM registration WHERE case_id = ANY($1::bigint[]))::int AS regs,
           (SELECT count(*) FROM registration WHERE case_id = ANY($1::bigint[]) AND status = 'active')::int AS active_regs,
           (SELECT count(*) FROM (SELECT person_id FROM registration WHERE case_id = ANY($1::bigint[]) GROUP BY person_id HAVING count(*) > 1) d)::int AS dup_persons,
           (SELECT count(*) FROM case_person cp JOIN person p ON p.id_hash = cp.id_hash
              JOIN registration r ON r.person_id = p.id AND r.status = 'active' AND r.case_id = cp.case_id WHERE cp.case_id = ANY($1::bigint[]))::int AS matched,
           (SELECT count(*) FROM case_event WHERE case_id = ANY($1::bigint[]) AND action = 'settle')::int AS events`, [ids]))[0];
  const verified = v.settled === ids.length && v.regs === cpCount && v.active_regs === cpCount && v.dup_persons === 0 && v.matched === cpCount && v.events === ids.length;
  log(`  verified by SQL: ${fmt(v.settled)}/${fmt(ids.length)} SETTLED, ${fmt(v.regs)} registrations for ${fmt(cpCount)} case persons (${fmt(v.active_regs)} active, ${v.dup_persons} persons twice, ${fmt(v.matched)} matched), ${fmt(v.events)} settle events → ${verified ? 'OK' : 'MISMATCH'}`);
  const loadAfter = os.loadavg();

  // ---- verdicts
  const rows = [];
  const add = (figure, value, target, pass) => rows.push({ figure, value, target, pass });
  add('exact ID lookup — SQL', lat(r.idSql), `< ${TARGETS.id} ms`, verdict(r.idSql, TARGETS.id));
  add('exact ID lookup — HTTP', lat(r.idHttp), `< ${TARGETS.id} ms`, verdict(r.idHttp, TARGETS.id));
  add(`two-character name search — SQL (~${fmt(avgMatches)} prefix matches)`, lat(r.nameSql), `< ${TARGETS.name} ms`, verdict(r.nameSql, TARGETS.name));
  add('two-character name search — HTTP', lat(r.nameHttp), `< ${TARGETS.name} ms`, verdict(r.nameHttp, TARGETS.name));
  add('city-wide case list, page 1 — SQL', lat(r.page1Sql), `< ${TARGETS.page} ms`, verdict(r.page1Sql, TARGETS.page));
  add('city-wide case list, page 1 — HTTP', lat(r.page1Http), `< ${TARGETS.page} ms`, verdict(r.page1Http, TARGETS.page));
  add(`city-wide case list, page ${PAGE} — SQL`, lat(r.pageNSql), `< ${TARGETS.page} ms`, verdict(r.pageNSql, TARGETS.page));
  add(`city-wide case list, page ${PAGE} — HTTP`, lat(r.pageNHttp), `< ${TARGETS.page} ms`, verdict(r.pageNHttp, TARGETS.page));
  add(`walk pages 1–${PAGE} via nextCursor — HTTP, per page`, lat(walkSt), `< ${TARGETS.page} ms`, verdict(walkSt, TARGETS.page));
  add('settle, one client alone (latency)', lat(seqSettle.st), '—', 'info');
  add(`settles through the API (${fmt(settleCases.length)} cases, ${CONCURRENCY} clients)`, `${settlesPerSec.toFixed(0)} settles/s, p99 ${ms(settleSt.p99)} ms${nFailed ? `, ${nFailed} failed` : ''}`, `≥ ${TARGETS.settles}/s`, settlesPerSec >= TARGETS.settles && nFailed === 0);
  add('settle result verified by SQL (all SETTLED, registrations written exactly once)', verified ? 'yes' : `no: ${JSON.stringify(v)}`, 'yes', verified);

  // ---- plans of whatever missed (or all with BENCH_EXPLAIN=1)
  const plans = [];
  if (EXPLAIN_ALL || r.idSql.p99 >= TARGETS.id || r.idHttp.p99 >= TARGETS.id) plans.push(['exact ID lookup', await explain(ds, idSql, ['/1/%', f.real[0].hash, 20])]);
  if (EXPLAIN_ALL || r.nameSql.p99 >= TARGETS.name || r.nameHttp.p99 >= TARGETS.name) plans.push([`two-character name search (${nameInputs[0]})`, await explain(ds, nameSql, ['/1/%', `${nameInputs[0]}%`, 20])]);
  if (EXPLAIN_ALL || r.page1Sql.p99 >= TARGETS.page || r.page1Http.p99 >= TARGETS.page) plans.push(['case list page 1', await explain(ds, page1Query.sql, page1Query.params)]);
  if (EXPLAIN_ALL || r.pageNSql.p99 >= TARGETS.page || r.pageNHttp.p99 >= TARGETS.page) plans.push([`case list page ${PAGE}`, await explain(ds, pageNQuery.sql, pageNQuery.params)]);
  for (const [name, plan] of plans) log(`EXPLAIN (ANALYZE, BUFFERS) — ${name}:\n${plan}`);

  // ---- candidate fix for a missed name search (measured here, not applied to the service): an index
  // in byte order and the route's query asking for that order, so the LIMIT stops the scan after 20
  // in-scope rows instead of joining every prefix match (hundreds) to registration/household/community first.
  const notes = [];
  // The fix below has landed (migration PersonNameSearchIndex, the route orders by name COLLATE "C"); it is only
  // tried again on a schema without it.
  const fixLanded = (await ds.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'person_name_c_id_idx'`)).length > 0;
  if (!fixLanded && (r.nameSql.p99 >= TARGETS.name || EXPLAIN_ALL)) {
    const fixSql = nameSql.replace('p.name LIKE $2', 'p.name COLLATE "C" LIKE $2').replace('ORDER BY p.name, p.id', 'ORDER BY p.name COLLATE "C", p.id');
    const s0 = performance.now();
    await ds.query(`CREATE INDEX bench_person_name_c_idx ON person (name COLLATE "C", id)`);
    await ds.query('ANALYZE person');
    const built = (performance.now() - s0) / 1000;
    r.nameFix = await timed(`two-character name search · candidate fix (SQL)`, REPEAT, nameInputs, (n) => ds.query(fixSql, ['/1/%', `${n}%`, 20]));
    r.nameAgain = await timed(`two-character name search · route SQL again (same moment)`, REPEAT, nameInputs, (n) => ds.query(nameSql, ['/1/%', `${n}%`, 20]));
    let same = 0;
    for (const n of nameInputs.slice(0, 50)) {
      const a = await ds.query(nameSql, ['/1/%', `${n}%`, 100]);
      const b = await ds.query(fixSql, ['/1/%', `${n}%`, 100]);
      if (JSON.stringify(a) === JSON.stringify(b)) same++;
    }
    const fixPlan = await explain(ds, fixSql, ['/1/%', `${nameInputs[0]}%`, 20]);
    await ds.query('DROP INDEX bench_person_name_c_idx');
    log(`  candidate fix gives the same rows in the same order for ${same} of 50 names (limit 100); index built in ${built.toFixed(1)} s`);
    plans.push([`two-character name search with the candidate fix (${nameInputs[0]})`, fixPlan]);
    notes.push(`**Name search — cause:** \`person_name_idx\` (\`text_pattern_ops\`) finds the prefix range, but its order is not the
\`ORDER BY p.name, p.id\` of the route, so PostgreSQL joins *every* prefix match (~${fmt(avgMatches)} on average, up to ${fmt(maxMatches)}) to
\`registration\`, \`household\` and \`community_ref\` (4 random index probes each, mostly outside the 128 MB shared_buffers) and only then
sorts and keeps 20 (see the plan below). **Fix (index + query change):** a migration with
\`CREATE INDEX person_name_c_idx ON person (name COLLATE "C", id)\` and, in \`GET /api/household/persons\`,
\`p.name COLLATE "C" LIKE $n … ORDER BY p.name COLLATE "C", p.id\`: the index walk is then in the requested order and the LIMIT
stops it after 20 in-scope rows. Measured here on the same data: route SQL median ${ms(r.nameAgain.median)} ms, p99 ${ms(r.nameAgain.p99)} ms →
with the fix median ${ms(r.nameFix.median)} ms, p99 ${ms(r.nameFix.p99)} ms; same rows in the same order for ${same} of 50 names (in this
\`${settings.collation}\` database byte order is the database's order; under a linguistic collation such as zh_CN the order of the
hits becomes code-point order). The index alone does not help: the route's query must ask for that order. A narrow scope (a street
admin) still walks all prefix matches outside the scope; that needs the scope join first (community → household → registration) if it matters.`);
  }
  if (r.idSql.p99 >= TARGETS.id || r.idHttp.p99 >= TARGETS.id) {
    notes.push(`**ID lookup — p99:** the plan is minimal (one probe each of \`person_id_hash_key\`, \`registration_one_active_uq\`,
\`household_pkey\`, \`community_ref_pkey\`; a handful of buffers) and the route sends it as a named prepared statement, so it is
planned once per connection. The median is the round trip; the slow tail is CPU scheduling on a 2-CPU machine at load
${loadBefore[0].toFixed(1)}–${loadAfter[0].toFixed(1)} (the bench, its server and PostgreSQL share those two CPUs). No index would help.`);
  }
  if (!(settlesPerSec >= TARGETS.settles)) {
    notes.push(`**Settles — cause:** each settle is one transaction of sequential statements (idempotency wrapper, case row lock,
household lock or insert, set-based person and registration writes, outreach update, case update, event, audit, and the case detail
returned to the client, read in one statement) over a pool of 10 connections, so throughput ≈ 10 / transaction time; one client alone
settles in median ${seqSettle ? ms(seqSettle.st.median) : '?'} ms. On this shared 2-CPU machine (load ${loadBefore[0].toFixed(1)}–${loadAfter[0].toFixed(1)}) every round trip waits for a CPU;
the service's process used ${ms(serviceCpuPerSettle)} ms of CPU per settle (the load generator, in the bench's process, ${ms(clientCpuPerSettle)} ms).`);
  }
  for (const n of notes) log(n.replace(/\n/g, ' '));

  await seq.close();
  await server.stop();
  await ds.destroy();

  const { m, date, table, loadNote } = summary(rows, {
    pgVersion, settings, loadBefore, loadAfter, loadSuffix: ' (the machine is shared with other work)',
    data: (d) => `data: ${Object.entries(f.counts).map(([k, x]) => `${k} ${typeof x === 'number' ? fmt(x) : x}`).join(', ')}; filled in ${f.fillSeconds.toFixed(1)} s; ${d}`,
  });

  const failed = rows.filter((x) => x.pass === false);
  if (PERSONS >= 2_000_000 || process.env.BENCH_WRITE_DOCS === '1') {
    const c = f.counts;
    writeDocs(DOCS_SECTION, `## Household (bench/household)

Measured ${date} with \`node bench/household/run.mjs\` after \`npm run build -w shared -w services/household\` (${databaseNote()}).

${machineDocs(m)}. Database, household service and load generator all run on
this one machine, which was shared with other work during the run; ${loadNote}.

**Register:** ${fmt(c.persons)} persons in ${fmt(c.households)} households (about Yantai) across ${fmt(c.communities)} communities
(${SHAPE.counties} counties × ${SHAPE.streetsPerCounty} streets × ${SHAPE.communitiesPerStreet} communities, paths \`/1/<county>/<street>/<community>/\`), ${fmt(c.registrations)} active
registrations, ${fmt(c.cases)} move cases spread over five years with ${fmt(c.case_persons)} case persons; filled with set-based SQL in
${f.fillSeconds.toFixed(1)} s (database ${c.db_size}, \`person\` ${c.person_size} with its indexes), then \`VACUUM (ANALYZE)\` and \`CHECKPOINT\`. Names are 2-character (30 %) and
3-character (70 %) names from a frequency-weighted table of ${SURNAMES.length} surname entries × ${GIVEN.length} given-name characters, so a
two-character prefix matches ~${fmt(avgMatches)} persons on average (max ${fmt(maxMatches)} in the sample). The bulk has a synthetic \`id_hash\`;
${fmt(REAL)} persons have valid ID numbers (\`makeResidentId\`) encrypted and hashed with the app's PII keys, and are the ones looked up.

${table}

How each figure is taken (a latency passes when its p99 is within the target; "pass on median, p99 over" when only its median is; ${REPEAT} warm runs after 20 warm-up runs, sequential):
- **SQL**: the route's own SQL through the household DataSource (TypeORM, pg): for persons the query of \`GET /api/household/persons\`
  (the exact ID lookup as the named prepared statement the route sends, \`preparedIn\` of @redheart/shared)
  with an admin's scope (\`cr.path LIKE '/1/%'\`), for the case list \`CaseService.list\` from the built service itself.
- **HTTP**: the real app (\`buildApp\` from dist, logger off, its own DataSource with the default pool) listening on 127.0.0.1 in its
  own Node process (this same file with \`--serve\`), an admin's bearer token, one keep-alive connection (undici Pool), requests one after another.
- **exact ID lookup**: \`GET /api/household/persons?idNumber=<18-digit number>\` over the ${fmt(REAL)} real persons (the route validates the
  number and hashes it with HMAC-SHA256); **name search**: \`?name=<two characters>\` over 200 sampled two-character names (limit 20).
- **case list**: \`GET /api/household/cases?limit=20\` (city-wide for an admin, newest first, keyset cursor on \`(created_at, id)\`); page ${PAGE}
  is reached by following \`nextCursor\` ${PAGE - 1} times, then its request is timed repeatedly with the same cursor.
- **settles**: ${fmt(ids.length)} APPROVED cases created by SQL (${seqCases.length} settled first by one client alone for the single-request latency, the other ${fmt(settleCases.length)} for the throughput) (1–3 persons each, not registered anywhere, \`source_registration_id\` NULL;
  two in three join a distinct existing household, one in three settles into a new household), then \`POST /api/household/cases/:id/transitions\`
  \`{action: 'settle', version}\` for all of them from ${CONCURRENCY} concurrent keep-alive clients (undici Pool); settles/s is the number
  settled over the wall time; afterwards SQL checks that every one of the ${fmt(ids.length)} cases is SETTLED with one settle event and that each case person has
  exactly one registration, active, written by its case; the service's process used ${ms(serviceCpuPerSettle)} ms of CPU per settle
  (\`process.cpuUsage\` of that process; PostgreSQL and the load generator not counted).
${missedText(rows)}${notes.map((n) => `\n${n}\n`).join('')}${planDetails(plans)}`);
  } else {
    log(`register below 2,000,000 persons: docs/benchmarks.md left unchanged (BENCH_WRITE_DOCS=1 writes it anyway)`);
  }
  return failed.length ? 1 : 0;
}

if (process.argv[2] === '--serve') serve();
else runMain(main);
