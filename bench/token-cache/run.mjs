#!/usr/bin/env node
// `npm run bench:token-cache`: requests/s of a cheap authenticated route with the verified-token cache
// (authPlugin's default, 10,000 entries) and without it (cacheSize 0), in two server processes measured
// in alternating rounds in one run, so both see the same machine load. Figures go into docs/benchmarks.md.
//
// Settings: BENCH_SECONDS (per round, 5), BENCH_ROUNDS (per variant, 4), BENCH_CONCURRENCY (keep-alive
// connections, 8), BENCH_TOKENS (distinct tokens cycled over, 200).
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { envInt, fmt, loadBefore as logLoadBefore, loadNote, loadShared, log, machine, require, requireBuilt, runMain, stamp, startChild, writeDocs } from '../lib/common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
requireBuilt(['shared/dist/index.js'], 'run `npm run bench:token-cache` (it builds shared first)');
const { Pool } = require('undici');

const SECONDS = envInt('BENCH_SECONDS', 5);
const ROUNDS = envInt('BENCH_ROUNDS', 4);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const TOKENS = envInt('BENCH_TOKENS', 200);
const PATH = '/api/bench/me';

/** Keep-alive requests from CONCURRENCY loops for `seconds`; every answer must be a 200. */
async function load(url, tokens, seconds) {
  const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
  let done = 0;
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const token = tokens[next++ % tokens.length];
      const res = await pool.request({ path: PATH, method: 'GET', headers: { authorization: `Bearer ${token}` } });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${url}${PATH}: ${res.statusCode}`);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  return { count: done, rps: done / elapsed };
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

runMain(async () => {
  const { generateSigningKeys, signTestToken } = loadShared();
  const keys = generateSigningKeys();
  const tokens = Array.from({ length: TOKENS }, (_, i) =>
    signTestToken(keys.privateKey, { sub: String(1000 + i), username: `bench${i}`, role: 'grid_worker', orgId: 4, scopePaths: ['/1/4/'] }, { expiresIn: 3600 }));
  const variants = [
    { name: 'cache', label: 'with the cache (10,000 entries)', cacheSize: 10_000 },
    { name: 'nocache', label: 'without it (cacheSize 0)', cacheSize: 0 },
  ];
  for (const v of variants) {
    v.server = await startChild(join(here, 'serve.mjs'), [], { cmd: 'start', options: { publicKey: keys.publicKey, cacheSize: v.cacheSize } }, v.name);
    v.rps = [];
    v.cpuUs = [];
    log(`${v.name}: ${v.server.url}`);
  }
  log(`warm-up: 2 s each`);
  for (const v of variants) await load(v.server.url, tokens, 2);

  const before = logLoadBefore();
  for (let r = 0; r < ROUNDS; r++) {
    // alternate which variant goes first
    for (const v of r % 2 ? [...variants].reverse() : variants) {
      const cpu0 = await v.server.cpu();
      const { count, rps } = await load(v.server.url, tokens, SECONDS);
      const cpuMs = (await v.server.cpu()) - cpu0;
      v.rps.push(rps);
      v.cpuUs.push((cpuMs * 1000) / count);
      log(`  round ${r + 1} ${v.name.padEnd(8)} ${fmt(Math.round(rps)).padStart(7)} req/s   server CPU ${((cpuMs * 1000) / count).toFixed(0).padStart(4)} µs/request`);
    }
  }
  const after = os.loadavg();
  for (const v of variants) await v.server.stop();

  const [on, off] = variants;
  const ratio = median(on.rps) / median(off.rps);
  // the two servers of a round ran back to back, under nearly the same load: their ratio is the steadier figure
  const perRound = on.rps.map((x, i) => x / off.rps[i]);
  const roundText = `per round ${perRound.map((x) => `${x.toFixed(2)}×`).join(', ')} (median ${median(perRound).toFixed(2)}×); server CPU per request ${(median(off.cpuUs) / median(on.cpuUs)).toFixed(2)}× less with the cache`;
  const m = machine('—', {});
  const date = stamp();
  const rows = variants.map((v) =>
    `| ${v.label} | ${fmt(Math.round(median(v.rps)))} | ${v.rps.map((x) => fmt(Math.round(x))).join(', ')} | ${median(v.cpuUs).toFixed(0)} |`);
  const table = ['| server | req/s (median of rounds) | each round | server CPU µs/request (median) |', '| --- | ---: | --- | ---: |', ...rows].join('\n');
  const loadText = loadNote(before, after);
  process.stdout.write(`\n${table}\n\nwith / without: ${ratio.toFixed(2)}×; ${roundText}\n${loadText}\n\n`);

  writeDocs(
    { name: 'token-cache', title: 'Token cache', indexRow: '| [Token cache](#token-cache-benchtoken-cache) | `npm run bench:token-cache` |' },
    `## Token cache (bench/token-cache)

\`npm run bench:token-cache\` — \`GET ${PATH}\` (authenticated, no database) on a Fastify app with the auth stack every service
registers (request ids, error handler, input guard, the shared \`authPlugin\` on ES256 with ended sessions checked), once with
the verified-token cache (an LRU keyed by the token's SHA-256, entries dropped at the token's \`exp\`; the default) and once
without it (\`cacheSize: 0\`: an ES256 verification per request), each in its own process. ${ROUNDS} rounds of ${SECONDS} s per
server, alternating (the first server of a round alternates too), ${CONCURRENCY} keep-alive connections (undici Pool) from one load
process cycling over ${TOKENS} distinct tokens, after 2 s of warm-up each. Run ${date}.

${table}

With the cache / without: **${ratio.toFixed(2)}×** requests/s (medians); ${roundText}. Only the server's own CPU is counted per request; the load
generator shares the machine.

**Machine:** ${m.cpu}, ${m.nproc} CPUs (\`nproc\`), ${m.memory} RAM, ${m.os}; Node.js ${m.node}; nice ${m.nice}; ${loadText}
(the machine was shared with other work).
`,
  );
  return 0;
});
