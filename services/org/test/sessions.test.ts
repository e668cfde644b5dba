import request from 'supertest';
import { INTERNAL_TOKEN, login, PASSWORD, seedFixture, setup, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  // One account per way a session ends, so that the cases do not touch each other.
  const hash = (await t.ds.query(`SELECT password_hash FROM account WHERE username = 'admin'`))[0].password_hash;
  for (const u of ['admin.logout', 'admin.password', 'admin.disabled', 'admin.everywhere', 'admin.role', 'admin.replay']) {
    await t.ds.query(`INSERT INTO account (username, display_name, password_hash, role, org_id) VALUES ($1, $1, $2, 'admin', $3)`, [u, hash, f.county]);
  }
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
let n = 0;
/** A write: a new compound branch under 龙腾. */
const write = (token: string) =>
  api().post('/api/org/units').set('Authorization', `Bearer ${token}`).send({ parentId: f.longteng, type: 'compound_branch', name: `会话测试支部${++n}` });
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const expectEnded = async (token: string) => {
  const res = await write(token);
  expect(res.status).toBe(401);
  expect(res.body).toMatchObject({ statusCode: 401, code: 'SESSION_ENDED', message: '登录会话已结束，请重新登录' });
};
const accountId = async (username: string): Promise<number> => Number((await t.ds.query(`SELECT id FROM account WHERE username = $1`, [username]))[0].id);

describe('access tokens carry their session', () => {
  it('sid is the refresh family, sv the account epoch; a refresh keeps both', async () => {
    const s = await login(t.app, 'member');
    const c = claims(s.token);
    expect(c).toMatchObject({ sid: expect.stringMatching(/^[0-9a-f-]{36}$/), sv: 0 });
    const r = await api().post('/api/auth/refresh').set('Cookie', s.cookie);
    expect(claims(r.body.accessToken)).toMatchObject({ sid: c.sid, sv: 0 });
    expect(claims((await login(t.app, 'member')).token).sid).not.toBe(c.sid);
  });
});

describe('a session that ends, ends (in the org service)', () => {
  it('logout: that session’s access token is refused at once, another session goes on', async () => {
    const a = await login(t.app, 'admin.logout');
    const b = await login(t.app, 'admin.logout');
    expect((await write(a.token)).status).toBe(201);
    expect((await api().post('/api/auth/logout').set('Cookie', a.cookie)).status).toBe(204);
    await expectEnded(a.token);
    expect((await write(b.token)).status).toBe(201);
  });

  it('password change: every earlier access token is refused; the answer’s new token works', async () => {
    const a = await login(t.app, 'admin.password');
    const b = await login(t.app, 'admin.password');
    const changed = await api().post('/api/auth/password').set('Authorization', `Bearer ${a.token}`).set('Cookie', a.cookie)
      .send({ currentPassword: PASSWORD, newPassword: 'Changed2026pw' });
    expect(changed.status).toBe(200);
    expect(claims(changed.body.accessToken)).toMatchObject({ sid: claims(a.token).sid, sv: 1 });
    await expectEnded(a.token);
    await expectEnded(b.token);
    expect((await write(changed.body.accessToken)).status).toBe(201);
    expect((await api().post('/api/auth/refresh').set('Cookie', b.cookie)).status).toBe(401);
  });

  it('account disabled: its access token is refused at once', async () => {
    const s = await login(t.app, 'admin.disabled');
    expect((await write(s.token)).status).toBe(201);
    const admin = await login(t.app, 'admin');
    const id = await accountId('admin.disabled');
    const acc = await api().get(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`);
    const off = await api().patch(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`).send({ version: acc.body.version, disabled: true });
    expect(off.status).toBe(200);
    await expectEnded(s.token);
    expect((await api().post('/api/auth/login').send({ username: 'admin.disabled', password: PASSWORD })).status).toBe(401);
  });

  it('role change: the token with the old role and scope is refused', async () => {
    const s = await login(t.app, 'admin.role');
    const admin = await login(t.app, 'admin');
    const id = await accountId('admin.role');
    const acc = await api().get(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`);
    const moved = await api().patch(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`)
      .send({ version: acc.body.version, role: 'street_admin', orgId: f.zhuangyuan });
    expect(moved.status).toBe(200);
    await expectEnded(s.token);
  });

  it('logout everywhere: every session of the account ends, its refresh tokens too', async () => {
    const a = await login(t.app, 'admin.everywhere');
    const b = await login(t.app, 'admin.everywhere');
    const out = await api().post('/api/auth/logout-everywhere').set('Authorization', `Bearer ${a.token}`).set('Cookie', a.cookie);
    expect(out.status).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).some((c) => /^rh_refresh=;/.test(c))).toBe(true);
    await expectEnded(a.token);
    await expectEnded(b.token);
    expect((await api().post('/api/auth/refresh').set('Cookie', b.cookie)).status).toBe(401);
    // A new login is a new session.
    expect((await write((await login(t.app, 'admin.everywhere')).token)).status).toBe(201);
    expect((await api().post('/api/auth/logout-everywhere')).status).toBe(401);
  });

  it('a replayed refresh token ends the session: its access tokens are refused too', async () => {
    const s = await login(t.app, 'admin.replay');
    const r = await api().post('/api/auth/refresh').set('Cookie', s.cookie);
    expect(r.status).toBe(200);
    expect((await api().post('/api/auth/refresh').set('Cookie', s.cookie)).body.code).toBe('REFRESH_REUSED');
    await expectEnded(s.token);
    await expectEnded(r.body.accessToken);
  });

  it('refuses a token without session claims', async () => {
    const s = await login(t.app, 'member');
    const c = claims(s.token);
    delete c.sid;
    // Re-signed with the service's own key: valid signature, no session.
    const { createSign } = await import('node:crypto');
    const data = `${s.token.split('.')[0]}.${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
    const sig = createSign('sha256').update(data).sign({ key: t.keys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    const res = await api().get('/api/auth/me').set('Authorization', `Bearer ${data}.${sig}`);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });
});

describe('GET /api/org/internal/sessions/revocations', () => {
  const feed = (q = '') => api().get(`/api/org/internal/sessions/revocations${q}`).set('x-internal-token', INTERNAL_TOKEN);

  it('lists the ended sessions in order, from a cursor', async () => {
    const all = await feed();
    expect(all.status).toBe(200);
    const ids = all.body.events.map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(all.body.more).toBe(false);
    expect(all.body.cursor).toBe(ids.at(-1));
    const reasons = (await t.ds.query(`SELECT DISTINCT reason FROM session_revocation ORDER BY reason`)).map((r: { reason: string }) => r.reason);
    expect(reasons).toEqual(['disabled', 'logout', 'logout_everywhere', 'password_change', 'refresh_reuse', 'role_change']);
    expect(all.body.events.some((e: { sessionId: string | null; epoch: number }) => e.sessionId === null && e.epoch >= 1)).toBe(true);
    const later = await feed(`?after=${ids.at(-2)}`);
    expect(later.body.events.map((e: { id: number }) => e.id)).toEqual([ids.at(-1)]);
    expect((await feed(`?after=${ids.at(-1)}`)).body).toEqual({ events: [], more: false, cursor: ids.at(-1) });
  });

  it('each entry went out as an org.session.ended event in the same transaction (the outbox), mirroring it', async () => {
    const rows: { id: string; account_id: string; session_id: string | null; epoch: number; reason: string; at: Date }[] =
      await t.ds.query(`SELECT id, account_id, session_id, epoch, reason, at FROM session_revocation ORDER BY id`);
    const events: { aggregate_id: string; payload: Record<string, unknown> }[] =
      await t.ds.query(`SELECT aggregate_id, payload FROM outbox_event WHERE type = 'org.session.ended' ORDER BY seq`);
    expect(rows.length).toBeGreaterThan(5);
    expect(events.map((e) => e.payload)).toEqual(rows.map((r) => ({
      revocationId: Number(r.id), accountId: String(r.account_id), sessionId: r.session_id, epoch: r.epoch, at: new Date(r.at).toISOString(), reason: r.reason,
    })));
    expect(events.map((e) => e.aggregate_id)).toEqual(rows.map((r) => String(r.account_id)));
  });

  it('is a 404 without the internal secret and a 400 for a bad cursor', async () => {
    expect((await api().get('/api/org/internal/sessions/revocations')).status).toBe(404);
    const bad = await feed('?after=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_REQUEST');
  });
});
