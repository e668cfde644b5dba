#!/usr/bin/env node
// bench/db-outage: how fast a service is back after its PostgreSQL returns. The real volunteer
// service runs on an embedded PostgreSQL of the bench's own; each round stops the server (the
// service answers 503 and says not-ready), starts it again, and measures from the moment it accepts
// connections again (a fresh client connects) to the service's health answering 200 and to the
// first write (POST /api/volunteer/items) answering 201. Nothing is restarted but PostgreSQL.
//
//   npm run bench:db-outage      (BENCH_ROUNDS=7, EMBEDDED_PG_PORT for the server's port, else a free one)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { envInt, log, machine, machineDocs, machineLine, ms, pgFacts, require, requireBuilt, root, runMain, stamp, stats, writeDocs } from '../lib/common.mjs';

const DIST = join(root, 'services/volunteer/dist/src');
requireBuilt(['shared/dist/index.js', 'services/volunteer/dist/src/app.js'], 'run `npm run build -w shared -w services/volunteer` first');
const shared = require(join(root, 'shared/dist/index.js'));
const { Client } = require('pg');

const ROUNDS = envInt('BENCH_ROUNDS', 7);
const POLL_MS = 5;
const sleep = (n) => new Promise((r) => setTimeout(r, n));

/** Polls `attempt` every POLL_MS until it answers the time of its success (a number); answers that time. */
async function firstSuccess(attempt) {
  for (;;) {
    const at = await attempt().catch(() => undefined);
    if (typeof at === 'number') return at;
    await sleep(POLL_MS);
  }
}

runMain(async () => {
  const { buildApp } = require(join(DIST, 'app.js'));
  const { createVolunteerDataSource, migrateVolunteer } = require(join(DIST, 'data-source.js'));
  const dataDir = join(root, '.data', 'bench-db-outage');
  const port = await shared.freePort(envInt('EMBEDDED_PG_PORT', 0));
  log(`starting embedded PostgreSQL in .data/bench-db-outage on 127.0.0.1:${port} …`);
  let pg = await shared.startEmbeddedPostgres({ dataDir, port, fresh: true });
  const url = shared.serviceDatabaseUrl({ DATABASE_URL: pg.url }, 'volunteer');
  await migrateVolunteer(url);
  const keys = shared.generateSigningKeys();
  const filesDir = mkdtempSync(join(os.tmpdir(), 'bench-outage-files-'));
  // The server's own pool (createVolunteerDataSource's default size, PG_CONNECT_TIMEOUT_MS default).
  const app = await buildApp({
    publicKey: keys.publicKey, dataSource: createVolunteerDataSource(url), ownsDataSource: true, filesDir,
    fetchCommunities: async () => shared.TEST_COMMUNITIES, logger: false,
  });
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${app.server.address().port}`;
    await app.volunteer.communities.upsert(app.db.manager, shared.TEST_COMMUNITIES);
    const category = (await app.db.query(`INSERT INTO service_category (code, name, sort) VALUES ('C01', '环境整治', 1) RETURNING id`))[0].id;
    const token = shared.signTestToken(keys.privateKey, shared.TEST_USERS.grid);
    const facts = await pgFacts((sql, p) => app.db.query(sql, p), ['max_connections']);
    let n = 0;
    const write = () => fetch(`${base}/api/volunteer/items`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ categoryId: category, place: `龙腾小区${++n}号楼`, description: '楼道照明损坏，老人夜间出行不便' }),
    });
    const health = () => fetch(`${base}/api/volunteer/health`);
    const status = async (res) => (await res).status;
    if ((await status(write())) !== 201 || (await status(health())) !== 200) throw new Error('the service is not working before the first outage');

    const toHealth = [];
    const toWrite = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await pg.stop();
      const down = [await status(health()), await status(write())];
      if (down[0] !== 503 || down[1] !== 503) throw new Error(`with PostgreSQL stopped: health ${down[0]}, write ${down[1]} (expected 503, 503)`);
      // The pollers run while PostgreSQL starts; each records its first success.
      const accepted = firstSuccess(async () => {
        const c = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
        c.on('error', () => undefined);
        try {
          await c.connect();
          return performance.now();
        } finally {
          await c.end().catch(() => undefined);
        }
      });
      const healthy = firstSuccess(async () => ((await status(health())) === 200 ? performance.now() : undefined));
      const written = firstSuccess(async () => ((await status(write())) === 201 ? performance.now() : undefined));
      pg = await shared.startEmbeddedPostgres({ dataDir, port });
      const [tConnect, tHealth, tWrite] = await Promise.all([accepted, healthy, written]);
      // PostgreSQL accepts connections from the first moment any client got through (the service's
      // own health check can beat the bench's probe connection to it).
      const tAccept = Math.min(tConnect, tHealth, tWrite);
      toHealth.push(tHealth - tAccept);
      toWrite.push(tWrite - tAccept);
      log(`round ${round}/${ROUNDS}: while down health 503, write 503; back: health 200 after ${ms(tHealth - tAccept)} ms, first write 201 after ${ms(tWrite - tAccept)} ms`);
    }

    const h = stats(toHealth);
    const w = stats(toWrite);
    const m = machine(facts.version, facts.settings);
    const date = stamp();
    const table = [
      '| from PostgreSQL accepting connections again to … | median | min | max | rounds |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| \`GET /api/volunteer/health\` 200 (ready again) | ${ms(h.median)} ms | ${ms(h.min)} ms | ${ms(h.max)} ms | ${h.n} |`,
      `| the first \`POST /api/volunteer/items\` 201 | ${ms(w.median)} ms | ${ms(w.min)} ms | ${ms(w.max)} ms | ${w.n} |`,
    ].join('\n');
    process.stdout.write(`\n${table}\n\n${machineLine(m)}\nload average (1 min) ${os.loadavg()[0].toFixed(2)} at the end\n\n`);
    writeDocs(
      { name: 'db-outage', title: 'Database outage recovery', indexRow: '| [Database outage recovery](#database-outage-recovery-benchdb-outage) | `npm run bench:db-outage` |' },
      `## Database outage recovery (bench/db-outage)

Measured ${date} by \`npm run bench:db-outage\`: the real volunteer service (its own pool, default
\`PG_CONNECT_TIMEOUT_MS\`) on an embedded PostgreSQL that is stopped and started again ${ROUNDS} times.
While it is stopped every round checks that health and a write answer 503 (\`NOT_READY\`,
\`DATABASE_UNAVAILABLE\` with \`Retry-After\`). The clock starts when PostgreSQL accepts connections
again: the first success of a fresh client's connect, of the health check or of a write, whichever comes
first (each polled every ${POLL_MS} ms, so the figures include up to that much polling delay).
Target: back within 1 s.

${table}

Nothing is restarted but PostgreSQL: the pool drops the connections the shutdown killed and opens new
ones on the next request. The gateway's \`/api/health\` follows within one of its probes (it asks the
service's health on every call).

${machineDocs(m)}; the bench, the service and PostgreSQL share this machine; load average (1 min)
${os.loadavg()[0].toFixed(2)} at the end.`,
    );
    return h.max < 1000 && w.max < 1000 ? 0 : 1;
  } finally {
    await app.close().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    rmSync(filesDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});
