import { createServer } from 'node:net';
import request from 'supertest';
import { ALL_USERS, INTERNAL_TOKEN, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';
import { httpVolunteerWork } from '../src/modules/meetings/volunteer-client';

/** A URL on which nothing listens: the volunteer service is down. */
async function closedPortUrl(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
  return `http://127.0.0.1:${port}`;
}

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const patch = (u: string, path: string, body: object) => request(t.app.server).patch(path).set(auth(u)).send(body);
const convene = (u: string, org: number, body: object = {}) => post(u, `/api/org/units/${org}/meetings`, {
  title: '龙腾社区大党委第一季度联席会议', heldAt: '2026-01-15T09:00:00+08:00', place: '龙腾社区党群服务中心', agenda: ['通报双报到工作', '研究小区道路硬化'], ...body,
});

beforeAll(async () => {
  t = await setup({ volunteerWork: httpVolunteerWork([await closedPortUrl()], INTERNAL_TOKEN, 2000) });
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
  // the committee: a secretary, a member and a part-time member from a stationed unit; and one whose term ended
  const seat = (org: number, name: string, kind: string, from: number | null, start = '2020-01-01', end: string | null = null) => t.ds.query(
    `INSERT INTO position (org_id, person_name, kind, full_time, from_unit_id, term_start, term_end) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
    [org, name, kind, kind === 'secretary', from, start, end],
  );
  await seat(f.longteng, '李红', 'secretary', null);
  await seat(f.longteng, '王强', 'committee_member', null);
  await seat(f.longteng, '张局长', 'part_time_member', f.workUnit);
  await seat(f.longteng, '前任委员', 'committee_member', null, '2019-01-01', '2020-01-01');
  await seat(f.zhuangyuan, '赵书记', 'secretary', null);
});
afterAll(async () => t.close());

describe('POST /api/org/units/:id/meetings', () => {
  it('convenes a community committee meeting and invites its current seats, part-time members with their unit; audited', async () => {
    const res = await convene('clerk.longteng', f.longteng);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      orgId: f.longteng, orgName: '龙腾社区党委', orgType: 'community_committee', title: '龙腾社区大党委第一季度联席会议',
      heldAt: '2026-01-15T01:00:00.000Z', agenda: ['通报双报到工作', '研究小区道路硬化'], status: 'convened', convenedBy: 'clerk.longteng', version: 1, decisions: [],
    });
    expect(res.body.attendees.map((a: { personName: string; kind: string; fromUnitName: string | null; attendance: string }) => [a.personName, a.kind, a.fromUnitName, a.attendance])).toEqual([
      ['李红', 'secretary', null, 'invited'],
      ['王强', 'committee_member', null, 'invited'],
      ['张局长', 'part_time_member', '栖霞市自然资源和规划局党组', 'invited'],
    ]);
    const audit = await t.ds.query(`SELECT action, actor_username FROM audit_entry WHERE entity_type = 'committee_meeting' AND entity_id = $1`, [String(res.body.id)]);
    expect(audit).toEqual([{ action: 'meeting.convene', actor_username: 'clerk.longteng' }]);
  });

  it('convenes a street working committee meeting (大工委) as the street', async () => {
    const res = await convene('street.zhuangyuan', f.zhuangyuan, { title: '庄园街道大工委会议' });
    expect(res.status).toBe(201);
    expect(res.body.attendees.map((a: { personName: string }) => a.personName)).toEqual(['赵书记']);
  });

  it('returns 400 naming the field in zh-CN', async () => {
    const res = await convene('clerk.longteng', f.longteng, { title: '会', heldAt: 'tomorrow', agenda: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['agenda', 'heldAt', 'title']);
    expect(res.body.message).toContain('title（会议名称）');
    expect(res.body.message).toContain('heldAt（会议时间）');
  });

  it('returns 400 for an organisation that is no joint committee', async () => {
    const res = await convene('secretary.longteng', f.yujingBranch);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('WRONG_ORG_TYPE');
  });

  it('returns 404 outside the scope: another community, the street above, another street', async () => {
    expect((await convene('clerk.cuiting', f.longteng)).status).toBe(404);
    expect((await convene('clerk.longteng', f.zhuangyuan)).status).toBe(404);
    expect((await convene('street.cuiping', f.longteng)).status).toBe(404);
  });

  it('returns 403 for roles that do not keep meetings, and 401 without a token', async () => {
    for (const u of ['grid.longteng', 'unit.staff', 'member']) expect((await convene(u, f.longteng)).status).toBe(403);
    expect((await request(t.app.server).post(`/api/org/units/${f.longteng}/meetings`).send({})).status).toBe(401);
  });
});

describe('GET /api/org/meetings and /api/org/meetings/:id', () => {
  it('lists the meetings in scope: the community its own, the street its own and its communities’, the county all', async () => {
    const titles = async (u: string, q = '') => (await get(u, `/api/org/meetings${q}`)).body.items.map((m: { orgName: string }) => m.orgName).sort();
    expect(await titles('clerk.longteng')).toEqual(['龙腾社区党委']);
    expect(await titles('street.zhuangyuan')).toEqual(['庄园街道党工委', '龙腾社区党委']);
    expect(await titles('admin')).toEqual(['庄园街道党工委', '龙腾社区党委']);
    expect(await titles('street.cuiping')).toEqual([]);
    expect(await titles('street.zhuangyuan', `?orgId=${f.zhuangyuan}`)).toEqual(['庄园街道党工委']);
    const list = await get('admin', '/api/org/meetings');
    expect(list.body).toMatchObject({ total: 2, page: 1, limit: 20 });
    expect(list.body.items.find((m: { orgId: number }) => m.orgId === f.longteng)).toMatchObject({ attendeeCount: 3, presentCount: 0, decisionCount: 0 });
  });

  it('returns 404 for a filter or a meeting outside the scope, 403 for other roles', async () => {
    expect((await get('clerk.cuiting', `/api/org/meetings?orgId=${f.longteng}`)).status).toBe(404);
    const [m] = (await get('clerk.longteng', '/api/org/meetings')).body.items;
    expect((await get('clerk.longteng', `/api/org/meetings/${m.id}`)).status).toBe(200);
    expect((await get('clerk.cuiting', `/api/org/meetings/${m.id}`)).status).toBe(404);
    expect((await get('street.cuiping', `/api/org/meetings/${m.id}`)).status).toBe(404);
    expect((await get('member', `/api/org/meetings/${m.id}`)).status).toBe(403);
    expect((await get('admin', '/api/org/meetings/99999999')).status).toBe(404);
  });
});

describe('PATCH /api/org/meetings/:id and POST …/decisions', () => {
  let meeting: { id: number; version: number; attendees: { id: number; personName: string }[] };
  beforeAll(async () => {
    meeting = (await convene('secretary.longteng', f.longteng, { title: '龙腾社区大党委专题会' })).body;
  });

  it('records attendance, minutes and that the meeting was held; a stale version gets 409 and changes nothing', async () => {
    const [sec, , partTime] = meeting.attendees;
    const res = await patch('clerk.longteng', `/api/org/meetings/${meeting.id}`, {
      version: meeting.version, status: 'held', minutes: '会议由李红主持，研究了挡风玻璃厂小区道路硬化。',
      attendance: [{ attendeeId: sec.id, attendance: 'present' }, { attendeeId: partTime.id, attendance: 'present' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'held', minutes: '会议由李红主持，研究了挡风玻璃厂小区道路硬化。', version: meeting.version + 1 });
    expect(res.body.attendees.map((a: { attendance: string }) => a.attendance)).toEqual(['present', 'invited', 'present']);
    const stale = await patch('clerk.longteng', `/api/org/meetings/${meeting.id}`, { version: meeting.version, minutes: '覆盖' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    expect((await get('clerk.longteng', `/api/org/meetings/${meeting.id}`)).body.minutes).toBe('会议由李红主持，研究了挡风玻璃厂小区道路硬化。');
    meeting = res.body;
  });

  it('returns 400 for an attendee of another meeting, naming the entry', async () => {
    const res = await patch('clerk.longteng', `/api/org/meetings/${meeting.id}`, { version: meeting.version, attendance: [{ attendeeId: 99999999, attendance: 'present' }] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'attendance.0.attendeeId', code: 'invalid', errors: ['不是本次会议的参会人'] }]);
  });

  it('records numbered decisions under the meeting’s version', async () => {
    const one = await post('clerk.longteng', `/api/org/meetings/${meeting.id}/decisions`, { version: meeting.version, text: '硬化挡风玻璃厂小区道路', owner: '栖霞市自然资源和规划局', dueOn: '2026-03-31' });
    expect(one.status).toBe(201);
    const two = await post('clerk.longteng', `/api/org/meetings/${meeting.id}/decisions`, { version: one.body.version, text: '每月15日组织义诊' });
    expect(two.body.decisions.map((d: { seq: number; text: string; owner: string | null; dueOn: string | null; workKind: string | null }) => [d.seq, d.text, d.owner, d.dueOn, d.workKind])).toEqual([
      [1, '硬化挡风玻璃厂小区道路', '栖霞市自然资源和规划局', '2026-03-31', null],
      [2, '每月15日组织义诊', null, null, null],
    ]);
    expect((await post('clerk.longteng', `/api/org/meetings/${meeting.id}/decisions`, { version: meeting.version, text: '过期的版本' })).status).toBe(409);
    const bad = await post('clerk.longteng', `/api/org/meetings/${meeting.id}/decisions`, { version: two.body.version, text: 'x', dueOn: '31.3.' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['dueOn', 'text']);
    meeting = two.body;
  });

  it('turns no decision into work while the volunteer service is down: 503, the decision unchanged', async () => {
    const d = (meeting as unknown as { decisions: { id: number; version: number }[] }).decisions[0];
    const res = await post('clerk.longteng', `/api/org/meetings/${meeting.id}/decisions/${d.id}/work`, { version: d.version, kind: 'item', categoryId: 1, place: '挡风玻璃厂小区' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('VOLUNTEER_UNAVAILABLE');
    const after = (await get('clerk.longteng', `/api/org/meetings/${meeting.id}`)).body.decisions[0];
    expect(after).toMatchObject({ workKind: null, workId: null, version: d.version });
    expect(await t.ds.query(`SELECT 1 FROM audit_entry WHERE action = 'meeting.decision_work'`)).toEqual([]);
  });

  it('checks a decision’s work before asking anyone: 400 for missing fields, 409 stale, 404 for another meeting’s decision', async () => {
    const d = (meeting as unknown as { decisions: { id: number; version: number }[] }).decisions[0];
    const url = `/api/org/meetings/${meeting.id}/decisions/${d.id}/work`;
    const missing = await post('clerk.longteng', url, { version: d.version, kind: 'item' });
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((x: { field: string }) => x.field)).toEqual(['categoryId', 'place']);
    expect((await post('clerk.longteng', url, { version: d.version, kind: 'project' })).body.details).toEqual([{ field: 'name', code: 'invalid', errors: ['项目须填写名称'] }]);
    expect((await post('clerk.longteng', url, { version: d.version, kind: 'item', communityId: f.wanda, categoryId: 1, place: '某处' })).body.details[0].field).toBe('communityId');
    expect((await post('clerk.longteng', url, { version: d.version + 1, kind: 'project', name: '道路硬化' })).status).toBe(409);
    expect((await post('clerk.longteng', url, { version: d.version, kind: 'task' })).body.message).toContain('kind（转为）');
    const other = (await get('street.zhuangyuan', `/api/org/meetings?orgId=${f.zhuangyuan}`)).body.items[0];
    expect((await post('street.zhuangyuan', `/api/org/meetings/${other.id}/decisions/${d.id}/work`, { version: d.version, kind: 'project', name: '道路硬化' })).status).toBe(404);
    expect((await post('clerk.cuiting', url, { version: d.version, kind: 'project', name: '道路硬化' })).status).toBe(404);
  });

  it('keeps a cancelled meeting as it was (409)', async () => {
    const m = (await convene('clerk.longteng', f.longteng, { title: '取消的会议' })).body;
    const c = await patch('clerk.longteng', `/api/org/meetings/${m.id}`, { version: m.version, status: 'cancelled' });
    expect(c.body.status).toBe('cancelled');
    const again = await patch('clerk.longteng', `/api/org/meetings/${m.id}`, { version: c.body.version, minutes: '补记' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MEETING_CANCELLED');
  });
});
