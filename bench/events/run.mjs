#!/usr/bin/env node
// bench/events: what the events cost and how fast they move (issue "Events on a real bus").
//
// 1. Write path: the real volunteer service (as its role rh_volunteer, its relay publishing to
//    NATS JetStream) reporting items (POST /api/volunteer/items: the item, its audit entry, its
//    item_event and its outbox row in one transaction) on two databases of one embedded
//    PostgreSQL — as migrated, and with the outbox row skipped (a BEFORE INSERT trigger that
//    returns NULL: everything else the same). Rounds alternate; the ratio is the cost of the row.
// 2. Outage and catch-up: with no relay running (the bus "down"), BENCH_EVENTS (100,000) events wait
//    in the outbox; then one relay starts (the service's OutboxRelay and NatsBus sink, as in
//    production) and publishes them to JetStream. Measured: time to an empty outbox (catch-up) and
//    events/s (relay throughput); the stream is checked to hold every event exactly once.
//
// NATS: NATS_URL when set (a stream prefix of the bench's own, deleted afterwards), else a private
// `nats-server -js` from PATH on a free port.
//
//   npm run bench:events   (BENCH_EVENTS=100000, BENCH_REQUESTS=1500 per round, BENCH_ROUNDS=4, EMBEDDED_PG_PORT)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { envInt, fmt, log, machine, machineDocs, machineLine, ms, pgFacts, require, requireBuilt, root, runMain, stamp, stats, writeDocs } from '../lib/common.mjs';
import { volunteerBenchApp } from '../lib/volunteer.mjs';

const DIST = join(root, 'services/volunteer/dist/src');
requireBuilt(['shared/dist/index.js', 'services/volunteer/dist/src/app.js'], 'run `npm run build -w shared -w services/volunteer` first');
const shared = require(join(root, 'shared/dist/index.js'));

const EVENTS = envInt('BENCH_EVENTS', 100_000);
const REQUESTS = envInt('BENCH_REQUESTS', 1500);
const ROUNDS = envInt('BENCH_ROUNDS', 4);
const IN_FLIGHT = 8;
const sleep = (n) => new Promise((r) => setTimeout(r, n));

runMain(async () => {
  const { createVolunteerDataSource } = require(join(DIST, 'data-source.js'));
  const dataDir = join(root, '.data', 'bench-events');
  const port = await shared.freePort(envInt('EMBEDDED_PG_PORT', 0));
  log(`starting embedded PostgreSQL in .data/bench-events on 127.0.0.1:${port} …`);
  const pg = await shared.startEmbeddedPostgres({ dataDir, port, fresh: true });
  let nats;
  let natsUrl = process.env.NATS_URL;
  if (!natsUrl) {
    if (!shared.natsServerAvailable()) throw new Error('no NATS_URL and no nats-server on PATH: the bench needs a JetStream server');
    nats = shared.privateNatsServer(await shared.freePort(0));
    await nats.start();
    natsUrl = nats.url;
  }
  const prefix = `bench${Date.now().toString(36)}`;
  log(`NATS at ${natsUrl} (stream prefix ${prefix}${nats ? ', a private nats-server' : ''})`);
  const env = { ...process.env, VOLUNTEER_DB_PASSWORD: 'bench-events' };
  const filesDir = mkdtempSync(join(os.tmpdir(), 'bench-events-files-'));
  const keys = shared.generateSigningKeys();
  const token = shared.signTestToken(keys.privateKey, shared.TEST_USERS.grid);
  const apps = [];
  const buses = [];
  try {
    // ---- 1. the write path with and without its outbox row
    const variants = {};
    for (const name of ['with event row', 'without']) {
      const db = name === 'without' ? 'bench_noevents' : 'bench_events';
      const { app, url, category } = await volunteerBenchApp({
        shared, pg, db, env, keys, filesDir, appOptions: { events: { natsUrl, prefix } },
        prepare: name === 'without' ? async (owner) => {
          await owner.query(`CREATE FUNCTION bench_skip_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`);
          await owner.query(`CREATE TRIGGER bench_skip_outbox BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION bench_skip_outbox()`);
        } : undefined,
      });
      apps.push(app);
      variants[name] = { app, url, category, lat: [], rate: [] };
    }
    const facts = await pgFacts((sql, p) => apps[0].db.query(sql, p), ['max_connections', 'synchronous_commit']);
    let n = 0;
    const write = async (v) => {
      const t = performance.now();
      const res = await v.app.inject({
        method: 'POST', url: '/api/volunteer/items', headers: { authorization: `Bearer ${token}` },
        payload: { categoryId: v.category, place: `龙腾小区${++n}号楼`, description: '楼道照明损坏，老人夜间出行不便' },
      });
      if (res.statusCode !== 201) throw new Error(`POST /api/volunteer/items answered ${res.statusCode}: ${res.body}`);
      return performance.now() - t;
    };
    for (const v of Object.values(variants)) for (let i = 0; i < 50; i++) await write(v);
    for (let round = 1; round <= ROUNDS; round++) {
      // the variants in turn, the first one alternating from round to round; a round with event rows ends when its
      // relay has published them all, so their publishing is counted in its own round (not in the next measurement)
      const order = Object.entries(variants);
      if (round % 2 === 0) order.reverse();
      for (const [name, v] of order) {
        let left = REQUESTS;
        const t0 = performance.now();
        await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
          while (left-- > 0) v.lat.push(await write(v));
        }));
        await v.app.events.relay?.flush();
        const rate = REQUESTS / ((performance.now() - t0) / 1000);
        v.rate.push(rate);
        log(`write path, round ${round}/${ROUNDS}, ${name}: ${rate.toFixed(0)} writes/s`);
      }
    }
    const withRows = Number((await variants['with event row'].app.db.query(`SELECT count(*) AS n FROM outbox_event`))[0].n);
    const withoutRows = Number((await variants.without.app.db.query(`SELECT count(*) AS n FROM outbox_event`))[0].n);
    log(`outbox rows: ${fmt(withRows)} with, ${withoutRows} without`);
    if (withoutRows !== 0) throw new Error('the variant without event rows wrote some');
    const wr = variants['with event row'];
    await wr.app.events.relay.flush();
    for (const app of apps.splice(0)) await app.close();

    // ---- 2. an outage: EVENTS wait in the outbox; one relay catches up
    const owner = createVolunteerDataSource(wr.url, { poolSize: 2 });
    await owner.initialize();
    await owner.query(`DELETE FROM outbox_event`);
    const t0 = performance.now();
    // volunteer.item.* events of 10,000 items, in commit order; a payload like the real ones (~300 bytes)
    await owner.query(
      `INSERT INTO outbox_event (id, type, aggregate_id, org_path, actor, payload)
       SELECT gen_random_uuid(), 'volunteer.item.' || (ARRAY['reported','published','claimed','scheduled','started','completed','confirmed'])[1 + g % 7],
              (g % 10000)::text, '/1/2/' || (3 + g % 40) || '/', 'grid.longteng',
              jsonb_build_object('itemId', g % 10000, 'itemNo', 'XQ' || lpad((g % 10000)::text, 8, '0'), 'communityId', 3 + g % 40, 'communityName', '龙腾社区',
                                 'unitId', g % 500, 'action', 'claim', 'from', 'PUBLISHED', 'to', 'CLAIMED', 'place', '龙腾小区' || g % 90 || '号楼', 'rating', null, 'reason', null)
         FROM generate_series(1, $1) g ORDER BY g`,
      [EVENTS],
    );
    log(`${fmt(EVENTS)} events queued in the outbox in ${((performance.now() - t0) / 1000).toFixed(1)} s (the relay is down)`);
    const bus = new shared.NatsBus({ url: natsUrl, prefix, name: 'bench-events' });
    buses.push(bus);
    await bus.ready();
    const relay = new shared.OutboxRelay({ db: owner, service: 'volunteer', sink: bus.sink('volunteer'), pollMs: 1000 });
    const start = performance.now();
    await relay.start();
    const progress = [];
    for (;;) {
      const { pending } = await shared.outboxStats(owner);
      const t = (performance.now() - start) / 1000;
      progress.push([t, pending]);
      if (pending === 0) break;
      if (progress.length % 10 === 0) log(`catch-up: ${fmt(pending)} pending after ${t.toFixed(1)} s`);
      await sleep(250);
    }
    const catchUpS = (performance.now() - start) / 1000;
    await relay.stop();
    await owner.destroy();
    const rate = EVENTS / catchUpS;
    log(`catch-up: ${fmt(EVENTS)} events published in ${catchUpS.toFixed(1)} s = ${rate.toFixed(0)} events/s (${relay.totals.rounds} rounds, ${relay.totals.failures} failed)`);
    // every event exactly once on the stream (the write-path events, then the queued ones)
    const { connect } = require(require.resolve('nats', { paths: [join(root, 'shared')] }));
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    const stream = shared.streamName(prefix, 'volunteer');
    const info = await jsm.streams.info(stream);
    const onStream = info.state.messages;
    await jsm.streams.delete(stream);
    await nc.close();
    log(`stream ${stream}: ${fmt(onStream)} messages (expected ${fmt(withRows + EVENTS)})`);
    if (onStream !== withRows + EVENTS) throw new Error(`the stream holds ${onStream} messages, expected ${withRows + EVENTS}`);

    // ---- report
    const a = variants['with event row'];
    const b = variants.without;
    const ra = stats(a.rate);
    const rb = stats(b.rate);
    const la = stats(a.lat);
    const lb = stats(b.lat);
    const ratio = ra.median / rb.median;
    const writeTable = [
      '| outbox row | writes/s (median of rounds) | latency median | latency p99 |',
      '| --- | ---: | ---: | ---: |',
      `| written | ${ra.median.toFixed(0)} | ${ms(la.median)} ms | ${ms(la.p99)} ms |`,
      `| skipped | ${rb.median.toFixed(0)} | ${ms(lb.median)} ms | ${ms(lb.p99)} ms |`,
      `| written ÷ skipped | ${ratio.toFixed(2)} × | | |`,
    ].join('\n');
    const target = (ok) => (ok ? 'pass' : '**FAIL**');
    const mainTable = [
      '| measure | figure | target | result |',
      '| --- | ---: | ---: | --- |',
      `| write path with its event row ÷ without (${IN_FLIGHT} in flight) | ${ratio.toFixed(2)} × | ≥ 0.90 × | ${target(ratio >= 0.9)} |`,
      `| relay throughput, outbox → JetStream | ${fmt(Math.round(rate))} events/s | ≥ 2,000/s | ${target(rate >= 2000)} |`,
      `| catch-up of ${fmt(EVENTS)} queued events after an outage | ${catchUpS.toFixed(1)} s | measured | — |`,
    ].join('\n');
    const m = machine(facts.version, facts.settings);
    const loadEnd = os.loadavg()[0].toFixed(2);
    process.stdout.write(`\n${mainTable}\n\n${writeTable}\n\n${machineLine(m)}\nload average (1 min) ${loadEnd} at the end\n\n`);
    writeDocs(
      { name: 'events', title: 'Events', indexRow: '| [Events](#events-benchevents) | `npm run bench:events` |' },
      `## Events (bench/events)

Measured ${stamp()} by \`npm run bench:events\`, NATS JetStream ${nats ? 'from a private `nats-server -js` on this machine' : `at ${natsUrl.replace(/\/\/.*@/, '//')}`}.

${mainTable}

**Write path.** The real volunteer service, as its role \`rh_volunteer\`, reporting items
(\`POST /api/volunteer/items\` through \`app.inject\`: item, audit entry, item_event and the outbox row in one
transaction; its relay publishing to JetStream meanwhile) on two databases of one embedded PostgreSQL: as
migrated, and with the outbox insert skipped by a BEFORE INSERT trigger returning NULL (the read of the
item's community for the payload still runs in both). ${REQUESTS} requests per round, ${ROUNDS} rounds, the
variants in turn (which goes first alternates), ${IN_FLIGHT} in flight; a round with event rows ends when its relay has
published them all, so the publishing is counted in the round that caused it. Claims and settles write their event the same way (one \`emit\` in the
transition's transaction).

${writeTable}

**Catch-up.** ${fmt(EVENTS)} \`volunteer.item.*\` events of 10,000 items (payloads like the real ones) were queued
while no relay ran, then one \`OutboxRelay\` with the \`NatsBus\` sink (batches of 500, each aggregate's events in
order, 64 aggregates in parallel, every publish acknowledged by the stream) drained them; the stream then held
every event exactly once (${fmt(onStream)} messages: the write path's ${fmt(withRows)} and the queued ones).

${machineDocs(m)}; the bench, the service, PostgreSQL and NATS share this machine; load average (1 min)
${loadEnd} at the end.`,
    );
    return 0;
  } finally {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const bus of buses) await bus.stop().catch(() => undefined);
    await nats?.destroy().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    rmSync(filesDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});
