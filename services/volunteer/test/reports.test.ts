import { C, setup, type TestContext, U, USERS } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

const body = (over: Record<string, unknown> = {}) => ({ communityId: C.longteng, resources: ['课业辅导', '文体活动'], contactName: '孙老师', contactPhone: '0535-5213456', ...over });
const decide = (id: number, b: Record<string, unknown>, who: keyof typeof USERS) => c.api().post(`/api/volunteer/reports/${id}/decision`).set(c.as(who)).send(b);
async function reportAs(who: keyof typeof USERS, communityId: number) {
  const r = await c.api().post('/api/volunteer/reports').set(c.as(who)).send(body({ communityId }));
  expect(r.status).toBe(201);
  const list = await c.api().get('/api/volunteer/reports').set(c.as(who));
  return list.body.find((x: { id: number }) => x.id === r.body.id) as { id: number; version: number; status: string };
}

describe('POST /api/volunteer/reports', () => {
  it('a unit reports to a community: pending, seen by that community and the unit, not by another community', async () => {
    const r = await c.api().post('/api/volunteer/reports').set(c.as('unitOther')).send(body());
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(Number), status: 'pending' });
    const forClerk = await c.api().get('/api/volunteer/reports?status=pending').set(c.as('clerk'));
    expect(forClerk.body.find((x: { id: number }) => x.id === r.body.id)).toMatchObject({ unitId: U.jiaoyu, unitName: '栖霞市教育和体育局党组', communityName: '龙腾社区党委', resources: ['课业辅导', '文体活动'], status: 'pending', version: 1 });
    expect((await c.api().get('/api/volunteer/reports').set(c.as('unitOther'))).body.map((x: { id: number }) => x.id)).toContain(r.body.id);
    expect((await c.api().get('/api/volunteer/reports').set(c.as('clerkCuiting'))).body.map((x: { id: number }) => x.id)).not.toContain(r.body.id);
    const audit = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'unit_report' AND entity_id = $1`, [String(r.body.id)]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['report.unit']);
  });

  it('returns 409 when the unit has a live report to that community already', async () => {
    const again = await c.api().post('/api/volunteer/reports').set(c.as('unit')).send(body());
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_REPORTED');
    // named on the form's community field, in Chinese
    expect(again.body.details).toEqual([{ field: 'communityId', errors: ['已报到'], code: 'alreadyReported' }]);
    expect(again.body.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('returns 400 for bad input, 401 without a token, 403 for other roles, 404 for an unknown community', async () => {
    expect((await c.api().post('/api/volunteer/reports').set(c.as('unit2')).send(body({ contactPhone: 'call me' }))).status).toBe(400);
    expect((await c.api().post('/api/volunteer/reports').set(c.as('unit2')).send({ communityId: C.wanda })).status).toBe(400);
    expect((await c.api().post('/api/volunteer/reports').send(body())).status).toBe(401);
    expect((await c.api().post('/api/volunteer/reports').set(c.as('clerk')).send(body())).status).toBe(403);
    expect((await c.api().post('/api/volunteer/reports').set(c.as('member')).send(body())).status).toBe(403);
    expect((await c.api().post('/api/volunteer/reports').set(c.as('unit2')).send(body({ communityId: 999 }))).status).toBe(404);
  });
});

describe('POST /api/volunteer/reports/:id/decision', () => {
  it('the community clerk approves: approved, an event for the org service in the same transaction, the unit now works in the community; ending too', async () => {
    const before = (await t.reportEvents()).length;
    const list = await c.api().get('/api/volunteer/reports?status=pending').set(c.as('clerk'));
    const pending = list.body.find((x: { unitId: number }) => x.unitId === U.jiaoyu);
    // Not reported yet: the unit may not offer resources here.
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unitOther')).send({ title: '课业辅导', communityId: C.longteng })).status).toBe(404);
    const ok = await decide(pending.id, { decision: 'approve', version: pending.version }, 'clerk');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: pending.id, status: 'approved', version: 2, unitId: U.jiaoyu, communityId: C.longteng });
    expect((await t.reportEvents()).slice(before)).toEqual([{ type: 'volunteer.report.approved', unitId: U.jiaoyu, communityId: C.longteng }]);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unitOther')).send({ title: '课业辅导', communityId: C.longteng })).status).toBe(201);
    // Decided already: the state is refused before the version (role → state → version, as every workflow).
    expect((await decide(pending.id, { decision: 'approve', version: 1 }, 'clerk')).body.code).toBe('WRONG_STATE');
    expect((await decide(pending.id, { decision: 'approve', version: 2 }, 'clerk')).body.code).toBe('WRONG_STATE');
    // A decision that still applies, on a stale copy: STALE_VERSION.
    expect((await decide(pending.id, { decision: 'end', version: 1, reason: '单位撤并' }, 'clerk')).body.code).toBe('STALE_VERSION');
    expect((await decide(pending.id, { decision: 'end', version: 2 }, 'clerk')).status).toBe(400);
    const ended = await decide(pending.id, { decision: 'end', version: 2, reason: '单位调整联系社区' }, 'secretary');
    expect(ended.body).toMatchObject({ status: 'ended', version: 3 });
    expect((await t.reportEvents()).at(-1)).toEqual({ type: 'volunteer.report.ended', unitId: U.jiaoyu, communityId: C.longteng });
  });

  it('a rejection needs a reason and is recorded as an event; the unit may report again', async () => {
    const r = await reportAs('unitOther', C.wanda);
    const before = (await t.reportEvents()).length;
    const noReason = await decide(r.id, { decision: 'reject', version: r.version }, 'admin');
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('VALIDATION_FAILED');
    const rejected = await decide(r.id, { decision: 'reject', version: r.version, reason: '该社区已有同类单位报到' }, 'admin');
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    expect((await t.reportEvents()).slice(before)).toEqual([{ type: 'volunteer.report.rejected', unitId: U.jiaoyu, communityId: C.wanda }]);
    expect((await c.api().post('/api/volunteer/reports').set(c.as('unitOther')).send(body({ communityId: C.wanda }))).status).toBe(201);
  });

  it('returns 403 for other roles, 404 for another community or a missing report, 409 for a stale version, 400 for a bad decision', async () => {
    const r = await reportAs('unit2', C.cuiting);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'grid')).status).toBe(403);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'unit2')).status).toBe(403);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'street')).status).toBe(403);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'clerk')).status).toBe(404);
    expect((await decide(999999, { decision: 'approve', version: 1 }, 'clerkCuiting')).status).toBe(404);
    expect((await decide(r.id, { decision: 'maybe', version: r.version }, 'clerkCuiting')).status).toBe(400);
    const stale = await decide(r.id, { decision: 'approve', version: r.version + 1 }, 'clerkCuiting');
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    expect((await c.api().post(`/api/volunteer/reports/${r.id}/decision`).send({ decision: 'approve', version: 1 })).status).toBe(401);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'clerkCuiting')).body.status).toBe('approved');
  });

  it('a decision rolled back (stale version) leaves no event; a committed one exactly one', async () => {
    const r = await reportAs('unitOther', C.cuiting);
    const before = (await t.reportEvents()).length;
    expect((await decide(r.id, { decision: 'approve', version: r.version + 5 }, 'clerkCuiting')).status).toBe(409);
    expect((await t.reportEvents()).length).toBe(before);
    expect((await decide(r.id, { decision: 'approve', version: r.version }, 'clerkCuiting')).status).toBe(200);
    const [row] = await t.ds.query(`SELECT org_path, actor, published_at FROM outbox_event WHERE type = 'volunteer.report.approved' AND aggregate_id = $1`, [String(r.id)]);
    expect(row).toEqual({ org_path: '/1/2/5/', actor: USERS.clerkCuiting.username, published_at: null });
  });
});

describe('members (a party member reports where they live)', () => {
  const newcomer = { ...USERS.member, sub: '40', username: 'dang.yuan.new' };
  const asNew = () => ({ Authorization: `Bearer ${t.sign(newcomer)}` });

  it('a member reports (pending), the clerk approves, and the member can then sign up for an activity', async () => {
    const r = await c.api().post('/api/volunteer/members').set(asNew()).send({ name: '隋新党员', phone: '13805350077', unitId: U.ziran });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(Number), status: 'pending' });
    expect((await c.api().post('/api/volunteer/members').set(asNew()).send({ name: '隋新党员' })).body.code).toBe('ALREADY_REPORTED');
    const list = await c.api().get('/api/volunteer/members?status=pending').set(c.as('clerk'));
    const row = list.body.find((m: { id: number }) => m.id === r.body.id);
    expect(row).toMatchObject({ name: '隋新党员', communityId: C.longteng, status: 'pending', hours: 0, version: 1 });
    expect((await c.api().get('/api/volunteer/members').set(c.as('clerkCuiting'))).body.map((m: { id: number }) => m.id)).not.toContain(r.body.id);
    const activity = await c.published({ kind: 'individual', capacity: 5 });
    const early = await c.api().post(`/api/volunteer/items/${activity.id}/transitions`).set(asNew()).send({ action: 'signup', version: activity.version });
    expect(early.status).toBe(403);
    expect((await c.api().post(`/api/volunteer/members/${r.body.id}/decision`).set(c.as('clerk')).send({ decision: 'approve', version: 1 })).body).toEqual({ id: r.body.id, status: 'approved', allowedActions: [] });
    const joined = await c.api().post(`/api/volunteer/items/${activity.id}/transitions`).set(asNew()).send({ action: 'signup', version: activity.version });
    expect(joined.status).toBe(200);
    expect(joined.body.signups.map((s: { name: string }) => s.name)).toEqual(['隋新党员']);
  });

  it('refuses: other roles (403), another community (404), stale version (409), rejection without a reason (400), a decided report (409)', async () => {
    const other = { ...USERS.member, sub: '41', username: 'dang.yuan.two' };
    const r = await c.api().post('/api/volunteer/members').set({ Authorization: `Bearer ${t.sign(other)}` }).send({ name: '林党员' });
    const id = r.body.id;
    const d = (b: Record<string, unknown>, who: keyof typeof USERS) => c.api().post(`/api/volunteer/members/${id}/decision`).set(c.as(who)).send(b);
    expect((await c.api().post('/api/volunteer/members').set(c.as('clerk')).send({ name: '王' })).status).toBe(403);
    expect((await c.api().post('/api/volunteer/members').set(asNew()).send({ name: '' })).status).toBe(400);
    expect((await c.api().get('/api/volunteer/members').set(c.as('unit'))).status).toBe(403);
    expect((await d({ decision: 'approve', version: 1 }, 'grid')).status).toBe(403);
    expect((await d({ decision: 'approve', version: 1 }, 'clerkCuiting')).status).toBe(404);
    expect((await d({ decision: 'approve', version: 2 }, 'clerk')).body.code).toBe('STALE_VERSION');
    expect((await d({ decision: 'reject', version: 1 }, 'clerk')).status).toBe(400);
    expect((await d({ decision: 'reject', version: 1, reason: '不是本社区居民' }, 'clerk')).body).toEqual({ id, status: 'rejected', allowedActions: [] });
    expect((await d({ decision: 'approve', version: 2 }, 'clerk')).body.code).toBe('WRONG_STATE');
  });
});
