import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { type AuthUser, JOB_SCHEMA, serviceTestDataSource, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../src/data-source';
import { WHISTLE_OVERDUE_QUEUE } from '../src/modules/escalation/jobs';
import { C, setup, type TestContext, U, type USERS } from './helper';

// Units 11 (自然资源和规划局) and 12 (教育和体育局) are county departments; 13 (供电公司) is a work unit only.
const CITY: AuthUser = { sub: '50', username: 'city.admin', role: 'city_admin', orgId: 100, scopePaths: ['/'] };
const OTHER_COUNTY: AuthUser = { sub: '51', username: 'admin.laiyang', role: 'admin', orgId: 99, scopePaths: ['/99/'] };

let t: TestContext;
const url = workerTestDatabaseUrl('volunteer', 'whistles');
beforeAll(async () => {
  t = await setup(url);
  await t.ds.query(`UPDATE unit_ref SET department = (id IN (11, 12))`);
});
afterAll(async () => t.close());

type Who = keyof typeof USERS | AuthUser;
const api = () => request(t.app.server);
const as = (who: Who) => ({ Authorization: `Bearer ${typeof who === 'string' ? t.token(who) : t.sign(who)}` });
const inDays = (d: number) => new Date(Date.now() + d * 86400_000).toISOString();
const whistle = (body: Record<string, unknown> = {}, who: Who = 'street') => api().post('/api/volunteer/whistles').set(as(who)).send({
  title: '龙腾社区废弃厂房安全隐患', description: '闲置厂房围墙开裂，临近小区主干道，存在倒塌风险', deadline: inDays(3), departmentIds: [U.ziran, U.jiaoyu], communityId: C.longteng, ...body,
});
const act = (id: number, body: Record<string, unknown>, who: Who) => api().post(`/api/volunteer/whistles/${id}/transitions`).set(as(who)).send(body);
const answer = (id: number, unitId: number, body: Record<string, unknown>, who: Who) =>
  api().post(`/api/volunteer/whistles/${id}/responses/${unitId}/transitions`).set(as(who)).send(body);
type Detail = { id: number; version: number; status: string; allowedActions: string[]; responses: { unitId: number; status: string; version: number; overdue: boolean; allowedActions: string[] }[] };
const resp = (d: Detail, unitId: number) => d.responses.find((r) => r.unitId === unitId)!;
const count = async (sql: string, params: unknown[] = []) => Number((await t.ds.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n);

describe('POST /api/volunteer/whistles', () => {
  it('a street whistles to two departments: SENT, each response PENDING with the deadline, an event and an audit row', async () => {
    const r = await whistle();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'SENT', streetId: 3, communityId: C.longteng, raisedBy: 'street.zhuangyuan', allowedActions: ['withdraw'] });
    expect(r.body.whistleNo).toMatch(/^JH\d{6}-\d{5}$/);
    expect(r.body.responses.map((x: { unitId: number; status: string }) => [x.unitId, x.status]).sort()).toEqual([[U.ziran, 'PENDING'], [U.jiaoyu, 'PENDING']]);
    expect(r.body.timeline).toEqual([expect.objectContaining({ action: 'raise', toStatus: 'SENT', actorUsername: 'street.zhuangyuan' })]);
    expect(await count(`audit_entry WHERE action = 'whistle.raise' AND entity_id = $1`, [String(r.body.id)])).toBe(1);
  });

  it('answers 400 naming the field, in Chinese, and writes nothing', async () => {
    const before = await count('whistle');
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '' }, 'title'],
      [{ deadline: 'tomorrow' }, 'deadline'],
      [{ deadline: new Date(Date.now() - 3600_000).toISOString() }, 'deadline'],
      [{ deadline: inDays(120) }, 'deadline'],
      [{ departmentIds: [] }, 'departmentIds'],
      [{ departmentIds: [U.ziran, U.ziran] }, 'departmentIds'],
      [{ departmentIds: [U.gongdian] }, 'departmentIds'],
      [{ departmentIds: [999] }, 'departmentIds'],
    ];
    for (const [body, field] of cases) {
      const r = await whistle(body);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      expect(r.body.message).toContain(field);
      expect(r.body.message).toMatch(/[\u4e00-\u9fff]/);
      expect(JSON.stringify(r.body.details)).toContain(field);
    }
    expect((await whistle({ unknown: 1 })).status).toBe(400);
    // the deadline's field codes word it in the SPA: in the past, more than 90 days ahead
    expect((await whistle({ deadline: new Date(Date.now() - 3600_000).toISOString() })).body.details[0]).toMatchObject({ field: 'deadline', code: 'notInFuture' });
    expect((await whistle({ deadline: inDays(120) })).body.details[0]).toMatchObject({ field: 'deadline', code: 'tooFarAhead', params: { days: 90 } });
    expect(await count('whistle')).toBe(before);
  });

  it('403 for roles that do not raise whistles; 404 for a community outside the street', async () => {
    for (const who of ['grid', 'member', 'unit', 'admin'] as const) expect((await whistle({}, who)).status).toBe(403);
    // before the body is looked at
    expect((await api().post('/api/volunteer/whistles').set(as('grid')).send({})).status).toBe(403);
    expect((await whistle({ communityId: C.cuiting })).status).toBe(404);
    expect((await api().post('/api/volunteer/whistles').send({})).status).toBe(401);
  });
});

describe('the department answers (报到) and the street rates', () => {
  it('accept → act → report, the street rates; the other refuses; the whistle closes by itself', async () => {
    const w = (await whistle()).body as Detail;
    // the department sees its own answer's actions only
    const seen = (await api().get(`/api/volunteer/whistles/${w.id}`).set(as('unit'))).body as Detail;
    expect(resp(seen, U.ziran).allowedActions).toEqual(['accept', 'refuse']);
    expect(resp(seen, U.jiaoyu).allowedActions).toEqual([]);

    let d = (await answer(w.id, U.ziran, { action: 'accept', version: resp(w, U.ziran).version }, 'unit')).body as Detail;
    expect(resp(d, U.ziran).status).toBe('ACCEPTED');
    const noNote = await answer(w.id, U.ziran, { action: 'act', version: resp(d, U.ziran).version }, 'unit');
    expect(noNote.status).toBe(400);
    expect(noNote.body.details).toEqual([{ field: 'note', code: 'required', errors: ['required'] }]);
    d = (await answer(w.id, U.ziran, { action: 'act', version: resp(d, U.ziran).version, note: '已派人现场核查' }, 'unit')).body;
    expect(resp(d, U.ziran).status).toBe('ACTING');
    const noResult = await answer(w.id, U.ziran, { action: 'report', version: resp(d, U.ziran).version }, 'unit');
    expect(noResult.status).toBe(400);
    expect(noResult.body.details[0].field).toBe('result');
    d = (await answer(w.id, U.ziran, { action: 'report', version: resp(d, U.ziran).version, result: '已设置围挡并拆除危墙' }, 'unit')).body;
    expect(resp(d, U.ziran).status).toBe('REPORTED');
    expect(d.status).toBe('SENT');

    const street = (await api().get(`/api/volunteer/whistles/${w.id}`).set(as('street'))).body as Detail;
    expect(resp(street, U.ziran).allowedActions).toEqual(['rate', 'return']);
    const badRating = await answer(w.id, U.ziran, { action: 'rate', version: resp(street, U.ziran).version, rating: 6 }, 'street');
    expect(badRating.status).toBe(400);
    expect(badRating.body.message).toContain('rating');
    const noRating = await answer(w.id, U.ziran, { action: 'rate', version: resp(street, U.ziran).version }, 'street');
    expect(noRating.status).toBe(400);
    d = (await answer(w.id, U.ziran, { action: 'rate', version: resp(street, U.ziran).version, rating: 5, reason: '响应迅速' }, 'street')).body;
    expect(resp(d, U.ziran)).toMatchObject({ status: 'RATED', rating: 5, ratingComment: '响应迅速' });
    expect(d.status).toBe('SENT');

    const noReason = await answer(w.id, U.jiaoyu, { action: 'refuse', version: resp(d, U.jiaoyu).version }, 'unitOther');
    expect(noReason.body.details).toEqual([{ field: 'reason', code: 'required', errors: ['required'] }]);
    d = (await answer(w.id, U.jiaoyu, { action: 'refuse', version: resp(d, U.jiaoyu).version, reason: '不属于本部门职责' }, 'unitOther')).body;
    expect(resp(d, U.jiaoyu).status).toBe('DECLINED');
    expect(d.status).toBe('CLOSED');
    const events = (await api().get(`/api/volunteer/whistles/${w.id}`).set(as('admin'))).body.timeline.map((e: { action: string }) => e.action);
    expect(events).toEqual(['raise', 'accept', 'act', 'report', 'rate', 'refuse', 'close']);
    expect(await count(`audit_entry WHERE entity_type = 'whistle_response' AND action LIKE 'whistle.%'`)).toBeGreaterThanOrEqual(5);
  });

  it('refuses what the table does not allow: 403 for the wrong role or department, 409 on the wrong state or a stale version', async () => {
    const w = (await whistle()).body as Detail;
    const v = resp(w, U.ziran).version;
    expect((await answer(w.id, U.jiaoyu, { action: 'accept', version: resp(w, U.jiaoyu).version }, 'unit')).status).toBe(403);
    expect((await answer(w.id, U.ziran, { action: 'accept', version: v }, 'street')).status).toBe(403);
    expect((await answer(w.id, U.ziran, { action: 'rate', version: v, rating: 3 }, 'unit')).status).toBe(403);
    expect((await answer(w.id, U.ziran, { action: 'supervise', version: v, reason: '督办', deadline: inDays(2) }, 'street')).status).toBe(403);
    expect((await act(w.id, { action: 'withdraw', version: w.version, reason: '误发' }, 'unit')).status).toBe(403);
    const early = await answer(w.id, U.ziran, { action: 'rate', version: v, rating: 3 }, 'street');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('WRONG_STATE');
    expect((await answer(w.id, U.ziran, { action: 'accept', version: v }, 'unit')).status).toBe(200);
    const stale = await answer(w.id, U.ziran, { action: 'report', version: v, result: '已处理完毕' }, 'unit');
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const twice = await answer(w.id, U.ziran, { action: 'accept', version: v + 1 }, 'unit');
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('WRONG_STATE');
    expect((await act(w.id, { action: 'close', version: w.version }, 'street')).body.code).toBe('WRONG_STATE');
    expect((await act(w.id, { action: 'withdraw', version: w.version, reason: '误发' }, 'street')).status).toBe(200);
    expect((await act(w.id, { action: 'fly', version: 1 }, 'street')).body.details[0].field).toBe('action');
    expect((await answer(w.id, U.ziran, { action: 'report', version: v + 1, result: '已处理完毕' }, 'unit')).body.code).toBe('WRONG_STATE');
  });

  it('the street returns an answer for rework, which counts on the scorecard', async () => {
    const w = (await whistle({ departmentIds: [U.ziran] })).body as Detail;
    let d = (await answer(w.id, U.ziran, { action: 'accept', version: resp(w, U.ziran).version }, 'unit')).body as Detail;
    d = (await answer(w.id, U.ziran, { action: 'report', version: resp(d, U.ziran).version, result: '已处理' }, 'unit')).body;
    expect(d.status).toBe('ANSWERED');
    d = (await answer(w.id, U.ziran, { action: 'return', version: resp(d, U.ziran).version, reason: '围墙仍未加固' }, 'street')).body;
    expect(resp(d, U.ziran).status).toBe('ACTING');
    expect(d.status).toBe('SENT');
    const card = (await api().get('/api/volunteer/scorecards/departments').set(as('unit'))).body;
    expect(card).toHaveLength(1);
    expect(card[0]).toMatchObject({ unitId: U.ziran });
    expect(card[0].returned).toBeGreaterThanOrEqual(1);
  });
});

describe('scope of GET /api/volunteer/whistles(/:id)', () => {
  it('the street, its community, the department sent to, the county and the city see it; everyone else gets 404 (403 for roles without whistles)', async () => {
    const w = (await whistle({ departmentIds: [U.ziran] })).body as Detail;
    for (const who of ['street', 'secretary', 'clerk', 'unit', 'admin', CITY] as Who[]) {
      expect((await api().get(`/api/volunteer/whistles/${w.id}`).set(as(who))).status).toBe(200);
    }
    for (const who of ['streetCuiping', 'clerkCuiting', 'unitOther', 'unit2', OTHER_COUNTY] as Who[]) {
      expect((await api().get(`/api/volunteer/whistles/${w.id}`).set(as(who))).status).toBe(404);
    }
    // outside: 404 for the roles that act on answers; 403 first for a community, which never does
    for (const who of ['streetCuiping', 'unitOther', 'unit2', OTHER_COUNTY] as Who[]) {
      expect((await answer(w.id, U.ziran, { action: 'accept', version: 1 }, who)).status).toBe(404);
    }
    expect((await answer(w.id, U.ziran, { action: 'accept', version: 1 }, 'clerkCuiting')).status).toBe(403);
    expect((await answer(w.id, U.ziran, {}, 'grid')).status).toBe(403);
    expect((await act(w.id, {}, 'unit')).status).toBe(403);
    expect((await api().get(`/api/volunteer/whistles/${w.id}`).set(as('grid'))).status).toBe(403);
    expect((await api().get('/api/volunteer/whistles').set(as('member'))).status).toBe(403);
    expect((await api().get('/api/volunteer/whistles/999999').set(as('admin'))).status).toBe(404);
    expect((await api().get('/api/volunteer/whistles/abc').set(as('admin'))).status).toBe(400);

    const ids = async (who: Who, q = '') => ((await api().get(`/api/volunteer/whistles?limit=100${q}`).set(as(who))).body.items as { id: number }[]).map((x) => x.id);
    expect(await ids('street')).toContain(w.id);
    expect(await ids('unit')).toContain(w.id);
    expect(await ids('unit', '&view=open')).toContain(w.id);
    expect(await ids('streetCuiping')).not.toContain(w.id);
    expect(await ids('unitOther')).not.toContain(w.id);
    expect(await ids(OTHER_COUNTY)).toEqual([]);
    const mine = (await api().get('/api/volunteer/whistles?limit=100').set(as('unit'))).body.items.find((x: { id: number }) => x.id === w.id);
    expect(mine.myResponse).toMatchObject({ status: 'PENDING', overdue: false });
    expect((await api().get('/api/volunteer/whistles?status=NOPE').set(as('street'))).body.details[0].field).toBe('status');
  });
});

describe('a community proposes, its street sends', () => {
  it('PROPOSED is seen by the community and the street, not the department; the street sends it or declines with a reason', async () => {
    const p = await whistle({ communityId: undefined }, 'secretary');
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ status: 'PROPOSED', communityId: C.longteng, streetId: 3 });
    expect(p.body.responses.map((r: { status: string }) => r.status)).toEqual(['PROPOSED', 'PROPOSED']);
    expect((await api().get(`/api/volunteer/whistles/${p.body.id}`).set(as('unit'))).status).toBe(404);
    expect((await api().get(`/api/volunteer/whistles/${p.body.id}`).set(as('clerkCuiting'))).status).toBe(404);
    expect((await whistle({ communityId: C.wanda }, 'secretary')).body.details[0].field).toBe('communityId');
    expect((await act(p.body.id, { action: 'send', version: p.body.version }, 'secretary')).status).toBe(403);

    const sent = await act(p.body.id, { action: 'send', version: p.body.version, departmentIds: [U.ziran] }, 'street');
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('SENT');
    expect(sent.body.responses.map((r: { unitId: number; status: string }) => [r.unitId, r.status])).toEqual([[U.ziran, 'PENDING']]);
    expect((await api().get(`/api/volunteer/whistles/${p.body.id}`).set(as('unit'))).status).toBe(200);
    expect((await api().get(`/api/volunteer/whistles/${p.body.id}`).set(as('secretary'))).status).toBe(200);

    const q = (await whistle({}, 'clerk')).body as Detail;
    const noReason = await act(q.id, { action: 'decline', version: q.version }, 'street');
    expect(noReason.body.details).toEqual([{ field: 'reason', code: 'required', errors: ['required'] }]);
    // a null reason is no reason (the DTO lets null through as absent): 400 on the field, the whistle unchanged
    const nullReason = await act(q.id, { action: 'decline', version: q.version, reason: null }, 'street');
    expect([nullReason.status, nullReason.body.details]).toEqual([400, [{ field: 'reason', code: 'required', errors: ['required'] }]]);
    const declined = await act(q.id, { action: 'decline', version: q.version, reason: '社区可自行协调解决' }, 'street');
    expect(declined.body.status).toBe('DECLINED');
    expect((await act(q.id, { action: 'send', version: declined.body.version }, 'street')).body.code).toBe('WRONG_STATE');
  });
});

describe('overdue answers go up to the county', () => {
  it('the job marks answers owed past the deadline, escalates the whistle once; the county supervises with a new deadline', async () => {
    const w = (await whistle()).body as Detail;
    let d = (await answer(w.id, U.ziran, { action: 'accept', version: resp(w, U.ziran).version }, 'unit')).body as Detail;
    d = (await answer(w.id, U.ziran, { action: 'report', version: resp(d, U.ziran).version, result: '已处理' }, 'unit')).body;
    await t.ds.query(`UPDATE whistle_response SET deadline = now() - interval '1 hour' WHERE whistle_id = $1`, [w.id]);
    const hit = await t.app.volunteer.whistles.escalateOverdue();
    // only the answer still owed (教育和体育局); the one reported in time is not overdue
    expect(hit.filter((h) => h.whistleId === w.id)).toEqual([{ whistleId: w.id, unitId: U.jiaoyu }]);
    expect((await t.app.volunteer.whistles.escalateOverdue()).filter((h) => h.whistleId === w.id)).toEqual([]);
    d = (await api().get(`/api/volunteer/whistles/${w.id}`).set(as('admin'))).body;
    expect(d.status).toBe('ESCALATED');
    expect(resp(d, U.jiaoyu)).toMatchObject({ overdue: true, allowedActions: ['supervise'] });
    expect(resp(d, U.ziran).overdue).toBe(false);
    expect(await count(`whistle_event WHERE whistle_id = $1 AND action = 'escalate'`, [w.id])).toBe(1);

    const notOverdue = await answer(w.id, U.ziran, { action: 'supervise', version: resp(d, U.ziran).version, reason: '督办', deadline: inDays(2) }, 'admin');
    expect(notOverdue.status).toBe(409);
    const noDeadline = await answer(w.id, U.jiaoyu, { action: 'supervise', version: resp(d, U.jiaoyu).version, reason: '请尽快答复' }, 'admin');
    expect(noDeadline.body.details).toEqual([{ field: 'deadline', code: 'required', errors: ['required'] }]);
    d = (await answer(w.id, U.jiaoyu, { action: 'supervise', version: resp(d, U.jiaoyu).version, reason: '请尽快答复', deadline: inDays(2) }, 'admin')).body;
    expect(resp(d, U.jiaoyu)).toMatchObject({ status: 'PENDING', overdue: false, supervisedCount: 1 });
    expect(d.status).toBe('SENT');
    const card = ((await api().get('/api/volunteer/scorecards/departments').set(as('admin'))).body as { unitId: number; overdue: number }[]);
    expect(card.find((c) => c.unitId === U.jiaoyu)!.overdue).toBeGreaterThanOrEqual(1);
  });

  it('runs on the job engine: one job per cron slot escalates the overdue answer', async () => {
    const w = (await whistle({ departmentIds: [U.jiaoyu] })).body as Detail;
    await t.ds.query(`UPDATE whistle_response SET deadline = now() - interval '1 hour' WHERE whistle_id = $1`, [w.id]);
    const ds: DataSource = await serviceTestDataSource(url, { service: 'volunteer', create: createVolunteerDataSource, migrate: migrateVolunteer }, 5);
    const app: FastifyInstance = await buildApp({
      publicKey: t.keys.publicKey, dataSource: ds, filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
      scheduled: { escalateCron: '* * * * *', cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1, pollingIntervalSeconds: 0.5 },
    });
    try {
      await app.ready();
      const end = Date.now() + 90_000;
      const done = async () => (await t.ds.query(`SELECT 1 FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state = 'completed'`, [WHISTLE_OVERDUE_QUEUE])).length > 0;
      while (!(await done())) {
        if (Date.now() > end) throw new Error('no whistle job completed');
        await new Promise((r) => setTimeout(r, 250));
      }
      const d = (await api().get(`/api/volunteer/whistles/${w.id}`).set(as('street'))).body as Detail;
      expect(d.status).toBe('ESCALATED');
      expect(await count(`whistle_event WHERE whistle_id = $1 AND action = 'overdue'`, [w.id])).toBe(1);
    } finally {
      await app.close();
      await ds.destroy();
    }
  }, 120_000);
});

describe('GET /api/volunteer/scorecards/departments and /whistles/departments', () => {
  it('per department over what the caller may see; 403 for community roles; bad dates 400', async () => {
    const all = (await api().get('/api/volunteer/scorecards/departments').set(as('street'))).body as { unitId: number; whistled: number; onTimeRate: number | null }[];
    expect(all.map((r) => r.unitId).sort()).toEqual([U.ziran, U.jiaoyu]);
    expect(all.every((r) => r.whistled > 0)).toBe(true);
    expect((await api().get('/api/volunteer/scorecards/departments').set(as('streetCuiping'))).body).toEqual([]);
    expect((await api().get('/api/volunteer/scorecards/departments').set(as('clerk'))).status).toBe(403);
    const bad = await api().get('/api/volunteer/scorecards/departments?from=2026-13-01').set(as('admin'));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('from');
    const deps = (await api().get('/api/volunteer/whistles/departments').set(as('street'))).body as { id: number }[];
    expect(deps.map((x) => x.id).sort()).toEqual([U.ziran, U.jiaoyu]);
    expect((await api().get('/api/volunteer/whistles/departments').set(as('grid'))).status).toBe(403);
  });
});
