#!/usr/bin/env node
// bench/cluster: the platform as `npm start` runs it with REPLICAS=2 (2 processes of org, household
// and volunteer behind one gateway, each supervised), under a mixed load at a fixed rate through the
// gateway, while one replica of each service in turn is killed with SIGKILL.
//
// Measured: failed reads and writes (5xx or no answer) before / during / after each failure; every
// failed write is looked up in the database afterwards (provably not applied, or applied); p99 of
// the requests before the first kill, while a replica is down (kill → back in the gateway's rotation)
// and after; and per kill the supervisor's restart: kill → new process → it listens (its health
// route answers at all) → ready (200) → back in the gateway's rotation (GET /api/health).
//
//   npm run bench:cluster   (BENCH_RATE=300 requests/s, BENCH_SECONDS=60; ports as for npm start:
//                            PORT, ORG_PORT …, REPLICA_PORT_BASE, EMBEDDED_PG_PORT, *_METRICS_PORT)
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { envInt, log, loadBefore, ms, require, requireBuilt, root, runMain, stats, summary, writeDocs, machineDocs } from '../lib/common.mjs';

requireBuilt(['shared/dist/index.js', 'services/gateway/dist/server.js', 'services/org/dist/src/server.js', 'web/dist/index.html'], 'run `npm run build` first');
const shared = require(join(root, 'shared/dist/index.js'));
const { Client } = require('pg');

const RATE = envInt('BENCH_RATE', 300);
const SECONDS = envInt('BENCH_SECONDS', 60);
const MAX_IN_FLIGHT = envInt('BENCH_MAX_IN_FLIGHT', 512);
const PORT = Number(process.env.PORT ?? 8080);
const BASE = `http://127.0.0.1:${PORT}`;
const SERVICES = ['org', 'household', 'volunteer'];
const sleep = (n) => new Promise((r) => setTimeout(r, n));

/** The launcher's child processes, read from /proc: pid, command line and environment. */
function launcherChildren(launcherPid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== launcherPid) continue;
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const env = Object.fromEntries(readFileSync(`/proc/${d}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      out.push({ pid: Number(d), cmd, env });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** The launcher's service processes: service, replica index, pid, port (from their environment). */
function replicas(launcherPid) {
  return launcherChildren(launcherPid).flatMap(({ pid, cmd, env }) => {
    const service = SERVICES.find((s) => cmd.includes(`services/${s}/`));
    return service ? [{ service, index: Number(env.REPLICA_INDEX ?? 0), pid, port: Number(env[`${service.toUpperCase()}_PORT`]), standby: env.SUPERVISOR_STANDBY === '1' }] : [];
  });
}

/** How many processes the launcher supervises (its Node children from a service's or the gateway's dist, standbys not counted). */
function supervisedCount(launcherPid) {
  return launcherChildren(launcherPid).filter(({ cmd, env }) => /services\/[a-z]+\/dist\//.test(cmd) && env.SUPERVISOR_STANDBY !== '1').length;
}

/** Logs in (retried: on a busy machine the first password hash may outlast the gateway's 5 s). */
/** CPU seconds (user + system) a process has used so far: its start-up's cost, whatever the machine's load. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
}

/** The pid listening on 127.0.0.1:port (ss), or undefined. */
function listenerPid(port) {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function login(username) {
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'Qixia@2020' }) });
    if (r.ok) return (await r.json()).accessToken;
    const text = await r.text();
    if (r.status < 500 || attempt >= 5) throw new Error(`login ${username}: ${r.status} ${text}`);
    await sleep(1000);
  }
}

runMain(async () => {
  // ---------------------------------------------------------------- the platform
  const env = { STARTUP_TIMEOUT_MS: '600000', ...process.env, REPLICAS: process.env.REPLICAS ?? '2', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' };
  log(`starting npm start's launcher (scripts/start.mjs) with REPLICAS=${env.REPLICAS} …`);
  const tStart = performance.now();
  const launcher = spawn(process.execPath, [join(root, 'scripts/start.mjs')], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const launcherLog = [];
  let up = false;
  const onLine = (d) => {
    for (const line of String(d).split('\n')) {
      if (!line) continue;
      launcherLog.push(`${(performance.now() / 1000).toFixed(1)} ${line}`);
      if (line.includes('is running')) up = true;
      if (/restart|crash|exited|gave up|giving up|given up/i.test(line) && !line.includes('"level"')) log(`launcher: ${line.trim()}`);
    }
  };
  launcher.stdout.on('data', onLine);
  launcher.stderr.on('data', onLine);
  const stopLauncher = async () => {
    if (launcher.exitCode !== null) return;
    try {
      process.kill(-launcher.pid, 'SIGTERM');
    } catch {
      return;
    }
    for (let i = 0; i < 60 && launcher.exitCode === null; i++) await sleep(500);
    try {
      process.kill(-launcher.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', () => {
    try {
      process.kill(-launcher.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  try {
    for (let i = 0; !up; i++) {
      if (launcher.exitCode !== null) throw new Error(`npm start exited (${launcher.exitCode}):\n${launcherLog.slice(-30).join('\n')}`);
      if (i > 1800) throw new Error('npm start did not come up within 15 minutes');
      await sleep(500);
    }
    log(`platform up in ${((performance.now() - tStart) / 1000).toFixed(1)} s`);
    return await measure(launcher, launcherLog);
  } catch (err) {
    if (process.env.BENCH_LAUNCHER_LOG) process.stdout.write(`${launcherLog.slice(-200).join('\n')}\n`);
    throw err;
  } finally {
    await stopLauncher();
  }
});

async function measure(launcher, launcherLog) {
  const procs = replicas(launcher.pid).filter((p) => !p.standby);
  for (const s of SERVICES) {
    const n = procs.filter((p) => p.service === s).length;
    if (n < 2) throw new Error(`${s}: ${n} replica(s) running; the bench needs 2 (REPLICAS=2)`);
  }
  if (process.env.WARM_STANDBY === '1') {
    log('waiting for the warm standbys (a started copy of each process) …');
    // every supervised process has one: each service replica (the notification service's too) and the gateway
    const expected = supervisedCount(launcher.pid);
    for (let i = 0; launcherLog.filter((l) => l.includes('warm standby ready')).length < expected; i++) {
      if (i > 600) throw new Error('the warm standbys did not all start within 10 minutes');
      await sleep(1000);
    }
    log(`${expected} warm standbys ready`);
  }
  const tokens = { admin: await login('admin'), clerk: await login('clerk.longteng'), grid: await login('grid.longteng') };
  const auth = (who) => ({ authorization: `Bearer ${tokens[who]}` });
  const categories = await (await fetch(`${BASE}/api/volunteer/categories`, { headers: auth('grid') })).json();
  // an active category (the browser tests withdraw the ones they create: a write in one would be a 400, not a 201)
  const categoryId = (Array.isArray(categories) ? categories : categories.items).find((c) => c.active).id;
  const runTag = `bench-cluster-${Date.now().toString(36)}`;

  // The mix: 9 reads (each service) to 1 write (a need reported by a grid worker, through the volunteer service).
  const reads = [
    { service: 'org', who: 'admin', path: '/api/org/units/roots' },
    { service: 'org', who: 'admin', path: '/api/org/stats' },
    { service: 'org', who: 'clerk', path: '/api/auth/me' },
    { service: 'household', who: 'clerk', path: '/api/household/cases?limit=20' },
    { service: 'household', who: 'clerk', path: '/api/household/cases?status=DRAFT&limit=20' },
    { service: 'household', who: 'admin', path: '/api/household/cases?limit=20' },
    { service: 'volunteer', who: 'grid', path: '/api/volunteer/items?limit=20' },
    { service: 'volunteer', who: 'grid', path: '/api/volunteer/categories' },
    { service: 'volunteer', who: 'admin', path: '/api/volunteer/items?view=open&limit=20' },
  ];
  for (const r of reads) {
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(BASE + r.path, { headers: auth(r.who) });
      const text = await res.text();
      if (res.ok) break;
      if (res.status < 500 || attempt >= 5) throw new Error(`${r.path} as ${r.who}: ${res.status} ${text}`);
      await sleep(1000);
    }
  }

  // ---------------------------------------------------------------- the failure schedule
  // one replica (index 1) of each service in turn, at 1/4, 2/4 and 3/4 of the run
  const kills = SERVICES.map((service, i) => ({ service, at: (SECONDS * 1000 * (i + 1)) / 4 }));
  /** Windows in which a replica is down: [from, to) in ms since the load started. */
  const downWindows = [];
  const restarts = [];

  const samples = []; // { t, ms, ok, write, service, status }
  const failedWrites = [];
  let inFlight = 0;
  let skipped = 0;
  let n = 0;
  const t0 = performance.now();
  const send = async () => {
    const i = n++;
    const write = i % 10 === 9;
    const t = performance.now() - t0;
    const r = write ? { service: 'volunteer' } : reads[i % reads.length];
    const place = `${runTag}-${i}`;
    inFlight++;
    let status = 0;
    try {
      const res = write
        ? await fetch(`${BASE}/api/volunteer/items`, {
            method: 'POST',
            headers: { ...auth('grid'), 'content-type': 'application/json' },
            body: JSON.stringify({ categoryId, place, description: '压测：楼道照明损坏，老人夜间出行不便' }),
            signal: AbortSignal.timeout(10_000),
          })
        : await fetch(BASE + r.path, { headers: auth(r.who), signal: AbortSignal.timeout(10_000) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    } finally {
      inFlight--;
    }
    const ok = status > 0 && status < 500;
    samples.push({ t, ms: performance.now() - t0 - t, ok, write, service: r.service, status });
    if (write && !ok) failedWrites.push({ place, status, t });
  };

  const killAndWatch = async (k) => {
    const replica = replicas(launcher.pid).find((p) => p.service === k.service && p.index === 1);
    if (!replica) throw new Error(`${k.service}#1 is not running`);
    const port = replica.port;
    const victim = listenerPid(port);
    if (!victim) throw new Error(`nothing listens on ${k.service}#1's port ${port}`);
    const tk = performance.now();
    process.kill(victim, 'SIGKILL');
    const at = tk - t0;
    log(`kill -9 ${k.service}#1 (pid ${victim}, port ${port}) at ${(at / 1000).toFixed(1)} s`);
    const r = { service: k.service, at, listen: NaN, ready: NaN, rotation: NaN, out: NaN, cpu: NaN };
    let newPid;
    const until = tk + 180_000;
    let lastHealth = 0;
    while (performance.now() < until) {
      if (Number.isNaN(r.listen)) {
        const p = listenerPid(port);
        if (p && p !== victim) {
          r.listen = performance.now() - tk;
          newPid = p;
        }
      }
      if (!Number.isNaN(r.listen) && Number.isNaN(r.ready)) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/${k.service}/health`, { signal: AbortSignal.timeout(5000) });
          if (res.ok) {
            r.ready = performance.now() - tk;
            r.cpu = cpuSeconds(newPid);
          }
          await res.arrayBuffer();
        } catch {
          /* not ready yet */
        }
      }
      if ((Number.isNaN(r.out) || Number.isNaN(r.rotation)) && performance.now() - lastHealth > 250) {
        lastHealth = performance.now();
        try {
          const h = await (await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(5000) })).json();
          const inRotation = h.upstreams[k.service].replicas[1].inRotation;
          if (!inRotation && Number.isNaN(r.out)) r.out = performance.now() - tk;
          if (inRotation && !Number.isNaN(r.ready)) r.rotation = performance.now() - tk;
        } catch {
          /* the gateway busy: next poll */
        }
      }
      if (!Number.isNaN(r.rotation)) break;
      await sleep(20);
    }
    downWindows.push([at, at + (Number.isNaN(r.rotation) ? 180_000 : r.rotation)]);
    restarts.push(r);
    log(`${k.service}#1: out of rotation ${ms(r.out)} ms, pid ${newPid} listening ${ms(r.listen)} ms, ready ${ms(r.ready)} ms (${r.cpu.toFixed(2)} CPU s of its own), back in rotation ${ms(r.rotation)} ms after the kill`);
  };

  const before = loadBefore(`, ${RATE} requests/s for ${SECONDS} s`);
  const loadSamples = [];
  const loadTimer = setInterval(() => loadSamples.push(os.loadavg()[0]), 5000);
  const watchers = [];
  const pendingKills = [...kills];
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - t0;
      if (pendingKills.length && elapsed >= pendingKills[0].at) watchers.push(killAndWatch(pendingKills.shift()));
      const due = Math.min(Math.floor((elapsed / 1000) * RATE), SECONDS * RATE);
      while (n + skipped < due) {
        if (inFlight >= MAX_IN_FLIGHT) skipped++;
        else void send();
      }
      if (elapsed >= SECONDS * 1000) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  for (let i = 0; i < 200 && inFlight > 0; i++) await sleep(100);
  await Promise.all(watchers);
  clearInterval(loadTimer);
  const after = os.loadavg();

  // ---------------------------------------------------------------- failed writes: applied or not?
  const pgPort = Number(readFileSync(join(root, '.data/pg/postmaster.pid'), 'utf8').split('\n')[3]);
  const ownerUrl = process.env.DATABASE_URL ?? `postgres://postgres:redheart@127.0.0.1:${pgPort}/redheart`;
  const c = new Client({ connectionString: shared.serviceDatabaseUrl({ DATABASE_URL: ownerUrl }, 'volunteer') });
  await c.connect();
  const applied = failedWrites.length
    ? (await c.query('SELECT place FROM item WHERE place = ANY($1)', [failedWrites.map((w) => w.place)])).rows.map((x) => x.place)
    : [];
  const okWrites = samples.filter((s) => s.write && s.status === 201).length;
  const stored = Number((await c.query('SELECT count(*)::int AS n FROM item WHERE place LIKE $1', [`${runTag}-%`])).rows[0].n);
  await c.end();

  // ---------------------------------------------------------------- figures
  const firstKill = kills[0].at;
  const inDown = (t) => downWindows.some(([a, b]) => t >= a && t < b);
  const phase = (s) => (s.t < firstKill ? 'before' : inDown(s.t) ? 'during' : 'after');
  const groups = { before: [], during: [], after: [] };
  for (const s of samples) groups[phase(s)].push(s);
  const fig = (list) => {
    const st = list.length ? stats(list.map((s) => s.ms)) : { median: NaN, p99: NaN, n: 0 };
    const readsFailed = list.filter((s) => !s.write && !s.ok).length;
    const writesFailed = list.filter((s) => s.write && !s.ok).length;
    return { n: list.length, st, readsFailed, writesFailed };
  };
  const f = { before: fig(groups.before), during: fig(groups.during), after: fig(groups.after) };
  const sent = samples.length;
  const achieved = sent / SECONDS;
  const allReadsFailed = samples.filter((s) => !s.write && !s.ok).length;
  const statusCounts = {};
  for (const s of samples.filter((x) => !x.ok)) statusCounts[`${s.write ? 'POST' : 'GET'} ${s.service} ${s.status || 'no answer'}`] = (statusCounts[`${s.write ? 'POST' : 'GET'} ${s.service} ${s.status || 'no answer'}`] ?? 0) + 1;
  const maxReady = Math.max(...restarts.map((r) => r.ready));
  const maxRotation = Math.max(...restarts.map((r) => r.rotation));
  const avgLoad = loadSamples.length ? loadSamples.reduce((a, b) => a + b, 0) / loadSamples.length : after[0];

  const rows = [
    { figure: `requests sent (target ${RATE}/s × ${SECONDS} s; skipped at ${MAX_IN_FLIGHT} in flight: ${skipped})`, value: `${sent} (${achieved.toFixed(0)}/s)`, target: '—', pass: 'info' },
    { figure: 'failed reads (5xx or no answer), whole run', value: String(allReadsFailed), target: '0', pass: allReadsFailed === 0 },
    { figure: 'failed writes, whole run', value: `${failedWrites.length} (of ${samples.filter((s) => s.write).length}); applied anyway: ${applied.length}`, target: 'counted; none applied', pass: applied.length === 0 ? true : false },
    { figure: 'writes answered 201 and stored', value: `${okWrites} answered, ${stored} rows stored`, target: 'equal', pass: stored === okWrites + applied.length },
    ...['before', 'during', 'after'].map((p) => ({
      figure: `${p === 'during' ? 'while a replica is down (kill → back in rotation)' : p === 'before' ? 'before the first kill' : 'after (replicas back)'}: ${f[p].n} requests`,
      value: `median ${ms(f[p].st.median)} ms, p99 ${ms(f[p].st.p99)} ms; failed reads ${f[p].readsFailed}, writes ${f[p].writesFailed}`,
      target: '—',
      pass: 'info',
    })),
    ...restarts.map((r) => ({
      figure: `kill -9 ${r.service}#1 at ${(r.at / 1000).toFixed(0)} s: out of rotation / listening again / ready / back in rotation`,
      value: `${ms(r.out)} / ${ms(r.listen)} / ${ms(r.ready)} / ${ms(r.rotation)} ms (start-up: ${r.cpu.toFixed(2)} CPU s)`,
      target: 'ready ≤ 5000 ms',
      pass: r.ready <= 5000 ? true : false,
    })),
  ];
  const { m, date, table, loadNote } = summary(rows, {
    pgVersion: '18 (embedded)',
    settings: {},
    loadBefore: before,
    loadAfter: after,
    loadSuffix: `; mean over the run ${avgLoad.toFixed(2)}`,
    data: (d) => `data: ${d}: ${process.env.WARM_STANDBY === '1' ? 'WARM_STANDBY=1, ' : ''}REPLICAS=2 (org, household, volunteer ×2, gateway ×1), ${RATE} req/s target for ${SECONDS} s, 9 reads : 1 write`,
  });
  if (Object.keys(statusCounts).length) log(`failures by kind: ${JSON.stringify(statusCounts)}`);
  const standbyMode = process.env.WARM_STANDBY === '1';
  const section = `${standbyMode ? '### With warm standbys (`WARM_STANDBY=1 npm run bench:cluster`)' : '## Cluster under failure (`bench:cluster`)'}

\`npm start\` with \`REPLICAS=2\`: two processes each of org, household and volunteer (each supervised: a
crashed one is restarted by the launcher), one gateway balancing over them (active health checks every
second, passive ejection, idempotent requests retried on the other replica when the connection was refused).
Load through the gateway at a fixed ${RATE} requests/s for ${SECONDS} s: 9 reads (org units and statistics,
\`/api/auth/me\`, household case lists, volunteer item lists and categories; three roles) to 1 write
(\`POST /api/volunteer/items\`). At ¼, ½ and ¾ of the run one replica (index 1) of org, household and then
volunteer is killed with SIGKILL. "While a replica is down" is from each kill until the gateway has it in rotation
again. Every failed write is looked up in the database afterwards. Restart columns: ms after the kill until the
gateway took the replica out of rotation / a process listened on its port again / its health route answered 200 /
the gateway had it back in rotation; in brackets, the CPU seconds the new process used until its health route
answered (its start-up's own cost: on a machine with a free core the restart takes about that long plus its
waits on PostgreSQL and the org service, whatever else runs). ${process.env.WARM_STANDBY === '1' ? 'Run with `WARM_STANDBY=1`: the supervisor hands the port to the warm standby instead of a cold start.' : 'Run without warm standbys (`WARM_STANDBY` unset): each restart is a cold start of the process.'}

${table}

${machineDocs(m)}; the load generator, the gateway, six service processes and PostgreSQL all on this machine.
${loadNote}; mean over the run ${avgLoad.toFixed(2)} (other work on the machine included).
${Object.keys(statusCounts).length ? `\nFailures by kind: ${Object.entries(statusCounts).map(([k, v]) => `${k}: ${v}`).join(', ')}.\n` : ''}
Measured ${date}.`;
  writeDocs({ name: standbyMode ? 'cluster-standby' : 'cluster', title: 'Cluster under failure', indexRow: '| [Cluster under failure](#cluster-under-failure-benchcluster) | `npm run bench:cluster` |' }, section);
  log(`restarts: ready ≤ ${ms(maxReady)} ms, back in rotation ≤ ${ms(maxRotation)} ms after the kill`);
  if (process.env.BENCH_LAUNCHER_LOG) process.stdout.write(`${launcherLog.join('\n')}\n`);
  return rows.some((r) => r.pass === false) ? 1 : 0;
}
