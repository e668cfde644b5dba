import { businessToday } from '@redheart/shared';
import { nextServiceDay } from '../src/domain';
import { C, setup, type TestContext, U } from './helper';
import { client } from './client';

/**
 * Every answer is serialised by its route's response schema (fast-json-stringify), which drops any field the schema
 * does not name and turns a null of a non-nullable field into "" or 0. These are the fields the SPA reads
 * (web/src/api/types.ts), each checked to arrive, with its nulls as nulls.
 */
let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

const keys = (o: object) => Object.keys(o).sort();
const FIGURES = ['claims', 'releases', 'completed', 'onTime', 'onTimeRate', 'rework', 'averageRating', 'rated', 'residentAverageRating', 'residentRated', 'hours', 'inHand'];
const PAGE = ['items', 'total', 'totalExact', 'page', 'limit'];

describe('the lists', () => {
  it('categories, practical projects, resources and projects answer every field, nulls as null', async () => {
    const cats = (await c.api().get('/api/volunteer/categories').set(c.as('unit'))).body;
    expect(keys(cats[0])).toEqual(keys({ id: 0, code: '', name: '', nameEn: null, sort: 0, active: true, version: 1 }));
    expect(cats[0].nameEn).toBeNull();

    const pp = await c.api().post('/api/volunteer/practical-projects').set(c.as('admin')).send({ code: 'SH01', name: '路灯亮化', launchedOn: '2026-01-15' });
    expect(pp.status).toBe(201);
    expect(pp.body).toEqual({ id: expect.any(Number), code: 'SH01', name: '路灯亮化', description: null, launchedOn: '2026-01-15', progress: 0, status: 'ongoing', version: 1 });
    expect((await c.api().get('/api/volunteer/practical-projects').set(c.as('clerk'))).body).toContainEqual(pp.body);

    const offered = await c.api().post('/api/volunteer/resources').set(c.as('unit')).send({ title: '法律咨询志愿服务' });
    expect(offered.status).toBe(201);
    expect(offered.body).toEqual({ id: expect.any(Number), title: '法律咨询志愿服务' });
    const resources = (await c.api().get('/api/volunteer/resources').set(c.as('unit'))).body;
    expect(resources.find((r: { id: number }) => r.id === offered.body.id)).toEqual({
      id: offered.body.id, unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组', communityId: null, categoryId: null, title: '法律咨询志愿服务', description: null, capacity: 1,
    });

    const milestones = [{ title: '勘察', due: '2026-03-01', done: false }];
    const made = await c.api().post('/api/volunteer/projects').set(c.as('clerk')).send({ communityId: C.longteng, name: '路灯维修', unitId: U.ziran, budgetYuan: 1200.5, milestones });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ id: expect.any(Number), version: 1, communityId: C.longteng, name: '路灯维修', unitId: U.ziran, budgetYuan: 1200.5, milestones });
    const project = (await c.api().get('/api/volunteer/projects').set(c.as('clerk'))).body.find((p: { id: number }) => p.id === made.body.id);
    expect(project).toEqual({
      id: made.body.id, communityId: C.longteng, communityName: expect.any(String), name: '路灯维修', unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组', practicalProjectId: null,
      resourceId: null, budgetYuan: 1200.5, milestones, status: 'ongoing', version: 1, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), meetingId: null,
      meetingDecisionId: null, meetingTitle: null,
    });
    expect((await c.api().patch(`/api/volunteer/projects/${made.body.id}`).set(c.as('clerk')).send({ version: 1, status: 'done' })).body).toEqual({ id: made.body.id, version: 2 });
  });
});

describe('双报到', () => {
  it('unit reports and member reports answer every field, as lists and as pages', async () => {
    const reported = await c.api().post('/api/volunteer/reports').set(c.as('unitOther')).send({ communityId: C.longteng, resources: ['助学'], contactName: '赵老师', contactPhone: '0535-5210000' });
    expect(reported.status).toBe(201);
    expect(reported.body).toEqual({ id: expect.any(Number), status: 'pending' });
    const list = (await c.api().get('/api/volunteer/reports').set(c.as('clerk'))).body;
    const mine = list.find((r: { id: number }) => r.id === reported.body.id);
    expect(mine).toEqual({
      id: reported.body.id, unitId: U.jiaoyu, unitName: '栖霞市教育和体育局党组', communityId: C.longteng, communityName: expect.any(String), resources: ['助学'], contactName: '赵老师',
      contactPhone: '0535-5210000', status: 'pending', reportedAt: expect.stringMatching(/Z$/), decidedBy: null, version: 1, allowedActions: ['approve', 'reject'],
    });
    const page = (await c.api().get('/api/volunteer/reports?page=1&limit=2').set(c.as('clerk'))).body;
    expect(keys(page)).toEqual([...PAGE].sort());
    expect(keys(page.items[0])).toEqual(keys(mine));
    const decided = await c.api().post(`/api/volunteer/reports/${reported.body.id}/decision`).set(c.as('clerk')).send({ decision: 'approve', version: 1 });
    expect(decided.body).toEqual({ id: reported.body.id, status: 'approved', version: 2, unitId: U.jiaoyu, communityId: C.longteng, allowedActions: ['end'] });

    const newcomer = { sub: '90', username: 'member.shape', role: 'member' as const, orgId: C.longteng, scopePaths: ['/1/3/7/'] };
    const joined = await c.api().post('/api/volunteer/members').set(c.as(newcomer)).send({ name: '钱党员' });
    expect(joined.status).toBe(201);
    expect(joined.body).toEqual({ id: expect.any(Number), status: 'pending' });
    const members = (await c.api().get('/api/volunteer/members').set(c.as('clerk'))).body;
    expect(members.find((m: { id: number }) => m.id === joined.body.id)).toEqual({
      id: joined.body.id, name: '钱党员', phone: null, username: 'member.shape', unitId: null, communityId: C.longteng, communityName: expect.any(String), status: 'pending', version: 1,
      hours: 0, groupId: null, group: null, allowedActions: ['approve', 'reject'],
    });
    const memberPage = (await c.api().get('/api/volunteer/members?page=1').set(c.as('clerk'))).body;
    expect(keys(memberPage)).toEqual([...PAGE].sort());
    expect((await c.api().post(`/api/volunteer/members/${joined.body.id}/decision`).set(c.as('clerk')).send({ decision: 'approve', version: 1 })).body)
      .toEqual({ id: joined.body.id, status: 'approved', allowedActions: [] });
  });

  it('member groups: the list, an added group and a member put into one', async () => {
    const added = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({ name: '形状服务队', color: '#123abc' });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: expect.any(Number), name: '形状服务队', nameEn: null, color: '#123ABC', sort: 0, version: 1 });
    const listed = (await c.api().get('/api/volunteer/member-groups').set(c.as('clerk'))).body.find((g: { id: number }) => g.id === added.body.id);
    expect(listed).toEqual({ ...added.body, members: 0 });
    const edited = await c.api().patch(`/api/volunteer/member-groups/${added.body.id}`).set(c.as('admin')).send({ version: 1, nameEn: 'Shape team' });
    expect(edited.body).toEqual({ ...added.body, nameEn: 'Shape team', version: 2 });
    const member = (await c.api().get('/api/volunteer/members').set(c.as('clerk'))).body.find((m: { username: string }) => m.username === 'member');
    const put = await c.api().put(`/api/volunteer/members/${member.id}/group`).set(c.as('clerk')).send({ groupId: added.body.id });
    expect(put.body).toEqual({ id: member.id, groupId: added.body.id, group: { id: added.body.id, name: '形状服务队', nameEn: 'Shape team', color: '#123ABC' }, version: expect.any(Number) });
    const none = await c.api().put(`/api/volunteer/members/${member.id}/group`).set(c.as('clerk')).send({ groupId: null });
    expect(none.body).toEqual({ id: member.id, groupId: null, group: null, version: put.body.version + 1 });
  });
});

describe('a service day, check-in and the scorecards', () => {
  it('check-in, the calendar, the unit and member cards answer every field', async () => {
    const item = await c.published({ kind: 'individual', capacity: 2 });
    expect((await c.act(item.id, { action: 'signup', version: item.version }, 'member')).status).toBe(200);
    const detail = (await c.api().get(`/api/volunteer/items/${item.id}`).set(c.as('clerk'))).body;
    const scheduled = await c.run(detail, [[{ action: 'schedule', date: businessToday() }, 'clerk']]);
    const look = await c.api().get(`/api/volunteer/checkin/${scheduled.checkinCode}`).set(c.as('member'));
    expect(keys(look.body)).toEqual(keys({ itemId: 0, itemNo: '', place: '', description: '', categoryName: '', scheduledDate: '', unitName: null, status: '', communityName: '', checkinOpen: true, opensOn: null }));
    expect(look.body).toMatchObject({ itemId: item.id, unitName: null, status: 'SCHEDULED', checkinOpen: true, opensOn: null });
    const checked = await c.api().post(`/api/volunteer/checkin/${scheduled.checkinCode}`).set(c.as('member'));
    expect(checked.body).toEqual({ itemId: item.id, itemNo: scheduled.itemNo, place: scheduled.place, member: '刘党员', checkedIn: true });

    // The calendar shows the service days (the 15th and 25th): an activity on the next one.
    const day = nextServiceDay(businessToday());
    const other = await c.published({ kind: 'individual', capacity: 2 });
    expect((await c.act(other.id, { action: 'signup', version: other.version }, 'member')).status).toBe(200);
    const onDay = await c.run((await c.api().get(`/api/volunteer/items/${other.id}`).set(c.as('clerk'))).body, [[{ action: 'schedule', date: day }, 'clerk']]);
    const days = (await c.api().get(`/api/volunteer/service-days?from=${day}&to=${day}`).set(c.as('clerk'))).body;
    expect(days).toHaveLength(1);
    expect(keys(days[0])).toEqual(['attendance', 'date', 'items', 'roster']);
    expect(days[0]).toMatchObject({ date: day, attendance: 0 });
    const row = days[0].items.find((i: { id: number }) => i.id === other.id);
    expect(row).toEqual({
      scheduledDate: day, id: other.id, itemNo: onDay.itemNo, place: onDay.place, status: 'SCHEDULED', unitName: null, communityName: expect.any(String),
      categoryName: expect.any(String), signups: 1, checkedIn: 0,
    });
    const entry = days[0].roster.flatMap((g: { items: { id: number }[] }) => g.items).find((i: { id: number }) => i.id === other.id);
    expect(keys(days[0].roster[0])).toEqual(['desk', 'items', 'place']);
    expect(entry).toEqual({ id: other.id, itemNo: onDay.itemNo, place: onDay.place, unitName: null, status: 'SCHEDULED', members: [{ id: expect.any(Number), name: '刘党员', checkedIn: false, group: null }] });

    await c.run(scheduled, [[{ action: 'start' }, 'clerk'], [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 1.5 }], note: '路灯已修好' }, 'clerk'], [{ action: 'confirm', rating: 4 }, 'clerk']]);
    const card = (await c.api().get('/api/volunteer/scorecards/members/1').set(c.as('member'))).body;
    expect(keys(card)).toEqual(['communityName', 'hours', 'id', 'items', 'name']);
    expect(card.items.find((i: { id: number }) => i.id === item.id)).toEqual({
      id: item.id, itemNo: scheduled.itemNo, place: scheduled.place, status: 'CLOSED', hours: 1.5, posted: true, doneAt: expect.stringMatching(/Z$/),
    });

    const unitCard = (await c.api().get(`/api/volunteer/scorecards/units/${U.ziran}`).set(c.as('admin'))).body;
    expect(keys(unitCard)).toEqual([...FIGURES, 'unit', 'from', 'to', 'members'].sort());
    expect(unitCard).toMatchObject({ unit: { id: U.ziran, name: '栖霞市自然资源和规划局党组' }, from: null, to: null, onTimeRate: null, averageRating: null });
    expect(keys(unitCard.members[0])).toEqual(['hours', 'id', 'items', 'name']);
    const units = (await c.api().get('/api/volunteer/scorecards/units').set(c.as('clerk'))).body;
    expect(keys(units[0])).toEqual([...FIGURES, 'unit'].sort());
    const unitPage = (await c.api().get('/api/volunteer/scorecards/units?page=1').set(c.as('clerk'))).body;
    expect(keys(unitPage)).toEqual([...PAGE].sort());
    expect(keys(unitPage.items[0])).toEqual([...FIGURES, 'unit'].sort());
  });

  it('the escalation job answers the items it escalated', async () => {
    const r = await c.api().post('/api/volunteer/jobs/escalate').set(c.as('admin'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ escalated: expect.any(Array) });
    expect((await c.api().post('/api/volunteer/jobs/escalate').set(c.as('clerk'))).body).toMatchObject({ code: 'FORBIDDEN', message: '只有管理员可以手动运行任务' });
  });
});

describe('the public board', () => {
  it('communities and the board answer every field', async () => {
    const communities = (await c.api().get('/api/volunteer/public/communities')).body;
    expect(keys(communities[0])).toEqual(['id', 'name', 'streetName']);
    const board = (await c.api().get('/api/volunteer/public/pledges')).body;
    expect(keys(board)).toEqual(['communityId', 'nextCursor', 'totals', 'units']);
    expect(board.communityId).toBeNull();
    expect(keys(board.totals)).toEqual(['delivered', 'pledges', 'units']);
  });
});
