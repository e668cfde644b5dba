#!/usr/bin/env node
// `npm test`: the whole jest suite on real PostgreSQL. Without DATABASE_URL an embedded
// PostgreSQL 18 is started in .data/pg-test (wiped each run) and stopped afterwards.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = require(join(root, 'shared/dist/index.js'));

let pg;
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
let dataDir;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  const port = await shared.freePort(Number(env.EMBEDDED_PG_TEST_PORT ?? 0));
  process.stdout.write(`[test] starting embedded PostgreSQL on 127.0.0.1:${port} …\n`);
  const t = Date.now();
  // Folders left by runs that were killed (their pid is gone) are removed first.
  for (const name of existsSync(join(root, '.data')) ? readdirSync(join(root, '.data')) : []) {
    const m = /^pg-test-(\d+)$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(join(root, '.data', name), { recursive: true, force: true });
  }
  // A folder per run, so parallel runs (several terminals, a watcher) never share a cluster.
  dataDir = join(root, '.data', `pg-test-${process.pid}`);
  pg = await shared.startEmbeddedPostgres({ dataDir, port, fresh: true });
  env.DATABASE_URL = pg.url;
  process.stdout.write(`[test] PostgreSQL ready in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
} else {
  process.stdout.write(`[test] using DATABASE_URL=${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}\n`);
}

// The services' role passwords (the apps under test connect as rh_<service>), kept in .data/keys
// like npm start's unless given.
for (const name of ['org', 'household', 'volunteer', 'notify']) {
  const NAME = `${name.toUpperCase()}_DB_PASSWORD`;
  if (!env[NAME] && !env[`${NAME}_FILE`]) env[`${NAME}_FILE`] = shared.loadOrCreateSecret(join(root, '.data', 'keys'), `${name}-db-password`, 24).file;
}

const jestBin = require.resolve('jest/bin/jest');
const args = [jestBin, '--config', join(root, 'jest.config.ts'), ...process.argv.slice(2)];
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env, cwd: root });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
});
if (pg) {
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
