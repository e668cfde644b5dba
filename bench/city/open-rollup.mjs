#!/usr/bin/env node
// Issue 13, the city overview's open and overdue cases: the per-community count over the open cases that
// /stats/counties sent before (move_case_open_idx) against the SQL the built StatsRepository sends now
// (case_open_rollup + the exact count of the hour at the limit), on a generated household database of the city's
// size of open cases (OPEN_CASES, 124,716 by default, in 1,452 communities; CLOSED_CASES settled ones besides).
// Both answers are compared; then old and new alternate (RUNS each), and one EXPLAIN (ANALYZE, BUFFERS) of each,
// for the city (every community) and a county (120), with the rollup as the triggers left it and after the fold
// the household sweep runs every five minutes. Prints markdown. Embedded PostgreSQL in .data/openrollup-pg.
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanup, envInt, explain, freshSchema, loadSession, log, ms, openDatabase, require, root, runMain, stats } from '../lib/common.mjs';

const OPEN_CASES = envInt('OPEN_CASES', 124_716);
const CLOSED_CASES = envInt('CLOSED_CASES', 375_000);
const COMMUNITIES = 1452;
const RUNS = envInt('RUNS', 15);
process.env.HOUSEHOLD_DB_PASSWORD ??= 'bench-open-rollup';
const { OVERDUE_SQL } = require(join(root, 'services/household/dist/src/domain.js'));
const { migrateHousehold } = require(join(root, 'services/household/dist/src/data-source.js'));
const { OPEN_FROM_ROLLUP_SQL } = require(join(root, 'services/household/dist/src/modules/stats/repository.js'));
const { OPEN_ROLLUP_BACKFILL } = require(join(root, 'services/household/dist/src/migrations/1767400000000-OpenCaseRollup.js'));

// the SQL /stats/counties sent before (StatsRepository.openPerCommunity at 349cfc5^)
const OLD = `SELECT c.community_id AS id, count(*)::int AS open, count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue
         FROM move_case c WHERE c.status IN ('DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED') AND c.community_id = ANY($1::bigint[]) GROUP BY 1`;
// the new rows (per community and status) summed per community, as openPerCommunity does
const NEW = `SELECT "communityId" AS id, sum(n)::int AS open, sum(overdue)::int AS overdue FROM (${OPEN_FROM_ROLLUP_SQL}) x GROUP BY 1`;

const canon = (rows) => JSON.stringify(rows.map((r) => [Number(r.id), r.open, r.overdue]).sort((a, b) => a[0] - b[0]));
const totals = (plan) => {
  const hit = [...plan.matchAll(/shared hit=(\d+)/g)][0]?.[1] ?? '0';
  const read = [...plan.matchAll(/read=(\d+)/g)][0]?.[1] ?? '0';
  return { buffers: Number(hit) + Number(read), exec: Number(/Execution Time: ([\d.]+)/.exec(plan)[1]) };
};

async function main() {
  const url = await openDatabase('household', 'openrollup-pg');
  await freshSchema(url, (u) => migrateHousehold(u));
  const { c, q, step } = await loadSession(url);
  await q(`INSERT INTO community_ref (id, name, path) SELECT 1001 + i, '社区' || i, '/1/' || (2 + i / 120) || '/' || (1001 + i) || '/' FROM generate_series(0, ${COMMUNITIES - 1}) i`);
  await step(`${OPEN_CASES} open cases in ${COMMUNITIES} communities (one with a tenth of them)`, async () => void (await q(`
    INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, step_started_at, green_channel)
    SELECT 'O-' || g, 'purchased_flat', (ARRAY['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'])[1 + (g::bigint * 7919) % 5],
           CASE WHEN g % 10 = 0 THEN 1001 ELSE 1001 + (g::bigint * 104729) % ${COMMUNITIES} END, '申请人', 'bench', s - interval '3 days', s,
           s, g % 9 = 0
      FROM generate_series(1, ${OPEN_CASES}) g
     CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 = 3 THEN now() - ((g::bigint * 7727) % 518400) * interval '1 second'
                                     ELSE now() - ((g::bigint * 48611) % 189216000) * interval '1 second' END AS s) t`)));
  await step(`${CLOSED_CASES} settled cases`, async () => void (await q(`
    INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, step_started_at, settled_at)
    SELECT 'S-' || g, 'purchased_flat', 'SETTLED', 1001 + (g::bigint * 104729) % ${COMMUNITIES}, '申请人', 'bench', s - interval '9 days', s, s, s
      FROM generate_series(1, ${CLOSED_CASES}) g CROSS JOIN LATERAL (SELECT now() - ((g::bigint * 48611) % 189216000) * interval '1 second' AS s) t`)));
  await step('VACUUM ANALYZE', async () => void (await q('VACUUM ANALYZE move_case, case_open_rollup')));
  const city = Array.from({ length: COMMUNITIES }, (_, i) => 1001 + i);
  const county = city.slice(0, 120);
  const facts = async () => (await q(`SELECT (SELECT count(*) FROM move_case WHERE status IN ('DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'))::int AS open,
      (SELECT count(*) FILTER (WHERE ${OVERDUE_SQL}) FROM move_case c)::int AS overdue, (SELECT count(*) FROM case_open_rollup)::int AS rows`)).rows[0];
  const out = [];
  const measure = async (label) => {
    const f = await facts();
    out.push(`\n${label}: ${f.open.toLocaleString('en-US')} open cases (${f.overdue.toLocaleString('en-US')} overdue), case_open_rollup ${f.rows.toLocaleString('en-US')} rows.\n`);
    out.push('| scope | answers equal | old median / p99 | new median / p99 | buffers old → new | execution old → new (EXPLAIN ANALYZE) |', '| --- | --- | --- | --- | --- | --- |');
    const plans = [];
    for (const [name, ids] of [['city (1,452 communities)', city], ['county (120 communities)', county]]) {
      const same = canon((await q(OLD, [ids])).rows) === canon((await q(NEW, [ids])).rows);
      const t = { old: [], new: [] };
      for (let i = 0; i < RUNS; i++) {
        for (const k of ['old', 'new']) {
          const s = performance.now();
          await q(k === 'old' ? OLD : NEW, [ids]);
          t[k].push(performance.now() - s);
        }
      }
      const po = await explain({ query: async (s, p) => (await q(s, p)).rows }, OLD, [ids]);
      const pn = await explain({ query: async (s, p) => (await q(s, p)).rows }, NEW, [ids]);
      const [so, sn, eo, en] = [stats(t.old), stats(t.new), totals(po), totals(pn)];
      out.push(`| ${name} | ${same ? 'yes' : '**NO**'} | ${ms(so.median)} / ${ms(so.p99)} ms | ${ms(sn.median)} / ${ms(sn.p99)} ms | ${eo.buffers} → ${en.buffers} | ${eo.exec} → ${en.exec} ms |`);
      plans.push([`${label}, ${name}, old`, po], [`${label}, ${name}, new`, pn]);
    }
    return plans;
  };
  const load0 = os.loadavg()[0];
  const plans = await measure('As the triggers left it (no fold yet)');
  await step('case_open_rollup_fold()', async () => `${(await q('SELECT case_open_rollup_fold() AS n')).rows[0].n} rows folded`);
  await q('VACUUM ANALYZE case_open_rollup');
  plans.push(...(await measure('After the fold (the household sweep, every five minutes; the table keeps the pages of the 124k rows deleted)')));
  await step('the migration\'s backfill (folded) on the cases there are', async () => {
    await q('TRUNCATE case_open_rollup');
    await q(OPEN_ROLLUP_BACKFILL);
    await q('VACUUM ANALYZE case_open_rollup');
  });
  plans.push(...(await measure('As migration OpenCaseRollup leaves it on the existing cases (backfill folded)')));
  const load1 = os.loadavg()[0];
  await c.end();
  process.stdout.write(`\n${out.join('\n')}\n\nLoad average (1 min) ${load0.toFixed(2)} before, ${load1.toFixed(2)} after; ${RUNS} runs each, old and new alternating.\n`);
  for (const [name, plan] of plans) process.stdout.write(`\n--- ${name}\n${plan}\n`);
  await cleanup();
}

runMain(main);
