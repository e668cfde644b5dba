import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  type AuthUser, failoverFetch, generateSigningKeys, isUnreachable, insertMany, loadServiceConfig, serviceLogger, TEST_COMMUNITIES, TEST_COMMUNITY, testTokens, workerTestDatabaseUrl,
} from '../src';
import { compileCacheDir } from '../src/compile-cache';
import { emptyTestDatabase } from './db';

describe('loadServiceConfig', () => {
  const env = {
    JWT_PUBLIC_KEY: 'PUB\\nKEY', INTERNAL_TOKEN: ' tok \n', DATABASE_URL: 'postgres://owner:secret@db:5432/rh', VOLUNTEER_DB_PASSWORD: 'v p/w', HOUSEHOLD_DB_PASSWORD: 'hpw',
  };

  it('reads the common part with its defaults', () => {
    expect(loadServiceConfig(env, 'volunteer', 8083)).toEqual({
      port: 8083,
      host: '127.0.0.1',
      // as the service's own role, never the owner of DATABASE_URL
      databaseUrl: 'postgres://rh_volunteer:v%20p%2Fw@db:5432/rh_volunteer',
      publicKey: 'PUB\nKEY',
      orgUrl: 'http://127.0.0.1:8081',
      orgUrls: ['http://127.0.0.1:8081'],
      internalToken: 'tok',
      logLevel: 'info',
      // events: no NATS_URL → the HTTP fallback, the default subject prefix
      events: { prefix: 'redheart' },
    });
  });

  it('takes <SERVICE>_PORT, <SERVICE>_HOST, <SERVICE>_DATABASE_URL, ORG_URL, LOG_LEVEL and the named secrets (trimmed)', () => {
    const c = loadServiceConfig(
      {
        ...env, HOUSEHOLD_PORT: '9002', HOUSEHOLD_HOST: '0.0.0.0', HOUSEHOLD_DATABASE_URL: 'postgres://u@other/h', ORG_URL: 'http://org:1',
        LOG_LEVEL: 'warn', PII_ENCRYPTION_KEY: 'enc ', PII_HASH_KEY: ' hash',
      },
      'household',
      8082,
      { piiEncryptionKey: 'PII_ENCRYPTION_KEY', piiHashKey: 'PII_HASH_KEY' },
    );
    expect(c).toMatchObject({ port: 9002, host: '0.0.0.0', databaseUrl: 'postgres://rh_household:hpw@other/h', orgUrl: 'http://org:1', logLevel: 'warn', piiEncryptionKey: 'enc', piiHashKey: 'hash' });
  });

  it('takes ORG_URLS (comma-separated) before ORG_URL', () => {
    expect(loadServiceConfig({ ...env, ORG_URLS: 'http://org-a:1/, http://org-b:2', ORG_URL: 'http://org:1' }, 'volunteer', 8083))
      .toMatchObject({ orgUrl: 'http://org-a:1', orgUrls: ['http://org-a:1', 'http://org-b:2'] });
    expect(() => loadServiceConfig({ ...env, ORG_URLS: 'http://a:1,ftp://b' }, 'volunteer', 8083)).toThrow('ORG_URLS / ORG_URL must be http(s) URLs, got ftp://b');
  });

  it('takes <SERVICE>_DATABASE_READ_URL as the same role, and wants the role\'s password', () => {
    expect(loadServiceConfig({ ...env, HOUSEHOLD_DATABASE_READ_URL: 'postgres://x:y@replica:5433/rh_household?sslmode=require' }, 'household', 8082))
      .toMatchObject({ databaseUrl: 'postgres://rh_household:hpw@db:5432/rh_household', databaseReadUrl: 'postgres://rh_household:hpw@replica:5433/rh_household?sslmode=require' });
    expect(loadServiceConfig(env, 'household', 8082).databaseReadUrl).toBeUndefined();
    expect(() => loadServiceConfig({ ...env, VOLUNTEER_DB_PASSWORD: '' }, 'volunteer', 8083)).toThrow('VOLUNTEER_DB_PASSWORD(_FILE) must be set (npm start creates it in .data/keys)');
  });

  it('refuses what is missing or wrong, the public key first, then the secrets, the internal token, the port', () => {
    const pii = { piiEncryptionKey: 'PII_ENCRYPTION_KEY', piiHashKey: 'PII_HASH_KEY' };
    expect(() => loadServiceConfig({}, 'household', 8082, pii)).toThrow('JWT_PUBLIC_KEY(_FILE) must be set (npm start creates it in .data/keys)');
    expect(() => loadServiceConfig({ JWT_PUBLIC_KEY: 'k', PII_HASH_KEY: 'h' }, 'household', 8082, pii))
      .toThrow('PII_ENCRYPTION_KEY(_FILE) and PII_HASH_KEY(_FILE) must be set (npm start creates them in .data/keys)');
    expect(() => loadServiceConfig({ JWT_PUBLIC_KEY: 'k' }, 'volunteer', 8083, { x: 'X_KEY' })).toThrow('X_KEY(_FILE) must be set (npm start creates it in .data/keys)');
    expect(() => loadServiceConfig({ JWT_PUBLIC_KEY: 'k' }, 'volunteer', 8083)).toThrow('INTERNAL_TOKEN(_FILE) must be set (npm start creates it in .data/keys)');
    expect(() => loadServiceConfig({ ...env, VOLUNTEER_PORT: 'x' }, 'volunteer', 8083)).toThrow('VOLUNTEER_PORT must be a port number');
    expect(() => loadServiceConfig({ ...env, VOLUNTEER_PORT: '' }, 'volunteer', 8083)).toThrow('VOLUNTEER_PORT must be a port number');
    expect(() => loadServiceConfig({ ...env, DATABASE_URL: undefined }, 'volunteer', 8083)).toThrow(/DATABASE_URL is not set/);
  });
});

describe('insertMany (real PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await emptyTestDatabase('shared_insert_many');
    await ds.query(`CREATE TABLE t (id serial PRIMARY KEY, code text UNIQUE, data jsonb)`);
  });
  afterAll(async () => ds.destroy());

  it('writes the rows in order across chunks, objects as JSON, and returns what RETURNING gives in order', async () => {
    // 2 columns: 15,000 rows a statement, so three statements.
    const rows = Array.from({ length: 30_001 }, (_, i) => [`c${i}`, i % 2 ? { i } : null]);
    const back = await insertMany(ds.manager, 't', ['code', 'data'], rows, 'id, code');
    expect(back).toHaveLength(30_001);
    expect(back.map((r) => r.code)).toEqual(rows.map((r) => r[0]));
    expect(back.map((r) => r.id)).toEqual(Array.from({ length: 30_001 }, (_, i) => i + 1));
    expect(await ds.query(`SELECT code, data FROM t WHERE id IN (1, 2) ORDER BY id`)).toEqual([{ code: 'c0', data: null }, { code: 'c1', data: { i: 1 } }]);
  });

  it('returns nothing without RETURNING and appends the ON CONFLICT clause', async () => {
    expect(await insertMany(ds.manager, 't', ['code'], [['c0'], ['new']], '', 'ON CONFLICT (code) DO NOTHING')).toEqual([]);
    expect((await ds.query(`SELECT count(*)::int AS n FROM t`))[0].n).toBe(30_002);
    await expect(insertMany(ds.manager, 't', ['code'], [['c1']])).rejects.toThrow(/duplicate key/);
    expect(await insertMany(ds.manager, 't', ['code'], [])).toEqual([]);
  });
});

describe('test helpers', () => {
  it('names a database per service and jest worker', () => {
    const url = new URL(workerTestDatabaseUrl('volunteer', 'seed'));
    expect(url.pathname).toBe(`/redheart_test_volunteer_w${process.env.JEST_WORKER_ID ?? '1'}_seed`);
    expect(new URL(workerTestDatabaseUrl('org')).pathname).toBe(`/redheart_test_org_w${process.env.JEST_WORKER_ID ?? '1'}`);
  });

  it('signs each test user once', () => {
    const users: Record<string, AuthUser> = { a: { sub: '1', username: 'a', role: 'admin', orgId: 1, scopePaths: ['/1/'] } };
    const token = testTokens(generateSigningKeys().privateKey, users);
    expect(token('a')).toBe(token('a'));
    expect(JSON.parse(Buffer.from(token('a').split('.')[1], 'base64url').toString())).toMatchObject({ sub: '1', username: 'a' });
  });

  it('keeps the fixture communities as the org fixture has them', () => {
    expect(TEST_COMMUNITIES.map((c) => [c.id, c.path])).toEqual([[TEST_COMMUNITY.cuiting, '/1/2/5/'], [TEST_COMMUNITY.longteng, '/1/3/7/'], [TEST_COMMUNITY.wanda, '/1/3/8/']]);
  });
});

/** Runs a script in a node of its own against the built shared package (npm test builds it first). */
function runNode(script: string, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('serveUntilSignal and runService', () => {
  it('gives the logger options', () => {
    expect(serviceLogger('warn')).toEqual({ level: 'warn', redact: ['req.headers.authorization', 'req.headers.cookie'] });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s: logs closing, runs beforeClose, closes the app and exits 0', async (signal) => {
    let sent = false;
    const res = await runNode(
      `const { serveUntilSignal, serviceLogger } = require('./dist');
       const app = require('fastify')({ logger: serviceLogger('info') });
       app.addHook('onClose', async () => { process.stdout.write('onClose\\n'); });
       serveUntilSignal(app, { port: 0, host: '127.0.0.1', logSignal: true, beforeClose: () => process.stdout.write('beforeClose\\n') })
         .then(() => process.stdout.write('listening\\n'));`,
      (out, child) => {
        if (!sent && out.includes('listening\n')) {
          sent = true;
          child.kill(signal);
        }
      },
    );
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    // (pino writes to fd 1 directly, so its line may come before or after the script's own.)
    const closing = lines.find((l) => l.includes('"msg":"closing"'));
    expect(JSON.parse(closing ?? '{}')).toMatchObject({ level: 30, signal });
    expect(lines.indexOf('beforeClose')).toBeGreaterThan(-1);
    expect(lines.indexOf('onClose')).toBeGreaterThan(lines.indexOf('beforeClose'));
  });

  it('a second signal while closing (a process-group stop reaches a service twice) does not cut the close short', async () => {
    let sent = false;
    const res = await runNode(
      `const { serveUntilSignal, serviceLogger } = require('./dist');
       const app = require('fastify')({ logger: serviceLogger('warn') });
       app.addHook('onClose', async () => { await new Promise((r) => setTimeout(r, 300)); process.stdout.write('onClose done\\n'); });
       serveUntilSignal(app, { port: 0, host: '127.0.0.1' }).then(() => process.stdout.write('listening\\n'));`,
      (out, child) => {
        if (!sent && out.includes('listening\n')) {
          sent = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGTERM'), 50);
        }
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('onClose done');
  });

  it('logs nothing of its own without logSignal', async () => {
    let sent = false;
    const res = await runNode(
      `const { serveUntilSignal, serviceLogger } = require('./dist');
       const app = require('fastify')({ logger: serviceLogger('info') });
       serveUntilSignal(app, { port: 0, host: '127.0.0.1' }).then(() => process.stdout.write('listening\\n'));`,
      (out, child) => {
        if (!sent && out.includes('listening\n')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain('closing');
  });

  it('runService reports a failed start on stderr and exits 1', async () => {
    const res = await runNode(`require('./dist').runService('demo service', async () => { throw new Error('boom'); });`);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^demo service failed to start: Error: boom\n {4}at /);
  });
});

describe('the module compile cache (compile-cache.ts)', () => {
  it('is kept in COMPILE_CACHE_DIR, else under the temporary folder, and is off with COMPILE_CACHE=off', () => {
    expect(compileCacheDir({ COMPILE_CACHE_DIR: '/x/cache' })).toBe('/x/cache');
    expect(compileCacheDir({})).toBe(join(tmpdir(), 'redheart-compile-cache'));
    for (const off of ['off', 'OFF', '0', 'false']) expect(compileCacheDir({ COMPILE_CACHE: off, COMPILE_CACHE_DIR: '/x/cache' })).toBeUndefined();
  });

  // Node.js ≥ 22.1 has module.enableCompileCache; on Node.js 20 the same start works and writes nothing.
  const hasCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
  const script = `const { compileCacheDirectory } = require('./dist/enable-compile-cache');
    require('fastify');
    require('./dist/compile-cache').flushCompileCache();
    process.stdout.write(JSON.stringify(compileCacheDirectory ?? null));`;

  it(`a process that imports enable-compile-cache first ${hasCache ? 'writes its compiled modules there' : 'starts as before (no cache on this Node.js)'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compile-cache-test-'));
    try {
      const { NODE_COMPILE_CACHE: _ignored, ...env } = process.env;
      const res = await runNode(script, undefined, { ...env, COMPILE_CACHE_DIR: dir });
      expect(res).toMatchObject({ code: 0, stderr: '' });
      const used = JSON.parse(res.stdout) as string | null;
      const files = readdirSync(dir, { recursive: true }).length;
      if (hasCache) {
        expect(used).toBe(dir);
        expect(files).toBeGreaterThan(0);
      } else {
        expect(used).toBeNull();
        expect(files).toBe(0);
      }
      const off = await runNode(script, undefined, { ...env, COMPILE_CACHE: 'off', COMPILE_CACHE_DIR: join(dir, 'off') });
      expect(off).toMatchObject({ code: 0, stdout: 'null' });
      expect(existsSync(join(dir, 'off'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('failoverFetch', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });
  const listen = async (answer: string, status = 200) => {
    const s = createServer((req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(`${answer} ${req.url}`));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  const closedPort = async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    await new Promise((r) => s.close(r));
    return `http://127.0.0.1:${port}`;
  };

  it('tries the next replica when one refuses the connection, then stays on the one that answered', async () => {
    const down = await closedPort();
    const up = await listen('b');
    const call = failoverFetch([down, up]);
    expect(await (await call('/x')).text()).toBe('b /x');
    expect(await (await call('/y')).text()).toBe('b /y');
  });

  it('returns any answer as it is (a 503 is not failed over) and throws when none can be reached', async () => {
    const busy = await listen('a', 503);
    const up = await listen('b');
    const res = await failoverFetch([busy, up])('/z');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('a /z');
    const call = failoverFetch([await closedPort(), await closedPort()]);
    const err = await call('/z').catch((e: unknown) => e);
    expect(isUnreachable(err)).toBe(true);
  });
});
