#!/usr/bin/env node
// `npm run build` and the build step of `npm start`: builds each workspace whose sources changed
// since its last successful build, and skips the others. A workspace is up to date when the
// fingerprint of its inputs (its own files, tsconfig.base.json, package-lock.json and the
// fingerprints of the workspaces it depends on) equals the one recorded after its last build and
// its output is still there. `--force` (npm run build:force) builds everything.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const force = process.argv.includes('--force');
const stampFile = join(root, 'node_modules', '.cache', 'redheart-build', 'stamps.json');

/** The workspaces in build order; `after` are the ones whose output they compile against. */
const TARGETS = [
  { name: 'shared', dir: 'shared', output: 'shared/dist/index.js', after: [] },
  { name: 'org', dir: 'services/org', output: 'services/org/dist/src/server.js', after: ['shared'] },
  { name: 'household', dir: 'services/household', output: 'services/household/dist/src/server.js', after: ['shared'] },
  { name: 'volunteer', dir: 'services/volunteer', output: 'services/volunteer/dist/src/server.js', after: ['shared'] },
  { name: 'notification', dir: 'services/notification', output: 'services/notification/dist/src/server.js', after: ['shared'] },
  { name: 'gateway', dir: 'services/gateway', output: 'services/gateway/dist/server.js', after: ['shared'] },
  // The SPA bundles the workflow tables from source (the `@redheart/workflows` alias): a change there rebuilds it.
  { name: 'web', dir: 'web', output: 'web/dist/index.html', after: [], inputs: ['shared/src/workflows'] },
];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.data', 'test-results', 'coverage', '.cache']);
const COMMON_INPUTS = ['tsconfig.base.json', 'package-lock.json'];

function filesOf(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) filesOf(path, out);
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function fingerprint(target, done) {
  const hash = createHash('sha256');
  const files = [...filesOf(join(root, target.dir)), ...(target.inputs ?? []).flatMap((d) => filesOf(join(root, d))), ...COMMON_INPUTS.map((f) => join(root, f)).filter(existsSync)].sort();
  for (const file of files) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  for (const dep of target.after) hash.update(`${dep}:${done[dep]}`);
  return hash.digest('hex');
}

function readStamps() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamps(stamps) {
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, JSON.stringify(stamps, null, 2));
}

function build(target) {
  return new Promise((resolve, reject) => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const child = spawn(npm, ['run', 'build', '--silent', '-w', target.dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(Object.assign(new Error(`build of ${target.name} failed`), { output }))));
  });
}

const log = (line) => process.stdout.write(`[build] ${line}\n`);
const stamps = force ? {} : readStamps();
const fingerprints = {};
const started = Date.now();
let built = 0;

// Targets run in waves: each wave holds the targets whose dependencies are done, built two at a
// time (the TypeScript compiler and Vite each keep one core busy).
const pending = [...TARGETS];
while (pending.length) {
  const wave = pending.filter((t) => t.after.every((d) => d in fingerprints));
  for (const t of wave) pending.splice(pending.indexOf(t), 1);
  const todo = [];
  for (const t of wave) {
    fingerprints[t.name] = fingerprint(t, fingerprints);
    if (stamps[t.name] === fingerprints[t.name] && existsSync(join(root, t.output))) log(`${t.name}: up to date`);
    else todo.push(t);
  }
  const queue = [...todo];
  const worker = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const t0 = Date.now();
      log(`${t.name}: building …`);
      try {
        await build(t);
      } catch (err) {
        process.stderr.write(err.output ?? '');
        log(`${t.name}: FAILED`);
        process.exit(1);
      }
      stamps[t.name] = fingerprints[t.name];
      writeStamps(stamps);
      built++;
      log(`${t.name}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  await Promise.all([worker(), worker()]);
}
log(built ? `${built} of ${TARGETS.length} built in ${((Date.now() - started) / 1000).toFixed(1)} s` : `all ${TARGETS.length} up to date (${Date.now() - started} ms)`);
