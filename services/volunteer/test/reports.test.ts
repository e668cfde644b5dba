import { buildApp } from '../src/app';
import { generateSigningKeys, signTestToken } from '@redheart/shared';
import request from 'supertest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  it('the community clerk approves: approved, the org service is told, the unit now works in the community; ending tells it too', async () => {
    const before = t.notified.length;
    const list = await c.api().get('/api/volunteer/reports?status=pending').set(c.as('clerk'));
    const pending = list.body.find((x: { unitId: number }) => x.unitId === U.jiaoyu);
    // Not reported yet: the unit may not offer resources here.
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unitOther')).send({ title: '课业辅导', communityId: C.longteng })).status).toBe(404);
    const ok = await decide(pending.id, { decision: 'approve', version: pending.version }, 'clerk');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: pending.id, status: 'approved', version: 2, unitId: U.jiaoyu, communityId: C.longteng });
    expect(t.notified.slice(before)).toEqual([{ unitId: U.jiaoyu, communityId: C.longteng, active: true }]);
    expect((await c.api().post('/api/volunteer/resources').set(c.as('unitOther')).send({ title: '课业辅导', communityId: C.longteng })).status).toBe(201);
    // Decided already; a stale version is refused first.
    expect((await decide(pending.id, { decision: 'approve', version: 1 }, 'clerk')).body.code).toBe('STALE_VERSION');
    expect((await decide(pending.id, { decision: 'approve', version: 2 }, 'clerk')).body.code).toBe('WRONG_STATE');
    expect((await decide(pending.id, { decision: 'end', version: 2 }, 'clerk')).status).toBe(400);
    const ended = await decide(pending.id, { decision: 'end', version: 2, reason: '单位调整联系社区' }, 'secretary');
    expect(ended.body).toMatchObject({ status: 'ended', version: 3 });
    expect(t.notified.at(-1)).toEqual({ unitId: U.jiaoyu, communityId: C.longteng, active: false });
  });

  it('a rejection needs a reason and is not sent to the org service; the unit may report again', async () => {
    const r = await reportAs('unitOther', C.wanda);
    const before = t.notified.length;
    const noReason = await decide(r.id, { decision: 'reject', version: r.version }, 'admin');
    expect(noReason.status).toBe(400);
    expect(noReason.body.code).toBe('VALIDATION_FAILED');
    const rejected = await decide(r.id, { decision: 'reject', version: r.version, reason: '该社区已有同类单位报到' }, 'admin');
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    expect(t.notified.length).toBe(before);
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

  it('changes nothing when the org service cannot be told (503), and the retry succeeds', async () => {
    const r = await reportAs('unitOther', C.cuiting);
    let down = true;
    const told: unknown[] = [];
    const keys = generateSigningKeys();
    const app2 = await buildApp({
      publicKey: keys.publicKey, dataSource: t.ds, filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
      notifyOrg: async (unitId, communityId, active) => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
        told.push({ unitId, communityId, active });
      },
    });
    await app2.ready();
    try {
      const auth = { Authorization: `Bearer ${signTestToken(keys.privateKey, USERS.clerkCuiting)}` };
      const failed = await request(app2.server).post(`/api/volunteer/reports/${r.id}/decision`).set(auth).send({ decision: 'approve', version: r.version });
      expect(failed.status).toBe(503);
      expect(failed.body.code).toBe('ORG_UNAVAILABLE');
      const still = (await c.api().get('/api/volunteer/reports').set(c.as('clerkCuiting'))).body.find((x: { id: number }) => x.id === r.id);
      expect(still).toMatchObject({ status: 'pending', version: r.version });
      down = false;
      const retried = await request(app2.server).post(`/api/volunteer/reports/${r.id}/decision`).set(auth).send({ decision: 'approve', version: r.version });
      expect(retried.status).toBe(200);
      expect(told).toEqual([{ unitId: U.jiaoyu, communityId: C.cuiting, active: true }]);
    } finally {
      await app2.close();
    }
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
    expect((await c.api().post(`/api/volunteer/members/${r.body.id}/decision`).set(c.as('clerk')).send({ decision: 'approve', version: 1 })).body).toEqual({ id: r.body.id, status: 'approved' });
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
    expect((await d({ decision: 'reject', version: 1, reason: '不是本社区居民' }, 'clerk')).body).toEqual({ id, status: 'rejected' });
    expect((await d({ decision: 'approve', version: 2 }, 'clerk')).body.code).toBe('WRONG_STATE');
  });
});
