#!/usr/bin/env node
// `npm start` (after the build): database (embedded unless DATABASE_URL), migrations, demo data
// once, every service, the gateway serving the built SPA; prints the URL and demo logins.
// `--dev`: services restart on rebuilt code (tsc -w + node --watch) and Vite serves the SPA.
//
// Every process runs under a Supervisor (@redheart/shared): one that crashes is restarted with a
// back-off (250 ms doubling to 8 s) and a log line, and given up after more than 5 crashes in a
// minute; a crash never stops the other services or the database. Ctrl+C / SIGTERM stops everything.
// A restarted process runs at a raised priority (RESTART_NICE, default -10; 'off': not) until its health route
// answers, so it loads its modules ahead of the running ones instead of queueing behind them (needs root or
// CAP_SYS_NICE; without it, normal priority and one log line).
// WARM_STANDBY=1: each process also has a warm standby (started, not listening) that takes over its
// port at once when it crashes, while a new standby starts (twice the processes, a restart in ms).
// REPLICAS=<n> (or <NAME>_REPLICAS, e.g. HOUSEHOLD_REPLICAS=3) runs n processes of each service, each
// on its own port (consecutive from REPLICA_PORT_BASE, or free ports) with REPLICA_INDEX (0-based); the gateway gets
// the list of each (ORG_URLS, HOUSEHOLD_URLS, VOLUNTEER_URLS) and balances across it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventsBus } from './lib/nats.mjs';
import { SERVICES, databaseServer, demoAccounts, log, migrateAll, root, secrets, seedAll, shared, withoutCredentials } from './lib/platform.mjs';

const dev = process.argv.includes('--dev');
/** WARM_STANDBY=1: each process has a started copy waiting that takes over at once when it crashes (not with --dev). */
const WARM_STANDBY = !dev && process.env.WARM_STANDBY === '1';
const watchers = [];
let stopping = false;
let db;
/** The events path (scripts/lib/nats.mjs): NATS_URL, a local nats-server, or the HTTP fallback. */
let bus;
/** RESTART_NICE: the niceness of a restarted process until it is healthy (-10; 'off': unchanged). */
const RESTART_NICE = process.env.RESTART_NICE === 'off' ? null : Number(process.env.RESTART_NICE ?? -10);
if (RESTART_NICE !== null && (!Number.isInteger(RESTART_NICE) || RESTART_NICE < -20 || RESTART_NICE > 19)) throw new Error(`RESTART_NICE must be an integer from -20 to 19 or off, got ${process.env.RESTART_NICE}`);
const supervisor = new shared.Supervisor({ log: (line) => log(line), restartNice: RESTART_NICE });
/** Settles when every process answers its health route: the warm standbys start then, not competing with the first start. */
supervisor.on('standby', (name, pid) => log(`${name}: warm standby ready (pid ${pid})`));
let markUp;
const platformUp = new Promise((resolve) => (markUp = resolve));

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping …');
  // a nats-server of our own is stopped after the services; until then its exit is not restarted
  bus?.hold?.();
  for (const c of watchers) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all([
    supervisor.stop('SIGTERM', 15_000),
    ...watchers.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)))),
  ]);
  // after the services (they drain their NATS connections), before the database
  if (bus) await bus.stop();
  if (db) await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function spawnChild(name, args, env, opts = {}) {
  const child = spawn(opts.command ?? process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, ...(opts.standby ? { SUPERVISOR_STANDBY: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe', ...(opts.standby ? ['ipc'] : [])],
  });
  const prefix = `[${name}${opts.standby ? ' standby' : ''}] `;
  const pipe = (stream, out) => {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (opts.quiet && !/"level":(4|5|6)0|error|Error/.test(line)) continue;
        out.write(prefix + line + '\n');
      }
    });
  };
  pipe(child.stdout, process.stdout);
  pipe(child.stderr, process.stderr);
  return child;
}

/** A supervised process (restarted when it crashes); in --dev mode node --watch restarts it instead. */
function run(name, args, env, opts = {}) {
  if (opts.watch) {
    const child = spawnChild(name, args, env, opts);
    watchers.push(child);
    return child;
  }
  return supervisor.add(name, () => spawnChild(name, args, env, opts), {
    ...(opts.health ? { ready: () => waitFor(opts.health, HEALTHY_WITHIN_MS) } : {}),
    ...(WARM_STANDBY ? { standby: () => spawnChild(name, args, env, { ...opts, standby: true }), standbyAfter: platformUp } : {}),
  });
}

async function waitFor(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const started = Date.now();
// the local nats-server (if any) starts while the database starts, migrates and seeds
const busStarting = eventsBus({ root, shared, log });
busStarting.then((b) => (bus = b), () => undefined);
db = await databaseServer();
await migrateAll(db.url);
await seedAll(db.url);
bus = await busStarting;

const { keys, env: secretEnv } = secrets();
const common = {
  // The services connect as their own roles (rh_<service>, passwords in secretEnv), never as the owner.
  DATABASE_URL: withoutCredentials(db.url),
  ...secretEnv,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // Node.js ≥ 22.1: each process keeps its compiled modules here and the next start reuses them (COMPILE_CACHE=off: not)
  COMPILE_CACHE_DIR: process.env.COMPILE_CACHE_DIR ?? join(root, '.data', 'compile-cache'),
  // every process gets the bus (unset: the HTTP fallback)
  ...(bus.url ? { NATS_URL: bus.url } : {}),
};
/** How many processes of a service: <NAME>_REPLICAS, else REPLICAS, else 1. */
function replicasOf(s) {
  const raw = process.env[`${s.name.toUpperCase()}_REPLICAS`] ?? process.env.REPLICAS ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`${s.name.toUpperCase()}_REPLICAS / REPLICAS must be an integer from 1 to 16, got ${raw}`);
  return n;
}
const replicaPortBase = process.env.REPLICA_PORT_BASE ? Number(process.env.REPLICA_PORT_BASE) : undefined;
let nextPort = replicaPortBase;
/** Base URLs of each service's replicas: replica 0 on <NAME>_PORT when set; the others (and replica 0 without it) on consecutive ports from REPLICA_PORT_BASE, or free ones. */
const urls = {};
const taken = new Set([Number(process.env.PORT ?? 8080), ...SERVICES.map((s) => Number(process.env[s.portEnv] ?? 0))]);
for (const s of SERVICES) {
  urls[s.name] = [];
  for (let i = 0; i < replicasOf(s); i++) {
    let port;
    if (i === 0 && process.env[s.portEnv]) port = Number(process.env[s.portEnv]);
    else if (nextPort !== undefined) {
      while (taken.has(nextPort)) nextPort++;
      port = nextPort++;
    } else port = await shared.freePort(s.defaultPort + 100 * i);
    if (urls[s.name].includes(`http://127.0.0.1:${port}`)) throw new Error(`${s.name}: replica ${i} would reuse port ${port}`);
    taken.add(port);
    urls[s.name].push(`http://127.0.0.1:${port}`);
  }
}
const port = Number(process.env.PORT ?? 8080);
// Each process serves Prometheus metrics on an internal port (127.0.0.1 unless METRICS_HOST):
// gateway 9460, org 9461, household 9462, volunteer 9463 (replica i: + 10 × i); `<SERVICE>_METRICS_PORT` overrides.
const METRICS_PORTS = { gateway: 9460, org: 9461, household: 9462, volunteer: 9463, notify: 9464 };
const metricsPortOf = (name) => Number(process.env[`${name.toUpperCase()}_METRICS_PORT`] ?? METRICS_PORTS[name]);

/** ORG_URL (the first) and ORG_URLS (all, comma-separated): household and volunteer call org's internal routes and fail over between them. */
const orgEnv = urls.org ? { ORG_URL: urls.org[0], ORG_URLS: urls.org.join(',') } : { ORG_URL: '' };
// Events: NATS_URL (given, or the local nats-server's); otherwise the HTTP fallback, for which the org service
// needs to know where household and volunteer listen, every replica (docs/architecture.md "Events").
const eventsEnv = {
  ...(urls.household ? { HOUSEHOLD_URL: urls.household[0], HOUSEHOLD_URLS: urls.household.join(',') } : {}),
  ...(urls.volunteer ? { VOLUNTEER_URL: urls.volunteer[0], VOLUNTEER_URLS: urls.volunteer.join(',') } : {}),
  ...(urls.notify ? { NOTIFY_URL: urls.notify[0], NOTIFY_URLS: urls.notify.join(',') } : {}),
};

/**
 * V8 settings of every service and gateway process: young-generation semi-spaces of 2 MiB instead of V8's
 * 16 MiB. A request's garbage dies young either way; the smaller nursery is scavenged more often, which costs
 * little here, and keeps ≈ 30 MiB less resident per process (bench/memory/run.mjs, issue 12). SERVICE_NODE_OPTIONS
 * replaces them (empty: V8's defaults).
 */
const NODE_ARGS = (process.env.SERVICE_NODE_OPTIONS ?? '--max-semi-space-size=2').split(/\s+/).filter(Boolean);

function startService(s) {
  return urls[s.name].map((url, i) => {
    const name = urls[s.name].length > 1 ? `${s.name}#${i}` : s.name;
    const health = `${url}/api/${s.name}/health`;
    const env = {
      ...common,
      [s.portEnv]: new URL(url).port,
      REPLICA_INDEX: String(i),
      ...orgEnv,
      // eventsEnv also tells org where volunteer listens: a meeting decision's work is created there (failing over between replicas)
      ...eventsEnv,
      ...(s.name === 'org' ? { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile } : {}),
    };
    // a per-process metrics port, different for each replica
    // (also as <SERVICE>_METRICS_PORT, which the service prefers: an inherited one would give every
    // replica the same port, and all but one would crash on EADDRINUSE)
    env.METRICS_PORT = env[`${s.name.toUpperCase()}_METRICS_PORT`] = String(metricsPortOf(s.name) + 10 * i);
    if (dev) {
      if (i === 0) run(`${s.name}:tsc`, [join(root, 'node_modules/typescript/bin/tsc'), '-w', '--preserveWatchOutput', '-p', join(root, 'services', s.name, 'tsconfig.json')], {}, { watch: true, quiet: true });
      run(name, [...NODE_ARGS, '--watch', join(root, s.server)], env, { watch: true });
    } else {
      run(name, [...NODE_ARGS, join(root, s.server)], env, { health });
    }
    return { name, health };
  });
}

function startGateway() {
  const health = `http://127.0.0.1:${port}/api/health`;
  run('gateway', [...NODE_ARGS, ...(dev ? ['--watch'] : []), join(root, 'services/gateway/dist/server.js')], {
    ...common,
    PORT: String(port),
    METRICS_PORT: String(metricsPortOf('gateway')),
    ...orgEnv,
    ...(urls.household ? { HOUSEHOLD_URL: urls.household[0], HOUSEHOLD_URLS: urls.household.join(',') } : {}),
    ...(urls.volunteer ? { VOLUNTEER_URL: urls.volunteer[0], VOLUNTEER_URLS: urls.volunteer.join(',') } : {}),
    ...(urls.notify ? { NOTIFY_URL: urls.notify[0], NOTIFY_URLS: urls.notify.join(',') } : {}),
    WEB_DIST: join(root, 'web', 'dist'),
  }, { watch: dev, health });
  return { name: 'gateway', health };
}

/** How long a process may take to answer its health route (STARTUP_TIMEOUT_MS; a busy machine starts slowly). */
const HEALTHY_WITHIN_MS = Number(process.env.STARTUP_TIMEOUT_MS ?? 120_000);

async function healthy(started) {
  const results = await Promise.all(started.map(async (p) => ({ ...p, ok: await waitFor(p.health, HEALTHY_WITHIN_MS) })));
  for (const p of results.filter((r) => !r.ok)) log(`${p.name} did not become healthy in ${HEALTHY_WITHIN_MS / 1000} s`);
  if (results.some((r) => !r.ok)) await shutdown(1);
}

// The org service first (the others read the community list from it when they start), then the
// other services and the gateway side by side.
const [org, ...others] = SERVICES;
await healthy(startService(org));
await healthy([...others.flatMap(startService), startGateway()]);
markUp();
if (WARM_STANDBY) log('starting a warm standby of each process (WARM_STANDBY=1)');
let appUrl = `http://localhost:${port}`;
if (dev) {
  run('web', [join(root, 'node_modules/vite/bin/vite.js'), join(root, 'web'), '--port', String(Number(process.env.WEB_DEV_PORT ?? 5173)), '--strictPort'], { GATEWAY_URL: `http://127.0.0.1:${port}` }, { command: process.execPath });
  appUrl = `http://localhost:${process.env.WEB_DEV_PORT ?? 5173} (Vite, API through the gateway on ${port})`;
}

const accounts = demoAccounts();
const w = Math.max(...accounts.map((a) => a.username.length));
process.stdout.write(`
  红心社区 Red Heart Community is running (${((Date.now() - started) / 1000).toFixed(1)} s)

  Open:      ${appUrl}
  API docs:  http://localhost:${port}/api/docs
  Database:  ${db.embedded ? 'embedded PostgreSQL 18 (.data/pg)' : 'DATABASE_URL'}
  Events:    ${bus.describe}
  Processes: ${SERVICES.map((s) => `${s.name} ×${urls[s.name].length}`).join(', ')}, gateway ×1 (supervised: a crashed one is restarted)

  Demo logins (password Qixia@2020):
${accounts.map((a) => `    ${a.username.padEnd(w)}  ${a.role.padEnd(20)} ${a.orgName}`).join('\n')}
    worker.01 … worker.38: the other community workers recruited in 2020, clerks of their communities

  Ctrl+C stops everything.
`);
