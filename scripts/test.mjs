#!/usr/bin/env node
// `npm test`: the whole jest suite on real PostgreSQL. Without DATABASE_URL an embedded
// PostgreSQL 18 is started in .data/pg-test (wiped each run) and stopped afterwards.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = require(join(root, 'shared/dist/index.js'));

let pg;
const env = { ...process.env };
if (!env.DATABASE_URL) {
  const port = await shared.freePort(Number(env.EMBEDDED_PG_TEST_PORT ?? 54339));
  process.stdout.write(`[test] starting embedded PostgreSQL on 127.0.0.1:${port} …\n`);
  const t = Date.now();
  pg = await shared.startEmbeddedPostgres({ dataDir: join(root, '.data/pg-test'), port, fresh: true });
  env.DATABASE_URL = pg.url;
  process.stdout.write(`[test] PostgreSQL ready in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
} else {
  process.stdout.write(`[test] using DATABASE_URL=${env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}\n`);
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
if (pg) await pg.stop();
process.exit(code);
