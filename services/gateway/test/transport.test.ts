import request from 'supertest';
import { loadConfig } from '../src/config';
import { HSTS } from '../src/plugins/security';
// The real org service (it sets the refresh cookie) behind the gateway, as in production.
import { PASSWORD, seedFixture, setup, type TestContext } from '../../org/test/helper';
import { buildGateway, type GatewayContext } from './helper';

let org: TestContext;
let behindProxy: GatewayContext;
let direct: GatewayContext;
let otherProxy: GatewayContext;

beforeAll(async () => {
  org = await setup();
  await seedFixture(org.ds);
  await org.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = org.app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const upstreams = { org: url, household: url, volunteer: url };
  // TRUST_PROXY=true: a TLS reverse proxy in front; none; and a proxy at another address than the client's.
  behindProxy = await buildGateway({ upstreams, publicKey: org.keys.publicKey, trustProxy: true });
  direct = await buildGateway({ upstreams, publicKey: org.keys.publicKey, trustProxy: false });
  otherProxy = await buildGateway({ upstreams, publicKey: org.keys.publicKey, trustProxy: '10.9.8.7' });
});
afterAll(async () => {
  await Promise.all([behindProxy, direct, otherProxy].map((g) => g?.close()));
  await org?.close();
});

const login = (gw: GatewayContext, headers: Record<string, string> = {}, username = 'admin', password = PASSWORD) =>
  request(gw.app.server).post('/api/auth/login').set(headers).send({ username, password });
const refreshCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='))!;

describe('behind a trusted TLS reverse proxy (TRUST_PROXY, X-Forwarded-Proto: https)', () => {
  it('the refresh cookie is Secure and the answer carries HSTS', async () => {
    const res = await login(behindProxy, { 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(200);
    expect(refreshCookie(res)).toMatch(/;\s*Secure/i);
    expect(res.headers['strict-transport-security']).toBe(HSTS);
    expect(HSTS).toBe('max-age=15552000');
    const refreshed = await request(behindProxy.app.server).post('/api/auth/refresh').set('X-Forwarded-Proto', 'https').set('Cookie', refreshCookie(res).split(';')[0]);
    expect(refreshed.status).toBe(200);
    expect(refreshCookie(refreshed)).toMatch(/;\s*Secure/i);
    const health = await request(behindProxy.app.server).get('/api/health').set('X-Forwarded-Proto', 'https');
    expect(health.headers['strict-transport-security']).toBe(HSTS);
  });

  it('a request the proxy passed over plain http gets neither', async () => {
    for (const headers of [{}, { 'X-Forwarded-Proto': 'http' }] as Record<string, string>[]) {
      const res = await login(behindProxy, headers);
      expect(res.status).toBe(200);
      expect(refreshCookie(res)).not.toMatch(/Secure/i);
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('the client address the proxy names is the one the login throttle counts', async () => {
    const attacker = { 'X-Forwarded-For': '203.0.113.5' };
    for (let i = 0; i < 5; i++) expect((await login(behindProxy, attacker, 'member', `guess${i}`)).status).toBe(401);
    const locked = await login(behindProxy, attacker, 'member');
    expect([locked.status, locked.body.code]).toEqual([429, 'LOGIN_LOCKED']);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await login(behindProxy, { 'X-Forwarded-For': '198.51.100.20' }, 'member')).status).toBe(200);
  });
});

describe('without a trusted proxy, X-Forwarded-* from the client count for nothing', () => {
  it('no TRUST_PROXY: neither Secure nor HSTS, whatever the client claims', async () => {
    const res = await login(direct, { 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(200);
    expect(refreshCookie(res)).not.toMatch(/Secure/i);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('TRUST_PROXY naming another address than the caller’s: neither', async () => {
    const res = await login(otherProxy, { 'X-Forwarded-Proto': 'https' });
    expect(res.status).toBe(200);
    expect(refreshCookie(res)).not.toMatch(/Secure/i);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('a faked X-Forwarded-For does not move the client to another address', async () => {
    const fake = (i: number) => ({ 'X-Forwarded-For': `192.0.2.${i}` });
    for (let i = 0; i < 5; i++) expect((await login(direct, fake(i), 'clerk.longteng', `guess${i}`)).status).toBe(401);
    expect((await login(direct, fake(99), 'clerk.longteng')).body.code).toBe('LOGIN_LOCKED');
  });
});

describe('gateway configuration', () => {
  const env = { JWT_PUBLIC_KEY: 'k', INTERNAL_TOKEN: 'secret' };
  it('reads TRUST_PROXY (off by default) and needs INTERNAL_TOKEN for the ended sessions', () => {
    expect(loadConfig(env).trustProxy).toBe(false);
    expect(loadConfig({ ...env, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ ...env, TRUST_PROXY: '127.0.0.1,10.0.0.0/8' }).trustProxy).toBe('127.0.0.1,10.0.0.0/8');
    expect(loadConfig(env).internalToken).toBe('secret');
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'k' })).toThrow(/INTERNAL_TOKEN/);
  });
});
