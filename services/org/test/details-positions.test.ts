import request from 'supertest';
import { ALL_USERS, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const patch = (u: string, path: string, body: object) => request(t.app.server).patch(path).set(auth(u)).send(body);

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
});
afterAll(async () => t.close());

const positions = (unit: number) => `/api/org/units/${unit}/positions`;

describe('POST /api/org/units/:id/positions', () => {
  it('appoints a full-time secretary and audits it', async () => {
    const res = await post('street.zhuangyuan', positions(f.longteng), {
      personName: ' 李红 ', phone: '0535-5210001', kind: 'secretary', fullTime: true, termStart: '2020-01-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number), orgId: f.longteng, personName: '李红', phone: '0535-5210001', kind: 'secretary', fullTime: true,
      fromUnitId: null, fromUnitName: null, termStart: '2020-01-01', termEnd: null, version: 1,
    });
    const audit = await t.ds.query(`SELECT action, actor_username, after->>'personName' AS name FROM audit_entry WHERE entity_type = 'position' AND entity_id = $1`, [String(res.body.id)]);
    expect(audit).toEqual([{ action: 'position.create', actor_username: 'street.zhuangyuan', name: '李红' }]);
  });

  it('returns 409 for a second secretary whose term overlaps the current one', async () => {
    const res = await post('admin', positions(f.longteng), { personName: '王五', kind: 'secretary', termStart: '2023-01-01' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SECRETARY_TAKEN');
  });

  it('leaves the secretary of one’s own organisation to the level above (403), but not those below', async () => {
    const own = await post('secretary.longteng', positions(f.longteng), { personName: '自任', kind: 'secretary', termStart: '2030-01-01' });
    expect(own.status).toBe(403);
    expect((await post('street.zhuangyuan', positions(f.zhuangyuan), { personName: '自任', kind: 'secretary', termStart: '2020-01-01' })).status).toBe(403);
    const below = await post('secretary.longteng', positions(f.yujingBranch), { personName: '周支书', kind: 'secretary', termStart: '2020-03-20' });
    expect(below.status).toBe(201);
    const sec = (await get('admin', positions(f.longteng))).body.find((p: { kind: string }) => p.kind === 'secretary');
    expect((await post('secretary.longteng', `/api/org/positions/${sec.id}/end`, { termEnd: '2024-01-01', reason: '自行离任' })).status).toBe(403);
    expect((await patch('secretary.longteng', `/api/org/positions/${sec.id}`, { version: sec.version, phone: '1' })).status).toBe(403);
  });

  it('seats a part-time member from a work unit and names the unit', async () => {
    const res = await post('secretary.longteng', positions(f.longteng), {
      personName: '张局长', kind: 'part_time_member', fromUnitId: f.workUnit, termStart: '2020-02-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'part_time_member', fromUnitId: f.workUnit, fromUnitName: '栖霞市自然资源和规划局党组', fullTime: false });
  });

  it('returns 400 when a part-time member has no unit, a unit that is not a work unit, or sits on a branch', async () => {
    const none = await post('admin', positions(f.longteng), { personName: '甲', kind: 'part_time_member', termStart: '2020-02-01' });
    expect(none.status).toBe(400);
    expect(none.body.details[0].field).toBe('fromUnitId');
    const notUnit = await post('admin', positions(f.longteng), { personName: '甲', kind: 'part_time_member', fromUnitId: f.wanda, termStart: '2020-02-01' });
    expect(notUnit.status).toBe(400);
    expect(notUnit.body.code).toBe('NOT_A_WORK_UNIT');
    const missingUnit = await post('admin', positions(f.longteng), { personName: '甲', kind: 'part_time_member', fromUnitId: 999999, termStart: '2020-02-01' });
    expect(missingUnit.status).toBe(400);
    const onBranch = await post('admin', positions(f.yujingBranch), { personName: '甲', kind: 'part_time_member', fromUnitId: f.workUnit, termStart: '2020-02-01' });
    expect(onBranch.status).toBe(400);
    expect(onBranch.body.code).toBe('WRONG_ORG_TYPE');
    const fromOnMember = await post('admin', positions(f.longteng), { personName: '甲', kind: 'committee_member', fromUnitId: f.workUnit, termStart: '2020-02-01' });
    expect(fromOnMember.status).toBe(400);
  });

  it('returns 400 for fullTime on anyone but a secretary', async () => {
    const res = await post('admin', positions(f.longteng), { personName: '副书记', kind: 'deputy_secretary', fullTime: true, termStart: '2020-02-01' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FULL_TIME_SECRETARY_ONLY');
  });

  it('returns 400 for bad input: unknown fields, bad kind, bad or inverted dates, blank names', async () => {
    const ok = { personName: '乙', kind: 'committee_member', termStart: '2020-02-01' };
    expect((await post('admin', positions(f.longteng), { ...ok, evil: true })).status).toBe(400);
    expect((await post('admin', positions(f.longteng), { ...ok, kind: 'king' })).status).toBe(400);
    expect((await post('admin', positions(f.longteng), { ...ok, termStart: '2020-02-30' })).status).toBe(400);
    expect((await post('admin', positions(f.longteng), { ...ok, termEnd: '2019-01-01' })).status).toBe(400);
    expect((await post('admin', positions(f.longteng), { ...ok, personName: '   ' })).status).toBe(400);
    const phone = await post('admin', positions(f.longteng), { ...ok, phone: 'call me' });
    // The org phone check names the field with a code of its own, which the SPA words and shows on the field.
    expect(phone.status).toBe(400);
    expect(phone.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'phone', code: 'phone' }] });
    expect((await post('admin', '/api/org/units/abc/positions', ok)).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope or missing, 401 without a token', async () => {
    const body = { personName: '丙', kind: 'committee_member', termStart: '2020-02-01' };
    expect((await post('clerk.longteng', positions(f.longteng), body)).status).toBe(403);
    expect((await post('unit.staff', positions(f.longteng), body)).status).toBe(403);
    expect((await post('member', positions(f.longteng), body)).status).toBe(403);
    expect((await post('street.cuiping', positions(f.longteng), body)).status).toBe(404);
    expect((await post('secretary.longteng', positions(f.wanda), body)).status).toBe(404);
    expect((await post('admin', positions(999999), body)).status).toBe(404);
    expect((await request(t.app.server).post(positions(f.longteng)).send(body)).status).toBe(401);
  });

  it('returns 409 on an archived organisation', async () => {
    const leaf = await post('admin', '/api/org/units', { parentId: f.longteng, type: 'business_district_branch', name: '已撤销商圈党支部', validFrom: '2020-01-01' });
    await post('admin', `/api/org/units/${leaf.body.id}/archive`, { version: 1, reason: '撤销', validTo: '2021-01-01' });
    const res = await post('admin', positions(leaf.body.id), { personName: '丁', kind: 'secretary', termStart: '2020-02-01' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ARCHIVED');
  });
});

describe('GET /api/org/units/:id/positions', () => {
  it('lists current positions secretary first, with the unit name of part-time members', async () => {
    const res = await get('clerk.longteng', positions(f.longteng));
    expect(res.status).toBe(200);
    expect(res.body.map((p: { kind: string }) => p.kind)).toEqual(['secretary', 'part_time_member']);
    expect(res.body[1].fromUnitName).toBe('栖霞市自然资源和规划局党组');
  });

  it('is readable by a reporting unit’s staff but not from another area', async () => {
    expect((await get('unit.staff', positions(f.longteng))).status).toBe(200);
    expect((await get('clerk.cuiting', positions(f.longteng))).status).toBe(404);
    expect((await get('street.cuiping', positions(f.longteng))).status).toBe(404);
  });

  it('returns 400 for a bad query, 404 for a missing unit, 401 without a token', async () => {
    expect((await get('admin', `${positions(f.longteng)}?includeEnded=maybe`)).status).toBe(400);
    expect((await get('admin', `${positions(f.longteng)}?foo=1`)).status).toBe(400);
    expect((await get('admin', positions(999999))).status).toBe(404);
    expect((await request(t.app.server).get(positions(f.longteng))).status).toBe(401);
  });
});

describe('PATCH /api/org/positions/:id', () => {
  it('edits with the current version and refuses the stale one with 409', async () => {
    const created = await post('admin', positions(f.wanda), { personName: '刘委员', kind: 'committee_member', termStart: '2021-03-01' });
    const ok = await patch('street.zhuangyuan', `/api/org/positions/${created.body.id}`, { version: 1, phone: '13800000000', personName: '刘委员（改）' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ version: 2, phone: '13800000000', personName: '刘委员（改）' });
    const stale = await patch('street.zhuangyuan', `/api/org/positions/${created.body.id}`, { version: 1, phone: '1' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const audit = await t.ds.query(`SELECT before->>'phone' AS b, after->>'phone' AS a FROM audit_entry WHERE action = 'position.update' AND entity_id = $1`, [String(created.body.id)]);
    expect(audit).toEqual([{ b: null, a: '13800000000' }]);
  });

  it('applies the rules to the result: promoting to secretary while another holds office is 409, fullTime on a member 400', async () => {
    const cur = (await get('admin', positions(f.longteng))).body.find((p: { kind: string }) => p.kind === 'part_time_member');
    expect((await patch('admin', `/api/org/positions/${cur.id}`, { version: cur.version, fullTime: true })).status).toBe(400);
    const member = await post('admin', positions(f.longteng), { personName: '陈委员', kind: 'committee_member', termStart: '2021-01-01' });
    const promote = await patch('admin', `/api/org/positions/${member.body.id}`, { version: 1, kind: 'secretary' });
    expect(promote.status).toBe(409);
    expect(promote.body.code).toBe('SECRETARY_TAKEN');
  });

  it('returns 400 without a version, 403 for a clerk, 404 outside scope or missing, 401 without a token', async () => {
    const p = (await get('admin', positions(f.longteng))).body[0];
    expect((await patch('admin', `/api/org/positions/${p.id}`, { phone: '1' })).status).toBe(400);
    expect((await patch('admin', `/api/org/positions/${p.id}`, { version: p.version, kind: 'pope' })).status).toBe(400);
    expect((await patch('clerk.longteng', `/api/org/positions/${p.id}`, { version: p.version, phone: '1' })).status).toBe(403);
    expect((await patch('street.cuiping', `/api/org/positions/${p.id}`, { version: p.version, phone: '1' })).status).toBe(404);
    expect((await patch('admin', '/api/org/positions/999999', { version: 1, phone: '1' })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/positions/${p.id}`).send({ version: p.version })).status).toBe(401);
  });
});

describe('POST /api/org/positions/:id/end', () => {
  it('ends a term; the position leaves the current list and a successor may start the next day', async () => {
    const sec = (await get('admin', positions(f.longteng))).body.find((p: { kind: string }) => p.kind === 'secretary');
    const early = await post('street.zhuangyuan', `/api/org/positions/${sec.id}/end`, { termEnd: '2019-12-31', reason: '换届' });
    expect(early.status).toBe(400);
    const res = await post('street.zhuangyuan', `/api/org/positions/${sec.id}/end`, { termEnd: '2024-12-31', reason: '换届' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ termEnd: '2024-12-31', version: sec.version + 1 });
    expect((await get('admin', positions(f.longteng))).body.map((p: { id: number }) => p.id)).not.toContain(sec.id);
    expect((await get('admin', `${positions(f.longteng)}?includeEnded=true`)).body.map((p: { id: number }) => p.id)).toContain(sec.id);

    const overlap = await post('admin', positions(f.longteng), { personName: '赵六', kind: 'secretary', termStart: '2024-06-01' });
    expect(overlap.status).toBe(409);
    const next = await post('admin', positions(f.longteng), { personName: '赵六', kind: 'secretary', fullTime: true, termStart: '2025-01-01' });
    expect(next.status).toBe(201);

    const audit = await t.ds.query(`SELECT reason FROM audit_entry WHERE action = 'position.end' AND entity_id = $1`, [String(sec.id)]);
    expect(audit).toEqual([{ reason: '换届' }]);
  });

  it('returns 409 when the term already ended', async () => {
    const ended = (await get('admin', `${positions(f.longteng)}?includeEnded=true`)).body.find((p: { termEnd: string | null }) => p.termEnd === '2024-12-31');
    const res = await post('admin', `/api/org/positions/${ended.id}/end`, { termEnd: '2025-01-01', reason: '重复' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ALREADY_ENDED');
  });

  it('returns 400 without a reason or with a future date, 403, 404 and 401', async () => {
    const p = (await get('admin', positions(f.longteng))).body[0];
    expect((await post('admin', `/api/org/positions/${p.id}/end`, { termEnd: '2025-06-01' })).status).toBe(400);
    expect((await post('admin', `/api/org/positions/${p.id}/end`, { termEnd: '2999-01-01', reason: '未来' })).status).toBe(400);
    expect((await post('grid.longteng', `/api/org/positions/${p.id}/end`, { termEnd: '2025-06-01', reason: '离任' })).status).toBe(403);
    expect((await post('street.cuiping', `/api/org/positions/${p.id}/end`, { termEnd: '2025-06-01', reason: '离任' })).status).toBe(404);
    expect((await post('admin', '/api/org/positions/999999/end', { termEnd: '2025-06-01', reason: '离任' })).status).toBe(404);
    expect((await request(t.app.server).post(`/api/org/positions/${p.id}/end`).send({ termEnd: '2025-06-01', reason: '离任' })).status).toBe(401);
  });

  it('serialises concurrent appointments: of two racing secretaries exactly one is seated', async () => {
    const body = (name: string) => ({ personName: name, kind: 'secretary', termStart: '2022-01-01' });
    const [a, b] = await Promise.all([post('admin', positions(f.cuiting), body('甲')), post('admin', positions(f.cuiting), body('乙'))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
  });
});
