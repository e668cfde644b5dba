#!/usr/bin/env node
// `npm run bench:city` (issue 13): a city on one platform. Fills 13 counties of 烟台市 (the Qixia demo and 12
// more) at CITY_SCALE × (7.1 M persons in 2.8 M households, 1.5 M cases over 6 years, 3 M service items, the org
// tree down to member households) with set-based SQL, starts the whole platform on it (`scripts/start.mjs`:
// gateway, org, household, volunteer) and measures through the gateway with CITY_CLIENTS (32) clients, each as
// the demo login of the right role: the lists a role opens first, lookups, statistics, the city overview, and
// settles and claims per second beside `pgbench -c 8` (tpcb) TPS in the same run. See bench/city/README.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  envInt, explain, fmt, loadSession, log, machine, machineDocs, ms as msOf, planDetails, require, requireBuilt, root, runMain, secondaries, stamp, stats, writeDocs,
} from '../lib/common.mjs';

requireBuilt(
  ['shared/dist/index.js', 'services/org/dist/src/app.js', 'services/household/dist/src/app.js', 'services/volunteer/dist/src/app.js', 'services/gateway/dist/app.js'],
  'run `npm run build` first',
);
const shared = require(join(root, 'shared/dist/index.js'));

const SCALE = Number(process.env.CITY_SCALE ?? '1');
if (!(SCALE > 0 && SCALE <= 1)) throw new Error('CITY_SCALE must be in (0, 1]');
const CLIENTS = envInt('CITY_CLIENTS', 32);
const SECONDS = envInt('CITY_SECONDS', 10);
const WRITE_SECONDS = envInt('CITY_WRITE_SECONDS', 15);
const PGBENCH_SECONDS = envInt('CITY_PGBENCH_SECONDS', 20);
const PORT = envInt('PORT', 9780);
const PG_PORT = envInt('EMBEDDED_PG_PORT', 54478);
const BASE_DB = 'redheart_citybench';
const SYSTEM_PG = process.env.CITY_SYSTEM_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const full = { persons: 7_100_000, households: 2_800_000, cases: 1_500_000, items: 3_000_000 };
const N = Object.fromEntries(Object.entries(full).map(([k, v]) => [k, Math.round(v * SCALE)]));
/** The clerk's community (龙腾) holds this many cases whatever the scale: the issue's 13,400-case community. */
const BIG = envInt('CITY_BIG_COMMUNITY_CASES', 13_400);
const STREETS = 12; // per added county
const PER_STREET = 10; // communities per street
const MEMBER_HOUSEHOLDS = Math.max(1, Math.round(10 * SCALE)); // per building group (3 per compound branch, 4 branches per community)
const B = 1_000_000_000; // ids of the fill, far above the demo's
const SETTLE_CASES = envInt('CITY_SETTLE_CASES', 6000);
const CLAIM_ITEMS = envInt('CITY_CLAIM_ITEMS', 6000);

const COUNTIES = [
  ['370602', '芝罘区'], ['370611', '福山区'], ['370612', '牟平区'], ['370613', '莱山区'], ['370614', '蓬莱区'], ['370681', '龙口市'],
  ['370682', '莱阳市'], ['370683', '莱州市'], ['370685', '招远市'], ['370687', '海阳市'], ['370671', '烟台经济技术开发区'], ['370672', '烟台高新技术产业开发区'],
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '于', '林', '曲', '姜', '隋', '衣', '宋', '郝'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '玉', '兰', '建', '国', '红', '文'];
const ms = (v) => (v === undefined || Number.isNaN(v) ? '—' : msOf(v));
const sqlArray = (a) => `ARRAY[${a.map((s) => `'${s}'`).join(',')}]`;
const randName = `(${sqlArray(SURNAMES)})[1 + floor(random() * ${SURNAMES.length})::int] || (${sqlArray(GIVEN)})[1 + floor(random() * ${GIVEN.length})::int]
      || CASE WHEN random() < 0.7 THEN (${sqlArray(GIVEN)})[1 + floor(random() * ${GIVEN.length})::int] ELSE '' END`;

const DOCS_SECTION = { name: 'city', title: 'A city on one platform', indexRow: '| [A city on one platform](#a-city-on-one-platform-benchcity) | `npm run bench:city` |' };

// ---------------------------------------------------------------- database
let pg;
let platform;
async function stopAll() {
  if (platform && platform.exitCode === null) {
    try {
      process.kill(-platform.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await new Promise((r) => (platform.exitCode !== null ? r() : platform.once('exit', r)));
  }
  if (pg) await pg.stop().catch(() => undefined);
}

async function client(url) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
}

async function freshDatabases(base) {
  const u = new URL(base);
  u.pathname = '/postgres';
  const admin = await client(u.toString());
  for (const s of ['org', 'household', 'volunteer', 'pgbench']) await admin.query(`DROP DATABASE IF EXISTS ${BASE_DB}_${s} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${BASE_DB}_pgbench`);
  await admin.end();
}

// ---------------------------------------------------------------- fill: org
async function fillOrg(url) {
  const { c, q, step } = await loadSession(url);
  const [city] = (await q(`SELECT id, path FROM org_unit WHERE type = 'city_committee'`)).rows;
  const cnt = COUNTIES.length;
  const codes = `ARRAY[${COUNTIES.map(([code]) => `'${code}'`).join(',')}]`;
  const names = `ARRAY[${COUNTIES.map(([, n]) => `'中共${n}委员会'`).join(',')}]`;
  // a current organisation takes no division code another current one holds (the demo has Qixia only)
  await step(`${cnt} counties under ${city.path}`, async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, valid_from)
      SELECT ${B} + c, 'county_committee', (${names})[c], (${codes})[c], ${city.id}, '${city.path}' || (${B} + c) || '/', 1, date '2019-01-01'
        FROM generate_series(1, ${cnt}) c`);
    return `${r.rowCount} rows`;
  });
  await step(`${cnt * STREETS} streets`, async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, valid_from)
      SELECT ${B} + 100 + (c - 1) * ${STREETS} + s, 'street_committee', '第' || s || '街道党工委', (${codes})[c] || lpad(s::text, 3, '0'),
             ${B} + c, '${city.path}' || (${B} + c) || '/' || (${B} + 100 + (c - 1) * ${STREETS} + s) || '/', 2, date '2019-01-01'
        FROM generate_series(1, ${cnt}) c, generate_series(1, ${STREETS}) s`);
    return `${r.rowCount} rows`;
  });
  await step(`${cnt * STREETS * PER_STREET} communities`, async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, valid_from)
      SELECT ${B} + 10000 + st.idx * ${PER_STREET} + k, 'community_committee', '第' || (st.idx * ${PER_STREET} + k) || '社区党委', st.division_code || lpad(k::text, 3, '0'),
             st.id, st.path || (${B} + 10000 + st.idx * ${PER_STREET} + k) || '/', 3, date '2019-01-01'
        FROM (SELECT id, path, division_code, id - ${B} - 101 AS idx FROM org_unit WHERE id BETWEEN ${B} + 101 AND ${B} + 100 + ${cnt * STREETS}) st, generate_series(1, ${PER_STREET}) k`);
    return `${r.rowCount} rows`;
  });
  const comm = `(SELECT id, path, id - ${B} - 10001 AS idx FROM org_unit WHERE id BETWEEN ${B} + 10001 AND ${B} + 10000 + ${cnt * STREETS * PER_STREET})`;
  await step('compound branches (4 per community)', async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, parent_id, path, depth, valid_from)
      SELECT ${B} + 100000 + cm.idx * 4 + b, 'compound_branch', '第' || b || '小区党支部', cm.id, cm.path || (${B} + 100000 + cm.idx * 4 + b) || '/', 4, date '2020-01-01'
        FROM ${comm} cm, generate_series(1, 4) b`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('compounds (5 per community, 4 property-managed with a branch)', async () => {
    const r = await q(`INSERT INTO compound (community_id, name, households, property_managed, property_company, branch_id, branch_planned)
      SELECT cm.id, '第' || k || '小区', 200 + k * 37, k <= 4, CASE WHEN k <= 4 THEN '物业公司' || k END,
             CASE WHEN k <= 4 AND (cm.idx + k) % 7 <> 0 THEN ${B} + 100000 + cm.idx * 4 + k END, k = 5
        FROM ${comm} cm, generate_series(1, 5) k`);
    return `${fmt(r.rowCount)} rows`;
  });
  const branches = `(SELECT id, path, id - ${B} - 100001 AS idx FROM org_unit WHERE id BETWEEN ${B} + 100001 AND ${B} + 100000 + ${cnt * STREETS * PER_STREET * 4})`;
  await step('building groups (3 per branch)', async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, parent_id, path, depth, valid_from)
      SELECT ${B} + 1000000 + br.idx * 3 + g, 'building_group', g || '号楼党小组', br.id, br.path || (${B} + 1000000 + br.idx * 3 + g) || '/', 5, date '2020-01-01'
        FROM ${branches} br, generate_series(1, 3) g`);
    return `${fmt(r.rowCount)} rows`;
  });
  const groups = `(SELECT id, path, id - ${B} - 1000001 AS idx FROM org_unit WHERE id BETWEEN ${B} + 1000001 AND ${B} + 1000000 + ${cnt * STREETS * PER_STREET * 12})`;
  await step(`member households (${MEMBER_HOUSEHOLDS} per building group)`, async () => {
    const r = await q(`INSERT INTO org_unit (id, type, name, parent_id, path, depth, valid_from)
      SELECT ${B} + 10000000 + gr.idx * ${MEMBER_HOUSEHOLDS} + m, 'member_household', '党员中心户' || m, gr.id, gr.path || (${B} + 10000000 + gr.idx * ${MEMBER_HOUSEHOLDS} + m) || '/', 6, date '2021-01-01'
        FROM ${groups} gr, generate_series(1, ${MEMBER_HOUSEHOLDS}) m`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('org_unit_version (one version per added organisation)', async () => {
    const cols = (await q(`SELECT column_name FROM information_schema.columns WHERE table_name = 'org_unit_version' ORDER BY ordinal_position`)).rows.map((r) => r.column_name);
    const has = (n) => cols.includes(n);
    if (!has('org_id')) return 'skipped (no org_unit_version.org_id)';
    const pick = ['org_id', 'name', 'type', 'parent_id', 'division_code', 'effective_from'].filter(has);
    const expr = { org_id: 'id', name: 'name', type: 'type', parent_id: 'parent_id', division_code: 'division_code', effective_from: 'valid_from' };
    const r = await q(`INSERT INTO org_unit_version (${pick.join(', ')}) SELECT ${pick.map((k) => expr[k]).join(', ')} FROM org_unit WHERE id > ${B}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('identity sequences', () => q(`SELECT setval(pg_get_serial_sequence('org_unit', 'id'), (SELECT max(id) FROM org_unit))`).then(() => undefined));
  await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
  const communities = (await q(`SELECT c.id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
      FROM org_unit c JOIN org_unit s ON s.id = c.parent_id WHERE c.type = 'community_committee' AND c.valid_to IS NULL ORDER BY c.id`)).rows;
  const counts = (await q(`SELECT count(*) FILTER (WHERE type = 'county_committee')::int AS counties, count(*) FILTER (WHERE type = 'street_committee')::int AS streets,
      count(*) FILTER (WHERE type = 'community_committee')::int AS communities, count(*) FILTER (WHERE type = 'member_household')::int AS "memberHouseholds",
      count(*)::int AS units FROM org_unit WHERE valid_to IS NULL`)).rows[0];
  const demo = (await q(`SELECT a.username, a.org_id AS "orgId" FROM account a WHERE a.username IN ('clerk.longteng', 'street.zhuangyuan', 'admin', 'city.admin', 'unit.staff')`)).rows;
  await c.end();
  return { communities, counts, demo: Object.fromEntries(demo.map((d) => [d.username, Number(d.orgId)])) };
}

// ---------------------------------------------------------------- fill: household
async function fillHousehold(url, communities, longteng, vault) {
  const { c, q, step } = await loadSession(url);
  await q('SET max_parallel_workers_per_gather = 0');
  await q('SELECT setseed(0.13)');
  await step('community_ref of the added communities', async () => {
    const r = await q(`INSERT INTO community_ref (id, name, path, street_name, division_code, synced_at)
      SELECT * , now() FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (id) DO NOTHING`,
    [communities.map((x) => x.id), communities.map((x) => x.name), communities.map((x) => x.path), communities.map((x) => x.streetName), communities.map((x) => x.divisionCode)]);
    return `${fmt(r.rowCount)} rows`;
  });
  await q(`CREATE UNLOGGED TABLE bench_comm AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id, name, division_code FROM community_ref`);
  await q('CREATE UNIQUE INDEX ON bench_comm (idx)');
  const NC = (await q('SELECT count(*)::int AS n FROM bench_comm')).rows[0].n;
  const sec = await secondaries(q, ['household', 'person', 'registration', 'move_case', 'case_person'], { unique: true });
  await step(`drop ${sec.indexes.length} indexes and ${sec.constraints.length} constraints for the load`, () => sec.drop());
  const H = N.households;
  await step(`${fmt(H)} households over ${fmt(NC)} communities`, async () => {
    const r = await q(`INSERT INTO household (id, household_no, community_id, grid_code, kind, building, unit, room, address, created_at)
      SELECT ${B} + h, 'HB' || lpad(h::text, 9, '0'), cm.id, 'G' || (1 + h % 8), 'family', (1 + (h / 30) % 40)::text, (1 + h % 3)::text, (100 * (1 + h % 18) + 1 + h % 4)::text,
             cm.name || (1 + (h / 30) % 40) || '号楼' || (1 + h % 3) || '单元' || (100 * (1 + h % 18) + 1 + h % 4) || '室',
             timestamptz '2008-01-01' + (h::float8 / ${H}) * interval '12 years'
        FROM generate_series(1, ${H}) h JOIN bench_comm cm ON cm.idx = h % ${NC}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(N.persons)} persons (synthetic id_hash)`, async () => {
    const r = await q(`INSERT INTO person (id, name, id_cipher, id_hash, id_masked, sex, birth_date, created_at)
      SELECT ${B} + i, ${randName},
             'v1.' || substr(md5(i::text), 1, 16) || '.' || substr(md5((i + 7)::text), 1, 22) || '.' || substr(md5((i + 13)::text), 1, 24),
             'bench-' || rtrim(translate(encode(decode(md5(i::text) || md5((-i)::text), 'hex'), 'base64'), '+/', '-_'), '='),
             '3706' || lpad((1 + i % 12)::text, 2, '0') || '********' || lpad((i % 10000)::text, 4, '0'),
             CASE WHEN i % 2 = 0 THEN 'F' ELSE 'M' END, date '1935-01-01' + (random() * 32000)::int, timestamptz '2008-01-01' + random() * interval '12 years'
        FROM generate_series(1, ${N.persons}) i`);
    return `${fmt(r.rowCount)} rows`;
  });
  // 200 persons with real ID numbers (the app's PII keys) in 龙腾's households, for the exact ID lookup.
  const real = [];
  const longtengHouseholds = (await q(`SELECT ${B} + h AS id FROM generate_series(1, ${H}) h WHERE h % ${NC} = (SELECT idx FROM bench_comm WHERE id = $1) LIMIT 200`, [longteng])).rows.map((r) => Number(r.id));
  for (let k = 0; k < Math.min(200, longtengHouseholds.length); k++) {
    const birth = new Date(Date.UTC(1950, 0, 1) + k * 53 * 86_400_000).toISOString().slice(0, 10);
    const id = shared.makeResidentId('370686', birth, 500 + k, k % 2 ? 'F' : 'M');
    real.push({ id: B + N.persons + 1 + k, idNumber: id, hash: vault.hash(id), cipher: vault.encrypt(id), masked: shared.maskResidentId(id), sex: k % 2 ? 'F' : 'M', birth, household: longtengHouseholds[k] });
  }
  await step(`${real.length} persons with real ID numbers in 龙腾`, async () => {
    await q(`INSERT INTO person (id, name, id_cipher, id_hash, id_masked, sex, birth_date) SELECT i, '隋' || i % 1000, c, h, m, s, b
      FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bpchar[], $6::date[]) AS x(i, c, h, m, s, b)`,
    [real.map((p) => p.id), real.map((p) => p.cipher), real.map((p) => p.hash), real.map((p) => p.masked), real.map((p) => p.sex), real.map((p) => p.birth)]);
    await q(`INSERT INTO registration (id, person_id, household_id, relation, status, start_date) SELECT p, p, h, '子女', 'active', date '2015-01-01'
      FROM unnest($1::bigint[], $2::bigint[]) AS x(p, h)`, [real.map((p) => p.id), real.map((p) => p.household)]);
  });
  await step(`${fmt(N.persons)} active registrations`, async () => {
    const r = await q(`INSERT INTO registration (id, person_id, household_id, relation, status, start_date)
      SELECT ${B} + p, ${B} + p, ${B} + 1 + (p - 1) % ${H}, CASE WHEN p <= ${H} THEN '户主' WHEN p <= ${2 * H} THEN '配偶' ELSE '子女' END, 'active', date '2008-01-01' + (p % 4000)
        FROM generate_series(1, ${N.persons}) p`);
    return `${fmt(r.rowCount)} rows`;
  });
  const EVERY = Math.max(1, Math.floor(N.cases / BIG));
  await step(`${fmt(N.cases)} move cases over 6 years (every ${EVERY}th in 龙腾)`, async () => {
    const r = await q(`INSERT INTO move_case (id, case_no, type, status, community_id, target_household_id, applicant_name, applicant_phone, green_channel,
                             checklist, approval_no, step_started_at, settled_at, created_by, created_at, updated_at, version)
      SELECT ${B} + i, 'HJ' || extract(year FROM at)::int || '-B' || lpad(i::text, 8, '0'), typ, st,
             CASE WHEN i % ${EVERY} = 0 THEN ${longteng} ELSE cm.id END, ${B} + h, ${randName}, '138' || lpad((i % 100000000)::text, 8, '0'), i % 25 = 0, '{}'::jsonb,
             CASE WHEN st = 'SETTLED' THEN 'ZQ' || i END, at, CASE WHEN st = 'SETTLED' THEN at + interval '9 days' END, 'bench', at, at, 5
        FROM (SELECT i, 1 + (i::bigint * 7919) % ${H} AS h,
                     timestamptz '2020-12-01' + ((i + random() * 0.8)::float8 / ${N.cases}) * interval '6 years' AS at,
                     (ARRAY['purchased_flat','joining_relatives','joining_relatives','collective','other'])[1 + i % 5] AS typ,
                     CASE WHEN i % 50 < 40 THEN 'SETTLED' WHEN i % 50 < 44 THEN 'REJECTED' WHEN i % 50 < 46 THEN 'WITHDRAWN'
                          WHEN i % 50 < 48 THEN 'SUBMITTED' ELSE 'ACCEPTED' END AS st
                FROM generate_series(1, ${N.cases}) i) s
        JOIN bench_comm cm ON cm.idx = (h - 1) % ${NC}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('case persons (1–3 per case)', async () => {
    const r = await q(`INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation)
      SELECT ${B} + c, p.name, p.id_cipher, p.id_hash, p.id_masked, p.sex, p.birth_date, CASE WHEN k = 0 THEN '本人' ELSE '子女' END
        FROM generate_series(1, ${N.cases}) c CROSS JOIN LATERAL generate_series(0, c % 3) k
        JOIN person p ON p.id = ${B} + 1 + (c::bigint * 104729 + k * 7) % ${N.persons}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step('separation snapshots (first and latest per community)', async () => {
    const r = await q(`INSERT INTO separation_snapshot (community_id, taken_at, taken_by, flats, flats_separated, residents, residents_elsewhere, tasks_created)
      SELECT cm.id, t.at, 'bench', 400 + cm.idx % 300, ((400 + cm.idx % 300) * t.rate)::int, 900 + cm.idx % 500, ((900 + cm.idx % 500) * t.rate * 0.8)::int, 0
        FROM bench_comm cm, (VALUES (timestamptz '2021-03-01', 0.30 + 0.0), (timestamptz '2026-09-01', 0.08)) t(at, rate)`);
    return `${fmt(r.rowCount)} rows`;
  });
  for (const i of sec.indexes) await step(`index ${i.name}`, () => q(i.def).then(() => undefined));
  for (const k of sec.constraints) await step(`${k.contype === 'u' ? 'unique' : 'foreign key'} ${k.name}`, () => sec.addConstraint(k));
  await step('identity sequences', async () => {
    for (const t of ['household', 'person', 'registration', 'move_case']) await q(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
  });
  // APPROVED cases in 龙腾 for the settles, as accept/approve leave them (persons not registered anywhere).
  await step(`${fmt(SETTLE_CASES)} APPROVED cases in 龙腾 (to settle)`, async () => {
    const lt = (await q(`SELECT idx FROM bench_comm WHERE id = $1`, [longteng])).rows[0].idx;
    await q(`INSERT INTO move_case (case_no, type, status, community_id, target_household_id, new_household, applicant_name, checklist, approval_no, created_by, created_at, version)
      SELECT 'HJ2026-S' || lpad(k::text, 6, '0'), CASE WHEN k % 3 = 0 THEN 'purchased_flat' ELSE 'joining_relatives' END, 'APPROVED', ${longteng},
             CASE WHEN k % 3 = 0 THEN NULL ELSE ${B} + ${lt} + ${NC} * (1 + k % ${Math.max(1, Math.floor(H / NC) - 1)}) END,
             CASE WHEN k % 3 = 0 THEN jsonb_build_object('kind', 'family', 'building', '9', 'unit', '1', 'room', (100 + k % 900)::text, 'address', '新房' || k || '号') END,
             '申请人' || k, '{}'::jsonb, 'ZQ-S' || k, 'bench', now() - interval '1 day', 3
        FROM generate_series(1, ${SETTLE_CASES}) k`);
    await q(`INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation)
      SELECT c.id, '新' || c.id, 'v1.settle.' || c.id || '.' || k, 'settle-' || c.id || '-' || k, '370602********' || lpad(((c.id * 3 + k) % 10000)::text, 4, '0'),
             CASE WHEN k % 2 = 0 THEN 'M' ELSE 'F' END, date '1990-01-01' + (c.id % 9000)::int, CASE WHEN k = 0 THEN '本人' ELSE '子女' END
        FROM move_case c CROSS JOIN LATERAL generate_series(0, c.id % 3) k WHERE c.case_no LIKE 'HJ2026-S%'`);
  });
  await q('DROP TABLE bench_comm');
  await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
  await step('CHECKPOINT', () => q('CHECKPOINT').then(() => undefined));
  const counts = (await q(`SELECT (SELECT count(*) FROM household)::int AS households, (SELECT count(*) FROM person)::int AS persons,
      (SELECT count(*) FROM move_case)::int AS cases, (SELECT count(*) FROM move_case WHERE community_id = $1)::int AS "clerkCases",
      (SELECT count(*) FROM case_person)::int AS "casePersons", pg_size_pretty(pg_database_size(current_database())) AS size`, [longteng])).rows[0];
  await c.end();
  return { counts, real };
}

// ---------------------------------------------------------------- fill: volunteer
async function fillVolunteer(url, communities, longteng) {
  const { c, q, step } = await loadSession(url);
  await q('SET max_parallel_workers_per_gather = 0');
  await q('SELECT setseed(0.14)');
  await step('community_ref of the added communities', async () => {
    const r = await q(`INSERT INTO community_ref (id, name, path, street_name, division_code, synced_at)
      SELECT *, now() FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) ON CONFLICT (id) DO NOTHING`,
    [communities.map((x) => x.id), communities.map((x) => x.name), communities.map((x) => x.path), communities.map((x) => x.streetName), communities.map((x) => x.divisionCode)]);
    return `${fmt(r.rowCount)} rows`;
  });
  await q(`CREATE UNLOGGED TABLE bench_comm AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id FROM community_ref`);
  await q('CREATE UNIQUE INDEX ON bench_comm (idx)');
  const NC = (await q('SELECT count(*)::int AS n FROM bench_comm')).rows[0].n;
  const units = (await q('SELECT id FROM unit_ref ORDER BY id')).rows.map((r) => Number(r.id));
  const [{ id: category }] = (await q('SELECT id FROM service_category ORDER BY id LIMIT 1')).rows;
  const unitOf = await q(`SELECT unit_id FROM unit_report WHERE community_id = $1 AND status = 'approved' ORDER BY unit_id LIMIT 1`, [longteng]);
  const claimUnit = Number(unitOf.rows[0]?.unit_id);
  const sec = await secondaries(q, ['item'], { unique: true });
  await step(`drop ${sec.indexes.length} indexes and ${sec.constraints.length} constraints for the load`, () => sec.drop());
  await step(`${fmt(N.items)} service items over 6 years`, async () => {
    const r = await q(`INSERT INTO item (id, item_no, community_id, category_id, kind, place, description, status, source, reported_by, unit_id, claimed_at, done_at, rating, closed_at, created_at, updated_at, version)
      SELECT ${B} + i, 'XB' || lpad(i::text, 9, '0'), cm.id, ${category}, 'unit', '第' || (1 + i % 40) || '号楼', '楼道清理与设施维修', st, 'community', 'bench',
             CASE WHEN st IN ('CLOSED', 'CONFIRMED', 'CLAIMED') THEN (${sqlArray(units.map(String))})[1 + i % ${units.length}]::bigint END,
             CASE WHEN st IN ('CLOSED', 'CONFIRMED', 'CLAIMED') THEN at + interval '1 day' END,
             CASE WHEN st IN ('CLOSED', 'CONFIRMED') THEN at + interval '6 days' END,
             CASE WHEN st = 'CLOSED' THEN 3 + i % 3 END, CASE WHEN st = 'CLOSED' THEN at + interval '8 days' END, at, at, 4
        FROM (SELECT i, timestamptz '2020-12-01' + ((i + random() * 0.8)::float8 / ${N.items}) * interval '6 years' AS at,
                     CASE WHEN i % 100 < 80 THEN 'CLOSED' WHEN i % 100 < 86 THEN 'CONFIRMED' WHEN i % 100 < 92 THEN 'CANCELLED' WHEN i % 100 < 95 THEN 'CLAIMED'
                          WHEN i % 100 < 97 THEN 'PUBLISHED' WHEN i % 100 < 99 THEN 'REPORTED' ELSE 'ESCALATED' END AS st
                FROM generate_series(1, ${N.items}) i) s
        JOIN bench_comm cm ON cm.idx = (i::bigint * 104729) % ${NC}`);
    return `${fmt(r.rowCount)} rows`;
  });
  await step(`${fmt(CLAIM_ITEMS)} PUBLISHED items in 龙腾 (to claim)`, async () => {
    await q(`INSERT INTO item (id, item_no, community_id, category_id, kind, place, description, status, source, reported_by, deadline, created_at, updated_at, version)
      SELECT ${B} + ${N.items} + k, 'XC' || lpad(k::text, 9, '0'), ${longteng}, ${category}, 'unit', '龙腾小区' || (1 + k % 30) || '号楼', '认领测试', 'PUBLISHED', 'community', 'bench',
             now() + interval '30 days', now() - interval '1 hour', now() - interval '1 hour', 2
        FROM generate_series(1, ${CLAIM_ITEMS}) k`);
  });
  for (const i of sec.indexes) await step(`index ${i.name}`, () => q(i.def).then(() => undefined));
  for (const k of sec.constraints) await step(`${k.contype === 'u' ? 'unique' : 'foreign key'} ${k.name}`, () => sec.addConstraint(k));
  await q(`SELECT setval(pg_get_serial_sequence('item', 'id'), (SELECT max(id) FROM item))`);
  await q('DROP TABLE bench_comm');
  await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
  await step('CHECKPOINT', () => q('CHECKPOINT').then(() => undefined));
  const counts = (await q(`SELECT (SELECT count(*) FROM item)::int AS items, pg_size_pretty(pg_database_size(current_database())) AS size`)).rows[0];
  const claimable = (await q(`SELECT id, version FROM item WHERE item_no LIKE 'XC%' ORDER BY id`)).rows.map((r) => ({ id: Number(r.id), version: r.version }));
  await c.end();
  return { counts, claimUnit, claimable };
}

// ---------------------------------------------------------------- the platform
async function startPlatform(databaseUrl) {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(PORT),
    ORG_PORT: String(PORT + 1),
    HOUSEHOLD_PORT: String(PORT + 2),
    VOLUNTEER_PORT: String(PORT + 3),
    GATEWAY_METRICS_PORT: String(PORT + 5),
    ORG_METRICS_PORT: String(PORT + 6),
    HOUSEHOLD_METRICS_PORT: String(PORT + 7),
    VOLUNTEER_METRICS_PORT: String(PORT + 8),
    REPLICA_PORT_BASE: String(PORT + 10),
    // a shared machine under load starts slowly: give each process up to 10 minutes to answer its health route
    STARTUP_TIMEOUT_MS: process.env.STARTUP_TIMEOUT_MS ?? '600000',
    // and answers slowly: a request waits up to 30 s for its service instead of a 504 after 5 s (the latencies say how slow)
    UPSTREAM_TIMEOUT_MS: process.env.UPSTREAM_TIMEOUT_MS ?? '30000',
    LOG_LEVEL: 'warn',
  };
  platform = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  platform.stdout.on('data', (d) => (out = (out + d).slice(-20000)));
  platform.stderr.on('data', (d) => (out = (out + d).slice(-20000)));
  const until = Date.now() + 900_000;
  while (Date.now() < until) {
    if (platform.exitCode !== null) throw new Error(`npm start exited: ${out.slice(-3000)}`);
    try {
      const r = await fetch(`http://127.0.0.1:${PORT}/api/health`);
      if (r.ok && /Demo logins|demo logins|http:\/\//.test(out)) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`the platform did not start: ${out.slice(-3000)}`);
}

// ---------------------------------------------------------------- load
async function login(username, attempt = 1) {
  const r = await fetch(`http://127.0.0.1:${PORT}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Qixia@2020' }) });
  const body = await r.json();
  if (r.status >= 500 && attempt < 5) return login(username, attempt + 1);
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(body)}`);
  return { authorization: `Bearer ${body.accessToken}`, accept: 'application/json' };
}

/** CLIENTS workers for `seconds`, each sending `next()`'s request after the previous answer; latencies of the 2xx. */
async function load(pool, seconds, next, { check = (s) => s === 200 } = {}) {
  const lat = [];
  const failures = {};
  const end = performance.now() + seconds * 1000;
  const worker = async (w) => {
    for (let k = 0; performance.now() < end; k++) {
      const reqs = next(w, k);
      if (!reqs) return;
      const t = performance.now();
      const answers = await Promise.all((Array.isArray(reqs) ? reqs : [reqs]).map(async (r) => {
        const a = await pool.request({ method: r.method ?? 'GET', path: r.path, headers: { ...r.headers, ...(r.body ? { 'content-type': 'application/json' } : {}) }, body: r.body ? JSON.stringify(r.body) : undefined });
        const text = await a.body.text();
        return { status: a.statusCode, text };
      }));
      const took = performance.now() - t;
      const bad = answers.find((a) => !check(a.status));
      if (bad) {
        failures[bad.status] = (failures[bad.status] ?? 0) + 1;
        if (failures[bad.status] === 1) log(`    ${bad.status}: ${bad.text.slice(0, 200)}`);
      } else lat.push(took);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));
  const secs = (performance.now() - t0) / 1000;
  return { ...stats(lat), n: lat.length, rps: lat.length / secs, failures };
}

function pgbench(connArgs, label) {
  const bin = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find((b) => b.includes('/') ? existsSync(b) : true);
  const env = { ...process.env, PGPASSWORD: connArgs.password ?? '' };
  const base = ['-h', connArgs.host, '-p', String(connArgs.port), '-U', connArgs.user];
  const init = spawnSync(bin, [...base, '-i', '-s', '10', '-q', connArgs.db], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i (${label}): ${init.stderr}`);
  const run = spawnSync(bin, [...base, '-c', '8', '-j', '2', '-T', String(PGBENCH_SECONDS), connArgs.db], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pgbench (${label}): ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout)?.[1] ?? /tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  log(`  pgbench -c 8 -j 2 -T ${PGBENCH_SECONDS} (tpcb, scale 10) on ${label}: ${tps.toFixed(0)} TPS`);
  return tps;
}

// ---------------------------------------------------------------- main
async function main() {
  const undici = require('undici');
  const { migrateAll, seedAll, secrets } = await import(join(root, 'scripts/lib/platform.mjs'));
  const loadAtStart = os.loadavg();
  log(`CITY_SCALE=${SCALE}: ${Object.entries(N).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}; ${CLIENTS} clients; gateway on ${PORT}`);
  log(`starting embedded PostgreSQL 18 in .data/citybench-pg on 127.0.0.1:${PG_PORT}`);
  pg = await shared.startEmbeddedPostgres({ dataDir: join(root, '.data', 'citybench-pg'), port: PG_PORT });
  const server = new URL(pg.url);
  await freshDatabases(pg.url);
  const dbUrl = new URL(pg.url);
  dbUrl.pathname = `/${BASE_DB}`;
  const databaseUrl = dbUrl.toString();
  const url = (s) => shared.serviceDatabaseUrl({ DATABASE_URL: databaseUrl }, s);

  const t0 = performance.now();
  log('migrations and the Qixia demo (the city, 栖霞市 and its demo logins)');
  await migrateAll(databaseUrl);
  await seedAll(databaseUrl);
  const tSeed = (performance.now() - t0) / 1000;
  const tFill = performance.now();
  log('org: 12 more counties down to member households');
  const org = await fillOrg(url('org'));
  const longteng = org.demo['clerk.longteng'];
  log(`org: ${Object.entries(org.counts).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  const { env: secretEnv } = secrets();
  const vault = new shared.PiiVault({ encryptionKey: (await readFile(secretEnv.PII_ENCRYPTION_KEY_FILE, 'utf8')).trim(), hashKey: (await readFile(secretEnv.PII_HASH_KEY_FILE, 'utf8')).trim() });
  log('household: households, persons, registrations, cases over 6 years');
  const hh = await fillHousehold(url('household'), org.communities, longteng, vault);
  log(`household: ${Object.entries(hh.counts).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`);
  log('volunteer: service items over 6 years');
  const vol = await fillVolunteer(url('volunteer'), org.communities, longteng);
  log(`volunteer: ${Object.entries(vol.counts).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : v}`).join(', ')}`);
  const fillSeconds = (performance.now() - tFill) / 1000;
  log(`fill: ${fillSeconds.toFixed(0)} s (migrations and demo before it: ${tSeed.toFixed(0)} s)`);

  // EXPLAIN of the lists a role opens first, as the services run them (their SQL recorded from the built classes).
  const plans = await listPlans(url, org, longteng, vault);

  log('starting the platform (scripts/start.mjs) on the filled databases');
  await startPlatform(databaseUrl);
  const pool = new undici.Pool(`http://127.0.0.1:${PORT}`, { connections: CLIENTS, keepAliveTimeout: 60_000, pipelining: 1 });
  const who = {};
  for (const u of ['clerk.longteng', 'street.zhuangyuan', 'admin', 'city.admin', 'unit.staff']) who[u] = await login(u);
  const get = async (path, as) => {
    const r = await pool.request({ method: 'GET', path, headers: who[as] });
    const text = await r.body.text();
    if (r.statusCode !== 200) throw new Error(`GET ${path}: ${r.statusCode} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  // a deep page: the cursor of page 100 of the clerk's queue
  let cursor;
  for (let p = 1; p < 100; p++) cursor = (await get(`/api/household/cases?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'clerk.longteng')).nextCursor;
  const ids = hh.real.map((p) => p.idNumber);
  const twoChars = ['张伟', '王芳', '李娜', '刘强', '陈静', '杨磊', '赵军', '黄丽'];
  const Q = [
    { name: "clerk's default queue, page 1 (scope only)", key: 'queue', as: 'clerk.longteng', path: () => '/api/household/cases?limit=20', target: 50 },
    { name: "clerk's queue, page 1 with communityId", key: 'queueCommunity', as: 'clerk.longteng', path: () => `/api/household/cases?limit=20&communityId=${longteng}`, target: 50 },
    { name: "clerk's queue, numbered page 1 (共 N 条)", key: 'queuePaged', as: 'clerk.longteng', path: () => '/api/household/cases?page=1&limit=20', target: 50 },
    { name: "clerk's queue, deep page (keyset, page 100)", key: 'deep', as: 'clerk.longteng', path: () => `/api/household/cases?limit=20&cursor=${encodeURIComponent(cursor)}`, target: 50 },
    { name: 'exact ID lookup (persons, idNumber)', key: 'id', as: 'clerk.longteng', path: (k) => `/api/household/persons?idNumber=${ids[k % ids.length]}`, target: 50 },
    { name: 'two-character name search (cases, q)', key: 'name', as: 'clerk.longteng', path: (k) => `/api/household/cases?limit=20&q=${encodeURIComponent(twoChars[k % twoChars.length])}`, target: 50 },
    { name: "a county's cases, page 1 (admin)", key: 'countyCases', as: 'admin', path: () => '/api/household/cases?limit=20', target: 50 },
    { name: "a county's statistics summary (admin)", key: 'countyStats', as: 'admin', path: () => '/api/household/stats/summary', target: 50 },
    { name: "a street's open items (street admin)", key: 'streetItems', as: 'street.zhuangyuan', path: () => '/api/volunteer/items?view=open&limit=20', target: 50 },
    {
      name: 'the city overview (city.admin: the three county comparisons at once)', key: 'city', as: 'city.admin', target: 300,
      paths: () => ['/api/org/coverage/counties', '/api/household/stats/counties', '/api/volunteer/overview/counties'],
    },
  ];
  const loadBefore = os.loadavg();
  const results = [];
  for (const q of Q) {
    const reqs = (k) => (q.paths ? q.paths().map((p) => ({ path: p, headers: who[q.as] })) : { path: q.path(k), headers: who[q.as] });
    for (let k = 0; k < 3; k++) await Promise.all([reqs(k)].flat().map((r) => get(r.path, q.as))); // warm-up
    const r = await load(pool, SECONDS, (w, k) => reqs(w * 1000 + k));
    log(`  ${q.name.padEnd(72)} ${r.rps.toFixed(0).padStart(5)} req/s  median ${ms(r.median)} ms  p99 ${ms(r.p99)} ms${Object.keys(r.failures).length ? `  failures ${JSON.stringify(r.failures)}` : ''}`);
    results.push({ ...q, ...r });
  }
  const by = Object.fromEntries(results.map((r) => [r.key, r]));

  // writes: settles (clerk) and claims (unit staff), each client on its own cases / items
  for (const u of ['clerk.longteng', 'unit.staff']) who[u] = await login(u);
  const settleIds = (await get(`/api/household/cases?limit=100&status=APPROVED&communityId=${longteng}`, 'clerk.longteng')).items.length;
  const { Client } = require('pg');
  const hc = new Client({ connectionString: url('household') });
  await hc.connect();
  const approved = (await hc.query(`SELECT id, version FROM move_case WHERE status = 'APPROVED' AND case_no LIKE 'HJ2026-S%' ORDER BY id`)).rows.map((r) => ({ id: Number(r.id), version: r.version }));
  await hc.end();
  void settleIds;
  let si = 0;
  const settles = await load(pool, WRITE_SECONDS, () => {
    const c = approved[si++];
    return c ? { method: 'POST', path: `/api/household/cases/${c.id}/transitions`, headers: who['clerk.longteng'], body: { action: 'settle', version: c.version } } : null;
  });
  log(`  settles (clerk.longteng, ${CLIENTS} clients, distinct APPROVED cases): ${settles.rps.toFixed(1)}/s, median ${ms(settles.median)} ms, p99 ${ms(settles.p99)} ms ${JSON.stringify(settles.failures)}`);
  let ci = 0;
  const claims = await load(pool, WRITE_SECONDS, () => {
    const it = vol.claimable[ci++];
    return it ? { method: 'POST', path: `/api/volunteer/items/${it.id}/transitions`, headers: who['unit.staff'], body: { action: 'claim', version: it.version } } : null;
  });
  log(`  claims (unit.staff, ${CLIENTS} clients, distinct PUBLISHED items): ${claims.rps.toFixed(1)}/s, median ${ms(claims.median)} ms, p99 ${ms(claims.p99)} ms ${JSON.stringify(claims.failures)}`);
  const loadAfterHttp = os.loadavg();
  await pool.close();

  // pgbench on the server that holds the data, while the platform runs idle; and on the system PostgreSQL 15
  const tpsSame = pgbench({ host: server.hostname, port: server.port, user: decodeURIComponent(server.username), password: decodeURIComponent(server.password), db: `${BASE_DB}_pgbench` }, `the bench's PostgreSQL 18 (127.0.0.1:${server.port})`);
  let tpsSystem = null;
  try {
    const sys = new URL(SYSTEM_PG);
    const admin = await client(SYSTEM_PG);
    await admin.query(`DROP DATABASE IF EXISTS ${BASE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BASE_DB}`);
    await admin.end();
    tpsSystem = pgbench({ host: sys.hostname, port: sys.port || 5432, user: decodeURIComponent(sys.username) || 'postgres', password: decodeURIComponent(sys.password), db: BASE_DB }, `the system PostgreSQL 15 (${sys.hostname}:${sys.port || 5432}/${BASE_DB})`);
  } catch (e) {
    log(`  pgbench on ${SYSTEM_PG}: ${e.message}`);
  }
  const loadEnd = os.loadavg();
  await stopAll();
  platform = undefined;
  pg = undefined;

  // ---- the table
  const pass = (r) => (r.p99 < r.target ? 'pass' : r.median < r.target ? 'median only' : '**FAIL**');
  const ratio = by.queue.median / by.queueCommunity.median;
  const ratio99 = by.queue.p99 / by.queueCommunity.p99;
  const rows = results.map((r) => `| ${r.name} | ${r.rps.toFixed(0)} | ${ms(r.median)} ms | ${ms(r.p99)} ms | < ${r.target} ms | ${pass(r)} |`);
  const uptime = spawnSync('uptime', [], { encoding: 'utf8' }).stdout.trim();
  const section = [
    '## A city on one platform (bench/city)',
    '',
    `Measured ${stamp()} with \`CITY_SCALE=${SCALE} npm run bench:city\` — ${SCALE === 1 ? 'the full size' : `**${SCALE} of the full size**`}.`,
    '',
    `${machineDocs(machine('18 (embedded, default settings) for the platform; pgbench also on the system PostgreSQL 15', {}))}.`,
    '',
    `**Load:** \`uptime\` at the end: \`${uptime}\`; load average (1 min) ${loadAtStart[0].toFixed(2)} at the start, ${loadBefore[0].toFixed(2)} before the measurements, ${loadAfterHttp[0].toFixed(2)} after the HTTP measurements, ${loadEnd[0].toFixed(2)} at the end. Database, four Node processes (gateway, org, household, volunteer) and the ${CLIENTS} clients share the machine's 2 cores, with other sessions' work.`,
    '',
    `**Data** (${SCALE === 1 ? 'full size' : `scale ${SCALE}`}): ${fmt(org.counts.counties)} counties (栖霞市 from the demo and 12 more), ${fmt(org.counts.streets)} streets, ${fmt(org.counts.communities)} communities, ${fmt(org.counts.memberHouseholds)} member households (${fmt(org.counts.units)} current organisations);`,
    `${fmt(hh.counts.households)} households, ${fmt(hh.counts.persons)} persons, ${fmt(hh.counts.cases)} cases (${fmt(hh.counts.clerkCases)} in the clerk's community 龙腾) with ${fmt(hh.counts.casePersons)} case persons (household database ${hh.counts.size});`,
    `${fmt(vol.counts.items)} service items (volunteer database ${vol.counts.size}). Filled in **${fillSeconds.toFixed(0)} s** of set-based SQL (secondary indexes dropped and rebuilt; migrations and the demo before it ${tSeed.toFixed(0)} s).`,
    '',
    `Through the gateway (\`scripts/start.mjs\`, one process per service), ${CLIENTS} clients for ${SECONDS} s per row, each as the demo login of the role named (clerk.longteng, admin of 栖霞市, street.zhuangyuan, city.admin):`,
    '',
    '| request | req/s | median | p99 | target (p99) | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `- Clerk's default page vs the same page with an explicit community: median ${ratio.toFixed(2)}×, p99 ${ratio99.toFixed(2)}× (target ≤ 1.5×): **${ratio <= 1.5 ? 'pass' : 'FAIL'}** on the median.`,
    `- Settles (clerk.longteng, distinct APPROVED cases): **${settles.rps.toFixed(1)}/s** (median ${ms(settles.median)} ms, p99 ${ms(settles.p99)} ms); claims (unit.staff, distinct PUBLISHED items): **${claims.rps.toFixed(1)}/s** (median ${ms(claims.median)} ms, p99 ${ms(claims.p99)} ms).`,
    `- \`pgbench -c 8 -j 2 -T ${PGBENCH_SECONDS}\` (tpcb, scale 10) in the same run on the bench's PostgreSQL 18: **${tpsSame.toFixed(0)} TPS** → settles ${(settles.rps / tpsSame).toFixed(3)}, claims ${(claims.rps / tpsSame).toFixed(3)} of pgbench's TPS` +
      (tpsSystem ? `; on the system PostgreSQL 15 (127.0.0.1:5432/${BASE_DB}): ${tpsSystem.toFixed(0)} TPS → settles ${(settles.rps / tpsSystem).toFixed(3)}, claims ${(claims.rps / tpsSystem).toFixed(3)}.` : '.'),
    '',
    'Plans of the lists a role opens first on the filled database (the services\' own SQL, recorded from the built classes; `EXPLAIN (ANALYZE, BUFFERS)`):',
    '',
    '| list | read by | rows of the table read | execution |',
    '| --- | --- | --- | --- |',
    ...plans.map((p) => `| ${p.name} | ${p.nodes} | ${fmt(p.rows)} | ${p.ms} ms |`),
    '',
    planDetails(plans.map((p) => [p.name, p.text])),
  ].join('\n');
  writeDocs(DOCS_SECTION, section);
  log('docs/benchmarks.md updated');
  return 0;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the case and item lists as the services' classes build them. */
async function listPlans(url, org, longteng, vault) {
  const { createHouseholdDataSource } = require(join(root, 'services/household/dist/src/data-source.js'));
  const { createVolunteerDataSource } = require(join(root, 'services/volunteer/dist/src/data-source.js'));
  const { CaseService } = require(join(root, 'services/household/dist/src/modules/cases/service.js'));
  const { ItemService } = require(join(root, 'services/volunteer/dist/src/modules/items/service.js'));
  const paths = Object.fromEntries(org.communities.map((c) => [Number(c.id), c.path]));
  const lt = paths[longteng];
  const seg = lt.split('/').filter(Boolean);
  const street = `/${seg.slice(0, 3).join('/')}/`;
  const county = `/${seg.slice(0, 2).join('/')}/`;
  const user = (role, scope) => ({ sub: '1', username: 'bench', role, orgId: Number(scope.split('/').filter(Boolean).at(-1)), scopePaths: [scope] });
  const out = [];
  const record = async (ds, tableRe, run) => {
    let last;
    const rec = Object.create(ds);
    rec.query = (sql, params) => {
      if (tableRe.test(sql) && !/^\s*(EXPLAIN|SELECT count\(\*\)::int AS n FROM \()/.test(sql)) last = { sql, params };
      return ds.query(sql, params);
    };
    // the hot reads go to the pool as named prepared statements (shared preparedIn on the manager): record those too
    rec.manager = Object.create(ds.manager);
    rec.manager.connection = rec;
    const master = ds.driver.master;
    rec.driver = Object.create(ds.driver);
    rec.driver.master = Object.create(master);
    rec.driver.master.query = (cfg, ...rest) => {
      if (typeof cfg === 'object' && cfg && tableRe.test(cfg.text)) last = { sql: cfg.text, params: cfg.values };
      return master.query(cfg, ...rest);
    };
    await run(rec);
    return last;
  };
  const add = async (ds, name, table, q) => {
    const text = await explain(ds, q.sql, q.params);
    // the scans of the table: their kind and index, and Σ actual rows × loops (rows of the table read)
    const scans = [...text.matchAll(new RegExp(`((?:Parallel )?(?:Index Only Scan|Index Scan|Seq Scan|Bitmap Heap Scan)(?: Backward)?)(?: using (\\S+))? on ${table} \\w+ .*?actual time=[\\d.]+\\.\\.[\\d.]+ rows=([\\d.]+) loops=(\\d+)`, 'g'))];
    const nodes = [...new Set(scans.map((m) => `${m[1]}${m[2] ? ` ${m[2]}` : ''}`))].join(' + ') || 'no scan of ' + table;
    const rows = Math.round(scans.reduce((n, m) => n + Number(m[3]) * Number(m[4]), 0));
    const took = /Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? '?';
    out.push({ name, nodes, rows, ms: took, text, table });
  };
  const hds = createHouseholdDataSource(url('household'), { poolSize: 2 });
  await hds.initialize();
  try {
    for (const [name, u, extra] of [
      ["clerk's queue (龙腾)", user('community_clerk', lt), {}],
      ["a street's cases (庄园)", user('street_admin', street), {}],
      ["a county's cases (栖霞)", user('admin', county), {}],
      ["a clerk's name search (龙腾, 张伟)", user('community_clerk', lt), { q: '张伟' }],
    ]) {
      const q = await record(hds, /FROM move_case c|LATERAL/, (rec) => new CaseService(rec, vault, new shared.CommunityDirectory()).list(u, { limit: 20, ...extra }));
      await add(hds, name, 'move_case', q);
    }
  } finally {
    await hds.destroy();
  }
  const vds = createVolunteerDataSource(url('volunteer'), { poolSize: 2 });
  await vds.initialize();
  try {
    for (const [name, u, extra] of [
      ["a street's open items (庄园)", user('street_admin', street), { view: 'open' }],
      ["a community's items (龙腾)", user('community_clerk', lt), {}],
      ["a county's items (栖霞)", user('admin', county), {}],
    ]) {
      const q = await record(vds, /FROM item i|item i JOIN/, (rec) => new ItemService(rec, new shared.CommunityDirectory()).list(u, { limit: 20, ...extra }));
      await add(vds, name, 'item', q);
    }
  } finally {
    await vds.destroy();
  }
  for (const p of out) log(`  plan: ${p.name.padEnd(32)} ${p.nodes}; ${fmt(p.rows)} rows read; ${p.ms} ms`);
  return out;
}

process.on('exit', () => {
  if (platform && platform.exitCode === null) {
    try {
      process.kill(-platform.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
});
runMain(async () => {
  try {
    return await main();
  } finally {
    await stopAll();
  }
});
