#!/usr/bin/env node
// `npm run bench:scaling`: the measurements behind docs/scaling.md — what declarative partitioning by
// county division code does to the queries a province-size register runs. One table of cases shaped like
// household's move_case, twice: unpartitioned, and `PARTITION BY LIST (county_code)` with one partition per
// county (Shandong has 136 county-level divisions). Same rows, same indexes; measured one after another in
// one run, so the figures are ratios on the same (shared, noisy) machine:
//   - the clerk's first page (community + keyset) with the county code in the query (partition pruning)
//     and without it (every partition's index is walked);
//   - a county's statistics (count by status) — an index range on the flat table, one partition read whole;
//   - planning time of both shapes;
//   - insert throughput (batches of 1,000 rows);
//   - taking one county out (moving it to its own database): DETACH PARTITION vs DELETE.
// Environment: BENCH_COUNTIES (136), BENCH_ROWS_PER_COUNTY (20,000), BENCH_REPEAT (300), DATABASE_URL
// (else an embedded PostgreSQL in .data/pg-bench-scaling).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  databaseNote, envInt, explain, fmt, loadBefore, loadSession, log, machine, machineDocs, machineLine, makeRnd, ms, openDatabase, pgFacts,
  requireBuilt, runMain, stamp, timed, writeDocs,
} from '../lib/common.mjs';

requireBuilt(['shared/dist/index.js'], 'run `npm run build -w shared` first');

const COUNTIES = envInt('BENCH_COUNTIES', 136);
const PER_COUNTY = envInt('BENCH_ROWS_PER_COUNTY', 20_000);
const REPEAT = envInt('BENCH_REPEAT', 300);
const COMMUNITIES_PER_COUNTY = 40;
const INSERT_BATCHES = envInt('BENCH_INSERT_BATCHES', 30);
const COUNTY0 = 370100; // county codes 370100, 370101, … (stand-ins for the real division codes)

const DOCS_SECTION = {
  name: 'scaling',
  title: 'Partitioning by county (scaling)',
  indexRow: '| [Partitioning by county (scaling)](#partitioning-by-county-scaling-benchscaling) | `npm run bench:scaling` |',
};

const columns = `id bigint NOT NULL, county_code integer NOT NULL, community_id integer NOT NULL, status text NOT NULL,
  case_type text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version integer NOT NULL DEFAULT 1,
  address text NOT NULL, note text`;

async function fill(q, step) {
  // A fresh schema: a detached partition of an earlier run is a table of its own.
  await q('SET client_min_messages = warning');
  await q('DROP SCHEMA IF EXISTS public CASCADE');
  await q('CREATE SCHEMA public');
  await q(`CREATE TABLE case_flat (${columns}, PRIMARY KEY (id))`);
  await q(`CREATE TABLE case_part (${columns}, PRIMARY KEY (county_code, id)) PARTITION BY LIST (county_code)`);
  await step(`${COUNTIES} partitions`, async () => {
    for (let i = 0; i < COUNTIES; i++) await q(`CREATE TABLE case_part_${COUNTY0 + i} PARTITION OF case_part FOR VALUES IN (${COUNTY0 + i})`);
  });
  const total = COUNTIES * PER_COUNTY;
  // ~200-byte rows as move_case's (address, note), six years of history, statuses as a settled register has them.
  const select = `SELECT g AS id, ${COUNTY0} + (g % ${COUNTIES}) AS county_code,
      ((g % ${COUNTIES}) * ${COMMUNITIES_PER_COUNTY}) + ((g / ${COUNTIES}) % ${COMMUNITIES_PER_COUNTY}) AS community_id,
      (ARRAY['SETTLED','SETTLED','SETTLED','SETTLED','SETTLED','SETTLED','REJECTED','APPROVED','ACCEPTED','SUBMITTED'])[1 + ((g::bigint * 7919) % 10)::int] AS status,
      (ARRAY['PURCHASE','RELATIVE','COLLECTIVE','OTHER'])[1 + g % 4] AS case_type,
      timestamptz '2020-12-01' + (g::float8 / ${total}) * interval '6 years' AS created_at,
      timestamptz '2020-12-01' + (g::float8 / ${total}) * interval '6 years' + interval '3 days' AS updated_at,
      1 AS version,
      '山东省某市某区某街道某社区某小区' || (g % 97) || '号楼' || (g % 6) || '单元' || (g % 2000) || '室' AS address,
      CASE WHEN g % 3 = 0 THEN '购房落户，材料齐全，已核验房产证与购房合同。' END AS note
    FROM generate_series(1, ${total}) g`;
  await step(`fill case_flat: ${fmt(total)} rows`, async () => void (await q(`INSERT INTO case_flat ${select}`)));
  await step(`fill case_part: ${fmt(total)} rows`, async () => void (await q(`INSERT INTO case_part ${select}`)));
  await step('indexes (community, keyset) and (county, status)', async () => {
    for (const t of ['case_flat', 'case_part']) {
      await q(`CREATE INDEX ${t}_list_idx ON ${t} (community_id, created_at DESC, id DESC)`);
      await q(`CREATE INDEX ${t}_county_idx ON ${t} (county_code, status)`);
    }
  });
  await step('VACUUM (ANALYZE)', async () => void (await q('VACUUM (ANALYZE) case_flat, case_part')));
  return total;
}

const planning = (plan) => Number(/Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
const firstNode = (plan) => plan.split('\n')[0].replace(/\s+\(cost.*$/, '').trim();

async function main() {
  const url = await openDatabase('scaling', 'pg-bench-scaling');
  const { c, q, step } = await loadSession(url);
  const total = await step('fill', () => fill(q, step));
  await q('RESET work_mem');
  await q('SET synchronous_commit = on');
  const { version, settings } = await pgFacts(async (sql, p) => (await q(sql, p)).rows, ['shared_buffers', 'work_mem', 'random_page_cost', 'jit']);
  const m = machine(version, settings);
  log(machineLine(m));
  const size = async (t) => Number((await q(`SELECT sum(pg_total_relation_size(inhrelid)) + pg_total_relation_size($1::regclass) AS b
      FROM (SELECT $1::regclass AS inhrelid UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass) x`, [t])).rows[0].b);
  const flatBytes = Number((await q(`SELECT pg_total_relation_size('case_flat') AS b`)).rows[0].b);
  const partBytes = await size('case_part');

  const before = loadBefore();
  const { rnd } = makeRnd(42);
  const inputs = Array.from({ length: 200 }, () => {
    const county = Math.floor(rnd() * COUNTIES);
    return { county: COUNTY0 + county, community: county * COMMUNITIES_PER_COUNTY + Math.floor(rnd() * COMMUNITIES_PER_COUNTY) };
  });
  const page = {
    flat: 'SELECT * FROM case_flat WHERE community_id = $1 ORDER BY created_at DESC, id DESC LIMIT 21',
    pruned: 'SELECT * FROM case_part WHERE county_code = $2 AND community_id = $1 ORDER BY created_at DESC, id DESC LIMIT 21',
    unpruned: 'SELECT * FROM case_part WHERE community_id = $1 ORDER BY created_at DESC, id DESC LIMIT 21',
  };
  const stat = {
    flat: 'SELECT status, count(*) FROM case_flat WHERE county_code = $1 GROUP BY status',
    part: 'SELECT status, count(*) FROM case_part WHERE county_code = $1 GROUP BY status',
  };
  const r = {};
  r.pageFlat = await timed('clerk page — flat table', REPEAT, inputs, (i) => q(page.flat, [i.community]));
  r.pagePruned = await timed('clerk page — partitioned, county in query', REPEAT, inputs, (i) => q(page.pruned, [i.community, i.county]));
  r.pageUnpruned = await timed('clerk page — partitioned, no county', Math.min(REPEAT, 100), inputs, (i) => q(page.unpruned, [i.community]));
  r.statFlat = await timed('county statistics — flat table', Math.min(REPEAT, 60), inputs, (i) => q(stat.flat, [i.county]));
  r.statPart = await timed('county statistics — partitioned', Math.min(REPEAT, 60), inputs, (i) => q(stat.part, [i.county]));

  const sample = inputs[0];
  const plans = {
    pageFlat: await explain({ query: async (s, p) => (await q(s, p)).rows }, page.flat, [sample.community]),
    pagePruned: await explain({ query: async (s, p) => (await q(s, p)).rows }, page.pruned, [sample.community, sample.county]),
    pageUnpruned: await explain({ query: async (s, p) => (await q(s, p)).rows }, page.unpruned, [sample.community]),
    statFlat: await explain({ query: async (s, p) => (await q(s, p)).rows }, stat.flat, [sample.county]),
    statPart: await explain({ query: async (s, p) => (await q(s, p)).rows }, stat.part, [sample.county]),
  };
  const partitionsRead = (plan) => new Set([...plan.matchAll(/ on (case_part_\d+)/g)].map((x) => x[1])).size;

  // Inserts: batches of 1,000 new cases, spread over every county (a bulk load) and within one county (what a
  // county's work writes: each transaction touches one county), into each table.
  let next = total;
  const insertRate = async (table, oneCounty) => {
    const s = performance.now();
    for (let b = 0; b < INSERT_BATCHES; b++) {
      const from = next + 1;
      next += 1000;
      const county = oneCounty ? `${COUNTY0} + ${b % COUNTIES}` : `${COUNTY0} + (g % ${COUNTIES})`;
      await q(`INSERT INTO ${table} SELECT g, ${county}, ((${county}) - ${COUNTY0}) * ${COMMUNITIES_PER_COUNTY} + (g % ${COMMUNITIES_PER_COUNTY}),
          'SUBMITTED', 'PURCHASE', now(), now(), 1, '新地址' || g, NULL FROM generate_series($1::bigint, $1::bigint + 999) g`, [from]);
    }
    return (INSERT_BATCHES * 1000) / ((performance.now() - s) / 1000);
  };
  const insFlat = await insertRate('case_flat', false);
  const insPart = await insertRate('case_part', false);
  const insFlatOne = await insertRate('case_flat', true);
  const insPartOne = await insertRate('case_part', true);
  log(`  inserts across counties: flat ${insFlat.toFixed(0)} rows/s, partitioned ${insPart.toFixed(0)} rows/s`);
  log(`  inserts within one county: flat ${insFlatOne.toFixed(0)} rows/s, partitioned ${insPartOne.toFixed(0)} rows/s`);

  // One county out: DETACH (then it can be dumped and dropped, or attached elsewhere) vs DELETE of its rows.
  const out = COUNTY0 + COUNTIES - 1;
  const outRows = Number((await q('SELECT count(*) AS n FROM case_flat WHERE county_code = $1', [out])).rows[0].n);
  let s = performance.now();
  await q(`DELETE FROM case_flat WHERE county_code = $1`, [out]);
  const deleteMs = performance.now() - s;
  s = performance.now();
  await q(`ALTER TABLE case_part DETACH PARTITION case_part_${out}`);
  const detachMs = performance.now() - s;
  log(`  one county out (${fmt(outRows)} rows): DELETE ${ms(deleteMs)} ms, DETACH ${ms(detachMs)} ms`);
  const after = os.loadavg();
  await c.end();

  const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
  const rows = [
    ['clerk first page, county code in the query (pruned to 1 partition)', `median ${ms(r.pagePruned.median)} ms, p99 ${ms(r.pagePruned.p99)} ms; flat ${ms(r.pageFlat.median)} / ${ms(r.pageFlat.p99)} ms`, `${ratio(r.pagePruned.median, r.pageFlat.median)} of flat (median); planning ${ms(planning(plans.pagePruned))} vs ${ms(planning(plans.pageFlat))} ms; partitions read ${partitionsRead(plans.pagePruned)}`],
    ['clerk first page, no county code (every partition)', `median ${ms(r.pageUnpruned.median)} ms, p99 ${ms(r.pageUnpruned.p99)} ms`, `${ratio(r.pageUnpruned.median, r.pageFlat.median)} of flat (median); planning ${ms(planning(plans.pageUnpruned))} ms; partitions in plan ${partitionsRead(plans.pageUnpruned)}`],
    ['a county\'s statistics (count by status)', `partitioned median ${ms(r.statPart.median)} ms, p99 ${ms(r.statPart.p99)} ms; flat ${ms(r.statFlat.median)} / ${ms(r.statFlat.p99)} ms`, `${ratio(r.statPart.median, r.statFlat.median)} of flat (median); plans: ${firstNode(plans.statPart)} / ${firstNode(plans.statFlat)}`],
    ['inserts, batches of 1,000 rows spread over every county (a bulk load)', `partitioned ${fmt(Math.round(insPart))} rows/s, flat ${fmt(Math.round(insFlat))} rows/s`, `${ratio(insPart, insFlat)} of flat`],
    ['inserts, batches of 1,000 rows within one county (a county\'s own work)', `partitioned ${fmt(Math.round(insPartOne))} rows/s, flat ${fmt(Math.round(insFlatOne))} rows/s`, `${ratio(insPartOne, insFlatOne)} of flat`],
    [`one county out (${fmt(outRows)} rows)`, `DETACH PARTITION ${ms(detachMs)} ms; DELETE ${ms(deleteMs)} ms`, `DELETE takes ${ratio(deleteMs, detachMs)} the DETACH's time (and leaves dead rows to vacuum)`],
    ['size with indexes', `partitioned ${(partBytes / 2 ** 20).toFixed(0)} MB, flat ${(flatBytes / 2 ** 20).toFixed(0)} MB`, `${(partBytes / total).toFixed(0)} vs ${(flatBytes / total).toFixed(0)} bytes per case`],
  ];
  const table = ['| figure | value | ratio and plan |', '| --- | --- | --- |', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
  process.stdout.write(`\n${table}\n\n${machineLine(m)}\nload average (1 min) ${before[0].toFixed(2)} before, ${after[0].toFixed(2)} after\n`);
  writeDocs(DOCS_SECTION, `## Partitioning by county (scaling) (bench/scaling)

Measured ${stamp()} with \`npm run bench:scaling\` (${databaseNote()}); the figures behind [docs/scaling.md](scaling.md).

${machineDocs(m)}. Database and load generator share this machine with other work; load average (1 min) ${before[0].toFixed(2)} before the
measurements, ${after[0].toFixed(2)} after — compare the ratios, not the milliseconds.

**Data:** ${fmt(total)} cases shaped like household's \`move_case\` (≈ 200-byte rows, six years) over ${COUNTIES} counties
(Shandong's county-level count) × ${COMMUNITIES_PER_COUNTY} communities, stored twice: one flat table, and one \`PARTITION BY LIST (county_code)\`
with a partition per county; the same two indexes on both ((community_id, created_at DESC, id DESC) for the clerk's keyset page, (county_code, status)).
Latencies are SQL round trips (node-postgres, one connection), ${REPEAT} sequential runs after warm-up over 200 sampled communities.

${table}

What it shows: with the county code in the query the partitioned table is as fast as the flat one for the clerk's page
(the planner prunes to one partition); without it, every partition's index is walked and merged, so every query on a partitioned
table must carry the county division code (it is in every org path). Statistics of one county read one partition whole instead of
an index range of the big table. Taking a county out to its own database is a DETACH, not a delete of its history.

<details><summary>Plans (EXPLAIN ANALYZE, BUFFERS), one sampled community/county</summary>

\`\`\`
-- clerk page, flat
${plans.pageFlat}

-- clerk page, partitioned with county
${plans.pagePruned}

-- clerk page, partitioned without county (first 40 lines)
${plans.pageUnpruned.split('\n').slice(0, 40).join('\n')}

-- county statistics, flat
${plans.statFlat}

-- county statistics, partitioned
${plans.statPart}
\`\`\`

</details>
`);
  return 0;
}

runMain(main);
