// What the benchmarks under bench/ share: settings from the environment, the log and number
// formats, the statistics and the timed loop, the machine facts, the database (embedded
// PostgreSQL or DATABASE_URL), the app in a child process, EXPLAIN, the results table and
// docs/benchmarks.md. Each bench keeps its own data, measurements and texts.
//
// Nothing here loads the built dist at import time: a bench checks it is built first (requireBuilt).
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

export const require = createRequire(import.meta.url);
/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** docs/benchmarks.md, or BENCH_DOCS_FILE (another file, for trial runs). */
export const DOCS = process.env.BENCH_DOCS_FILE || join(root, 'docs', 'benchmarks.md');

/** Exits with 2 and the build hint when one of `files` (relative to the root) is missing. */
export function requireBuilt(files, hint) {
  for (const f of files) {
    if (!existsSync(join(root, f))) {
      process.stderr.write(`missing ${f}: ${hint}\n`);
      process.exit(2);
    }
  }
}

/** @redheart/shared from its built dist. */
export const loadShared = () => require(join(root, 'shared/dist/index.js'));

// ---------------------------------------------------------------- settings
/** A positive integer from the environment (`_` and `,` allowed as separators), else `dflt`. */
export function envInt(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

// ---------------------------------------------------------------- output
const t0 = performance.now();
export const clock = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
export const log = (line) => process.stdout.write(`[bench ${clock()}] ${line}\n`);
export const fmt = (n) => n.toLocaleString('en-US');
export const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
/** The time of the measurement as written into the docs (UTC, whole seconds). */
export const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

// ---------------------------------------------------------------- statistics
export function stats(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (q) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  return { n: s.length, median: at(0.5), p99: at(0.99), max: s[s.length - 1], min: s[0] };
}

/** Random but repeatable samples (the same every run for the same seed). */
export function makeRnd(seed) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { rnd, pickOne: (a) => a[Math.floor(rnd() * a.length)] };
}

/**
 * Warm latency of `fn`: min(20, repeat) warm-up runs, then `repeat` timed ones, cycling over
 * `inputs`, one after another; logs and returns the statistics. `pad`: width of the label column.
 */
export async function timed(label, repeat, inputs, fn, { pad = 52 } = {}) {
  const warm = Math.min(20, repeat);
  for (let i = 0; i < warm; i++) await fn(inputs[i % inputs.length]);
  const samples = [];
  for (let i = 0; i < repeat; i++) {
    const input = inputs[i % inputs.length];
    const s = performance.now();
    await fn(input);
    samples.push(performance.now() - s);
  }
  const st = stats(samples);
  log(`  ${label.padEnd(pad)} median ${ms(st.median).padStart(7)} ms   p99 ${ms(st.p99).padStart(7)} ms`);
  return st;
}

// ---------------------------------------------------------------- verdicts and the results table
// A row is { figure, value, target, pass }; pass: true (within the target), 'median' (a latency whose
// median is within it but its p99 is not), 'info' (no target), false (missed: only that makes the exit code 1).
export const verdict = (st, target) => (st.p99 < target ? true : st.median < target ? 'median' : false);
export const lat = (st) => `median ${ms(st.median)} ms, p99 ${ms(st.p99)} ms`;
export const resultText = (pass) => (pass === true ? 'pass' : pass === 'median' ? 'pass on median, p99 over' : pass === 'info' ? '—' : '**FAIL**');
export const resultTable = (rows) =>
  ['| figure | value | target | result |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.target} | ${resultText(r.pass)} |`)].join('\n');

/** The docs' paragraphs naming what missed (and, unless `p99Over` is false, what passed on its median only). */
export function missedText(rows, { p99Over = true } = {}) {
  const failed = rows.filter((r) => r.pass === false);
  const over = p99Over ? rows.filter((r) => r.pass === 'median') : [];
  return `${failed.length ? `\n**Missed:** ${failed.map((r) => r.figure).join('; ')}.\n` : ''}${over.length ? `\n**Median within the target, p99 over it:** ${over.map((r) => r.figure).join('; ')}.\n` : ''}`;
}

// ---------------------------------------------------------------- EXPLAIN
/** EXPLAIN (ANALYZE, BUFFERS) of `sql` through anything with a TypeORM-like `query(sql, params)`. */
export async function explain(db, sql, params) {
  const rows = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** [name, plan] pairs as collapsed blocks for the docs. */
export const planDetails = (plans) =>
  plans.map(([name, plan]) => `
<details><summary>EXPLAIN (ANALYZE, BUFFERS) — ${name}</summary>

\`\`\`
${plan}
\`\`\`

</details>
`).join('');

// ---------------------------------------------------------------- machine
/** PostgreSQL's version and the named settings, through `query(sql, params)`. */
export async function pgFacts(query, names) {
  const version = (await query('SHOW server_version'))[0].server_version;
  const settings = {};
  for (const s of names) settings[s] = (await query(`SELECT current_setting($1) AS v`, [s]))[0].v;
  return { version, settings };
}

export function machine(pgVersion, settings) {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    /* keep os' figure */
  }
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    /* keep os' figure */
  }
  return {
    cpu,
    nproc,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    postgres: pgVersion,
    pgSettings: settings,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    nice: os.getPriority(),
  };
}

/** The machine line printed under the table. */
export const machineLine = (m) =>
  `machine: ${m.cpu}, ${m.nproc} CPUs (nproc), ${m.memory} RAM, ${m.os}; Node ${m.node}; PostgreSQL ${m.postgres} (${Object.entries(m.pgSettings).map(([k, v]) => `${k}=${v}`).join(', ')}); nice ${m.nice}`;

/** The docs' "**Machine:** …" sentence up to the PostgreSQL settings (the bench adds how its processes share the machine). */
export const machineDocs = (m) =>
  `**Machine:** ${m.cpu}, ${m.nproc} CPUs (\`nproc\`), ${m.memory} RAM, ${m.os}; Node.js ${m.node}; PostgreSQL ${m.postgres}
(${Object.entries(m.pgSettings).map(([k, v]) => `${k} = ${v}`).join(', ')})`;

/** Logs and returns the load average before the measurements. */
export function loadBefore(note = '') {
  const l = os.loadavg();
  log(`load average before measuring: ${l.map((v) => v.toFixed(2)).join(' ')} (${os.availableParallelism?.() ?? os.cpus().length} CPUs${note})`);
  return l;
}
export const loadNote = (before, after) => `load average (1 min) ${before[0].toFixed(2)} before the measurements, ${after[0].toFixed(2)} after`;

/**
 * After the measurements: prints the results table, the machine, the load average and the bench's
 * `data(date)` line; returns what the docs section needs. `loadAfter` defaults to now; `loadSuffix`
 * follows the load line.
 */
export function summary(rows, { pgVersion, settings, loadBefore: before, loadAfter = os.loadavg(), loadSuffix = '', data }) {
  const m = machine(pgVersion, settings);
  const date = stamp();
  const table = resultTable(rows);
  const load = loadNote(before, loadAfter);
  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(`${machineLine(m)}\n`);
  process.stdout.write(`${load}${loadSuffix}\n`);
  process.stdout.write(`${data(date)}\n\n`);
  return { m, date, table, loadNote: load };
}

// ---------------------------------------------------------------- process lifetime
let pgServer;
const cleanups = new Set();
let interrupted = false;

/** Stops what the bench started: its child processes (and other registered cleanups), then the embedded PostgreSQL. */
export async function cleanup() {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    await Promise.resolve()
      .then(fn)
      .catch(() => undefined);
  }
  if (pgServer) {
    const s = pgServer;
    pgServer = undefined;
    await s.stop().catch(() => undefined);
  }
}

/**
 * Runs the bench: stops everything on SIGINT/SIGTERM (exit 130) and at the end; the exit code is
 * main's (1 when a target was missed), 1 when it throws.
 */
export function runMain(main) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      interrupted = true;
      log(`${sig}: stopping`);
      cleanup().finally(() => process.exit(130));
    });
  }
  main()
    .then(async (code) => {
      await cleanup();
      if (code) log('some targets were missed (see the table)');
      process.exit(code);
    })
    .catch(async (err) => {
      if (interrupted) return; // the signal handler stops everything and exits
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      await cleanup();
      process.exit(1);
    });
}

// ---------------------------------------------------------------- database
/**
 * The bench's database: `<base>_<service>` on DATABASE_URL's server, or on an embedded PostgreSQL
 * with its data in .data/<dataDir> on a free 127.0.0.1 port (stopped by cleanup); created if missing.
 */
export async function openDatabase(service, dataDir) {
  const shared = loadShared();
  let base = process.env.DATABASE_URL;
  if (!base) {
    const port = await shared.freePort(0);
    log(`starting embedded PostgreSQL in .data/${dataDir} on 127.0.0.1:${port} …`);
    pgServer = await shared.startEmbeddedPostgres({ dataDir: join(root, '.data', dataDir), port });
    base = pgServer.url;
  } else {
    log(`using DATABASE_URL=${base.replace(/:[^:@/]*@/, ':***@')}`);
  }
  const url = shared.serviceDatabaseUrl({ DATABASE_URL: base }, service);
  await shared.ensureDatabase(url);
  return url;
}
export const databaseNote = () => (process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL, default settings');

/** Drops and re-creates the public schema, then runs the service's migrations (`migrate(url)`). */
export async function freshSchema(url, migrate) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('SET client_min_messages = warning');
  await c.query('DROP SCHEMA IF EXISTS public CASCADE');
  await c.query('CREATE SCHEMA public');
  await c.end();
  const ran = await migrate(url);
  log(`fresh schema, migrations: ${ran.join(', ')}`);
}

// ---------------------------------------------------------------- bulk load
/**
 * A connection for the set-based fill (bulk-load settings), its query function `q`, and `step`,
 * which times and logs one step of the fill (`pad`: width of the label column).
 */
export async function loadSession(url, { pad = 52 } = {}) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined); // a server stopped under us (Ctrl-C) is reported by the query
  await c.connect();
  const q = (sql, params) => c.query(sql, params);
  await q("SET maintenance_work_mem = '512MB'");
  await q("SET work_mem = '256MB'");
  await q('SET synchronous_commit = off');
  const step = async (label, fn) => {
    const s = performance.now();
    const r = await fn();
    log(`  ${label.padEnd(pad)} ${(((performance.now() - s) / 1000).toFixed(1) + ' s').padStart(8)}${r !== undefined ? `  ${r}` : ''}`);
    return r;
  };
  return { c, q, step };
}

/**
 * The secondary indexes and the foreign keys (with `unique`: also the unique constraints) of `tables`,
 * with their definitions, so the load can drop them and re-create them afterwards exactly as the
 * migrations made them (primary keys stay). Unique constraints come before foreign keys.
 */
export async function secondaries(q, tables, { unique = false } = {}) {
  const list = tables.map((t) => `'${t}'::regclass`).join(', ');
  const indexes = (await q(`
    SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
      FROM pg_index i
     WHERE i.indrelid IN (${list})
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
     ORDER BY 1`)).rows;
  const constraints = (await q(`
    SELECT conname AS name, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def, contype
      FROM pg_constraint WHERE contype IN (${unique ? "'f', 'u'" : "'f'"}) AND conrelid IN (${list})
     ORDER BY contype DESC, 1`)).rows;
  return {
    indexes,
    constraints,
    /** Drops the constraints (foreign keys first), then the indexes. */
    async drop() {
      for (const k of [...constraints].reverse()) await q(`ALTER TABLE ${k.tbl} DROP CONSTRAINT ${k.name}`);
      for (const i of indexes) await q(`DROP INDEX ${i.name}`);
    },
    addConstraint: (k) => q(`ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.def}`).then(() => undefined),
  };
}

// ---------------------------------------------------------------- the app in a child process
/**
 * Forks `file` (with `args`) as a server process and sends it `startMsg`; resolves when it answers
 * {ready, port}. The child is stopped by `stop()` or, failing that, by cleanup. `cpu()`: the CPU time
 * (user + system, ms) the child has used so far.
 */
export function startChild(file, args, startMsg, name) {
  return new Promise((resolve, reject) => {
    const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const kill = () => {
      try {
        child.kill('SIGTERM');
      } catch {
        /* gone */
      }
    };
    cleanups.add(kill);
    const cpu = () =>
      new Promise((res) => {
        const on = (m) => {
          if (m && typeof m.cpu === 'number') {
            child.off('message', on);
            res(m.cpu / 1000);
          }
        };
        child.on('message', on);
        child.send({ cmd: 'cpu' });
      });
    const stop = () =>
      new Promise((res) => {
        cleanups.delete(kill);
        if (child.exitCode !== null || child.signalCode !== null) return res();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          res();
        });
        child.send({ cmd: 'stop' });
      });
    child.once('message', (m) => (m.ready ? resolve({ child, url: `http://127.0.0.1:${m.port}`, cpu, stop }) : reject(new Error(`${name}: ${m.error}`))));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before it was ready`)));
    child.send(startMsg);
  });
}

/**
 * `npm start`'s scripts/start.mjs with `env` in a process group of its own: {child, stop, output} — stop()
 * sends the group SIGTERM and SIGKILL after 20 s; output() is the last 20,000 characters it wrote.
 */
export function startPlatform(env) {
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d) => (out = (out + d).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 100 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  };
  return { child, stop, output: () => out };
}

/**
 * The ports of `npm start` in port group k (0–9): gateway 9k80, services 9k81–9k84, metrics 9k85–9k89,
 * replicas from 9k90, embedded PostgreSQL 544k0, NATS 42k2 (as the helpers' and benches' stacks use them).
 */
export function portGroupEnv(k) {
  const port = (n) => String(9000 + k * 100 + n);
  return {
    PORT: port(80), ORG_PORT: port(81), HOUSEHOLD_PORT: port(82), VOLUNTEER_PORT: port(83), NOTIFY_PORT: port(84),
    GATEWAY_METRICS_PORT: port(85), ORG_METRICS_PORT: port(86), HOUSEHOLD_METRICS_PORT: port(87), VOLUNTEER_METRICS_PORT: port(88),
    NOTIFY_METRICS_PORT: port(89), REPLICA_PORT_BASE: port(90), EMBEDDED_PG_PORT: String(54400 + k * 10), NATS_PORT: String(4202 + k * 10),
  };
}

/** scripts/start.mjs's service and gateway processes (its children running services/<name>/dist): [{pid, name}]. */
export function stackProcesses(rootPid) {
  const out = [];
  for (const pid of readFileSync(`/proc/${rootPid}/task/${rootPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) {
    const m = /services\/(\w+)\/dist/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    if (m) out.push({ pid, name: m[1] });
  }
  return out;
}

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat. */
export function processCpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime and stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The child side of startChild: on {cmd:'start'} builds the app with `build(msg)` (a Fastify
 * instance, not listening), listens on a free 127.0.0.1 port and answers {ready, port};
 * {cmd:'cpu'} → {cpu} (µs used so far); {cmd:'stop'} closes the app and exits. Exits when the
 * parent is gone.
 */
export function serveOverIpc(build) {
  let app;
  process.on('message', (msg) => {
    if (msg?.cmd === 'start') {
      (async () => {
        app = await build(msg);
        await app.listen({ port: 0, host: '127.0.0.1' });
        const addr = app.server.address();
        return typeof addr === 'object' && addr ? addr.port : 0;
      })().then(
        (port) => process.send({ ready: true, port }),
        (err) => {
          process.send({ ready: false, error: err instanceof Error ? err.stack : String(err) });
          process.exit(1);
        },
      );
    } else if (msg?.cmd === 'cpu') {
      const u = process.cpuUsage();
      process.send({ cpu: u.user + u.system });
    } else if (msg?.cmd === 'stop') {
      const done = () => process.exit(0);
      (app ? app.close() : Promise.resolve()).then(done, done);
    }
  });
  // the bench gone (killed): do not linger
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- docs/benchmarks.md
const SKELETON = `# Benchmarks

Figures measured by the benchmarks under \`bench/\`, each on the machine named in its section.
Each section is rewritten by its own benchmark between its markers; the rest of this file is kept.

| section | command |
| --- | --- |
| Org tree | \`npm run bench:org-tree\` |
| Household (hukou moves) | \`node bench/household/run.mjs\` |
| Volunteer (dual report) | \`node bench/volunteer/run.mjs\` |
`;

/**
 * Rewrites the bench's section of DOCS between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`
 * (appended when the markers are missing; the file is made when missing) and its row of the index
 * table (the line starting `| <title> |` or `| [<title>](…) |`) as `indexRow`. Nothing else is touched.
 * The file is read right before writing: other benches rewrite their own sections of it.
 */
export function writeDocs({ name, title, indexRow }, section) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let text = existsSync(DOCS) ? readFileSync(DOCS, 'utf8') : SKELETON;
  const block = `${start}\n${section.trim()}\n${end}`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) text = text.slice(0, a) + block + text.slice(b + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  const t = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  text = text.replace(new RegExp(`^\\| (?:\\[${t}\\]\\([^)]*\\)|${t}) \\|.*\\|$`, 'm'), () => indexRow);
  writeFileSync(DOCS, text);
  log(`wrote ${DOCS.replace(root + '/', '')}`);
}
