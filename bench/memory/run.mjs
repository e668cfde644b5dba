#!/usr/bin/env node
// Resident memory of the whole stack after a warm-up (issue 12's memory target): starts `npm start`'s
// scripts/start.mjs (built dist, demo data, its database: DATABASE_URL or the embedded one), sends
// each main list route through the gateway for BENCH_SECONDS (3) from 8 keep-alive connections (a few hundred
// requests each; the requests/s it prints are a rough ratio between two runs at most, not a benchmark), then
// prints every service process's VmRSS and the sum. Ports: BENCH_PORT_GROUP k (9) → gateway 9k80, services 9k81–9k84,
// metrics 9k85–9k89, replicas 9k90+, embedded PostgreSQL 544k0, NATS 42k2. Measures only; writes nothing.
//   node bench/memory/run.mjs            BENCH_PORT_GROUP=2 BENCH_SECONDS=5 node bench/memory/run.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envInt, log, require, requireBuilt, runMain, startPlatform } from '../lib/common.mjs';

requireBuilt(
  ['shared/dist/index.js', 'services/org/dist/src/server.js', 'services/household/dist/src/server.js', 'services/volunteer/dist/src/server.js', 'services/notification/dist/src/server.js', 'services/gateway/dist/server.js'],
  'run `npm run build` first',
);
const autocannon = require('autocannon');
const K = envInt('BENCH_PORT_GROUP', 9);
const SECONDS = envInt('BENCH_SECONDS', 3);
const port = (n) => String(9000 + K * 100 + n);
const GW = `http://127.0.0.1:${port(80)}`;
const sleep = (t) => new Promise((r) => setTimeout(r, t));

function startStack() {
  return startPlatform({
    ...process.env,
    PORT: port(80), ORG_PORT: port(81), HOUSEHOLD_PORT: port(82), VOLUNTEER_PORT: port(83), NOTIFY_PORT: port(84),
    GATEWAY_METRICS_PORT: port(85), ORG_METRICS_PORT: port(86), HOUSEHOLD_METRICS_PORT: port(87), VOLUNTEER_METRICS_PORT: port(88),
    NOTIFY_METRICS_PORT: port(89), REPLICA_PORT_BASE: port(90), EMBEDDED_PG_PORT: String(54400 + K * 10), NATS_PORT: String(4202 + K * 10),
    LOG_LEVEL: 'warn',
  });
}

async function waitUp(stack, timeoutMs = 300_000) {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(500)) {
    if (stack.child.exitCode !== null) throw new Error(`the stack exited (${stack.child.exitCode}):\n${stack.output()}`);
    if (stack.output().includes('Ctrl+C')) return;
  }
  throw new Error(`not up within ${timeoutMs} ms:\n${stack.output()}`);
}

async function login(username) {
  const r = await fetch(`${GW}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: process.env.DEMO_PASSWORD ?? 'Qixia@2020' }) });
  const json = await r.json().catch(() => undefined);
  if (r.status !== 200 || !json?.accessToken) throw new Error(`login ${username}: ${r.status}`);
  return { token: json.accessToken, user: json.user };
}

/** SECONDS of requests from 8 keep-alive connections: requests/s; throws on anything not 2xx. */
const cannon = (path, token) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `${GW}${path}`, connections: 8, duration: SECONDS, headers: { authorization: `Bearer ${token}` } }, (err, r) =>
      err ? reject(err) : r.non2xx + r.errors + r.timeouts ? reject(new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`)) : resolve(r.requests.total / (r.duration || 1)),
    ),
  );

/** start.mjs's service processes (its children running services/<name>/dist). */
function stackProcesses(rootPid) {
  const out = [];
  for (const pid of readFileSync(`/proc/${rootPid}/task/${rootPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)) {
    const m = /services\/(\w+)\/dist/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '));
    if (m) out.push({ pid, name: m[1] });
  }
  return out;
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

runMain(async () => {
  log(`starting the stack (port group ${K}) …`);
  const stack = startStack();
  try {
    await waitUp(stack);
    const admin = await login('admin');
    const clerk = await login('clerk.longteng');
    const staff = await login('unit.staff');
    const routes = [
      [`/api/org/units/${admin.user.orgId}/children`, admin],
      ['/api/household/cases?limit=20', clerk],
      ['/api/volunteer/items?view=open&limit=20', staff],
      ['/api/notify/notifications', clerk],
      ['/api/notify/announcements', clerk],
    ];
    log(`warm-up: ${SECONDS} s on each of ${routes.length} routes …`);
    for (const [path, who] of routes) log(`  ${path}: ${(await cannon(path, who.token)).toFixed(0)} req/s`);
    await sleep(1000);
    const rss = stackProcesses(stack.child.pid).map((p) => ({ ...p, mib: rssMiB(p.pid) }));
    const total = rss.reduce((a, p) => a + p.mib, 0);
    log(`resident memory after warm-up: ${rss.map((p) => `${p.name} ${p.mib.toFixed(0)}`).join(', ')} → ${total.toFixed(0)} MiB`);
    return 0;
  } finally {
    await stack.stop();
  }
});
