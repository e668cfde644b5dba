import request from 'supertest';
import { loadConfig } from '../src/config';
import { login, PASSWORD, seedFixture, setup, type TestContext } from './helper';

let t: TestContext;

beforeAll(async () => {
  // The defaults: 20 failures per address in 15 minutes, 5 per (username, address).
  t = await setup({ addressMaxFailures: 20, maxFailures: 5 });
  await seedFixture(t.ds);
});
afterAll(async () => t.close());

/** A login from `address` (the gateway passes the client's address as X-Forwarded-For). */
const attempt = (address: string, username: string, password: string) =>
  request(t.app.server).post('/api/auth/login').set('X-Forwarded-For', address).send({ username, password });
const retryAfter = (res: request.Response) => Number(res.headers['retry-after']);

describe('spraying: failures are counted per address across usernames', () => {
  it('one password against 40 usernames from one address: 429 LOGIN_RATE_LIMITED with Retry-After after 20', async () => {
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 40; i++) {
      last = await attempt('198.51.100.7', `user${i}`, 'Spring2026!');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(20).fill(429));
    expect(last!.body).toMatchObject({ statusCode: 429, code: 'LOGIN_RATE_LIMITED', message: expect.stringContaining('秒后再试') });
    expect(retryAfter(last!)).toBeGreaterThan(0);
    expect(retryAfter(last!)).toBeLessThanOrEqual(15 * 60);
    // The refused attempts were not counted (nor checked): 20 rows.
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM login_failure WHERE address = '198.51.100.7'`))[0].n).toBe(20);
  });

  it('the address waits even with a right password; other addresses are not slowed', async () => {
    expect((await attempt('198.51.100.7', 'admin', PASSWORD)).status).toBe(429);
    expect((await attempt('198.51.100.8', 'admin', PASSWORD)).status).toBe(200);
  });

  it('the address may try again once its failures age out of the 15 minutes', async () => {
    await t.ds.query(`UPDATE login_failure SET at = at - interval '16 minutes' WHERE address = '198.51.100.7'`);
    expect((await attempt('198.51.100.7', 'admin', PASSWORD)).status).toBe(200);
  });
});

describe('guessing: the lock is the (username, address) pair’s, with growing delays', () => {
  const attacker = '203.0.113.66';
  const lock = async () => (await t.ds.query(`SELECT level, failures, extract(epoch FROM until - now())::float8 AS left FROM login_lock WHERE username = 'member' AND address = $1`, [attacker]))[0];

  it('5 wrong passwords lock member for this address only: 429 LOGIN_LOCKED, Retry-After ≤ 60 s', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt(attacker, 'member', `guess${i}`)).status).toBe(401);
    const locked = await attempt(attacker, 'member', PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_LOCKED');
    expect(retryAfter(locked)).toBeGreaterThan(0);
    expect(retryAfter(locked)).toBeLessThanOrEqual(60);
  });

  it('the real user, at another address, logs in with the right password', async () => {
    expect((await attempt('192.0.2.10', 'member', PASSWORD)).status).toBe(200);
    // and another username from the attacker's address is not locked either
    expect((await attempt(attacker, 'clerk.longteng', PASSWORD)).status).toBe(200);
  });

  it('a failure after the lock ran out locks again for twice as long, up to 15 minutes', async () => {
    await t.ds.query(`UPDATE login_lock SET until = now() - interval '1 second' WHERE username = 'member' AND address = $1`, [attacker]);
    expect((await attempt(attacker, 'member', 'guess5')).status).toBe(401);
    const again = await attempt(attacker, 'member', 'guess6');
    expect(again.body.code).toBe('LOGIN_LOCKED');
    expect(retryAfter(again)).toBeGreaterThan(60);
    expect(retryAfter(again)).toBeLessThanOrEqual(120);
    expect(await lock()).toMatchObject({ level: 2 });
    await t.ds.query(`UPDATE login_lock SET level = 8, until = now() - interval '1 second' WHERE username = 'member' AND address = $1`, [attacker]);
    expect((await attempt(attacker, 'member', 'guess7')).status).toBe(401);
    const capped = await lock();
    expect(capped.level).toBe(9);
    expect(capped.left).toBeGreaterThan(14 * 60);
    expect(capped.left).toBeLessThanOrEqual(15 * 60);
  });

  it('a right password from the pair, once it may try, starts it afresh', async () => {
    await t.ds.query(`UPDATE login_lock SET until = now() - interval '1 second' WHERE username = 'member' AND address = $1`, [attacker]);
    expect((await attempt(attacker, 'member', PASSWORD)).status).toBe(200);
    expect(await lock()).toBeUndefined();
    for (let i = 0; i < 4; i++) expect((await attempt(attacker, 'member', `again${i}`)).status).toBe(401);
    expect((await attempt(attacker, 'member', PASSWORD)).status).toBe(200);
  });

  it('a wrong current password on a password change counts for the pair too', async () => {
    const s = await login(t.app, 'grid.longteng');
    for (let i = 0; i < 5; i++) {
      const r = await request(t.app.server).post('/api/auth/password').set('Authorization', `Bearer ${s.token}`)
        .send({ currentPassword: `nope${i}`, newPassword: 'Whatever2026x' });
      expect(r.body.code).toBe('WRONG_CURRENT_PASSWORD');
    }
    const locked = await request(t.app.server).post('/api/auth/password').set('Authorization', `Bearer ${s.token}`)
      .send({ currentPassword: PASSWORD, newPassword: 'Whatever2026x' });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_LOCKED');
    // the lock shows on the account, and a reset lifts it
    const admin = await login(t.app, 'admin');
    const list = await request(t.app.server).get('/api/org/accounts?q=grid.longteng&status=locked').set('Authorization', `Bearer ${admin.token}`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ locked: true, lockedUntil: expect.any(String) });
  });
});

describe('configuration', () => {
  it('LOGIN_ADDRESS_MAX_FAILURES and LOGIN_MAX_FAILURES default to 20 and 5', () => {
    const env = { JWT_PRIVATE_KEY: 'k', JWT_PUBLIC_KEY: 'k', DATABASE_URL: 'postgres://u@localhost:5432/rh', ORG_DB_PASSWORD: 'pw' };
    expect(loadConfig(env).databaseUrl).toBe('postgres://rh_org:pw@localhost:5432/rh_org');
    expect(loadConfig(env).loginThrottle).toEqual({ addressMaxFailures: 20, maxFailures: 5 });
    expect(loadConfig({ ...env, LOGIN_ADDRESS_MAX_FAILURES: '50', LOGIN_MAX_FAILURES: '3' }).loginThrottle).toEqual({ addressMaxFailures: 50, maxFailures: 3 });
  });
});
