import { createServer, type Server, type Socket } from 'node:net';
import Fastify from 'fastify';
import { Client, Pool } from 'pg';
import request from 'supertest';
import { freePort, isDatabaseUnavailable, registerErrorHandler } from '../src';

// Real errors from real connections: which ones mean "the database cannot be reached".
const caught = <T>(p: Promise<T>) => p.then(() => undefined, (e: unknown) => e);
const testDb = () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = '/postgres';
  return url.toString();
};

describe('isDatabaseUnavailable', () => {
  let silent: Server;
  let silentPort: number;
  const held: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => held.push(socket)); // accepts connections and never answers
    silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((r) => silent.close(r));
  });

  it('is true for a refused connection', async () => {
    const pool = new Pool({ host: '127.0.0.1', port: await freePort(0), connectionTimeoutMillis: 2000 });
    const err = await caught(pool.query('SELECT 1'));
    await pool.end();
    expect(err).toBeDefined();
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is true for the pool giving up on a connect that never completes (connectionTimeoutMillis)', async () => {
    const pool = new Pool({ host: '127.0.0.1', port: silentPort, connectionTimeoutMillis: 200 });
    const err = await caught(pool.query('SELECT 1'));
    await pool.end().catch(() => undefined);
    expect(err).toBeDefined();
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is true for a connection the server terminates (57P01), then for the dead client', async () => {
    const victim = new Client({ connectionString: testDb() });
    victim.on('error', () => undefined);
    await victim.connect();
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const admin = new Client({ connectionString: testDb() });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
    const err = (await caught(victim.query('SELECT 1'))) as { code?: string };
    expect(isDatabaseUnavailable(err)).toBe(true);
    const again = await caught(victim.query('SELECT 1'));
    expect(isDatabaseUnavailable(again)).toBe(true);
    await victim.end().catch(() => undefined);
  });

  it('is false for errors of the request itself: constraint, syntax, bad value', async () => {
    const c = new Client({ connectionString: testDb() });
    await c.connect();
    try {
      await c.query('CREATE TEMP TABLE t (id int PRIMARY KEY)');
      await c.query('INSERT INTO t VALUES (1)');
      for (const sql of ['INSERT INTO t VALUES (1)', 'SELEC 1', "SELECT 'x'::int"]) {
        const err = (await caught(c.query(sql))) as { code?: string };
        expect(err?.code).toMatch(/^(23505|42601|22P02)$/);
        expect(isDatabaseUnavailable(err)).toBe(false);
      }
    } finally {
      await c.end();
    }
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });

  it('is true for a driver error wrapped by TypeORM (driverError) and for an AggregateError of refused addresses', () => {
    expect(isDatabaseUnavailable({ message: 'query failed', driverError: { code: '57P03', message: 'the database system is starting up' } })).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], ''))).toBe(true);
    expect(isDatabaseUnavailable({ code: '08006', message: 'connection failure' })).toBe(true);
  });
});

describe('registerErrorHandler and an unreachable database', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, not 500', async () => {
    const port = await freePort(0);
    const pool = new Pool({ host: '127.0.0.1', port, connectionTimeoutMillis: 2000 });
    const app = Fastify();
    registerErrorHandler(app);
    app.post('/write', async () => pool.query('INSERT INTO nowhere VALUES (1)'));
    app.post('/bug', async () => {
      throw new Error('a bug');
    });
    await app.ready();
    try {
      const res = await request(app.server).post('/write').send({});
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(res.body.message).toMatch(/数据库/);
      expect((await request(app.server).post('/bug').send({})).status).toBe(500);
    } finally {
      await app.close();
      await pool.end();
    }
  });
});
