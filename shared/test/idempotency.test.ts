import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { type AuthUser, parseId, requestHash, routePath, sendIdempotent } from '../src';
import { emptyTestDatabase } from './db';

describe('routePath', () => {
  const req = (url: string, route: string | undefined, params: Record<string, string>) =>
    ({ url, params, routeOptions: { url: route } }) as unknown as Parameters<typeof routePath>[0];

  it('fills the route parameters in: given values first, else as sent', () => {
    expect(routePath(req('/api/x/items/007/transitions?a=1', '/api/x/items/:id/transitions', { id: '007' }), { id: 7 })).toBe('/api/x/items/7/transitions');
    expect(routePath(req('/api/x/items/007/transitions', '/api/x/items/:id/transitions', { id: '007' }))).toBe('/api/x/items/007/transitions');
    expect(routePath(req('/api/x/items?a=1', '/api/x/items', {}))).toBe('/api/x/items');
  });

  it('falls back on the URL without its query when no route matched', () => {
    expect(routePath(req('/api/x/nowhere?a=1', undefined, {}))).toBe('/api/x/nowhere');
  });
});

describe('sendIdempotent (real PostgreSQL)', () => {
  let ds: DataSource;
  let app: FastifyInstance;
  let calls = 0;

  beforeAll(async () => {
    ds = await emptyTestDatabase('shared_idem');
    await ds.query(`CREATE TABLE idempotency_key (actor_id text NOT NULL, key text NOT NULL, request_hash text NOT NULL, status_code int, body jsonb,
      created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (actor_id, key))`);
    app = Fastify();
    app.addHook('onRequest', async (req) => {
      req.user = { sub: '9', username: 'clerk', role: 'community_clerk' } as AuthUser;
    });
    app.post('/api/t/items', async (req, reply) => sendIdempotent(ds, req, reply, 201, async () => ({ n: ++calls })));
    app.post<{ Params: { id: string } }>('/api/t/items/:id/transitions', async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      return sendIdempotent(ds, req, reply, 200, async (m) => ({ id, n: ++calls, one: (await m.query('SELECT 1 AS one'))[0].one }), { id });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await ds.destroy();
  });

  it('answers with the status, and a retry with the same key gets the first answer back and the replay header', async () => {
    const first = await request(app.server).post('/api/t/items').set('idempotency-key', 'k-1').send({ a: 1 });
    expect(first.statusCode).toBe(201);
    expect(first.body).toEqual({ n: 1 });
    expect(first.headers['idempotent-replay']).toBeUndefined();
    const again = await request(app.server).post('/api/t/items').set('idempotency-key', 'k-1').send({ a: 1 });
    expect(again.statusCode).toBe(201);
    expect(again.body).toEqual({ n: 1 });
    expect(again.headers['idempotent-replay']).toBe('true');
    const other = await request(app.server).post('/api/t/items').set('idempotency-key', 'k-1').send({ a: 2 });
    expect(other.statusCode).toBe(422);
    const none = await request(app.server).post('/api/t/items').send({ a: 1 });
    expect(none.body).toEqual({ n: 2 });
    const bad = await request(app.server).post('/api/t/items').set('idempotency-key', 'ä').send({ a: 1 });
    expect(bad.statusCode).toBe(400);
  });

  it('hashes the method, the route path with the parsed id and the body, as the routes did before', async () => {
    const res = await request(app.server).post('/api/t/items/7/transitions?x=1').set('idempotency-key', 'k-2').send({ action: 'claim' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatchObject({ id: 7, one: 1 });
    const [row] = await ds.query(`SELECT request_hash, status_code, body FROM idempotency_key WHERE actor_id = '9' AND key = 'k-2'`);
    expect(row.request_hash).toBe(requestHash('POST', '/api/t/items/7/transitions', { action: 'claim' }));
    expect(row.status_code).toBe(200);
    // The query string is not part of the hash.
    const again = await request(app.server).post('/api/t/items/7/transitions').set('idempotency-key', 'k-2').send({ action: 'claim' });
    expect(again.headers['idempotent-replay']).toBe('true');
    expect(again.body).toEqual(res.body);
  });
});
