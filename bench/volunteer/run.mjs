#!/usr/bin/env node
// bench/volunteer: fills the dual-report / volunteer service's database (500 units, 50,000 members,
// 1,000,000 items) and measures, on this machine, the open-items page, a unit's scorecard, the public
// pledge board and claims per second under 50 concurrent clients. See bench/volunteer/README.md.
//
// Uses the built dist of shared and services/volunteer:
//   npm run build -w shared -w services/volunteer && node bench/volunteer/run.mjs
// Shares its settings, output, statistics, machine, database and docs helpers with the other
// benches (bench/lib/common.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  databaseNote, envInt, explain as explainSql, fmt, freshSchema, lat, loadBefore as logLoadBefore, loadSession, log,
  machineDocs, makeRnd, missedText, ms, openDatabase, pgFacts, planDetails, require, requireBuilt, root, runMain,
  secondaries, serveOverIpc, startChild, stats, summary, timed as timedRuns, verdict, writeDocs,
} from '../lib/common.mjs';

const DIST = join(root, 'services/volunteer/dist/src');

requireBuilt(['shared/dist/index.js', 'services/volunteer/dist/src/app.js'], 'run `npm run build -w shared -w services/volunteer` first');
const shared = require(join(root, 'shared/dist/index.js'));

// ---------------------------------------------------------------- child: the real app, listening
if (process.argv[2] === '--serve') {
  serveOverIpc(async (m) => {
    const { buildApp } = require(join(DIST, 'app.js'));
    const { createVolunteerDataSource } = require(join(DIST, 'data-source.js'));
    return buildApp({
      publicKey: m.publicKey,
      // the server's own pool size (createVolunteerDataSource's default), as server.ts uses it
      dataSource: createVolunteerDataSource(m.databaseUrl),
      ownsDataSource: true,
      filesDir: m.filesDir,
      fetchCommunities: async () => [],
      logger: { level: 'warn' },
    });
  });
} else {
  await runBench();
}

async function runBench() {
  const { createVolunteerDataSource, migrateVolunteer } = require(join(DIST, 'data-source.js'));
  const { ItemService } = require(join(DIST, 'modules/items/service.js'));
  const { unitScorecard, UNIT_MEMBERS_SQL } = require(join(DIST, 'modules/scorecards/repository.js'));
  // the public board's statements, exported by its repository (exactly what the route sends)
  const { BOARD_SQL } = require(join(DIST, 'modules/public/repository.js'));
  const undici = require('undici');

  // ---------------------------------------------------------------- settings
  const ITEMS = envInt('BENCH_ITEMS', 1_000_000);
  const UNITS = envInt('BENCH_UNITS', 500);
  const MEMBERS = envInt('BENCH_MEMBERS', 50_000);
  const COMMUNITIES = envInt('BENCH_COMMUNITIES', 1_000);
  const REPORTS_PER_UNIT = 6;
  const CATEGORIES = 41;
  const REPEAT = envInt('BENCH_REPEAT', 200);
  const CLIENTS = envInt('BENCH_CLIENTS', 50);
  const CLAIM_SECONDS = envInt('BENCH_CLAIM_SECONDS', 30);
  const CLAIM_TARGET_ITEMS = 5_000;
  const TARGETS = { page: 10, scorecard: 50, board: 10, claims: 300 };
  // The last RECENT share of items (by creation time) are still in the works; the rest are history.
  const RECENT = 0.04;
  const PLEDGE_EVERY = 67; // ~1.5 % of items are a unit's public pledge (公开承诺)

  // ---------------------------------------------------------------- fill
  async function fill(url) {
    await freshSchema(url, migrateVolunteer);
    const { c, q, step } = await loadSession(url);
    const started = performance.now();
    const sec = await secondaries(q, ['item', 'item_event', 'item_hours', 'item_evidence', 'member', 'item_signup']);
    const { indexes, constraints: fks } = sec;
    log(`filling ${fmt(COMMUNITIES)} communities, ${UNITS} units, ${fmt(MEMBERS)} members, ${fmt(ITEMS)} items`);
    await step(`drop ${indexes.length} indexes and ${fks.length} foreign keys for the load`, () => sec.drop());

    // communities: 50 streets × 20 communities under a county (/1/); units: /1/<unit>/
    await step('community_ref, unit_ref, unit_report, categories', async () => {
      await q(`INSERT INTO community_ref (id, name, path, street_name, division_code)
               SELECT 1000 + g, '第' || g || '社区党委', '/1/' || (100 + (g - 1) / 20) || '/' || (1000 + g) || '/', '第' || (1 + (g - 1) / 20) || '街道党工委',
                      '370686' || lpad((1 + (g - 1) / 20)::text, 3, '0') || lpad((1 + (g - 1) % 20)::text, 3, '0')
                 FROM generate_series(1, $1::int) g`, [COMMUNITIES]);
      await q(`INSERT INTO unit_ref (id, name, path) SELECT 10000 + g, '第' || g || '机关单位党组', '/1/' || (10000 + g) || '/' FROM generate_series(1, $1::int) g`, [UNITS]);
      // each unit reports to REPORTS_PER_UNIT communities (approved); communities get ~3 units each
      await q(`INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status, reported_at, decided_by, decided_at)
               SELECT 10000 + u, 1001 + ((u * 7 + j * 167) % $2::int), '["政策宣讲","环境整治"]', '联络员' || u, '0535-52' || lpad(u::text, 5, '0'),
                      'approved', TIMESTAMPTZ '2022-01-01' + (u || ' hours')::interval, 'clerk', TIMESTAMPTZ '2022-01-02' + (u || ' hours')::interval
                 FROM generate_series(1, $1::int) u CROSS JOIN generate_series(0, ${REPORTS_PER_UNIT - 1}) j`, [UNITS, COMMUNITIES]);
      await q(`INSERT INTO service_category (code, name, sort) SELECT 'C' || lpad(g::text, 2, '0'), '服务类别' || g, g FROM generate_series(1, ${CATEGORIES}) g`);
    });
    // members: member m belongs to unit ((m-1) % UNITS) + 1 unless ((m-1)/UNITS) % 5 = 0 (a resident member, no unit)
    await step(`${fmt(MEMBERS)} members`, async () => {
      await q(`INSERT INTO member (id, username, name, phone, unit_id, community_id, status, reported_at, decided_by)
               SELECT m, 'm' || m, '党员' || m, '138' || lpad(m::text, 8, '0'),
                      CASE WHEN ((m - 1) / $2::int) % 5 = 0 THEN NULL ELSE 10001 + (m - 1) % $2::int END,
                      1001 + (m * 31) % $3::int, 'approved', TIMESTAMPTZ '2022-01-01' + (m % 900 || ' days')::interval, 'clerk'
                 FROM generate_series(1, $1::int) m`, [MEMBERS, UNITS, COMMUNITIES]);
    });
    // items: ids in creation order over 2022-01-01 .. now. The unit of a unit item is drawn, then one of
    // the communities it reported to. History: CLOSED 88 %, CANCELLED 5 %, REJECTED 3 %, REFERRED 2 %,
    // MERGED 2 %. The last 4 %: PUBLISHED 60 %, ESCALATED 3 %, REPORTED 7 %, CLAIMED/SCHEDULED/
    // IN_PROGRESS/DONE 25 %, CANCELLED 5 %. Every 13th item is for individual members.
    await step(`${fmt(ITEMS)} items`, async () => {
      const r = await q(`
        WITH s AS (
          SELECT g, (g * 2654435761::bigint) % 1000 AS r, 1 + (g * 40503::bigint) % $2::int AS u, g % ${REPORTS_PER_UNIT} AS j,
                 g > ($1::int * ${1 - RECENT})::int AS recent, g % 13 = 0 AS indiv,
                 TIMESTAMPTZ '2022-01-01 08:00+08' + (now() - interval '2 hours' - TIMESTAMPTZ '2022-01-01 08:00+08') * (g::float8 / $1::int) AS at
            FROM generate_series(1, $1::int) g
        ), t AS (
          SELECT s.*, CASE
                 WHEN NOT recent THEN CASE WHEN r < 880 THEN 'CLOSED' WHEN r < 930 THEN 'CANCELLED' WHEN r < 960 THEN 'REJECTED' WHEN r < 980 THEN 'REFERRED' ELSE 'MERGED' END
                 ELSE CASE WHEN r < 600 THEN 'PUBLISHED' WHEN r < 630 THEN 'ESCALATED' WHEN r < 700 THEN 'REPORTED' WHEN r < 760 THEN 'CLAIMED'
                           WHEN r < 820 THEN 'SCHEDULED' WHEN r < 880 THEN 'IN_PROGRESS' WHEN r < 950 THEN 'DONE' ELSE 'CANCELLED' END END AS st
            FROM s
        ), v AS (
          SELECT t.*, st IN ('CLAIMED','SCHEDULED','IN_PROGRESS','DONE','CONFIRMED','CLOSED') AND NOT indiv AS held,
                 st IN ('SCHEDULED','IN_PROGRESS','DONE','CLOSED') AS sched, st IN ('DONE','CLOSED') AS done
            FROM t
        )
        INSERT INTO item (id, item_no, community_id, category_id, kind, place, description, status, source, reported_by, reporter_name, capacity, deadline,
                          unit_id, claimed_at, scheduled_date, checkin_code, started_at, done_at, rating, rework_count, release_count, referral_body, pledge,
                          closed_at, created_at, updated_at, version)
        SELECT g, 'FW' || to_char(at, 'YYYYMM') || '-' || lpad(g::text, 7, '0'),
               CASE WHEN indiv THEN 1001 + (g * 17) % $3::int ELSE 1001 + ((u * 7 + j * 167) % $3::int) END,
               1 + g % ${CATEGORIES}, CASE WHEN indiv THEN 'individual' ELSE 'unit' END,
               (g % 40 + 1) || '号楼' || (g % 6 + 1) || '单元', '居民反映：楼道照明、环境卫生等问题需要处理，联系电话1380535' || lpad((g % 10000)::text, 4, '0'),
               st, CASE g % 4 WHEN 0 THEN 'grid_worker' WHEN 1 THEN 'resident' ELSE 'community' END, 'clerk' || (g % 1000), NULL,
               CASE WHEN indiv THEN 5 ELSE 1 END,
               CASE WHEN st NOT IN ('REPORTED','REJECTED','REFERRED','MERGED') THEN at + interval '7 days' + CASE WHEN st = 'PUBLISHED' THEN interval '120 days' ELSE interval '0' END END,
               CASE WHEN held THEN 10000 + u END,
               CASE WHEN held THEN at + interval '1 day' END,
               CASE WHEN sched THEN (at + interval '6 days')::date END,
               CASE WHEN sched THEN 'ck' || g END,
               CASE WHEN st IN ('IN_PROGRESS','DONE','CLOSED') THEN at + interval '6 days' END,
               CASE WHEN done THEN at + interval '6 days' + CASE WHEN r % 10 = 0 THEN interval '3 days' ELSE interval '4 hours' END END,
               CASE WHEN st = 'CLOSED' THEN 3 + (r % 3) END,
               CASE WHEN done AND r % 33 = 0 THEN 1 ELSE 0 END,
               CASE WHEN held AND r % 50 = 1 THEN 1 ELSE 0 END,
               CASE WHEN st = 'REFERRED' THEN '区住建局' END,
               NOT indiv AND g % ${PLEDGE_EVERY} = 0,
               CASE WHEN st = 'CLOSED' THEN at + interval '8 days' END,
               at, CASE WHEN st = 'CLOSED' THEN at + interval '8 days' ELSE at + interval '1 hour' END,
               CASE st WHEN 'REPORTED' THEN 1 WHEN 'PUBLISHED' THEN 2 WHEN 'CLOSED' THEN 9 ELSE 4 END
          FROM v`, [ITEMS, UNITS, COMMUNITIES]);
      await q(`SELECT setval('item_no_seq', $1)`, [ITEMS]);
      await q(`SELECT setval(pg_get_serial_sequence('item', 'id'), $1)`, [ITEMS]);
      return `${fmt(r.rowCount)} rows`;
    });
    // events: report, publish for all published-or-later; claim (release ~2 %), schedule, start, complete
    // (reopen ~3 %), confirm, close as far as each item got; unit items carry the unit.
    await step('item_event (the life of each item)', async () => {
      const r = await q(`
        INSERT INTO item_event (item_id, action, from_status, to_status, actor_id, actor_username, actor_role, unit_id, at, data)
        SELECT i.id, e.action, e.f, e.t, CASE WHEN e.unit THEN 'u' || i.unit_id ELSE 'c1' END, CASE WHEN e.unit THEN 'staff' || i.unit_id ELSE 'clerk' END,
               CASE WHEN e.unit THEN 'unit_staff' ELSE 'community_clerk' END, CASE WHEN e.unit OR e.n > 3 THEN i.unit_id END, i.created_at + e.off, NULL
          FROM item i CROSS JOIN LATERAL (VALUES
            (1, 'report', NULL, 'REPORTED', false, interval '0', true),
            (2, 'publish', 'REPORTED', 'PUBLISHED', false, interval '2 hours', i.status NOT IN ('REPORTED','REJECTED','REFERRED','MERGED') AND i.deadline IS NOT NULL),
            (2, 'reject', 'REPORTED', 'REJECTED', false, interval '2 hours', i.status = 'REJECTED'),
            (2, 'refer', 'REPORTED', 'REFERRED', false, interval '2 hours', i.status = 'REFERRED'),
            (2, 'merge', 'REPORTED', 'MERGED', false, interval '2 hours', i.status = 'MERGED'),
            (3, 'release', 'CLAIMED', 'PUBLISHED', true, interval '12 hours', i.release_count > 0),
            (4, 'claim', 'PUBLISHED', 'CLAIMED', true, interval '1 day', i.unit_id IS NOT NULL),
            (5, 'schedule', 'CLAIMED', 'SCHEDULED', true, interval '1 day 1 hour', i.unit_id IS NOT NULL AND i.scheduled_date IS NOT NULL),
            (6, 'start', 'SCHEDULED', 'IN_PROGRESS', true, interval '6 days', i.unit_id IS NOT NULL AND i.started_at IS NOT NULL),
            (7, 'complete', 'IN_PROGRESS', 'DONE', true, interval '6 days 4 hours', i.unit_id IS NOT NULL AND i.done_at IS NOT NULL),
            (8, 'reopen', 'DONE', 'SCHEDULED', false, interval '6 days 5 hours', i.unit_id IS NOT NULL AND i.rework_count > 0),
            (9, 'confirm', 'DONE', 'CONFIRMED', false, interval '8 days', i.status = 'CLOSED' AND i.unit_id IS NOT NULL),
            (10, 'close', 'CONFIRMED', 'CLOSED', false, interval '8 days', i.status = 'CLOSED' AND i.unit_id IS NOT NULL),
            (11, 'cancel', NULL, 'CANCELLED', false, interval '3 days', i.status = 'CANCELLED')
          ) AS e(n, action, f, t, unit, off, keep)
         WHERE e.keep
         ORDER BY i.id, e.n`);
      return `${fmt(r.rowCount)} rows`;
    });
    // hours: 1–3 members of the claiming unit per delivered item, posted once closed
    await step('item_hours (1–3 members per delivered item)', async () => {
      const r = await q(`
        INSERT INTO item_hours (item_id, member_id, person_name, hours, posted)
        SELECT i.id, mm, '党员' || mm, 1 + (i.id + k) % 4, i.status = 'CLOSED'
          FROM item i CROSS JOIN LATERAL generate_series(0, (i.id % 3)::int) k
               CROSS JOIN LATERAL (SELECT (i.unit_id - 10000) + $1::int * (CASE WHEN ((i.id + k) % 99 + 1) % 5 = 0 THEN (i.id + k) % 99 + 2 ELSE (i.id + k) % 99 + 1 END) AS mm) x
         WHERE i.done_at IS NOT NULL AND i.unit_id IS NOT NULL AND x.mm <= $2::int
         ORDER BY i.id`, [UNITS, MEMBERS]);
      return `${fmt(r.rowCount)} rows`;
    });
    await step('item_evidence (a note per delivered item, a photo per pledge)', async () => {
      const a = await q(`INSERT INTO item_evidence (item_id, kind, note, uploaded_by, at)
        SELECT id, 'note', '已完成：更换楼道灯' || (id % 12 + 1) || '盏', coalesce('staff' || unit_id, 'clerk'), done_at FROM item WHERE done_at IS NOT NULL ORDER BY id`);
      const b = await q(`INSERT INTO item_evidence (item_id, kind, file_name, mime, size, sha256, uploaded_by, at)
        SELECT id, 'photo', 'p' || id || '.jpg', 'image/jpeg', 180000, md5(id::text) || md5(id::text), 'staff' || unit_id, started_at
          FROM item WHERE pledge AND started_at IS NOT NULL ORDER BY id`);
      return `${fmt(a.rowCount + b.rowCount)} rows`;
    });
    await step('item_signup (individual items)', async () => {
      const r = await q(`INSERT INTO item_signup (item_id, member_id, signed_at, checked_in_at)
        SELECT i.id, 1 + (i.id * 7 + k * 977) % $1::int, i.created_at + interval '3 hours', CASE WHEN i.started_at IS NOT NULL THEN i.started_at END
          FROM item i CROSS JOIN generate_series(0, 2) k WHERE i.kind = 'individual' AND i.status NOT IN ('REPORTED','REJECTED','REFERRED','MERGED')`, [MEMBERS]);
      return `${fmt(r.rowCount)} rows`;
    });
    for (const i of indexes) await step(`index ${i.name}`, () => q(i.def).then(() => undefined));
    await step('foreign keys (validated)', async () => {
      for (const f of fks) await sec.addConstraint(f);
    });
    await step('sequences', async () => {
      for (const t of ['member', 'item_hours', 'item_evidence']) await q(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT max(id) FROM ${t}))`);
    });
    await step('VACUUM (ANALYZE)', () => q('VACUUM (ANALYZE)').then(() => undefined));
    // The fill's dirty pages are written out before measuring, not by the checkpointer in the middle of it.
    await step('CHECKPOINT', () => q('CHECKPOINT').then(() => undefined));
    const counts = (await q(`SELECT (SELECT count(*) FROM item)::int AS items, (SELECT count(*) FROM item_event)::int AS events, (SELECT count(*) FROM item_hours)::int AS hours,
        (SELECT count(*) FROM item_evidence)::int AS evidence, (SELECT count(*) FROM member)::int AS members, (SELECT count(*) FROM unit_report)::int AS reports,
        (SELECT count(*) FROM item WHERE pledge)::int AS pledges, (SELECT count(*) FROM item WHERE pledge AND unit_id IS NOT NULL AND status NOT IN ('CANCELLED','MERGED','REJECTED'))::int AS board,
        pg_size_pretty(pg_database_size(current_database())) AS size`)).rows[0];
    const byStatus = (await q(`SELECT status, kind, count(*)::int AS n FROM item GROUP BY 1, 2 ORDER BY 3 DESC`)).rows;
    const fillSeconds = (performance.now() - started) / 1000;
    log(`filled in ${fillSeconds.toFixed(1)} s: ${fmt(counts.items)} items, ${fmt(counts.events)} events, ${fmt(counts.hours)} hours rows, ${fmt(counts.evidence)} evidence rows, ${fmt(counts.members)} members, ${fmt(counts.reports)} unit reports; ${fmt(counts.pledges)} pledges (${fmt(counts.board)} on the board); database ${counts.size}`);
    await c.end();
    return { counts, byStatus, fillSeconds };
  }

  // ---------------------------------------------------------------- helpers
  const timed = (label, inputs, fn) => timedRuns(label, REPEAT, inputs, fn, { pad: 64 });
  const { rnd } = makeRnd(20261126);

  // How the public board is built (written with the figures, like the scorecard indexes below).
  const BOARD_NOTE = (n, bytes) => `**The public board is paged by unit (migration \`1764600000000-PublicBoardIndexes\`, services/volunteer).**
\`GET /api/volunteer/public/pledges?limit=20&cursor=&communityId=\` answers the board's totals and one page of units (${fmt(bytes)} bytes
for the first page here), each with its summary (total, delivered, in progress) and its latest 3 pledges with their evidence; the
units are keyset-paged by (name, id) and \`?communityId=\` narrows everything to one community. \`GET /api/volunteer/public/pledges/units/:unitId\`
pages one unit's pledges, newest first, keyset on id. \`limit\` is 1–100 (default 20). Every read but the totals covers only the page's units, so
its cost does not grow with all the pledges ever made; the totals (${fmt(n)} pledges on the board here) are one aggregate over the partial index
\`item_board_unit_idx ON item (unit_id, id DESC) INCLUDE (status) WHERE pledge AND unit_id IS NOT NULL AND status NOT IN ('CANCELLED','MERGED','REJECTED')\`
(an index-only scan of the board's rows); the page walks \`unit_ref\` in (name, id) order (\`unit_ref_name_idx\`) probing each unit for one board
pledge, then per page unit a LATERAL index-only count over its own index range and a LATERAL top 3 ids of the same range (index-only,
stopping at its LIMIT), only those rows read by primary key and given their evidence (\`item_evidence_item_idx\`). Within a community the same reads use \`item_board_community_idx ON item (community_id, unit_id, id DESC) INCLUDE (status)\`
with the same predicate. The statements are the repository's exported \`BOARD_SQL\`; the bench measures exactly those.`;
  const DOCS_SECTION = {
    name: 'volunteer',
    title: 'Volunteer (dual report)',
    indexRow: '| [Volunteer (dual report)](#volunteer-benchvolunteer) | `node bench/volunteer/run.mjs` (after `npm run build -w shared -w services/volunteer`) |',
  };

  // ---------------------------------------------------------------- main
  async function main() {
    const url = await openDatabase('bench_volunteer', 'pg-bench-volunteer');
    const f = await fill(url);
    const ds = createVolunteerDataSource(url, { poolSize: 4 });
    await ds.initialize();
    // Remember the last statement of each kind, for EXPLAIN of what misses its target.
    let lastSql;
    const origQuery = ds.query.bind(ds);
    ds.query = (sql, params) => {
      lastSql = { sql, params };
      return origQuery(sql, params);
    };
    const origMq = ds.manager.query.bind(ds.manager);
    ds.manager.query = (sql, params) => {
      lastSql = { sql, params };
      return origMq(sql, params);
    };
    const explain = ({ sql, params }) => explainSql({ query: origQuery }, sql, params);
    const { version: pgVersion, settings } = await pgFacts(origQuery, ['shared_buffers', 'work_mem', 'effective_cache_size', 'synchronous_commit', 'max_connections']);

    // ---- who and what
    const keys = shared.generateSigningKeys();
    const communities = await origQuery(`SELECT c.id::int AS id, c.path, (SELECT count(*) FROM item i WHERE i.community_id = c.id AND i.status IN ('PUBLISHED','ESCALATED'))::int AS open
                                           FROM community_ref c ORDER BY c.id`);
    const reports = await origQuery(`SELECT r.unit_id::int AS "unitId", u.path AS "unitPath", r.community_id::int AS "communityId", c.path FROM unit_report r
                                       JOIN unit_ref u ON u.id = r.unit_id JOIN community_ref c ON c.id = r.community_id WHERE r.status = 'approved' ORDER BY r.unit_id, r.community_id`);
    const unitScope = new Map();
    for (const r of reports) {
      if (!unitScope.has(r.unitId)) unitScope.set(r.unitId, { unitPath: r.unitPath, communities: [] });
      unitScope.get(r.unitId).communities.push({ id: r.communityId, path: r.path });
    }
    // unit staff tokens carry the unit's own path and the paths of the communities it reported to (as the org service issues them)
    const unitUser = (unitId) => {
      const s = unitScope.get(unitId);
      return { sub: `u${unitId}`, username: `staff${unitId}`, role: 'unit_staff', orgId: unitId, scopePaths: [s.unitPath, ...s.communities.map((c) => c.path)] };
    };
    const clerkUser = (c) => ({ sub: `c${c.id}`, username: `clerk${c.id}`, role: 'community_clerk', orgId: c.id, scopePaths: [c.path] });
    const unitIds = [...unitScope.keys()];
    const pageInputs = [];
    for (let i = 0; i < 200; i++) {
      const unitId = unitIds[Math.floor(rnd() * unitIds.length)];
      const s = unitScope.get(unitId);
      const comm = s.communities[Math.floor(rnd() * s.communities.length)];
      pageInputs.push({ unit: unitUser(unitId), clerk: clerkUser(comm), communityId: comm.id });
    }
    const openAvg = communities.reduce((a, c) => a + c.open, 0) / communities.length;
    const scoreUnits = Array.from({ length: 100 }, () => unitIds[Math.floor(rnd() * unitIds.length)]);

    const loadBefore = logLoadBefore('; the machine is shared with other work');
    const items = new ItemService(ds, { visible: async () => { throw new Error('unused'); } });
    const results = {};
    const plans = {};
    const lastOf = async (fn) => {
      await fn();
      return lastSql;
    };

    log(`SQL, through the service's own code (ItemService.list, unitScorecard), warm, ${REPEAT} runs each; ~${openAvg.toFixed(1)} open items per community:`);
    const listQuery = (communityId) => ({ view: 'open', communityId, limit: 20 });
    results.sqlPageUnit = await timed('open items, first page (unit staff)', pageInputs, (p) => items.list(p.unit, listQuery(p.communityId)));
    plans.pageUnit = await lastOf(() => items.list(pageInputs[0].unit, listQuery(pageInputs[0].communityId)));
    results.sqlPageClerk = await timed('open items, first page (community clerk)', pageInputs, (p) => items.list(p.clerk, listQuery(p.communityId)));
    plans.pageClerk = await lastOf(() => items.list(pageInputs[0].clerk, listQuery(pageInputs[0].communityId)));
    results.sqlScore = await timed('unit scorecard (unitScorecard SQL, all time)', scoreUnits, (u) => unitScorecard(ds.manager, u));
    plans.score = await lastOf(() => unitScorecard(ds.manager, scoreUnits[0]));
    // the scorecard route's member list, as the route sends it
    const membersSql = UNIT_MEMBERS_SQL;
    if (membersSql) {
      results.sqlMembers = await timed('scorecard route’s member list (its SELECT)', scoreUnits, (u) => origQuery(membersSql, [u]));
      plans.members = { sql: membersSql, params: [scoreUnits[0]] };
    }
    // the public board's first page as the route reads it: its totals and its page of 20 units (the route runs both at once)
    const boardFirst = [{ sql: BOARD_SQL.totals, params: [] }, { sql: BOARD_SQL.page, params: [21, '', 0] }];
    results.sqlBoard = await timed(`public pledge board, first page (totals + page SQL, ${fmt(f.counts.board)} on the board)`, [0], async () => {
      for (const st of boardFirst) await origQuery(st.sql, st.params);
    });
    [plans.boardTotals, plans.boardPage] = boardFirst;

    // ---- HTTP: the real app in its own process
    const filesDir = mkdtempSync(join(os.tmpdir(), 'redheart-bench-volunteer-'));
    log('starting the volunteer service (built dist, own process, log level warn) on 127.0.0.1 …');
    const server = await startChild(fileURLToPath(import.meta.url), ['--serve'], { cmd: 'start', publicKey: keys.publicKey, databaseUrl: url, filesDir }, 'volunteer');
    const token = (u) => shared.signTestToken(keys.privateKey, u, { expiresIn: 3600 });
    for (const p of pageInputs) {
      p.unitHeaders = { authorization: `Bearer ${token(p.unit)}`, accept: 'application/json' };
      p.clerkHeaders = { authorization: `Bearer ${token(p.clerk)}`, accept: 'application/json' };
    }
    const one = new undici.Pool(server.url, { connections: 1, keepAliveTimeout: 60_000 });
    const get = async (path, headers) => {
      const r = await one.request({ path, method: 'GET', headers });
      const body = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`GET ${path}: ${r.statusCode} ${body.slice(0, 300)}`);
      return body;
    };
    const pagePath = (p) => `/api/volunteer/items?view=open&communityId=${p.communityId}&limit=20`;
    const check = JSON.parse(await get(pagePath(pageInputs[0]), pageInputs[0].unitHeaders));
    log(`HTTP (one keep-alive connection, undici ${require('undici/package.json').version}), warm, ${REPEAT} runs each; first page had ${check.items.length} items:`);
    results.httpPageUnit = await timed('GET /items?view=open&communityId=…&limit=20 (unit staff)', pageInputs, (p) => get(pagePath(p), p.unitHeaders));
    results.httpPageClerk = await timed('GET /items?view=open&communityId=…&limit=20 (clerk)', pageInputs, (p) => get(pagePath(p), p.clerkHeaders));
    const scoreInputs = scoreUnits.map((u) => ({ u, headers: { authorization: `Bearer ${token(unitUser(u))}`, accept: 'application/json' } }));
    results.httpScore = await timed('GET /scorecards/units/:id (the unit’s staff)', scoreInputs, (s) => get(`/api/volunteer/scorecards/units/${s.u}`, s.headers));
    // the public board, no login: its first page; later pages (cursors collected by walking the whole board once);
    // the first page of a community (?communityId=); a unit's first page of pledges
    const anon = { accept: 'application/json' };
    let boardBytes = 0;
    results.httpBoard = await timed('GET /public/pledges (first page, no login)', [0], async () => {
      boardBytes = (await get('/api/volunteer/public/pledges', anon)).length;
    });
    log(`  the board's first page is ${fmt(boardBytes)} bytes`);
    const cursors = [];
    const boardUnits = [];
    for (let cursor = null, pages = 0; pages < 1000; pages++) {
      const b = JSON.parse(await get(`/api/volunteer/public/pledges${cursor ? `?cursor=${cursor}` : ''}`, anon));
      boardUnits.push(...b.units.map((u) => u.unitId));
      if (!b.nextCursor) break;
      cursor = b.nextCursor;
      cursors.push(cursor);
    }
    if (new Set(boardUnits).size !== boardUnits.length) throw new Error('the board repeated a unit across its pages');
    log(`  walked the board: ${fmt(boardUnits.length)} units on ${cursors.length + 1} pages`);
    if (cursors.length) {
      const later = Array.from({ length: 100 }, () => cursors[Math.floor(rnd() * cursors.length)]);
      results.httpBoardLater = await timed('GET /public/pledges?cursor=… (a later page)', later, (c) => get(`/api/volunteer/public/pledges?cursor=${c}`, anon));
    }
    const boardCommunities = (await origQuery(`SELECT DISTINCT community_id::int AS id FROM item WHERE pledge AND unit_id IS NOT NULL AND status NOT IN ('CANCELLED','MERGED','REJECTED') ORDER BY 1`)).map((r) => r.id);
    const commInputs = Array.from({ length: 200 }, () => boardCommunities[Math.floor(rnd() * boardCommunities.length)]);
    results.httpBoardCommunity = await timed('GET /public/pledges?communityId=… (first page)', commInputs, (c) => get(`/api/volunteer/public/pledges?communityId=${c}`, anon));
    plans.communityTotals = { sql: BOARD_SQL.communityTotals, params: [commInputs[0]] };
    plans.communityPage = { sql: BOARD_SQL.communityPage, params: [21, '', 0, commInputs[0]] };
    const unitInputs = Array.from({ length: 100 }, () => boardUnits[Math.floor(rnd() * boardUnits.length)]);
    results.httpBoardUnit = await timed('GET /public/pledges/units/:unitId (first page)', unitInputs, (u) => get(`/api/volunteer/public/pledges/units/${u}`, anon));
    plans.unitPledges = { sql: BOARD_SQL.unitPledges, params: [unitInputs[0], Number.MAX_SAFE_INTEGER, 21] };

    // ---- claims: CLIENTS concurrent clients, each the staff of its own unit, each on distinct items
    const claimUnits = unitIds.slice(0, CLIENTS);
    const taken = new Set();
    const perClient = [];
    for (const unitId of claimUnits) {
      const rows = await origQuery(
        `SELECT i.id::int AS id, i.version FROM item i WHERE i.status = 'PUBLISHED' AND i.kind = 'unit'
            AND i.community_id IN (SELECT community_id FROM unit_report WHERE unit_id = $1 AND status = 'approved') ORDER BY i.id`, [unitId]);
      perClient.push({ unitId, headers: { authorization: `Bearer ${token(unitUser(unitId))}`, 'content-type': 'application/json', accept: 'application/json' }, items: rows.filter((r) => !taken.has(r.id) && taken.add(r.id)) });
    }
    const available = perClient.reduce((a, c) => a + c.items.length, 0);
    log(`claims: ${CLIENTS} clients (staff of ${CLIENTS} units), ${fmt(available)} distinct PUBLISHED unit items in the communities they reported to (target ≥ ${fmt(CLAIM_TARGET_ITEMS)}); up to ${CLAIM_SECONDS} s`);
    if (available < CLAIM_TARGET_ITEMS) log(`  warning: fewer than ${fmt(CLAIM_TARGET_ITEMS)} items to claim`);
    const pool = new undici.Pool(server.url, { connections: CLIENTS, pipelining: 1, keepAliveTimeout: 60_000 });
    // warm-up: a few claims per client, not counted
    const claim = async (c, it) => {
      const r = await pool.request({ path: `/api/volunteer/items/${it.id}/transitions`, method: 'POST', headers: c.headers, body: JSON.stringify({ action: 'claim', version: it.version }) });
      const body = await r.body.text();
      return { status: r.statusCode, body };
    };
    const claimed = [];
    const failures = {};
    await Promise.all(perClient.map(async (c) => {
      for (let k = 0; k < 2 && c.items.length; k++) {
        const it = c.items.shift();
        const r = await claim(c, it);
        if (r.status === 200) claimed.push({ id: it.id, unitId: c.unitId });
        else failures[r.status] = (failures[r.status] ?? 0) + 1;
      }
    }));
    const latencies = [];
    let ok = 0;
    const cpu0 = await server.cpu();
    const cs = performance.now();
    const deadline = cs + CLAIM_SECONDS * 1000;
    await Promise.all(perClient.map(async (c) => {
      while (c.items.length && performance.now() < deadline) {
        const it = c.items.shift();
        const s = performance.now();
        try {
          const r = await claim(c, it);
          if (r.status === 200) {
            ok++;
            latencies.push(performance.now() - s);
            claimed.push({ id: it.id, unitId: c.unitId });
          } else {
            failures[r.status] = (failures[r.status] ?? 0) + 1;
            if (failures[r.status] === 1) log(`  claim failed: ${r.status} ${r.body.slice(0, 300)}`);
          }
        } catch (e) {
          failures[e.code ?? 'error'] = (failures[e.code ?? 'error'] ?? 0) + 1;
        }
      }
    }));
    const elapsed = (performance.now() - cs) / 1000;
    const cpuPerClaim = ok ? ((await server.cpu()) - cpu0) / ok : 0;
    const claimStats = stats(latencies.length ? latencies : [0]);
    results.claims = { rps: ok / elapsed, ok, elapsed, failed: Object.values(failures).reduce((a, b) => a + b, 0), failures, p99: claimStats.p99, median: claimStats.median, cpuPerClaim };
    log(`  ${fmt(ok)} claims in ${elapsed.toFixed(1)} s: ${fmt(Math.round(results.claims.rps))} claims/s, median ${ms(claimStats.median)} ms, p99 ${ms(claimStats.p99)} ms; ${results.claims.failed} failed ${JSON.stringify(failures)}; service CPU ${ms(cpuPerClaim)} ms per claim`);
    // verify: exactly one claim event per claimed item, by the claiming unit, and the item CLAIMED by it
    const ids = claimed.map((c) => c.id);
    const units = claimed.map((c) => c.unitId);
    const v = (await origQuery(`
      WITH c AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS c(id, unit_id))
      SELECT count(*)::int AS items,
             count(*) FILTER (WHERE (SELECT count(*) FROM item_event e WHERE e.item_id = c.id AND e.action = 'claim') = 1)::int AS one_event,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM item_event e WHERE e.item_id = c.id AND e.action = 'claim' AND e.unit_id = c.unit_id))::int AS event_unit_ok,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM item i WHERE i.id = c.id AND i.status = 'CLAIMED' AND i.unit_id = c.unit_id))::int AS item_ok
        FROM c`, [ids, units]))[0];
    const verified = v.items === claimed.length && v.one_event === v.items && v.event_unit_ok === v.items && v.item_ok === v.items;
    log(`  verified by SQL: ${fmt(v.items)} claimed items, ${fmt(v.one_event)} with exactly one claim event, ${fmt(v.event_unit_ok)} by the claiming unit, ${fmt(v.item_ok)} CLAIMED by it → ${verified ? 'ok' : 'MISMATCH'}`);
    await pool.close();
    await one.close();
    await server.stop();
    rmSync(filesDir, { recursive: true, force: true });

    // ---- verdicts
    const rows = [];
    const add = (figure, value, target, pass) => rows.push({ figure, value, target, pass });
    add('open items, first page — SQL, unit staff', lat(results.sqlPageUnit), `< ${TARGETS.page} ms`, verdict(results.sqlPageUnit, TARGETS.page));
    add('open items, first page — SQL, community clerk', lat(results.sqlPageClerk), `< ${TARGETS.page} ms`, verdict(results.sqlPageClerk, TARGETS.page));
    add('open items, first page — HTTP, unit staff', lat(results.httpPageUnit), `< ${TARGETS.page} ms`, verdict(results.httpPageUnit, TARGETS.page));
    add('open items, first page — HTTP, community clerk', lat(results.httpPageClerk), `< ${TARGETS.page} ms`, verdict(results.httpPageClerk, TARGETS.page));
    add('unit scorecard — SQL (unitScorecard)', lat(results.sqlScore), `< ${TARGETS.scorecard} ms`, verdict(results.sqlScore, TARGETS.scorecard));
    if (results.sqlMembers) add('unit scorecard — SQL of the route’s member list', lat(results.sqlMembers), `< ${TARGETS.scorecard} ms`, verdict(results.sqlMembers, TARGETS.scorecard));
    add('unit scorecard — HTTP (with the member list)', lat(results.httpScore), `< ${TARGETS.scorecard} ms`, verdict(results.httpScore, TARGETS.scorecard));
    add(`public pledge board, first page — SQL (totals + page; ${fmt(f.counts.board)} pledges on the board)`, lat(results.sqlBoard), `< ${TARGETS.board} ms`, verdict(results.sqlBoard, TARGETS.board));
    add(`public pledge board, first page — HTTP, no login (${fmt(boardBytes)} bytes)`, lat(results.httpBoard), `< ${TARGETS.board} ms`, verdict(results.httpBoard, TARGETS.board));
    if (results.httpBoardLater) add('public pledge board, a later page (cursor) — HTTP', lat(results.httpBoardLater), `< ${TARGETS.board} ms`, verdict(results.httpBoardLater, TARGETS.board));
    add('public pledge board, a community’s first page — HTTP', lat(results.httpBoardCommunity), `< ${TARGETS.board} ms`, verdict(results.httpBoardCommunity, TARGETS.board));
    add('public pledge board, a unit’s pledges (first page) — HTTP', lat(results.httpBoardUnit), `< ${TARGETS.board} ms`, verdict(results.httpBoardUnit, TARGETS.board));
    add(`claims, ${CLIENTS} concurrent clients on distinct items (${fmt(results.claims.ok)} in ${results.claims.elapsed.toFixed(1)} s)`,
      `${fmt(Math.round(results.claims.rps))} claims/s, p99 ${ms(results.claims.p99)} ms${results.claims.failed ? `, ${results.claims.failed} failed` : ''}`, `≥ ${TARGETS.claims} claims/s`, results.claims.rps >= TARGETS.claims && results.claims.failed === 0);
    add('claims verified by SQL (one claim event each, by the claiming unit)', `${fmt(v.one_event)} / ${fmt(v.items)}`, 'all', verified);

    const explained = [];
    const want = (key, missed) => process.env.BENCH_EXPLAIN === '1' || missed;
    if (want('page', results.sqlPageUnit.p99 >= TARGETS.page || results.httpPageUnit.p99 >= TARGETS.page)) explained.push(['open items, first page (unit staff)', await explain(plans.pageUnit)]);
    if (want('page', results.sqlPageClerk.p99 >= TARGETS.page || results.httpPageClerk.p99 >= TARGETS.page)) explained.push(['open items, first page (clerk)', await explain(plans.pageClerk)]);
    if (want('score', results.sqlScore.p99 >= TARGETS.scorecard || results.httpScore.p99 >= TARGETS.scorecard)) explained.push(['unit scorecard', await explain(plans.score)]);
    if (plans.members && want('score', results.httpScore.p99 >= TARGETS.scorecard)) explained.push(['scorecard route’s member list', await explain(plans.members)]);
    if (want('board', results.sqlBoard.p99 >= TARGETS.board || results.httpBoard.p99 >= TARGETS.board || (results.httpBoardLater?.p99 ?? 0) >= TARGETS.board)) {
      explained.push(['public pledge board — totals', await explain(plans.boardTotals)]);
      explained.push(['public pledge board — page of units', await explain(plans.boardPage)]);
    }
    if (want('board', results.httpBoardCommunity.p99 >= TARGETS.board)) {
      explained.push(['public pledge board — a community’s totals', await explain(plans.communityTotals)]);
      explained.push(['public pledge board — a community’s page of units', await explain(plans.communityPage)]);
    }
    if (want('board', results.httpBoardUnit.p99 >= TARGETS.board)) explained.push(['public pledge board — a unit’s pledges', await explain(plans.unitPledges)]);
    for (const [name, plan] of explained) log(`EXPLAIN (ANALYZE, BUFFERS) — ${name}:\n${plan}`);
    await ds.destroy();

    const { m, date, table, loadNote } = summary(rows, {
      pgVersion, settings, loadBefore, loadSuffix: ' (the machine is shared with other work)',
      data: (d) => `data: ${fmt(f.counts.items)} items, ${fmt(f.counts.events)} events, filled in ${f.fillSeconds.toFixed(1)} s; ${d}`,
    });

    const failed = rows.filter((r) => r.pass === false);
    const statusRows = f.byStatus.map((r) => `| ${r.status} | ${r.kind} | ${fmt(r.n)} |`).join('\n');
    if (ITEMS >= 1_000_000 || process.env.BENCH_WRITE_DOCS === '1') {
      writeDocs(DOCS_SECTION, `## Volunteer (bench/volunteer)

Measured ${date} with \`node bench/volunteer/run.mjs\` (${databaseNote()}).

${machineDocs(m)}. Database, service and load generator all run on this one machine, which was shared with other work
while this ran${m.nice !== 0 ? ` (the run at nice ${m.nice})` : ''}; ${loadNote}.

**Data:** ${fmt(COMMUNITIES)} communities, ${UNITS} units each reported (approved) to ${REPORTS_PER_UNIT} communities (${fmt(f.counts.reports)} reports),
${fmt(f.counts.members)} members, ${CATEGORIES} categories, ${fmt(f.counts.items)} items from 2022-01 to now, ${fmt(f.counts.events)} \`item_event\` rows,
${fmt(f.counts.hours)} \`item_hours\` rows, ${fmt(f.counts.evidence)} \`item_evidence\` rows; ${fmt(f.counts.pledges)} pledge items (1 in ${PLEDGE_EVERY}), ${fmt(f.counts.board)} of them on the
public board; ~${openAvg.toFixed(1)} open items per community. Filled with set-based SQL in ${f.fillSeconds.toFixed(1)} s (database ${f.counts.size}), then \`VACUUM (ANALYZE)\` and \`CHECKPOINT\`.

${table}

How each figure is taken (warm: 20 warm-up runs, then ${REPEAT}; a latency passes when its p99 is within the target, "pass on median, p99 over" when only its median is):
- **SQL**: the service's own code from its dist, in the bench process: \`ItemService.list\` (\`view=open\`, \`communityId\`, \`limit=20\`) for the staff of
  a unit reported to that community and for that community's clerk, over 200 sampled (unit, community) pairs; \`unitScorecard\` over 100 sampled units;
  the public board's first page as the route reads it (its exported \`BOARD_SQL\`: the totals, then the page of 20 units).
- **HTTP**: the volunteer service (\`buildApp\` from its dist, its default pool) listening on 127.0.0.1 in its own Node process; one keep-alive
  connection (undici); bearer tokens signed like the org service's (unit staff: the unit's path and the paths of the communities it reported to).
  The public board without a token: its first page; a later page (100 draws from the cursors collected by walking the whole board once);
  the first page of a community (\`?communityId=\`, 200 draws from the communities with board pledges); a unit's first page of pledges (100 draws).
- **claims**: ${CLIENTS} concurrent clients (undici \`Pool\`, ${CLIENTS} connections), each the staff of its own unit, each claiming its own distinct
  PUBLISHED unit items in the communities its unit reported to (\`POST /api/volunteer/items/:id/transitions {action: 'claim', version}\`) until they
  run out or ${CLAIM_SECONDS} s pass (${fmt(available)} items available); service CPU ${ms(results.claims.cpuPerClaim)} ms per claim. Afterwards SQL checks
  that every claimed item has exactly one \`claim\` event, by the claiming unit, and is CLAIMED by it.

<details><summary>Items by status and kind</summary>

| status | kind | items |
| --- | --- | --- |
${statusRows}

</details>
${missedText(rows, { p99Over: false })}\n${BOARD_NOTE(f.counts.board, boardBytes)}\n${results.claims.rps < TARGETS.claims ? `\n**Claims are CPU-bound on this machine.** No claim failed and none waited on a lock (distinct items); the service process spent
${ms(results.claims.cpuPerClaim)} ms of CPU per claim and PostgreSQL about as much again, on 2 cores shared with other work. A claim is one
transaction of ~14 statements: BEGIN, the item with its joins FOR UPDATE, the unit-report check, the UPDATE, the event, the audit entry,
then the whole detail again (item, unit-report check, timeline, hours, evidence, sign-ups), COMMIT. Fewer round trips (answering the claim
with the updated row instead of the full detail, or one statement for the check, update and event) and more cores are what raise it;
no index does.\n` : ''}
**Scorecard indexes (migration \`1764500000000-ScorecardCoveringIndexes\`, services/volunteer).** A unit's events, delivered items
and hours lie scattered over years of heap, so before it the scorecard read ~7,000 random heap pages per unit (EXPLAIN: 874 ms cold;
the bench measured SQL median 127 ms, p99 335 ms, on the same data). The migration adds covering indexes
\`item_event (unit_id, action, at) INCLUDE (item_id)\` (replacing \`item_event_unit_idx\`), \`item (unit_id) INCLUDE (id, done_at,
scheduled_date, rating, status) WHERE done_at IS NOT NULL\`, \`item_hours (item_id) INCLUDE (hours) WHERE posted\`, and
\`item_hours (member_id) INCLUDE (item_id, hours, posted)\` (replacing the partial \`item_hours_member_idx\`, which the route's
member list — a LEFT JOIN over all hours — could not use, so it scanned all of \`item_hours\`: HTTP median 194 ms before); each read is
now an index-only scan.
${planDetails(explained)}`);
    } else {
      log('fewer than 1,000,000 items: docs/benchmarks.md left unchanged (BENCH_WRITE_DOCS=1 writes it anyway)');
    }
    return failed.length ? 1 : 0;
  }

  runMain(main);
}
