import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import request from 'supertest';
import { type AuthUser, authPlugin, generateSigningKeys, registerErrorHandler, RevokedSessions, signTestToken, TokenCache } from '../src';

// The auth plugin with its cache, on a real ES256 key pair: each call of the real verifier is counted
// (the request's own jwtVerify, wrapped), never replaced.
const keys = generateSigningKeys();
const user = (sub: string): AuthUser => ({ sub, username: `u${sub}`, role: 'grid_worker', orgId: 4, scopePaths: ['/1/4/'] });

async function authApp(cacheSize?: number) {
  const revoked = new RevokedSessions();
  const app: FastifyInstance = Fastify();
  registerErrorHandler(app);
  await app.register(authPlugin, { publicKey: keys.publicKey, cacheSize, revocations: revoked });
  let verifications = 0;
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const real = req.jwtVerify.bind(req);
    (req as { jwtVerify: unknown }).jwtVerify = (...args: unknown[]) => {
      // @fastify/jwt's promise form calls itself once more with a callback: count the outer call only
      if (typeof args[args.length - 1] !== 'function') verifications++;
      return (real as (...a: unknown[]) => unknown)(...args);
    };
  });
  app.get('/who', { onRequest: [app.authenticate] }, async (req) => ({ sub: req.user.sub }));
  await app.ready();
  const who = async (token: string) => {
    const r = await request(app.server).get('/who').set('authorization', `Bearer ${token}`);
    return { statusCode: r.status, json: () => r.body as unknown };
  };
  return { app, revoked, who, verifications: () => verifications };
}

describe('authPlugin: verified tokens remembered until they expire', () => {
  it('verifies a token once: later requests with it do not call the verifier again', async () => {
    const { app, who, verifications } = await authApp();
    const a = signTestToken(keys.privateKey, user('7'));
    const b = signTestToken(keys.privateKey, user('8'));
    for (let i = 0; i < 3; i++) {
      const r = await who(a);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toEqual({ sub: '7' });
    }
    expect(verifications()).toBe(1);
    expect((await who(b)).json()).toEqual({ sub: '8' });
    expect((await who(b)).statusCode).toBe(200);
    expect(verifications()).toBe(2);
    await app.close();
  });

  it('without the cache (cacheSize 0) every request verifies', async () => {
    const { app, who, verifications } = await authApp(0);
    const a = signTestToken(keys.privateKey, user('7'));
    for (let i = 0; i < 3; i++) expect((await who(a)).statusCode).toBe(200);
    expect(verifications()).toBe(3);
    await app.close();
  });

  it('a tampered token is refused, also after the genuine one was remembered', async () => {
    const { app, who } = await authApp();
    const a = signTestToken(keys.privateKey, user('7'));
    expect((await who(a)).statusCode).toBe(200);
    const [h, p, s] = a.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as AuthUser;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, role: 'admin', scopePaths: ['/'] })).toString('base64url')}.${s}`;
    const badSig = `${h}.${p}.${s.slice(0, -4)}${s.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    for (const t of [forged, badSig, forged]) {
      const r = await who(t);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ statusCode: 401, code: 'INVALID_TOKEN' });
    }
    expect((await who(a)).statusCode).toBe(200);
    await app.close();
  });

  it('an expired token is refused even though it was remembered', async () => {
    const { app, who, verifications } = await authApp();
    const t = signTestToken(keys.privateKey, user('7'), { expiresIn: 1 });
    const exp = (JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    expect((await who(t)).statusCode).toBe(200);
    expect((await who(t)).statusCode).toBe(200);
    expect(verifications()).toBe(1);
    // past its exp (a second later than exp, which is in whole seconds)
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 + 1000 - Date.now())));
    const r = await who(t);
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(verifications()).toBe(2); // it went back to the verifier, which refused it
    await app.close();
  }, 10_000);

  it('a remembered token of a session that ended since is refused (the session check runs on every request)', async () => {
    const { app, who, revoked, verifications } = await authApp();
    const t = signTestToken(keys.privateKey, { ...user('7'), sid: 'sess-1', sv: 0 });
    const other = signTestToken(keys.privateKey, { ...user('7'), sid: 'sess-2', sv: 0 });
    expect((await who(t)).statusCode).toBe(200);
    expect((await who(other)).statusCode).toBe(200);
    revoked.apply([{ id: 1, accountId: '7', sessionId: 'sess-1', epoch: 0, at: new Date().toISOString() }]);
    for (let i = 0; i < 2; i++) {
      const r = await who(t);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ statusCode: 401, code: 'SESSION_ENDED' });
    }
    expect((await who(other)).statusCode).toBe(200);
    expect(verifications()).toBe(2); // refused from the cache, not re-verified
    await app.close();
  });

  it('stays bounded: beyond cacheSize the least recently used token is verified again', async () => {
    const { app, who, verifications } = await authApp(2);
    const [a, b, c] = ['1', '2', '3'].map((s) => signTestToken(keys.privateKey, user(s)));
    await who(a);
    await who(b);
    await who(a); // a is now the most recently used
    expect(verifications()).toBe(2);
    await who(c); // full: b goes
    expect(verifications()).toBe(3);
    await who(a);
    await who(c);
    expect(verifications()).toBe(3);
    expect((await who(b)).statusCode).toBe(200);
    expect(verifications()).toBe(4);
    await app.close();
  });
});

describe('TokenCache', () => {
  it('holds at most maxEntries, least recently used out', () => {
    const c = new TokenCache<number>(100);
    const exp = Math.floor(Date.now() / 1000) + 60;
    for (let i = 0; i < 1000; i++) c.set(`token-${i}`, i, exp);
    expect(c.size).toBe(100);
    expect(c.get('token-899')).toBeUndefined();
    expect(c.get('token-900')).toBe(900);
    c.set('token-new', -1, exp); // token-900 was just used: token-901 goes
    expect(c.get('token-900')).toBe(900);
    expect(c.get('token-901')).toBeUndefined();
    expect(c.size).toBe(100);
  });

  it('never returns an entry at or after its exp, and does not keep one already expired', () => {
    let now = 1_000_000_000_000;
    const c = new TokenCache<string>(10, () => now);
    c.set('t', 'v', now / 1000 + 5);
    c.set('old', 'v', now / 1000 - 1);
    expect(c.size).toBe(1);
    now += 4_999;
    expect(c.get('t')).toBe('v');
    now += 1;
    expect(c.get('t')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('keys by the SHA-256 of the token, not the token itself', () => {
    expect(TokenCache.keyOf('abc')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });
});
