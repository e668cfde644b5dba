#!/usr/bin/env node
// `npm start` (after the build): database (embedded unless DATABASE_URL), migrations, demo data
// once, every service, the gateway serving the built SPA; prints the URL and demo logins.
// `--dev`: services restart on rebuilt code (tsc -w + node --watch) and Vite serves the SPA.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVICES, databaseServer, demoAccounts, log, migrateAll, root, secrets, seedAll, shared, withoutCredentials } from './lib/platform.mjs';

const dev = process.argv.includes('--dev');
const children = [];
let stopping = false;
let db;

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping …');
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
  if (db) await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function run(name, args, env, opts = {}) {
  const child = spawn(opts.command ?? process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
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
  child.on('exit', (code, sig) => {
    if (!stopping && !opts.watch) {
      log(`${name} exited (${code ?? sig}); shutting down`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
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
db = await databaseServer();
await migrateAll(db.url);
await seedAll(db.url);

const { keys, env: secretEnv } = secrets();
const common = {
  // The services connect as their own roles (rh_<service>, passwords in secretEnv), never as the owner.
  DATABASE_URL: withoutCredentials(db.url),
  ...secretEnv,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const urls = {};
for (const s of SERVICES) {
  const port = process.env[s.portEnv] ? Number(process.env[s.portEnv]) : await shared.freePort(s.defaultPort);
  urls[s.name] = `http://127.0.0.1:${port}`;
}
const port = Number(process.env.PORT ?? 8080);

function startService(s) {
  const env = { ...common, [s.portEnv]: new URL(urls[s.name]).port, ORG_URL: urls.org ?? '', ...(s.name === 'org' ? { JWT_PRIVATE_KEY_FILE: keys.privateKeyFile } : {}) };
  if (dev) {
    run(`${s.name}:tsc`, [join(root, 'node_modules/typescript/bin/tsc'), '-w', '--preserveWatchOutput', '-p', join(root, 'services', s.name, 'tsconfig.json')], {}, { watch: true, quiet: true });
    run(s.name, ['--watch', join(root, s.server)], env, { watch: true });
  } else {
    run(s.name, [join(root, s.server)], env);
  }
  return { name: s.name, health: `${urls[s.name]}/api/${s.name}/health` };
}

function startGateway() {
  run('gateway', [...(dev ? ['--watch'] : []), join(root, 'services/gateway/dist/server.js')], {
    ...common,
    PORT: String(port),
    ORG_URL: urls.org,
    ...(urls.household ? { HOUSEHOLD_URL: urls.household } : {}),
    ...(urls.volunteer ? { VOLUNTEER_URL: urls.volunteer } : {}),
    WEB_DIST: join(root, 'web', 'dist'),
  });
  return { name: 'gateway', health: `http://127.0.0.1:${port}/api/health` };
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
await healthy([startService(org)]);
await healthy([...others.map(startService), startGateway()]);
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

  Demo logins (password Qixia@2020):
${accounts.map((a) => `    ${a.username.padEnd(w)}  ${a.role.padEnd(20)} ${a.orgName}`).join('\n')}
    worker.01 … worker.38: the other community workers recruited in 2020, clerks of their communities

  Ctrl+C stops everything.
`);
