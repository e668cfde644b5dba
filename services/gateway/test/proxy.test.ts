import request from 'supertest';
import { accessToken, buildGateway, closedPortUrl, startUpstream, type FakeUpstream, type GatewayContext } from './helper';

let household: FakeUpstream;
let volunteer: FakeUpstream;
let org: FakeUpstream;
let gw: GatewayContext;
let bearer: string;

beforeAll(async () => {
  household = await startUpstream('household');
  volunteer = await startUpstream('volunteer');
  org = await startUpstream('org');
  gw = await buildGateway({ upstreams: { org: org.url, household: household.url, volunteer: volunteer.url } });
  bearer = `Bearer ${accessToken(gw.keys)}`;
});
afterAll(async () => {
  await gw.close();
  await Promise.all([household.close(), volunteer.close(), org.close()]);
});

describe('proxying /api/<service>/…', () => {
  it('compresses JSON answers of 1 KB or more for a client that accepts it, and not the small ones', async () => {
    const big = { note: '户籍迁入材料清单 '.repeat(200) };
    const res = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Accept-Encoding', 'gzip').send(big);
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body).toMatchObject({ body: big }); // supertest decompressed it
    const small = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Accept-Encoding', 'gzip').send({ a: 1 });
    expect(small.status).toBe(200);
    expect(small.headers['content-encoding']).toBeUndefined();
    const refused = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Accept-Encoding', 'identity').send(big);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body).toMatchObject({ body: big });
  });

  it('passes answers on either side of the one-buffer bound (256 KB) through whole, compressed or not', async () => {
    for (const repeat of [9_000, 30_000]) {
      // ~100 KB (read into one buffer before it is sent) and ~330 KB (streamed through)
      const body = { note: '材料'.repeat(repeat) + 'x'.repeat(repeat * 4) };
      const plain = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Accept-Encoding', 'identity').send(body);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toMatchObject({ body });
      const br = await request(gw.app.server).post('/api/household/echo').set('Authorization', bearer).set('Accept-Encoding', 'br').send(body);
      expect([br.status, br.headers['content-encoding']]).toEqual([200, 'br']);
      expect(br.body).toMatchObject({ body });
    }
  });

  it('passes method, full path, query, body, Authorization and cookies to the service', async () => {
    const res = await request(gw.app.server)
      .post('/api/household/echo?x=1&y=%E4%B8%AD')
      .set('Authorization', bearer)
      .set('Cookie', 'rh_refresh=abc; other=1')
      .send({ name: '张三' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ method: 'POST', url: '/api/household/echo?x=1&y=%E4%B8%AD', body: { name: '张三' } });
    expect(res.body.headers.authorization).toBe(bearer);
    expect(res.body.headers.cookie).toBe('rh_refresh=abc; other=1');
    expect(res.headers['x-upstream']).toBe('household');
  });

  it('routes each prefix to its own service', async () => {
    expect((await request(gw.app.server).get('/api/volunteer/echo').set('Authorization', bearer)).headers['x-upstream']).toBe('volunteer');
    expect((await request(gw.app.server).get('/api/org/echo').set('Authorization', bearer)).headers['x-upstream']).toBe('org');
  });

  it('returns every Set-Cookie of the service to the client', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer);
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/api; HttpOnly', 'b=2; Path=/api']);
  });

  it('does not copy hop-by-hop headers of the service onto the client connection', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer);
    expect(res.headers['x-secret-hop']).toBeUndefined();
    expect(res.headers.connection).not.toMatch(/x-secret-hop/);
  });

  it('passes the service status and body through unchanged, without retrying a 503', async () => {
    const before = household.hits.length;
    const res = await request(gw.app.server).get('/api/household/unavailable').set('Authorization', bearer);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ statusCode: 503, code: 'BUSY', message: 'busy' });
    expect(household.hits.slice(before)).toEqual(['GET /api/household/unavailable']);
  });

  it('replaces client-supplied X-Forwarded-For with the address the gateway saw', async () => {
    const res = await request(gw.app.server)
      .get('/api/household/echo')
      .set('Authorization', bearer)
      .set('X-Forwarded-For', '6.6.6.6')
      .set('Forwarded', 'for=6.6.6.6');
    expect(res.body.headers['x-forwarded-for']).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    expect(res.body.headers.forwarded).toBeUndefined();
    expect(res.body.headers['x-forwarded-proto']).toBe('http');
  });

  it('refuses paths that climb out of the service prefix', async () => {
    const before = household.hits.length;
    const res = await request(gw.app.server).get('/api/household/%2e%2e/%2e%2e/secret').set('Authorization', bearer);
    expect(res.status).toBe(400);
    expect(household.hits.length).toBe(before);
  });
});

describe('request ids', () => {
  it('gives each request an id, sends it to the service and back to the client', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.headers['x-request-id']).toBe(id);
  });

  it('keeps a safe incoming id and replaces an unsafe one', async () => {
    const kept = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer).set('X-Request-Id', 'trace-42.a:b');
    expect(kept.headers['x-request-id']).toBe('trace-42.a:b');
    expect(kept.body.headers['x-request-id']).toBe('trace-42.a:b');
    const replaced = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer).set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).not.toBe('bad id <script>');
    expect(replaced.body.headers['x-request-id']).toBe(replaced.headers['x-request-id']);
  });

  it('is on the gateway’s own answers and errors too', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('X-Request-Id', 'no-token-1');
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toBe('no-token-1');
    expect((await request(gw.app.server).get('/api/nothing-here')).headers['x-request-id']).toBeDefined();
  });
});

describe('token check at the gateway', () => {
  it('returns 401 without a token and does not call the service', async () => {
    const before = household.hits.length;
    const res = await request(gw.app.server).post('/api/household/echo').send({ a: 1 });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(household.hits.length).toBe(before);
  });

  it('returns 401 for a token of another key, alg none, expired, or without exp', async () => {
    const { generateSigningKeys } = await import('@redheart/shared');
    const now = Math.floor(Date.now() / 1000);
    const { signJwt } = await import('./helper');
    const forged = [
      accessToken(generateSigningKeys()),
      signJwt({ sub: '1', role: 'admin', scopePaths: ['/1/'], iss: 'redheart-org', aud: 'redheart-api', exp: now + 600 }, null, { alg: 'none', typ: 'JWT' }),
      accessToken(gw.keys, { iat: now - 1200, exp: now - 600 }),
      accessToken(gw.keys, { exp: undefined }),
      accessToken(gw.keys, { iss: 'someone-else' }),
      accessToken(gw.keys, { role: 'emperor' }),
      'not.a.jwt',
    ];
    const before = household.hits.length;
    for (const token of forged) {
      const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(['INVALID_TOKEN', 'UNAUTHORIZED']).toContain(res.body.code);
    }
    expect(household.hits.length).toBe(before);
  });

  it('lets public paths through without a token', async () => {
    const res = await request(gw.app.server).get('/api/volunteer/public/desk');
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('volunteer');
    expect((await request(gw.app.server).get('/api/org/public/desk')).status).toBe(200);
    const lookup = await request(gw.app.server).get('/api/household/public/desk');
    expect(lookup.status).toBe(200);
    expect(lookup.headers['x-upstream']).toBe('household');
  });

  it('does not treat look-alikes of a public path as public', async () => {
    for (const path of ['/api/volunteer/publicity', '/api/volunteer//public/desk', '/api/volunteer/%70ublic/desk', '/api/volunteer/PUBLIC/desk', '/api/household/publicity', '/api/household/PUBLIC/case-lookup', '/api/volunteer/echo?p=/api/volunteer/public/']) {
      expect([path, (await request(gw.app.server).get(path)).status]).toEqual([path, 401]);
    }
  });

  it('does not check tokens on /api/auth/* (login, refresh, logout are public)', async () => {
    const res = await request(gw.app.server).post('/api/auth/login').send({ username: 'x', password: 'y' });
    // the fake org has no auth routes: a 404 from the service proves the request reached it
    expect(res.status).toBe(404);
    expect(org.hits).toContain('POST /api/auth/login');
  });
});

describe('service-to-service routes (/api/<service>/internal/…)', () => {
  it('are never routed, with or without a token or the internal secret, however the path is spelled', async () => {
    const before = org.hits.length + household.hits.length;
    for (const path of [
      '/api/org/internal/communities',
      '/api/org/internal',
      '/api/org/%69nternal/communities',
      '/api/org/INTERNAL/communities',
      '/api/org//internal/communities',
      '/api/household/internal/communities?x=1',
    ]) {
      const res = await request(gw.app.server).get(path).set('Authorization', bearer).set('X-Internal-Token', 'guess');
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.code).toBe('ROUTE_NOT_FOUND');
    }
    expect(org.hits.length + household.hits.length).toBe(before);
  });

  it('strips a client-sent X-Internal-* header from proxied requests', async () => {
    const res = await request(gw.app.server).get('/api/household/echo').set('Authorization', bearer).set('X-Internal-Token', 'guess');
    expect(res.status).toBe(200);
    expect(res.body.headers['x-internal-token']).toBeUndefined();
  });
});

describe('when a service is down or stalls', () => {
  it('returns 503 UPSTREAM_UNAVAILABLE when nothing listens', async () => {
    const down = await buildGateway({ upstreams: { org: await closedPortUrl(), household: await closedPortUrl(), volunteer: await closedPortUrl() } });
    try {
      const res = await request(down.app.server).get('/api/household/echo').set('Authorization', `Bearer ${accessToken(down.keys)}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ statusCode: 503, code: 'UPSTREAM_UNAVAILABLE', message: '住户服务暂不可用，请稍后重试' });
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['x-request-id']).toBeDefined();
      const login = await request(down.app.server).post('/api/auth/login').send({ username: 'a', password: 'b' });
      expect(login.status).toBe(503);
      expect(login.body.message).toBe('组织服务暂不可用，请稍后重试');
    } finally {
      await down.close();
    }
  });

  it('returns 504 UPSTREAM_TIMEOUT after UPSTREAM_TIMEOUT_MS (not the 3 s stall) when the service stalls', async () => {
    const slow = await startUpstream('household', { slowMs: 3000 });
    const gw2 = await buildGateway({ upstreams: { org: org.url, household: slow.url, volunteer: volunteer.url }, upstreamTimeoutMs: 300 });
    try {
      const started = Date.now();
      const res = await request(gw2.app.server).get('/api/household/slow').set('Authorization', `Bearer ${accessToken(gw2.keys)}`);
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      expect(res.body).toMatchObject({ statusCode: 504, code: 'UPSTREAM_TIMEOUT' });
      expect(elapsed).toBeGreaterThanOrEqual(280);
      // a fast answer on the same gateway still works
      expect((await request(gw2.app.server).get('/api/household/echo').set('Authorization', `Bearer ${accessToken(gw2.keys)}`)).status).toBe(200);
      // the limit is on the wait for the answer, not on a body that keeps flowing
      const drip = await request(gw2.app.server).get('/api/household/drip').set('Authorization', `Bearer ${accessToken(gw2.keys)}`);
      expect(drip.status).toBe(200);
      expect(drip.text.split('\n').filter(Boolean)).toHaveLength(6);
    } finally {
      await gw2.close();
      await slow.close();
    }
  });
});
