import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '@redheart/shared';
// The real volunteer service (the way its own tests build it) on a PostgreSQL server of this test's
// own, which the test stops and starts again; the gateway in front of it.
import { setup, type TestContext } from '../../volunteer/test/helper';
import { buildGateway, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

interface PgProcess {
  url: string;
  /** Stops the server (fast shutdown: open connections are terminated) and waits for it to exit. */
  stop(): Promise<void>;
}

/** An embedded PostgreSQL in a process of its own (scripts/lib/pg-process.mjs), on `dataDir` and `port`. */
function startPostgresProcess(dataDir: string, port: number): Promise<PgProcess> {
  const child = fork(join(__dirname, '..', '..', '..', 'scripts', 'lib', 'pg-process.mjs'), [dataDir, String(port)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`PostgreSQL process exited (${code}) before it was ready`)));
    child.once('message', (m: { url: string }) => resolve({
      url: m.url,
      stop: async () => {
        child.send('stop');
        await exited;
      },
    }));
  });
}

const pgDir = join(mkdtempSync(join(tmpdir(), 'redheart-outage-')), 'pg');
let port: number;
let pg: PgProcess | undefined;
let vol: TestContext;
let org: FakeUpstream;
let household: FakeUpstream;
let gw: GatewayContext;

const startPg = async () => {
  pg = await startPostgresProcess(pgDir, port);
  return pg;
};

beforeAll(async () => {
  port = await freePort(0);
  const server = await startPg();
  const url = new URL(server.url);
  url.pathname = '/redheart_outage_volunteer';
  vol = await setup(url.toString());
  await vol.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = vol.app.server.address();
  [org, household] = await Promise.all([startUpstream('org'), startUpstream('household')]);
  gw = await buildGateway({
    upstreams: { org: org.url, household: household.url, volunteer: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` },
    publicKey: vol.keys.publicKey,
  });
}, 180_000);

afterAll(async () => {
  await gw?.close();
  await vol?.close().catch(() => undefined);
  await Promise.all([org?.close(), household?.close()]);
  await pg?.stop();
  rmSync(join(pgDir, '..'), { recursive: true, force: true });
}, 60_000);

const api = () => request(gw.app.server);
const asGrid = () => ({ Authorization: `Bearer ${vol.token('grid')}` });
const report = (place: string) =>
  api().post('/api/volunteer/items').set(asGrid()).send({ categoryId: vol.category, place, description: '楼道照明损坏，老人夜间出行不便' });
const itemCount = async () => (await vol.ds.query(`SELECT count(*)::int AS n FROM item`))[0].n as number;

/** Polls until `check` is true; the outcome is what is asserted, never the time it took. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('a database outage (PostgreSQL stopped, then started again)', () => {
  it('answers 503 with Retry-After while the database is down, says not-ready, and recovers when it returns', async () => {
    // Up: a write is stored, every health check is ready.
    expect((await report('龙腾小区1号楼')).status).toBe(201);
    expect((await api().get('/api/health')).status).toBe(200);
    expect(await request(vol.app.server).get('/api/volunteer/health').then((r) => r.body)).toEqual({ status: 'ready', service: 'volunteer' });
    const before = await itemCount();

    await pg!.stop();
    pg = undefined;

    // A write through the gateway: 503 DATABASE_UNAVAILABLE with Retry-After, a zh-CN message, never a 500.
    const write = await report('龙腾小区2号楼');
    expect(write.status).toBe(503);
    expect(write.headers['retry-after']).toBe('5');
    expect(write.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(write.body.message).toMatch(/数据库/);
    // A read too.
    const read = await api().get('/api/volunteer/items').set(asGrid());
    expect(read.status).toBe(503);
    expect(read.headers['retry-after']).toBe('5');
    // The service says not-ready, and so does the gateway (a load balancer takes the instance out).
    const own = await request(vol.app.server).get('/api/volunteer/health');
    expect(own.status).toBe(503);
    expect(own.body).toMatchObject({ statusCode: 503, code: 'NOT_READY', service: 'volunteer' });
    const health = await api().get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'degraded', upstreams: { org: { status: 'up' }, household: { status: 'up' }, volunteer: { status: 'down', error: 'HTTP 503' } } });

    await startPg();

    // Back without restarting the service: health turns ready, then writes succeed again.
    expect(await eventually(async () => (await api().get('/api/health')).status === 200)).toBe(true);
    const again = await report('龙腾小区3号楼');
    expect(again.status).toBe(201);
    // Nothing of the refused write was stored: exactly the one written after the return.
    expect(await itemCount()).toBe(before + 1);
    expect((await vol.ds.query(`SELECT count(*)::int AS n FROM item WHERE place = '龙腾小区2号楼'`))[0].n).toBe(0);
  }, 180_000);
});
