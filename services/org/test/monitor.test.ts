import request from 'supertest';
import { LoginLog } from '../src/modules/auth/login-log';
import { login, PASSWORD, seedFixture, setup, type TestContext } from './helper';

let t: TestContext;
const tok: Record<string, string> = {};

// An address's budget of 8 failures (every other address stays far below it), a pair locks at 3.
beforeAll(async () => {
  t = await setup({ addressMaxFailures: 8, maxFailures: 3 });
  await seedFixture(t.ds);
  for (const u of ['admin', 'street.zhuangyuan', 'street.cuiping', 'secretary.longteng']) tok[u] = (await login(t.app, u)).token;
  await t.ds.query(`UPDATE account SET disabled = true WHERE username = 'grid.longteng'`);
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
const get = (u: string, path: string) => api().get(path).set('Authorization', `Bearer ${tok[u]}`);
const attempt = (username: string, password: string, ip: string, ua = 'jest-agent/1.0') =>
  api().post('/api/auth/login').set('X-Forwarded-For', ip).set('User-Agent', ua).send({ username, password });

type LogEntry = { id: number; at: string; username: string; accountId: number | null; result: string; ip: string; userAgent: string | null };
const log = async (u: string, query: string): Promise<LogEntry[]> => {
  const res = await get(u, `/api/org/login-log?${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('the login log', () => {
  it('records a success, a wrong password, a lock, a disabled account and a throttled address', async () => {
    expect((await attempt('clerk.longteng', PASSWORD, '10.1.0.1')).status).toBe(200);
    expect((await attempt('clerk.longteng', 'wrong-1', '10.1.0.2')).status).toBe(401);
    // three failures lock the pair (username, address); the fourth attempt is refused unchecked
    for (let i = 0; i < 3; i++) expect((await attempt('clerk.cuiting', `wrong-${i}`, '10.1.0.3')).status).toBe(401);
    expect((await attempt('clerk.cuiting', PASSWORD, '10.1.0.3')).body.code).toBe('LOGIN_LOCKED');
    expect((await attempt('grid.longteng', PASSWORD, '10.1.0.4')).status).toBe(401);
    // an address spraying usernames: 8 failures, then it waits
    for (let i = 0; i < 8; i++) expect((await attempt(`nobody${i}`, 'x', '10.1.0.5')).status).toBe(401);
    expect((await attempt('member', PASSWORD, '10.1.0.5')).body.code).toBe('LOGIN_RATE_LIMITED');

    const byIp = async (ip: string) => (await log('admin', `ip=${ip}`)).map((e) => [e.username, e.result]);
    expect(await byIp('10.1.0.1')).toEqual([['clerk.longteng', 'success']]);
    expect(await byIp('10.1.0.2')).toEqual([['clerk.longteng', 'bad_password']]);
    expect(await byIp('10.1.0.3')).toEqual([['clerk.cuiting', 'locked'], ['clerk.cuiting', 'bad_password'], ['clerk.cuiting', 'bad_password'], ['clerk.cuiting', 'bad_password']]);
    expect(await byIp('10.1.0.4')).toEqual([['grid.longteng', 'disabled']]);
    const sprayed = await byIp('10.1.0.5');
    expect(sprayed[0]).toEqual(['member', 'throttled']);
    expect(sprayed.slice(1).every(([, r]) => r === 'bad_password')).toBe(true);
    expect(sprayed).toHaveLength(9);

    const [success] = await log('admin', 'ip=10.1.0.1');
    expect(success).toMatchObject({ accountId: expect.any(Number), userAgent: 'jest-agent/1.0', at: expect.stringMatching(/^\d{4}-/) });
    const unknown = await log('admin', 'username=nobody0');
    expect(unknown).toEqual([expect.objectContaining({ accountId: null, result: 'bad_password', ip: '10.1.0.5' })]);
  });

  it('filters by result, username (any case), time, and pages by keyset', async () => {
    const locked = await log('admin', 'result=locked');
    expect(locked.length).toBeGreaterThan(0);
    expect(locked.every((e) => e.result === 'locked')).toBe(true);
    expect((await log('admin', 'username=CLERK.CUITING')).every((e) => e.username === 'clerk.cuiting')).toBe(true);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(await log('admin', `from=${encodeURIComponent(future)}`)).toEqual([]);
    const all = await log('admin', 'limit=200');
    const p1 = await get('admin', '/api/org/login-log?limit=4');
    const p2 = await get('admin', `/api/org/login-log?limit=4&cursor=${p1.body.nextCursor}`);
    expect([...p1.body.items, ...p2.body.items].map((e: LogEntry) => e.id)).toEqual(all.slice(0, 8).map((e) => e.id));
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
  });

  it('numbered pages (the console): the rows of the keyset walk, the exact total, filters and scope alike', async () => {
    const all = await log('admin', 'limit=200');
    const p1 = await get('admin', '/api/org/login-log?page=1&limit=5');
    const p2 = await get('admin', '/api/org/login-log?page=2&limit=5');
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ total: all.length, totalExact: true, page: 1, limit: 5 });
    expect(p1.body.nextCursor).toBeUndefined();
    expect([...p1.body.items, ...p2.body.items].map((e: LogEntry) => e.id)).toEqual(all.slice(0, 10).map((e) => e.id));
    const past = await get('admin', `/api/org/login-log?page=${Math.ceil(all.length / 5) + 1}&limit=5`);
    expect(past.body).toMatchObject({ items: [], total: all.length });
    const locked = await get('admin', '/api/org/login-log?page=1&limit=100&result=locked');
    expect(locked.body.total).toBe((await log('admin', 'result=locked&limit=200')).length);
    expect(locked.body.items.every((e: LogEntry) => e.result === 'locked')).toBe(true);
    const street = await get('street.zhuangyuan', '/api/org/login-log?page=1&limit=100');
    expect(street.body.total).toBe((await log('street.zhuangyuan', 'limit=200')).length);
    expect(street.body.items.map((e: LogEntry) => e.username)).not.toContain('clerk.cuiting');
  });

  it('shows a street admin only its street’s accounts (no unknown usernames)', async () => {
    const zy = await log('street.zhuangyuan', 'limit=200');
    const names = new Set(zy.map((e) => e.username));
    expect(names.has('clerk.longteng')).toBe(true);
    expect(names.has('clerk.cuiting')).toBe(false); // 翠亭 is 翠屏's
    expect([...names].some((n) => n.startsWith('nobody'))).toBe(false);
    const cp = await log('street.cuiping', 'limit=200');
    expect(cp.map((e) => e.username)).toContain('clerk.cuiting');
    expect(cp.map((e) => e.username)).not.toContain('clerk.longteng');
  });

  it('refuses other roles (403 before the query) and names bad fields (400)', async () => {
    expect((await get('secretary.longteng', '/api/org/login-log?limit=abc')).status).toBe(403);
    for (const [query, field] of [['result=maybe', 'result'], ['ip=not-an-ip', 'ip'], ['limit=0', 'limit'], ['from=soon', 'from'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'], ['cursor=zzz', 'cursor'], ['page=0', 'page'], ['page=2&cursor=abc', 'cursor'],
      ['page=1&limit=101', 'limit'], ['page=101&limit=100', 'page']]) {
      const res = await get('admin', `/api/org/login-log?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await api().get('/api/org/login-log')).status).toBe(401);
  });

  it('forgets attempts older than the retention', async () => {
    await t.ds.query(`INSERT INTO login_log (at, username, result, ip) VALUES (now() - interval '200 days', 'ancient', 'success', '10.9.9.9'), (now() - interval '10 days', 'recent', 'success', '10.9.9.9')`);
    const pruned = await new LoginLog(t.ds, 180).prune();
    expect(pruned).toBe(1);
    expect((await log('admin', 'ip=10.9.9.9')).map((e) => e.username)).toEqual(['recent']);
  });
});

type Session = { sessionId: string; accountId: number; username: string; startedAt: string; lastSeenAt: string; ip: string | null; current: boolean; canEnd: boolean };
const sessions = async (u: string, query = 'limit=200'): Promise<Session[]> => {
  const res = await get(u, `/api/org/sessions?${query}`);
  expect(res.status).toBe(200);
  return res.body.items;
};
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
/** A request the session's token is checked on (`what` names the step in a failure). */
const write = (token: string, what: string) => api().get('/api/auth/me').set('Authorization', `Bearer ${token}`).set('X-Step', encodeURIComponent(what));

describe('online sessions and the forced logout', () => {
  it('lists live sessions with who, since when, last seen and address; the caller’s own is marked', async () => {
    const s = await attempt('clerk.longteng', PASSWORD, '10.2.0.1', 'Browser/2');
    const sid = claims(s.body.accessToken).sid;
    const list = await sessions('admin');
    const mine = list.find((x) => x.sessionId === claims(tok.admin).sid)!;
    expect(mine.current).toBe(true);
    const clerk = list.find((x) => x.sessionId === sid)!;
    expect(clerk).toMatchObject({ username: 'clerk.longteng', ip: '10.2.0.1', userAgent: 'Browser/2', current: false, canEnd: true, displayName: 'clerk.longteng', role: 'community_clerk' });
    expect(Date.parse(clerk.startedAt)).toBeLessThanOrEqual(Date.parse(clerk.lastSeenAt));
    expect((await sessions('admin', 'username=clerk.longteng')).every((x) => x.username === 'clerk.longteng')).toBe(true);
    const p1 = await get('admin', '/api/org/sessions?limit=2');
    const p2 = await get('admin', `/api/org/sessions?limit=2&cursor=${p1.body.nextCursor}`);
    expect([...p1.body.items, ...p2.body.items].map((x: Session) => x.sessionId)).toEqual(list.slice(0, 4).map((x) => x.sessionId));
    // numbered pages (the console): the same order, the exact total
    const n1 = await get('admin', '/api/org/sessions?page=1&limit=2');
    const n2 = await get('admin', '/api/org/sessions?page=2&limit=2');
    expect(n1.body).toMatchObject({ total: list.length, totalExact: true, page: 1, limit: 2 });
    expect([...n1.body.items, ...n2.body.items].map((x: Session) => x.sessionId)).toEqual(list.slice(0, 4).map((x) => x.sessionId));
    const own = await get('admin', '/api/org/sessions?page=1&limit=20&username=clerk.longteng');
    expect(own.body.total).toBe(list.filter((x) => x.username === 'clerk.longteng').length);
  });

  it('a street admin sees its street’s sessions and ends only those it manages', async () => {
    const c = await attempt('clerk.cuiting', PASSWORD, '10.2.0.2');
    expect(c.status).toBe(200);
    const zy = await sessions('street.zhuangyuan');
    expect(zy.map((x) => x.username)).not.toContain('clerk.cuiting');
    expect(zy.map((x) => x.username)).not.toContain('admin');
    const cuitingSid = claims(c.body.accessToken).sid;
    expect((await api().delete(`/api/org/sessions/${cuitingSid}`).set('Authorization', `Bearer ${tok['street.zhuangyuan']}`)).status).toBe(404);
    expect((await write(c.body.accessToken, '强退范围外')).status).toBe(200);
  });

  it('ending a session answers 401 SESSION_ENDED to its next request, refuses its refresh, and is audited', async () => {
    const victim = await login(t.app, 'clerk.longteng');
    const sid = claims(victim.token).sid;
    expect((await write(victim.token, '强退前')).status).toBe(200);
    const res = await api().delete(`/api/org/sessions/${sid}`).set('Authorization', `Bearer ${tok['street.zhuangyuan']}`);
    expect(res.status).toBe(204);
    const after = await write(victim.token, '强退后');
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('SESSION_ENDED');
    expect((await api().post('/api/auth/refresh').set('Cookie', victim.cookie)).status).toBe(401);
    expect((await sessions('admin')).map((x) => x.sessionId)).not.toContain(sid);
    // a second time: the session is no longer live
    expect((await api().delete(`/api/org/sessions/${sid}`).set('Authorization', `Bearer ${tok.admin}`)).status).toBe(404);
    const audit = await get('street.zhuangyuan', '/api/org/audit?action=account.end_session');
    expect(audit.body.items[0]).toMatchObject({ actorUsername: 'street.zhuangyuan', entityType: 'account', after: { sessionId: sid } });
    // the caller's other sessions go on
    expect((await get('street.zhuangyuan', '/api/org/sessions')).status).toBe(200);
  });

  it('ends every session of an account by version; a stale version is 409', async () => {
    const a = await login(t.app, 'secretary.longteng');
    const b = await login(t.app, 'secretary.longteng');
    const id = (await t.ds.query(`SELECT id, version FROM account WHERE username = 'secretary.longteng'`))[0];
    const stale = await api().post(`/api/org/accounts/${id.id}/end-sessions`).set('Authorization', `Bearer ${tok.admin}`).send({ version: id.version + 1 });
    expect(stale.status).toBe(409);
    expect((await write(a.token, '全部强退前')).status).toBe(200);
    const res = await api().post(`/api/org/accounts/${id.id}/end-sessions`).set('Authorization', `Bearer ${tok.admin}`).send({ version: id.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ username: 'secretary.longteng', version: id.version });
    for (const s of [a, b]) expect((await write(s.token, '全部强退后')).body.code).toBe('SESSION_ENDED');
    expect((await sessions('admin', 'username=secretary.longteng'))).toEqual([]);
    const audit = await get('admin', `/api/org/audit?recordType=account&recordId=${id.id}&action=account.end_sessions`);
    expect(audit.body.items).toHaveLength(1);
    const bad = await api().post(`/api/org/accounts/${id.id}/end-sessions`).set('Authorization', `Bearer ${tok.admin}`).send({});
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('version');
  });

  it('refuses other roles and names bad fields', async () => {
    expect((await get('secretary.longteng', '/api/org/sessions')).status).toBe(401); // its sessions just ended
    const sec = await login(t.app, 'secretary.longteng');
    expect((await api().get('/api/org/sessions').set('Authorization', `Bearer ${sec.token}`)).status).toBe(403);
    expect((await api().delete(`/api/org/sessions/${claims(tok.admin).sid}`).set('Authorization', `Bearer ${sec.token}`)).status).toBe(403);
    const badId = await api().delete('/api/org/sessions/not-a-uuid').set('Authorization', `Bearer ${tok.admin}`);
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body)).toContain('sessionId');
    for (const [query, field] of [['limit=999', 'limit'], ['cursor=abc', 'cursor'], ['sort=x', 'sort'], ['page=0', 'page'], ['page=1&cursor=abc', 'cursor'], ['page=1&limit=150', 'limit']]) {
      const res = await get('admin', `/api/org/sessions?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
