#!/usr/bin/env node
// Start-up: how long `npm start` takes from the command to "is running" — a full build
// (`build:force`), then starts with nothing changed (the build is skipped). The target of issue 14:
// a second start with nothing changed is up in ≤ 15 s. Ports: BENCH_PORT (gateway, default 9080)
// and the next three for the services; EMBEDDED_PG_PORT 54480 unless set. Uses the demo database in
// .data/pg like `npm start` does (created and seeded by the first start when missing).
import { spawn } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { envInt, log, machine, root, stamp, stats, writeDocs } from '../lib/common.mjs';

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

const load0 = os.loadavg();
log(`load average before: ${load0.map((v) => v.toFixed(2)).join(' ')}`);
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
