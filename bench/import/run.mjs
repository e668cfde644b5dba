#!/usr/bin/env node
// `npm run bench:import`: the household service's latency for other requests while a 10 MB CSV
// import runs. The same service (built dist, own process) is measured twice: parsing uploads on the
// event loop (tableWorkers 0: how imports ran before) and in worker threads (the default, 2): the
// p99 of a cheap GET issued back to back during the imports. Target: p99 < 100 ms with workers.
// Figures go into docs/benchmarks.md (section "Import while serving"). See bench/import/README.md.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  databaseNote, envInt, fmt, freshSchema, lat, loadBefore as logLoadBefore, log, machineDocs, missedText, ms, openDatabase, pgFacts,
  require, requireBuilt, root, runMain, serveOverIpc, startChild, stats, summary, verdict, writeDocs,
} from '../lib/common.mjs';

requireBuilt(['shared/dist/index.js', 'services/household/dist/src/app.js'], 'run `npm run build -w shared -w services/household` first');

const shared = require(join(root, 'shared/dist/index.js'));
const { createHouseholdDataSource, migrateHousehold } = require(join(root, 'services/household/dist/src/data-source.js'));

const IMPORTS = envInt('BENCH_IMPORTS', 3);
const TARGET_BYTES = envInt('BENCH_IMPORT_BYTES', 10_000_000);
const ROWS = envInt('BENCH_IMPORT_ROWS', 20_000);
const GAP_MS = envInt('BENCH_GAP_MS', 5);
const TARGET_P99 = 100;

// ---------------------------------------------------------------- the file
/** A valid register of ROWS one-person households (dryRun: checked in full, nothing written), padded to ~TARGET_BYTES. */
function registerCsv() {
  const header = '户号,社区,户别,楼号,单元,房号,地址,网格,姓名,身份证号,与户主关系,登记日期';
  const base = (i) => {
    const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 450) * 86_400_000).toISOString().slice(0, 10);
    const id = shared.makeResidentId('370686', birth, (i % 450) * 2 + 1, 'M');
    return [`BENCH${String(i).padStart(8, '0')}`, '', '家庭户', String(1 + (i % 30)), String(1 + (i % 4)), String(101 + (i % 20)), '%ADDR%', 'G01', '张伟', id, '户主', '2015-06-01'];
  };
  const sample = base(0).join(',').replace('%ADDR%', '') + '\r\n';
  // addresses of Chinese characters (3 bytes each) fill the file to the target size; at most 200 characters
  const chars = Math.min(190, Math.max(2, Math.floor((TARGET_BYTES / ROWS - Buffer.byteLength(sample)) / 3)));
  const street = '栖霞市庄园街道龙腾小区'.repeat(20);
  const lines = [header];
  for (let i = 0; i < ROWS; i++) lines.push(base(i).join(',').replace('%ADDR%', `${street.slice(0, chars - 6)}${String(i).padStart(6, '0')}`));
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

// ---------------------------------------------------------------- child: the real app, listening
function serve() {
  serveOverIpc(async (m) => {
    const { buildApp } = require(join(root, 'services/household/dist/src/app.js'));
    const app = await buildApp({
      publicKey: m.publicKey,
      pii: m.pii,
      dataSource: createHouseholdDataSource(m.databaseUrl),
      ownsDataSource: true,
      logger: false,
      tableWorkers: m.tableWorkers,
    });
    await app.ready();
    await app.communities.upsert(app.db.manager, shared.TEST_COMMUNITIES);
    return app;
  });
}

// ---------------------------------------------------------------- main
async function measure(mode, { url, keys, pii, csv, undici }) {
  const server = await startChild(fileURLToPath(import.meta.url), ['--serve'], { cmd: 'start', publicKey: keys.publicKey, pii, databaseUrl: url, tableWorkers: mode.workers }, 'household');
  try {
    const token = shared.signTestToken(keys.privateKey, shared.TEST_USERS.clerk, { expiresIn: 3600 });
    const probe = new undici.Pool(server.url, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
    const uploader = new undici.Pool(server.url, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 600_000, bodyTimeout: 600_000 });
    const get = async () => {
      const t0 = performance.now();
      const r = await probe.request({ path: '/api/household/health', method: 'GET' });
      await r.body.text();
      if (r.statusCode !== 200) throw new Error(`GET health: ${r.statusCode}`);
      return performance.now() - t0;
    };
    const importOnce = async () => {
      const t0 = performance.now();
      const r = await uploader.request({
        path: '/api/household/import/register?dryRun=true', method: 'POST', body: csv,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) throw new Error(`import: ${r.statusCode} ${text.slice(0, 300)}`);
      const out = JSON.parse(text);
      if (out.persons !== ROWS) throw new Error(`import checked ${out.persons} persons, expected ${fmt(ROWS)}`);
      return performance.now() - t0;
    };
    // warm-up: JIT, the pool's connections, the workers started
    for (let i = 0; i < 50; i++) await get();
    await importOnce();
    const idle = [];
    for (let i = 0; i < 200; i++) idle.push(await get());
    const during = [];
    const importMs = [];
    for (let n = 0; n < IMPORTS; n++) {
      let running = true;
      const imp = importOnce().finally(() => {
        running = false;
      });
      while (running) {
        during.push(await get());
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
      importMs.push(await imp);
    }
    await probe.close();
    await uploader.close();
    return { idle: stats(idle), during: stats(during), max: Math.max(...during), importMs: stats(importMs), samples: during.length };
  } finally {
    await server.stop();
  }
}

async function main() {
  const undici = require('undici');
  const url = await openDatabase('bench_import', 'pg-bench-import');
  await freshSchema(url, migrateHousehold);
  const ds = createHouseholdDataSource(url, { poolSize: 2 });
  await ds.initialize();
  const { version: pgVersion, settings } = await pgFacts((sql, params) => ds.query(sql, params), ['shared_buffers', 'work_mem', 'jit']);
  await ds.destroy();
  const keys = shared.generateSigningKeys();
  const pii = shared.PiiVault.generateKeys();
  const csv = registerCsv();
  log(`the file: ${fmt(csv.length)} bytes, ${fmt(ROWS)} rows (one person per household), imported with ?dryRun=true (every check, nothing written)`);

  const before = logLoadBefore();
  const modes = [
    { name: 'parsing on the event loop (before)', workers: 0 },
    { name: 'parsing in worker threads (now)', workers: 2 },
  ];
  const results = [];
  for (const mode of modes) {
    log(`measuring: ${mode.name} …`);
    const r = await measure(mode, { url, keys, pii, csv, undici });
    log(`  idle GET ${lat(r.idle)}; during imports ${lat(r.during)}, max ${ms(r.max)} ms over ${fmt(r.samples)} GETs; import ${ms(r.importMs.median)} ms (median of ${IMPORTS})`);
    results.push({ mode, ...r });
  }
  const [old, now] = results;
  const rows = [
    { figure: 'GET /api/household/health, idle', value: lat(now.idle), target: '—', pass: 'info' },
    { figure: `GET during a ${(csv.length / 1e6).toFixed(1)} MB import, parsing on the event loop (before)`, value: `${lat(old.during)}, max ${ms(old.max)} ms`, target: '—', pass: 'info' },
    { figure: `GET during a ${(csv.length / 1e6).toFixed(1)} MB import, parsing in worker threads (now)`, value: `${lat(now.during)}, max ${ms(now.max)} ms`, target: `p99 < ${TARGET_P99} ms`, pass: verdict(now.during, TARGET_P99) },
    { figure: 'the import itself (dry run, 20,000 rows), before → now', value: `${ms(old.importMs.median)} → ${ms(now.importMs.median)} ms`, target: '—', pass: 'info' },
  ];
  const { m, date, table, loadNote } = summary(rows, {
    pgVersion, settings, loadBefore: before,
    data: (d) => `${d}: ${fmt(csv.length)}-byte CSV × ${IMPORTS} imports per mode, GETs back to back (${GAP_MS} ms apart) on one connection; ${databaseNote()}`,
  });
  const missed = missedText(rows);
  if (!process.env.BENCH_DOCS_SKIP) {
    writeDocs({ name: 'import', title: 'Import while serving', indexRow: '| [Import while serving](#import-while-serving-benchimport) | `npm run bench:import` |' }, `
## Import while serving (bench/import)

Measured ${date} by \`npm run bench:import\`. The household service (built dist, its own process, logger off)
receives a ${(csv.length / 1e6).toFixed(1)} MB CSV register of ${fmt(ROWS)} rows (\`POST /api/household/import/register?dryRun=true\`:
every row checked against the register, nothing written) ${IMPORTS} times in a row, while a client sends
\`GET /api/household/health\` back to back (one connection, ${GAP_MS} ms apart). Measured twice on the same service:
uploads parsed on the event loop (\`tableWorkers: 0\`, how imports ran before) and in worker threads (the default, 2).

${table}

${machineDocs(m)}; ${loadNote}. Other agents shared the 2 cores while it ran.
${missed}`);
  }
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

if (process.argv.includes('--serve')) serve();
else runMain(main);
