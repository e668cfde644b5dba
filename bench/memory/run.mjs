#!/usr/bin/env node
// Resident memory of the whole stack after a warm-up (issue 12's memory target): starts `npm start`'s
// scripts/start.mjs (built dist, demo data, its database: DATABASE_URL or the embedded one), sends
// each main list route through the gateway for BENCH_SECONDS (3) from 8 keep-alive connections (a few hundred
// requests each; the requests/s it prints are a rough ratio between two runs at most, not a benchmark), then
// prints every service process's VmRSS and the sum, each split into anonymous memory (V8 heap, malloc) and file-backed
// pages (the node binary, native add-ons) from /proc/<pid>/status, with the V8 heap (total / used) and external memory
// from its /metrics. Ports: BENCH_PORT_GROUP k (9) → gateway 9k80, services 9k81–9k84, metrics 9k85–9k89,
// replicas 9k90+, embedded PostgreSQL 544k0, NATS 42k2. BENCH_WRITE_DOCS=1 writes docs/benchmarks.md's "Memory"
// section (BENCH_NOTE: a line on what this run is); otherwise it only measures. SERVICE_NODE_OPTIONS etc. pass through.
//   node bench/memory/run.mjs            BENCH_PORT_GROUP=2 BENCH_SECONDS=5 node bench/memory/run.mjs
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { envInt, log, machine, portGroupEnv, require, requireBuilt, runMain, stackProcesses, stamp, startPlatform, writeDocs } from '../lib/common.mjs';

requireBuilt(
  ['shared/dist/index.js', 'services/org/dist/src/server.js', 'services/household/dist/src/server.js', 'services/volunteer/dist/src/server.js', 'services/notification/dist/src/server.js', 'services/gateway/dist/server.js'],
  'run `npm run build` first',
);
const autocannon = require('autocannon');
const K = envInt('BENCH_PORT_GROUP', 9);
const SECONDS = envInt('BENCH_SECONDS', 3);
const GW = `http://127.0.0.1:${portGroupEnv(K).PORT}`;
const sleep = (t) => new Promise((r) => setTimeout(r, t));

function startStack() {
  return startPlatform({ ...process.env, ...portGroupEnv(K), LOG_LEVEL: 'warn' });
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

/** VmRSS, RssAnon and RssFile of a process, and its proportional share (Pss: shared pages divided among their users), MiB. */
function residentMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN) / 1024;
  let rollup = '';
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    /* an older kernel: no Pss column */
  }
  return { mib: kb(status, 'VmRSS'), anon: kb(status, 'RssAnon'), file: kb(status, 'RssFile'), pss: kb(rollup, 'Pss') };
}

/** The V8 heap (total, used) and external memory of a process, MiB, from prom-client's default metrics on its metrics port. */
async function heapMiB(name) {
  const metricsPort = portGroupEnv(K)[`${name === 'notification' ? 'NOTIFY' : name.toUpperCase()}_METRICS_PORT`];
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
  const value = (metric) => Number(new RegExp(`^${metric}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { heapTotal: value('nodejs_heap_size_total_bytes'), heapUsed: value('nodejs_heap_size_used_bytes'), external: value('nodejs_external_memory_bytes') };
}

const load0 = os.loadavg();
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
    const rss = await Promise.all(stackProcesses(stack.child.pid).map(async (p) => ({ ...p, ...residentMiB(p.pid), ...(await heapMiB(p.name)) })));
    const total = rss.reduce((a, p) => a + p.mib, 0);
    log(`resident memory after warm-up: ${rss.map((p) => `${p.name} ${p.mib.toFixed(0)}`).join(', ')} → ${total.toFixed(0)} MiB`);
    const f = (v) => (Number.isFinite(v) ? v.toFixed(0) : '—');
    const sum = (k) => rss.reduce((a, p) => a + p[k], 0);
    const table = `| process | resident (VmRSS) | anonymous | file-backed | proportional (Pss) | V8 heap total / used | external |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rss.map((p) => `| ${p.name} | ${f(p.mib)} | ${f(p.anon)} | ${f(p.file)} | ${f(p.pss)} | ${f(p.heapTotal)} / ${f(p.heapUsed)} | ${f(p.external)} |`).join('\n')}
| **all ${rss.length}** | **${f(total)}** | ${f(sum('anon'))} | ${f(sum('file'))} | ${f(sum('pss'))} | ${f(sum('heapTotal'))} / ${f(sum('heapUsed'))} | ${f(sum('external'))} |`;
    console.log(table);
    if (process.env.BENCH_WRITE_DOCS === '1') {
      const m = machine('embedded 18', {});
      writeDocs({ name: 'memory', title: 'Memory', indexRow: '| [Memory](#memory-benchmemory) | `npm run bench:memory` |' }, `## Memory (bench/memory)

\`npm run bench:memory\` — \`scripts/start.mjs\` (one process per service and the gateway, \`SERVICE_NODE_OPTIONS\` ${JSON.stringify(process.env.SERVICE_NODE_OPTIONS ?? '--max-semi-space-size=2 (default)')}),
${SECONDS} s of requests on each of ${routes.length} main list routes through the gateway, then each process's memory in MiB (VmRSS
split into anonymous and file-backed pages, and the proportional set size that divides shared pages — the node binary's among the five — from /proc; the V8 heap and external memory from its /metrics). Target of
issue 12: ≤ 447 MiB in all. Run ${stamp()}.${process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE}` : ''}

${table}

**Machine:** ${m.cpu}, ${m.nproc} CPUs, ${m.memory} RAM; Node.js ${m.node}; load average (1 min) ${load0[0].toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after.`);
    }
    return 0;
  } finally {
    await stack.stop();
  }
});
