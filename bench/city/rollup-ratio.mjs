#!/usr/bin/env node
// Same-run ratio for issue 13's statistics: on the database `npm run bench:city` filled (its embedded PostgreSQL
// in .data/citybench-pg, started again here on EMBEDDED_PG_PORT), the old full-scan SQL of a county's statistics
// summary and of the city overview's household and volunteer comparisons against the SQL the built services send
// now (recorded from StatsService, CountyStatsService, CountyOverviewService), alternating old and new so the
// machine's background load weighs on both alike; then one EXPLAIN (ANALYZE, BUFFERS) of each. Prints markdown.
import { join } from 'node:path';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { envInt, loadShared, ms, require, root, stats } from '../lib/common.mjs';

const shared = loadShared();
const RUNS = envInt('RATIO_RUNS', 30);
const PG_PORT = envInt('EMBEDDED_PG_PORT', 54478);
const { OVERDUE_SQL } = require(join(root, 'services/household/dist/src/domain.js'));
const { createHouseholdDataSource } = require(join(root, 'services/household/dist/src/data-source.js'));
const { createVolunteerDataSource } = require(join(root, 'services/volunteer/dist/src/data-source.js'));
const { StatsService, CountyStatsService } = require(join(root, 'services/household/dist/src/modules/stats/service.js'));
const { SeparationService } = require(join(root, 'services/household/dist/src/modules/separation/service.js'));
const { CountyOverviewService } = require(join(root, 'services/volunteer/dist/src/modules/overview/service.js'));

// ---- the SQL before the rollups (commit d82ab09), as the services sent it
const SETTLED_WHERE = `c.status = 'SETTLED' AND c.type <> 'move_out' AND c.community_id = ANY($1::bigint[])
      AND ($2::date IS NULL OR c.settled_at >= $2::date) AND ($3::date IS NULL OR c.settled_at < $3::date + 1)`;
const LATERAL = 'FROM move_case c CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM case_person cp WHERE cp.case_id = c.id) pc';
const OPEN = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'];
const OLD_SUMMARY = [
  `SELECT c.community_id AS "communityId", count(*)::int AS households, coalesce(sum(pc.n), 0)::int AS persons,
          avg(extract(epoch FROM c.settled_at - c.created_at)) / 86400 AS "avgDays" ${LATERAL} WHERE ${SETTLED_WHERE} GROUP BY GROUPING SETS ((c.community_id), ())`,
  `SELECT to_char(c.settled_at, 'YYYY-MM') AS month, count(*)::int AS households, coalesce(sum(pc.n), 0)::int AS persons ${LATERAL} WHERE ${SETTLED_WHERE} GROUP BY 1 ORDER BY 1`,
  `SELECT coalesce(cp.employer, 'unknown') AS employer, count(*)::int AS persons FROM move_case c JOIN case_person cp ON cp.case_id = c.id WHERE ${SETTLED_WHERE} GROUP BY 1`,
];
const OLD_OPEN = `SELECT c.community_id AS "communityId", c.status, count(*)::int AS n, count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue
         FROM move_case c WHERE c.status = ANY($2::text[]) AND c.community_id = ANY($1::bigint[]) GROUP BY 1, 2`;
const OLD_COUNTIES = `SELECT c.community_id AS id,
          count(*) FILTER (WHERE c.status = 'SETTLED' AND c.type <> 'move_out' AND ($2::date IS NULL OR c.settled_at >= $2::date) AND ($3::date IS NULL OR c.settled_at < $3::date + 1))::int AS households,
          count(*) FILTER (WHERE c.status = ANY($4::text[]))::int AS open, count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue
     FROM move_case c WHERE c.community_id = ANY($1::bigint[]) GROUP BY 1`;
const IOPEN = `('REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE')`;
const OLD_VOLUNTEER = [
  `SELECT i.community_id AS id, count(*)::int AS items, count(*) FILTER (WHERE i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED'))::int AS live,
          count(*) FILTER (WHERE i.status IN ${IOPEN})::int AS open, count(*) FILTER (WHERE i.status IN ('DONE', 'CONFIRMED', 'CLOSED'))::int AS delivered,
          count(i.rating)::int AS rated, coalesce(sum(i.rating), 0)::int AS "ratingSum" FROM item i WHERE i.community_id = ANY($1::bigint[]) GROUP BY i.community_id`,
  `SELECT i.community_id AS id, coalesce(sum(h.hours), 0)::float AS hours FROM item_hours h JOIN item i ON i.id = h.item_id WHERE h.posted AND i.community_id = ANY($1::bigint[]) GROUP BY i.community_id`,
];

/** The statements a service call sends that read `re`, with their parameters. */
async function recorded(ds, re, run) {
  const out = [];
  const wrap = (target) => {
    const w = Object.create(target);
    w.query = (sql, params) => {
      if (re.test(sql)) out.push({ sql, params });
      return target.query(sql, params);
    };
    return w;
  };
  const rec = wrap(ds);
  rec.manager = wrap(ds.manager);
  await run(rec);
  return out;
}

async function time(ds, stmts) {
  const t0 = performance.now();
  for (const s of stmts) await ds.query(s.sql, s.params);
  return performance.now() - t0;
}

async function buffers(ds, stmts) {
  let hit = 0;
  let read = 0;
  let exec = 0;
  const nodes = [];
  for (const s of stmts) {
    const [row] = await ds.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, s.params);
    const plan = (row['QUERY PLAN'] ?? row['QUERY PLAN'.toLowerCase()])[0];
    hit += plan.Plan['Shared Hit Blocks'] ?? 0;
    read += plan.Plan['Shared Read Blocks'] ?? 0;
    exec += plan['Execution Time'];
    const walk = (n) => {
      if (n['Relation Name']) nodes.push(`${n['Node Type']} ${n['Index Name'] ?? n['Relation Name']} (${n['Actual Rows'] * (n['Actual Loops'] ?? 1)} rows)`);
      for (const k of n.Plans ?? []) walk(k);
    };
    walk(plan.Plan);
  }
  return { hit, read, exec, nodes: [...new Set(nodes)] };
}

async function main() {
  const pg = await shared.startEmbeddedPostgres({ dataDir: join(root, '.data', 'citybench-pg'), port: PG_PORT });
  const base = new URL(pg.url);
  const at = (db) => Object.assign(new URL(base), { pathname: `/redheart_citybench_${db}` }).toString();
  const hds = createHouseholdDataSource(at('household'), { poolSize: 2 });
  const vds = createVolunteerDataSource(at('volunteer'), { poolSize: 2 });
  await hds.initialize();
  await vds.initialize();
  try {
    const all = await hds.query(`SELECT id, path, division_code AS "divisionCode" FROM community_ref`);
    const qixia = all.filter((c) => c.divisionCode?.startsWith('370686'));
    const countyPath = `/${qixia[0].path.split('/').filter(Boolean).slice(0, 2).join('/')}/`;
    const cityPath = `/${qixia[0].path.split('/').filter(Boolean)[0]}/`;
    const admin = { sub: '1', username: 'bench', role: 'admin', orgId: Number(countyPath.split('/')[2]), scopePaths: [countyPath] };
    const city = { sub: '2', username: 'bench', role: 'city_admin', orgId: Number(cityPath.split('/')[1]), scopePaths: [cityPath] };
    const qIds = qixia.map((c) => Number(c.id));
    const cIds = all.map((c) => Number(c.id));
    const counts = (await hds.query(`SELECT (SELECT count(*) FROM move_case)::int AS cases, (SELECT count(*) FROM case_person)::int AS persons,
        (SELECT count(*) FROM case_settled_rollup)::int AS rollup, (SELECT count(*) FROM case_settled_rollup WHERE grain = 'd')::int AS days`))[0];
    const vcounts = (await vds.query(`SELECT (SELECT count(*) FROM item)::int AS items, (SELECT count(*) FROM item_community_rollup)::int AS rollup`))[0];
    // the rollups equal a recount after the demo seed, the set-based fill and the bench's settles and claims
    const drift = (await hds.query(`
      WITH truth AS (
        SELECT c.community_id, g.grain, g.bucket, count(*) AS households, sum(pc.n) AS persons, sum(extract(epoch FROM c.settled_at - c.created_at)) AS secs
          FROM move_case c CROSS JOIN LATERAL (SELECT count(*) AS n FROM case_person cp WHERE cp.case_id = c.id) pc
         CROSS JOIN LATERAL (VALUES ('d', household_business_day(c.settled_at)), ('m', date_trunc('month', household_business_day(c.settled_at))::date), ('t', date '1970-01-01')) g (grain, bucket)
         WHERE c.status = 'SETTLED' AND c.type <> 'move_out' GROUP BY 1, 2, 3),
      roll AS (SELECT community_id, grain::text AS grain, bucket, sum(households) AS households, sum(persons) AS persons, sum(processing_seconds) AS secs
                 FROM case_settled_rollup GROUP BY 1, 2, 3 HAVING sum(households) <> 0 OR sum(persons) <> 0)
      SELECT count(*)::int AS n FROM truth t FULL JOIN roll r USING (community_id, grain, bucket)
       WHERE t.households IS DISTINCT FROM r.households OR t.persons IS DISTINCT FROM r.persons OR t.secs IS DISTINCT FROM r.secs`))[0].n;
    const vdrift = (await vds.query(`
      WITH truth AS (SELECT community_id, status, count(*) AS items, count(rating) AS rated, coalesce(sum(rating), 0) AS rs FROM item GROUP BY 1, 2),
      roll AS (SELECT community_id, status, sum(items) AS items, sum(rated) AS rated, sum(rating_sum) AS rs FROM item_community_rollup GROUP BY 1, 2 HAVING sum(items) <> 0)
      SELECT count(*)::int AS n FROM truth t FULL JOIN roll r USING (community_id, status)
       WHERE t.items IS DISTINCT FROM r.items OR t.rated IS DISTINCT FROM r.rated OR t.rs IS DISTINCT FROM r.rs`))[0].n;
    const cases = [
      {
        name: "a county's statistics summary (栖霞, no period)",
        ds: hds,
        old: [...OLD_SUMMARY.map((sql) => ({ sql, params: [qIds, null, null] })), { sql: OLD_OPEN, params: [qIds, OPEN] }],
        now: await recorded(hds, /case_settled_rollup|FROM move_case/, (rec) => new StatsService(rec, new SeparationService(rec)).summary(admin, {})),
      },
      {
        name: "a county's statistics summary (栖霞, 2024-03-15 to 2025-06-10)",
        ds: hds,
        old: [...OLD_SUMMARY.map((sql) => ({ sql, params: [qIds, '2024-03-15', '2025-06-10'] })), { sql: OLD_OPEN, params: [qIds, OPEN] }],
        now: await recorded(hds, /case_settled_rollup|FROM move_case/, (rec) => new StatsService(rec, new SeparationService(rec)).summary(admin, { from: '2024-03-15', to: '2025-06-10' })),
      },
      {
        name: 'city overview: household county comparison (city, 13 counties)',
        ds: hds,
        old: [{ sql: OLD_COUNTIES, params: [cIds, null, null, OPEN] }],
        now: await recorded(hds, /case_settled_rollup|FROM move_case/, (rec) => new CountyStatsService(rec).counties(city, {})),
      },
      {
        name: 'city overview: volunteer county comparison (city, 13 counties)',
        ds: vds,
        old: OLD_VOLUNTEER.map((sql) => ({ sql, params: [cIds] })),
        now: await recorded(vds, /item_community_rollup|item_hours_rollup/, (rec) => new CountyOverviewService(rec).counties(city)),
      },
    ];
    if (process.env.RATIO_PROFILE) {
      // every statement a county's summary and the household comparison send, each timed alone (median of 10)
      for (const [label, run] of [['summary', (rec) => new StatsService(rec, new SeparationService(rec)).summary(admin, {})], ['counties', (rec) => new CountyStatsService(rec).counties(city, {})]]) {
        for (const st of await recorded(hds, /./, run)) {
          const ts = [];
          for (let i = 0; i < 10; i++) ts.push(await time(hds, [st]));
          console.log(`${label}: ${ms(stats(ts).median)} ms  ${st.sql.replace(/\s+/g, ' ').slice(0, 160)}`);
        }
      }
    }
    const load0 = os.loadavg()[0];
    const rows = [];
    for (const c of cases) {
      const o = [];
      const n = [];
      for (let i = 0; i < 3; i++) await time(c.ds, c.old), await time(c.ds, c.now);
      for (let i = 0; i < RUNS; i++) {
        o.push(await time(c.ds, c.old));
        n.push(await time(c.ds, c.now));
      }
      const so = stats(o);
      const sn = stats(n);
      const bo = await buffers(c.ds, c.old);
      const bn = await buffers(c.ds, c.now);
      rows.push({ c, so, sn, bo, bn });
    }
    const load1 = os.loadavg()[0];
    console.log(`Data: ${counts.cases.toLocaleString('en-US')} cases, ${counts.persons.toLocaleString('en-US')} case persons → case_settled_rollup ${counts.rollup.toLocaleString('en-US')} rows (${counts.days.toLocaleString('en-US')} day rows); ${vcounts.items.toLocaleString('en-US')} items → item_community_rollup ${vcounts.rollup.toLocaleString('en-US')} rows. ${RUNS} runs each, old and new alternating, load average (1 min) ${load0.toFixed(2)} before, ${load1.toFixed(2)} after. Rows of the rollups that differ from a recount of the filled data: ${drift} (cases), ${vdrift} (items).`);
    console.log('');
    console.log('| request (SQL only) | old median / p99 | new median / p99 | median ratio old/new | buffers old → new (shared hit+read) | execution old → new (EXPLAIN ANALYZE) |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const { c, so, sn, bo, bn } of rows) {
      console.log(`| ${c.name} | ${ms(so.median)} / ${ms(so.p99)} ms | ${ms(sn.median)} / ${ms(sn.p99)} ms | ${(so.median / sn.median).toFixed(1)}× | ${(bo.hit + bo.read).toLocaleString('en-US')} → ${(bn.hit + bn.read).toLocaleString('en-US')} | ${ms(bo.exec)} → ${ms(bn.exec)} ms |`);
    }
    console.log('');
    for (const { c, bo, bn } of rows) console.log(`- ${c.name}: old reads ${bo.nodes.join(', ')}; new reads ${bn.nodes.join(', ')}.`);
  } finally {
    await hds.destroy();
    await vds.destroy();
    await pg.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
