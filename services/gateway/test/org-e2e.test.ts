import request from 'supertest';
import { generateSigningKeys } from '@redheart/shared';
// The real org service, built the way its own tests build it (real PostgreSQL), then listening.
import { PASSWORD, seedFixture, setup, type Fixture, type TestContext } from '../../org/test/helper';
import { buildGateway, signJwt, type GatewayContext } from './helper';

let org: TestContext;
let f: Fixture;
let orgHits: string[];
let gw: GatewayContext;

beforeAll(async () => {
  org = await setup();
  f = await seedFixture(org.ds);
  await org.app.listen({ port: 0, host: '127.0.0.1' });
  orgHits = [];
  // the gateway's health checks (each second, to every upstream) are not what the tests count
  org.app.server.on('request', (req) => !/\/health$/.test(req.url ?? '') && orgHits.push(`${req.method} ${req.url}`));
  const addr = org.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  gw = await buildGateway({ upstreams: { org: url, household: url, volunteer: url }, publicKey: org.keys.publicKey });
});
afterAll(async () => {
  await gw?.close();
  await org?.close();
});

const login = async (username = 'admin') => {
  const res = await request(gw.app.server).post('/api/auth/login').send({ username, password: PASSWORD });
  expect(res.status).toBe(200);
  return res;
};

describe('POST /api/auth/login through the gateway', () => {
  it('logs in and passes the HttpOnly refresh cookie back', async () => {
    const res = await login();
    expect(res.body).toMatchObject({ expiresIn: expect.any(Number), user: { username: 'admin', role: 'admin' } });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/SameSite=Strict/i);
  });

  it('rotates the refresh cookie through the gateway', async () => {
    const cookie = ([] as string[]).concat((await login()).headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='))!.split(';')[0];
    const res = await request(gw.app.server).post('/api/auth/refresh').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    const next = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='))!.split(';')[0];
    expect(next).not.toBe(cookie);
  });

  it('passes the service’s 401 for a wrong password through', async () => {
    const res = await request(gw.app.server).post('/api/auth/login').send({ username: 'admin', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.body.statusCode).toBe(401);
  });

  it('sends the gateway request id to org', async () => {
    const res = await request(gw.app.server).post('/api/auth/login').set('X-Request-Id', 'e2e-login-1').send({ username: 'admin', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('e2e-login-1');
  });
});

describe('GET /api/org/units/roots through the gateway', () => {
  it('answers with the caller’s roots for a valid token', async () => {
    const { body } = await login('street.zhuangyuan');
    const res = await request(gw.app.server).get('/api/org/units/roots').set('Authorization', `Bearer ${body.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.map((u: { id: number }) => u.id)).toEqual([f.zhuangyuan]);
  });

  it('returns 401 at the gateway without a token (org is not called)', async () => {
    const before = orgHits.length;
    const res = await request(gw.app.server).get('/api/org/units/roots');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect(orgHits.length).toBe(before);
  });

  it('returns 401, never 500, for forged tokens (other key, alg none, expired, no exp)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: '1', username: 'admin', role: 'admin', orgId: f.county, scopePaths: ['/1/'], iss: 'redheart-org', aud: 'redheart-api' };
    const forged = {
      otherKey: signJwt({ ...claims, iat: now, exp: now + 600 }, generateSigningKeys().privateKey),
      algNone: signJwt({ ...claims, iat: now, exp: now + 600 }, null, { alg: 'none', typ: 'JWT' }),
      hs256: signJwt({ ...claims, iat: now, exp: now + 600 }, null, { alg: 'HS256', typ: 'JWT' }),
      expired: signJwt({ ...claims, iat: now - 3600, exp: now - 60 }, org.keys.privateKey),
      noExp: signJwt({ ...claims, iat: now }, org.keys.privateKey),
      garbage: 'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
    };
    const before = orgHits.length;
    for (const [kind, token] of Object.entries(forged)) {
      const res = await request(gw.app.server).get('/api/org/units/roots').set('Authorization', `Bearer ${token}`);
      expect([kind, res.status]).toEqual([kind, 401]);
    }
    expect(orgHits.length).toBe(before);
  });

  it('accepts a token org signed but the gateway did not see being issued (stateless check)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      { sub: '1', username: 'admin', role: 'admin', orgId: f.county, scopePaths: ['/1/'], sid: '00000000-0000-4000-8000-0000000000e2', sv: 0, iss: 'redheart-org', aud: 'redheart-api', iat: now, exp: now + 60 },
      org.keys.privateKey,
    );
    expect((await request(gw.app.server).get('/api/org/units/roots').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });
});

describe('public paths', () => {
  it('GET /api/org/public/desks/:code reaches org without a token (404 JSON for an unknown code)', async () => {
    const before = orgHits.length;
    const res = await request(gw.app.server).get('/api/org/public/desks/NO-SUCH-DESK');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.statusCode).toBe(404);
    expect(orgHits.slice(before)).toEqual(['GET /api/org/public/desks/NO-SUCH-DESK']);
  });

  it('GET /api/org/internal/communities (service-to-service) is not reachable through the gateway', async () => {
    const { body } = await login();
    const before = orgHits.length;
    const res = await request(gw.app.server)
      .get('/api/org/internal/communities')
      .set('Authorization', `Bearer ${body.accessToken}`)
      .set('X-Internal-Token', 'guess');
    expect(res.status).toBe(404);
    expect(orgHits.length).toBe(before);
  });

  it('GET /api/auth/me is checked by org itself', async () => {
    const before = orgHits.length;
    expect((await request(gw.app.server).get('/api/auth/me')).status).toBe(401);
    expect(orgHits.slice(before)).toEqual(['GET /api/auth/me']);
    const { body } = await login('clerk.longteng');
    const me = await request(gw.app.server).get('/api/auth/me').set('Authorization', `Bearer ${body.accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('clerk.longteng');
  });
});

describe('GET /api/openapi.json with the real org', () => {
  it('includes org’s paths, tagged as org, and the gateway’s own', async () => {
    const res = await request(gw.app.server).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/org/units/roots', '/api/health', '/api/openapi.json']));
    expect(res.body.paths['/api/org/units/roots'].get.tags.every((t: string) => t.startsWith('org'))).toBe(true);
    expect(res.body.paths['/api/org/units/roots'].get.security).toEqual([{ bearer: [] }]);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('GET /api/health with the real org', () => {
  it('reports org up, and not-ready (503) as a whole: household and volunteer do not run here', async () => {
    const res = await request(gw.app.server).get('/api/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('degraded');
    expect(res.body.upstreams.org.status).toBe('up');
    expect(res.body.upstreams.household).toMatchObject({ status: 'down', error: 'HTTP 404' });
  });
});
