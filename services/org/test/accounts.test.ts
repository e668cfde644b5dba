import request from 'supertest';
import { login, PASSWORD, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ['admin', 'street.zhuangyuan', 'street.cuiping', 'secretary.longteng', 'clerk.longteng', 'unit.staff']);
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
const create = (who: string, body: Record<string, unknown>) => api().post('/api/org/accounts').set(as(who)).send(body);
const audit = async (id: number) =>
  (await t.ds.query(`SELECT action, actor_username FROM audit_entry WHERE entity_type = 'account' AND entity_id = $1 ORDER BY id`, [String(id)])) as { action: string; actor_username: string }[];

describe('POST /api/org/accounts', () => {
  it('admin creates a clerk for 龙腾 with a one-time password that works once and must be changed', async () => {
    const r = await create('admin', { username: 'clerk.new1', displayName: '新社工一', role: 'community_clerk', orgId: f.longteng });
    expect(r.status).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.body.account).toMatchObject({ username: 'clerk.new1', displayName: '新社工一', role: 'community_clerk', orgId: f.longteng, orgName: '龙腾社区党委', disabled: false, locked: false, mustChangePassword: true, version: 1 });
    expect(r.body.account.passwordHash).toBeUndefined();
    expect(r.body.initialPassword).toMatch(/^[A-Za-z2-9]{12}$/);
    const session = await login(t.app, 'clerk.new1', r.body.initialPassword);
    expect(session.body.user).toMatchObject({ username: 'clerk.new1', mustChangePassword: true, orgId: f.longteng });
    // Until the one-time password is replaced the token opens only /me and the password change.
    const blocked = await api().get('/api/org/units/roots').set('Authorization', `Bearer ${session.token}`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect((await api().get('/api/auth/me').set('Authorization', `Bearer ${session.token}`)).body).toMatchObject({ username: 'clerk.new1', mustChangePassword: true });
    expect(await audit(r.body.account.id)).toEqual([{ action: 'account.create', actor_username: 'admin' }]);
    // The stored hash is Argon2id, never the password.
    const stored = await t.ds.query(`SELECT password_hash FROM account WHERE username = 'clerk.new1'`);
    expect(stored[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('a street admin creates staff for its own communities only; a secretary only for its community', async () => {
    expect((await create('street.zhuangyuan', { username: 'grid.wanda2', displayName: '网格员', role: 'grid_worker', orgId: f.wanda })).status).toBe(201);
    expect((await create('street.zhuangyuan', { username: 'grid.cuiting2', displayName: '网格员', role: 'grid_worker', orgId: f.cuiting })).status).toBe(404);
    expect((await create('street.zhuangyuan', { username: 'street.new', displayName: '街道', role: 'street_admin', orgId: f.zhuangyuan })).status).toBe(403);
    expect((await create('secretary.longteng', { username: 'member.lt2', displayName: '党员', role: 'member', orgId: f.longteng })).status).toBe(201);
    expect((await create('secretary.longteng', { username: 'sec.lt2', displayName: '书记', role: 'community_secretary', orgId: f.longteng })).status).toBe(403);
    expect((await create('secretary.longteng', { username: 'member.wd2', displayName: '党员', role: 'member', orgId: f.wanda })).status).toBe(404);
  });

  it('refuses: a role that does not fit the organisation (400), a taken username (409), bad input (400), other roles (403), no token (401)', async () => {
    const misplaced = await create('admin', { username: 'clerk.bad', displayName: '社工', role: 'community_clerk', orgId: f.yujingBranch });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.code).toBe('ROLE_NOT_ALLOWED_HERE');
    expect((await create('admin', { username: 'unit.bad', displayName: '干部', role: 'unit_staff', orgId: f.longteng })).body.code).toBe('ROLE_NOT_ALLOWED_HERE');
    const taken = await create('admin', { username: 'clerk.longteng', displayName: '重名', role: 'community_clerk', orgId: f.longteng });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('USERNAME_TAKEN');
    expect(taken.body.details).toEqual([{ field: 'username', code: 'USERNAME_TAKEN', errors: ['taken'] }]);
    for (const body of [
      { username: 'AB', displayName: 'x', role: 'member', orgId: f.longteng },
      { username: 'ok.name', displayName: '', role: 'member', orgId: f.longteng },
      { username: 'ok.name', displayName: 'x', role: 'king', orgId: f.longteng },
      { username: 'ok.name', displayName: 'x', role: 'member', orgId: 1e20 },
      { username: 'ok.name', displayName: 'x', role: 'member', orgId: f.longteng, password: 'mine' },
    ]) {
      expect((await create('admin', body)).status).toBe(400);
    }
    expect((await create('clerk.longteng', { username: 'x.y.z', displayName: 'x', role: 'member', orgId: f.longteng })).status).toBe(403);
    expect((await create('unit.staff', { username: 'x.y.z', displayName: 'x', role: 'member', orgId: f.longteng })).status).toBe(403);
    expect((await api().post('/api/org/accounts').send({ username: 'x.y.z', displayName: 'x', role: 'member', orgId: f.longteng })).status).toBe(401);
    expect(await t.ds.query(`SELECT 1 FROM account WHERE username IN ('clerk.bad', 'unit.bad', 'ok.name', 'x.y.z')`)).toEqual([]);
  });

  it('tells each role what it may give', async () => {
    const admin = (await api().get('/api/org/accounts/grantable').set(as('admin'))).body;
    expect(admin).toContainEqual({ role: 'unit_staff', orgTypes: ['work_unit'] });
    expect(admin).toHaveLength(7);
    const sec = (await api().get('/api/org/accounts/grantable').set(as('secretary.longteng'))).body;
    expect(sec.map((g: { role: string }) => g.role)).toEqual(['community_clerk', 'grid_worker', 'member']);
    expect((await api().get('/api/org/accounts/grantable').set(as('clerk.longteng'))).body).toEqual([]);
  });
});

describe('GET /api/org/accounts', () => {
  it('lists the accounts in scope and of roles the caller may give, newest first, with filters and a cursor', async () => {
    const all = await api().get('/api/org/accounts?limit=100').set(as('admin'));
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { username: string }) => a.username)).toEqual(expect.arrayContaining(['admin', 'clerk.cuiting', 'unit.staff', 'clerk.new1']));
    const street = (await api().get('/api/org/accounts?limit=100').set(as('street.zhuangyuan'))).body.items.map((a: { username: string }) => a.username);
    expect(street).toEqual(expect.arrayContaining(['clerk.longteng', 'secretary.longteng', 'grid.wanda2']));
    for (const hidden of ['admin', 'street.zhuangyuan', 'clerk.cuiting', 'unit.staff']) expect(street).not.toContain(hidden);
    const sec = (await api().get('/api/org/accounts?limit=100').set(as('secretary.longteng'))).body.items.map((a: { username: string }) => a.username);
    expect(sec).not.toContain('secretary.longteng');
    expect(sec).toContain('member.lt2');
    const q = await api().get(`/api/org/accounts?q=new1&role=community_clerk&orgId=${f.longteng}`).set(as('admin'));
    expect(q.body.items.map((a: { username: string }) => a.username)).toEqual(['clerk.new1']);
    // A filter naming an organisation outside the caller's scope: 404, not an empty page.
    const outside = await api().get(`/api/org/accounts?orgId=${f.cuiting}`).set(as('street.zhuangyuan'));
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe('NOT_FOUND');
    expect((await api().get(`/api/org/accounts?orgId=${f.longteng}`).set(as('street.zhuangyuan'))).status).toBe(200);
    // Pages of 2 walk every account once.
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { status: number; body: { items: { username: string }[]; nextCursor: string | null } } = await api().get(`/api/org/accounts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(as('admin'));
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a) => a.username));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(all.body.items.map((a: { username: string }) => a.username));
    expect(new Set(seen).size).toBe(seen.length);
    expect((await api().get('/api/org/accounts?status=nope').set(as('admin'))).status).toBe(400);
    expect((await api().get('/api/org/accounts').set(as('clerk.longteng'))).status).toBe(403);
  });
});

describe('PATCH /api/org/accounts/:id and reset-password', () => {
  const find = async (username: string) => (await t.ds.query(`SELECT id::int AS id, version FROM account WHERE username = $1`, [username]))[0] as { id: number; version: number };

  it('disabling signs the account out and stops its logins; enabling lets it in again; a stale version is 409', async () => {
    const made = await create('admin', { username: 'grid.tmp', displayName: '临时网格员', role: 'grid_worker', orgId: f.longteng });
    const session = await login(t.app, 'grid.tmp', made.body.initialPassword);
    const off = await api().patch(`/api/org/accounts/${made.body.account.id}`).set(as('secretary.longteng')).send({ version: 1, disabled: true });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ disabled: true, version: 2 });
    expect((await api().post('/api/auth/refresh').set('Cookie', session.cookie)).status).toBe(401);
    expect((await api().post('/api/auth/login').send({ username: 'grid.tmp', password: made.body.initialPassword })).status).toBe(401);
    expect((await api().patch(`/api/org/accounts/${made.body.account.id}`).set(as('admin')).send({ version: 1, disabled: false })).status).toBe(409);
    expect((await api().patch(`/api/org/accounts/${made.body.account.id}`).set(as('admin')).send({ version: 2, disabled: false, displayName: '网格员乙' })).body).toMatchObject({ disabled: false, displayName: '网格员乙', version: 3 });
    expect((await login(t.app, 'grid.tmp', made.body.initialPassword)).body.user.displayName).toBe('网格员乙');
    expect((await audit(made.body.account.id)).map((a) => a.action)).toEqual(['account.create', 'account.update', 'account.update']);
  });

  it('moves an account to another community only where its role fits; managers cannot touch accounts above them or themselves', async () => {
    const clerk = await find('clerk.longteng');
    const moved = await api().patch(`/api/org/accounts/${clerk.id}`).set(as('street.zhuangyuan')).send({ version: clerk.version, orgId: f.wanda });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ orgId: f.wanda, orgName: '万达社区党委' });
    expect((await api().patch(`/api/org/accounts/${clerk.id}`).set(as('street.zhuangyuan')).send({ version: moved.body.version, orgId: f.cuiting })).status).toBe(404);
    expect((await api().patch(`/api/org/accounts/${clerk.id}`).set(as('street.zhuangyuan')).send({ version: moved.body.version, orgId: f.zhuangyuan })).body.code).toBe('ROLE_NOT_ALLOWED_HERE');
    const back = await api().patch(`/api/org/accounts/${clerk.id}`).set(as('admin')).send({ version: moved.body.version, orgId: f.longteng });
    expect(back.body.orgId).toBe(f.longteng);
    const admin = await find('admin');
    expect((await api().patch(`/api/org/accounts/${admin.id}`).set(as('street.zhuangyuan')).send({ version: admin.version, disabled: true })).status).toBe(404);
    const self = await api().patch(`/api/org/accounts/${admin.id}`).set(as('admin')).send({ version: admin.version, disabled: true });
    expect(self.status).toBe(400);
    expect(self.body.code).toBe('CANNOT_CHANGE_SELF');
    expect((await api().patch(`/api/org/accounts/${admin.id}`).set(as('admin')).send({ version: admin.version, displayName: '组织部管理员' })).status).toBe(200);
  });

  it('a reset gives a new one-time password, lifts a lock, and the old password stops working', async () => {
    const made = await create('admin', { username: 'member.reset', displayName: '党员', role: 'member', orgId: f.longteng });
    const first = made.body.initialPassword as string;
    await t.ds.query(`INSERT INTO login_lock (username, address, level, until) VALUES ('member.reset', '203.0.113.9', 1, now() + interval '10 minutes')`);
    expect((await api().get(`/api/org/accounts?q=member.reset&status=locked`).set(as('admin'))).body.items).toHaveLength(1);
    const r = await api().post(`/api/org/accounts/${made.body.account.id}/reset-password`).set(as('secretary.longteng')).send({ version: 1 });
    expect(r.status).toBe(200);
    expect(r.body.account).toMatchObject({ locked: false, mustChangePassword: true, version: 2 });
    expect(r.body.initialPassword).not.toBe(first);
    expect((await api().post('/api/auth/login').send({ username: 'member.reset', password: first })).status).toBe(401);
    expect((await login(t.app, 'member.reset', r.body.initialPassword)).body.user.mustChangePassword).toBe(true);
    expect((await api().post(`/api/org/accounts/${made.body.account.id}/reset-password`).set(as('secretary.longteng')).send({ version: 1 })).status).toBe(409);
    expect((await audit(made.body.account.id)).map((a) => a.action)).toEqual(['account.create', 'account.reset_password']);
  });
});

describe('POST /api/auth/password', () => {
  it('changes the own password: checks the current one and the rule, clears the one-time flag, ends the other sessions only', async () => {
    const made = await create('admin', { username: 'clerk.pw', displayName: '社工', role: 'community_clerk', orgId: f.longteng });
    const otp = made.body.initialPassword as string;
    const other = await login(t.app, 'clerk.pw', otp);
    const mine = await login(t.app, 'clerk.pw', otp);
    const change = (body: Record<string, unknown>) => api().post('/api/auth/password').set('Authorization', `Bearer ${mine.token}`).set('Cookie', mine.cookie).send(body);
    expect((await change({ currentPassword: 'wrong', newPassword: 'Longteng2026x' })).body.code).toBe('WRONG_CURRENT_PASSWORD');
    for (const weak of ['short1', 'onlyletterslong', '1234567890123', 'my-clerk.pw-2026']) {
      const r = await change({ currentPassword: otp, newPassword: weak });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('WEAK_PASSWORD');
    }
    expect((await change({ currentPassword: otp, newPassword: otp })).body.code).toBe('WEAK_PASSWORD');
    expect((await api().get('/api/org/units/roots').set('Authorization', `Bearer ${mine.token}`)).status).toBe(403);
    const changed = await change({ currentPassword: otp, newPassword: '新密码Longteng2026' });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ username: 'clerk.pw', mustChangePassword: false });
    // The answer is a fresh session: its token opens the API, its cookie continues this session.
    expect((await api().get('/api/org/units/roots').set('Authorization', `Bearer ${changed.body.accessToken}`)).status).toBe(200);
    const newCookie = ([] as string[]).concat(changed.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='))!.split(';')[0];
    expect((await api().post('/api/auth/login').send({ username: 'clerk.pw', password: otp })).status).toBe(401);
    expect((await login(t.app, 'clerk.pw', '新密码Longteng2026')).body.user.mustChangePassword).toBe(false);
    // The other session is over; this one goes on.
    expect((await api().post('/api/auth/refresh').set('Cookie', other.cookie)).status).toBe(401);
    expect((await api().post('/api/auth/refresh').set('Cookie', newCookie)).status).toBe(200);
    expect((await audit(made.body.account.id)).map((a) => a.action)).toEqual(['account.create', 'account.change_password']);
    expect((await api().post('/api/auth/password').send({ currentPassword: otp, newPassword: 'Whatever2026x' })).status).toBe(401);
    expect((await api().post('/api/auth/password').set(as('admin')).send({ currentPassword: PASSWORD })).status).toBe(400);
  });
});
