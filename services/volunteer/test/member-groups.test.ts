import { C, setup, type TestContext, U } from './helper';
import { client } from './client';

/**
 * 红色引航·众彩绽放: member groups (服务队) with their colours; the community puts its members into one; the
 * service-day rosters and the public pledge board show the groups in their colours.
 */
let t: TestContext;
let c: ReturnType<typeof client>;
let memberId: number;
beforeAll(async () => {
  t = await setup();
  c = client(t);
  memberId = Number((await t.ds.query(`SELECT id FROM member WHERE username = 'member'`))[0].id);
});
afterAll(async () => t.close());

interface Group { id: number; name: string; nameEn: string | null; color: string; sort: number; version: number; members: number }
const groups = async (who: Parameters<typeof c.as>[0] = 'clerk') => (await c.api().get('/api/volunteer/member-groups').set(c.as(who))).body as Group[];
const setGroup = (id: number | string, body: unknown, who: Parameters<typeof c.as>[0] = 'clerk') => c.api().put(`/api/volunteer/members/${id}/group`).set(c.as(who)).send(body as object);
const fields = (r: { body: { details?: { field: string }[] } }) => (r.body.details ?? []).map((d) => d.field);

describe('GET /api/volunteer/member-groups', () => {
  it('the migration brings five groups in their colours, in order; every role signed in reads them, nobody without a token', async () => {
    const list = await groups();
    expect(list.map((g) => g.name)).toEqual(['红色先锋服务队', '橙色便民服务队', '黄色文明劝导队', '绿色环境卫生队', '蓝色平安巡逻队']);
    expect(list.every((g) => /^#[0-9A-F]{6}$/.test(g.color) && g.members === 0 && g.version === 1)).toBe(true);
    expect(list[0]).toMatchObject({ color: '#D7000F', nameEn: 'Red vanguard team' });
    for (const who of ['member', 'unit', 'grid', 'street', 'admin'] as const) expect((await c.api().get('/api/volunteer/member-groups').set(c.as(who))).status).toBe(200);
    expect((await c.api().get('/api/volunteer/member-groups')).status).toBe(401);
  });
});

describe('POST and PATCH /api/volunteer/member-groups (admins)', () => {
  let made: Group;
  it('an admin adds a group (the colour kept as upper-case hex), audited; other roles 403', async () => {
    const r = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({ name: '紫色文化宣讲队', nameEn: 'Purple culture team', color: '#7b3fa0', sort: 60 });
    expect(r.status).toBe(201);
    made = r.body;
    expect(made).toMatchObject({ name: '紫色文化宣讲队', nameEn: 'Purple culture team', color: '#7B3FA0', sort: 60, version: 1 });
    expect((await groups()).at(-1)?.id).toBe(made.id);
    const audit = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'member_group' AND entity_id = $1`, [String(made.id)]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['member_group.create']);
    for (const who of ['clerk', 'secretary', 'street', 'member', 'unit'] as const) {
      expect((await c.api().post('/api/volunteer/member-groups').set(c.as(who)).send({ name: '白色队', color: '#FFFFFF' })).status).toBe(403);
    }
  });

  it('400 naming the field: a colour that is no hex colour, a blank or too long name, a taken name; nothing written', async () => {
    const before = (await groups()).length;
    for (const color of ['red', '#FFF', '#GG0000', 'D7000F', '#D7000F0', '']) {
      const r = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({ name: '新服务队', color });
      expect(r.status).toBe(400);
      expect(fields(r)).toEqual(['color']);
    }
    for (const name of ['', '   ', '一'.repeat(21)]) {
      const r = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({ name, color: '#123456' });
      expect(r.status).toBe(400);
      expect(fields(r)).toEqual(['name']);
    }
    const missing = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({});
    expect(missing.status).toBe(400);
    expect(fields(missing).sort()).toEqual(['color', 'name']);
    const taken = await c.api().post('/api/volunteer/member-groups').set(c.as('admin')).send({ name: '红色先锋服务队', color: '#123456' });
    expect(taken.status).toBe(400);
    expect(taken.body.code).toBe('DUPLICATE_NAME');
    expect(fields(taken)).toEqual(['name']);
    expect((await groups()).length).toBe(before);
  });

  it('an admin renames and recolours with the version it read (409 when stale, 404 unknown, 400 bad colour or taken name)', async () => {
    const r = await c.api().patch(`/api/volunteer/member-groups/${made.id}`).set(c.as('admin')).send({ version: 1, name: '紫色文明宣讲队', color: '#6a2c91' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: made.id, name: '紫色文明宣讲队', color: '#6A2C91', nameEn: 'Purple culture team', sort: 60, version: 2 });
    expect((await c.api().patch(`/api/volunteer/member-groups/${made.id}`).set(c.as('admin')).send({ version: 1, sort: 5 })).body.code).toBe('STALE_VERSION');
    const bad = await c.api().patch(`/api/volunteer/member-groups/${made.id}`).set(c.as('admin')).send({ version: 2, color: 'purple' });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['color']);
    const taken = await c.api().patch(`/api/volunteer/member-groups/${made.id}`).set(c.as('admin')).send({ version: 2, name: '蓝色平安巡逻队' });
    expect(taken.status).toBe(400);
    expect(fields(taken)).toEqual(['name']);
    expect((await c.api().patch('/api/volunteer/member-groups/999999').set(c.as('admin')).send({ version: 1 })).status).toBe(404);
    expect((await c.api().patch(`/api/volunteer/member-groups/${made.id}`).set(c.as('clerk')).send({ version: 2 })).status).toBe(403);
  });
});

describe('PUT /api/volunteer/members/:id/group', () => {
  it('the community puts its member into a group and out again: the member list shows it, the count too, audited', async () => {
    const [red, orange] = await groups();
    const r = await setGroup(memberId, { groupId: red.id });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: memberId, groupId: red.id, group: { id: red.id, name: '红色先锋服务队', nameEn: 'Red vanguard team', color: '#D7000F' }, version: expect.any(Number) });
    const listed = (await c.api().get('/api/volunteer/members').set(c.as('clerk'))).body.find((m: { id: number }) => m.id === memberId);
    expect(listed).toMatchObject({ groupId: red.id, group: { name: '红色先锋服务队', color: '#D7000F' } });
    expect((await groups()).find((g) => g.id === red.id)?.members).toBe(1);
    // Another community does not count a member it cannot see.
    expect((await groups('clerkCuiting')).find((g) => g.id === red.id)?.members).toBe(0);
    expect((await setGroup(memberId, { groupId: orange.id }, 'secretary')).body.groupId).toBe(orange.id);
    const none = await setGroup(memberId, { groupId: null }, 'admin');
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ groupId: null, group: null });
    const audit = await t.ds.query(`SELECT before, after FROM audit_entry WHERE entity_type = 'member' AND entity_id = $1 AND action = 'member.group' ORDER BY id`, [String(memberId)]);
    expect(audit.map((a: { after: { groupId: number | null } }) => a.after.groupId)).toEqual([red.id, orange.id, null]);
    expect(audit[0].before).toEqual({ groupId: null });
  });

  it('400 naming groupId (missing, not an id, no such group), 403 for roles that may not, 404 outside scope or unknown; nothing written', async () => {
    const [red] = await groups();
    for (const body of [{}, { groupId: 'red' }, { groupId: 0 }, { groupId: 1.5 }]) {
      const r = await setGroup(memberId, body);
      expect(r.status).toBe(400);
      expect(fields(r)).toEqual(['groupId']);
    }
    const unknown = await setGroup(memberId, { groupId: 999999 });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['groupId']);
    expect((await setGroup(memberId, { groupId: red.id, extra: 1 })).status).toBe(400);
    for (const who of ['member', 'grid', 'unit', 'street'] as const) expect((await setGroup(memberId, { groupId: red.id }, who)).status).toBe(403);
    expect((await setGroup(memberId, { groupId: red.id }, 'clerkCuiting')).status).toBe(404);
    expect((await setGroup(999999, { groupId: red.id })).status).toBe(404);
    expect((await c.api().put(`/api/volunteer/members/${memberId}/group`).send({ groupId: red.id })).status).toBe(401);
    expect((await t.ds.query(`SELECT group_id FROM member WHERE id = $1`, [memberId]))[0].group_id).toBeNull();
  });
});

describe('the groups on the service-day roster and on the public pledge board', () => {
  it('a member who checked in appears on the roster in their group and colour; the board shows the unit’s teams (counts, no names)', async () => {
    const [red] = await groups();
    await setGroup(memberId, { groupId: red.id });
    const item = await c.run(await c.published({ pledge: true }, { place: '龙腾花园8号楼' }), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule', date: '2031-03-15' }, 'unit'], [{ action: 'start' }, 'unit']]);
    const code = (await c.api().get(`/api/volunteer/items/${item.id}`).set(c.as('clerk'))).body.checkinCode;
    expect((await c.api().post(`/api/volunteer/checkin/${code}`).set(c.as('member'))).status).toBe(200);
    const days = await c.api().get('/api/volunteer/service-days?from=2031-03-01&to=2031-03-20').set(c.as('clerk'));
    const entry = days.body[0].roster.flatMap((p: { items: { id: number }[] }) => p.items).find((x: { id: number }) => x.id === item.id);
    expect(entry.members).toEqual([{ id: memberId, name: '刘党员', checkedIn: true, group: { id: red.id, name: '红色先锋服务队', nameEn: 'Red vanguard team', color: '#D7000F' } }]);

    const board = await c.api().get('/api/volunteer/public/pledges');
    expect(board.status).toBe(200);
    const unit = board.body.units.find((u: { unitId: number }) => u.unitId === U.ziran);
    expect(unit.teams).toEqual([{ id: red.id, name: '红色先锋服务队', nameEn: 'Red vanguard team', color: '#D7000F', members: 1 }]);
    expect(JSON.stringify(board.body)).not.toContain('刘党员');
    const one = await c.api().get(`/api/volunteer/public/pledges/units/${U.ziran}?communityId=${C.longteng}`);
    expect(one.body.teams).toEqual(unit.teams);
    // A member not (or no longer) approved serves in no team on the board.
    await t.ds.query(`UPDATE member SET status = 'pending' WHERE id = $1`, [memberId]);
    expect((await c.api().get(`/api/volunteer/public/pledges/units/${U.ziran}`)).body.teams).toEqual([]);
    await t.ds.query(`UPDATE member SET status = 'approved' WHERE id = $1`, [memberId]);
  });
});
