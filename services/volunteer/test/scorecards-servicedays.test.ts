import { checkinOpensOn } from '../src/modules/items/service';
import { C, setup, type TestContext, U, USERS } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

const card = (unitId: number, who: keyof typeof USERS, query = '') => c.api().get(`/api/volunteer/scorecards/units/${unitId}${query}`).set(c.as(who));
const note = '已处理，居民现场确认';

describe('GET /api/volunteer/scorecards/units/:id', () => {
  /**
   * The scripted history of 自然资源和规划局 (U.ziran): A on time (5★, 4.5 h), B released (then claimed by
   * 供电公司), C reopened once and redone (3★; the first 3 h are struck), D escalated and assigned by the
   * street (4★, 3 h), E delivered after its day (2★, 1.25 h), F still in progress.
   */
  it('computes claims, on-time rate, rework, releases, average rating and posted hours from the records', async () => {
    const a = await c.published();
    await c.run(a, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2.5 }, { name: '王科长', hours: 2 }], note }, 'unit'], [{ action: 'confirm', rating: 5 }, 'clerk']]);

    const b = await c.published();
    const bReleased = await c.run(b, [[{ action: 'claim' }, 'unit'], [{ action: 'release', reason: '单位防汛任务，人手不足' }, 'unit']]);
    await c.run(bReleased, [[{ action: 'claim' }, 'unit2']]);

    const cItem = await c.published();
    const cDone = await c.run(cItem, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'clerk'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ name: '王科长', hours: 3 }], note }, 'unit']]);
    const cReopened = await c.run(cDone, [[{ action: 'reopen', reason: '居民反映灯仍不亮' }, 'clerk']]);
    // Rework counts when it happens, not only once the item is delivered again.
    expect((await card(U.ziran, 'admin')).body.rework).toBe(1);
    await c.run(cReopened, [[{ action: 'start' }, 'unit'], [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 1.5 }], note }, 'unit'], [{ action: 'confirm', rating: 3 }, 'clerk']]);

    const d = await c.published({ deadline: new Date(Date.now() + 60_000).toISOString() });
    expect(await t.app.volunteer.items.escalateOverdue(new Date(Date.now() + 120_000))).toEqual([d.id]);
    const dNow = (await c.api().get(`/api/volunteer/items/${d.id}`).set(c.as('street'))).body;
    await c.run(dNow, [[{ action: 'assign', unitId: U.ziran }, 'street'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ name: '王科长', hours: 3 }], note }, 'unit'], [{ action: 'confirm', rating: 4 }, 'clerk']]);

    const e = await c.published();
    const eStarted = await c.run(e, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit']]);
    // Its service day has passed by the time it is completed.
    await t.ds.query(`UPDATE item SET scheduled_date = '2020-01-15' WHERE id = $1`, [e.id]);
    await c.run(eStarted, [[{ action: 'complete', hours: [{ name: '孙技术员', hours: 1.25 }], note }, 'unit'], [{ action: 'confirm', rating: 2 }, 'clerk']]);

    const f = await c.published();
    await c.run(f, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit']]);

    const r = await card(U.ziran, 'unit');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      unit: { id: U.ziran, name: '栖霞市自然资源和规划局党组' }, from: null, to: null,
      claims: 6, releases: 1, completed: 4, onTime: 3, onTimeRate: 0.75, rework: 1, rated: 4, averageRating: 3.5, hours: 10.25, inHand: 1,
    });
    expect(r.body.members).toEqual([{ id: 1, name: '刘党员', hours: 4, items: 2 }]);
    expect((await card(U.gongdian, 'admin')).body).toMatchObject({ claims: 1, releases: 0, completed: 0, hours: 0, averageRating: null, onTimeRate: null, inHand: 1 });

    // The same numbers for the whole list, and none outside the period.
    const all = await c.api().get('/api/volunteer/scorecards/units').set(c.as('street'));
    expect(all.body.map((x: { unit: { id: number } }) => x.unit.id)).toEqual([U.ziran, U.gongdian]);
    expect(all.body[0]).toMatchObject({ claims: 6, releases: 1, completed: 4, rework: 1, averageRating: 3.5, hours: 10.25 });
    expect((await card(U.ziran, 'admin', '?from=2030-01-01')).body).toMatchObject({ from: '2030-01-01', claims: 0, releases: 0, completed: 0, rework: 0, hours: 0 });

    const member = await c.api().get('/api/volunteer/scorecards/members/1').set(c.as('member'));
    expect(member.body).toMatchObject({ id: 1, name: '刘党员', hours: 4 });
    expect(member.body.items).toHaveLength(2);
  });

  it('returns 404 to other units and to communities the unit never reported to, 403 to members for the list, 400 for a bad date', async () => {
    expect((await card(U.ziran, 'unit2')).status).toBe(404);
    expect((await card(U.ziran, 'clerkCuiting')).status).toBe(404);
    expect((await card(U.ziran, 'streetCuiping')).status).toBe(404);
    expect((await card(U.ziran, 'clerk')).status).toBe(200);
    expect((await card(999999, 'admin')).status).toBe(404);
    expect((await card(U.ziran, 'admin', '?from=2020-02-31')).status).toBe(400);
    expect((await c.api().get('/api/volunteer/scorecards/units').set(c.as('member'))).status).toBe(403);
    expect((await c.api().get('/api/volunteer/scorecards/units').set(c.as('unit'))).status).toBe(403);
    expect((await c.api().get(`/api/volunteer/scorecards/units/${U.ziran}`)).status).toBe(401);
    expect((await c.api().get('/api/volunteer/scorecards/members/1').set(c.as('clerkCuiting'))).status).toBe(404);
  });
});

describe('GET /api/volunteer/scorecards/units/:id: who sees it', () => {
  it('refuses members and grid workers (403), even for a unit reported to their community', async () => {
    for (const who of ['member', 'grid'] as const) {
      const r = await card(U.ziran, who);
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN', message: expect.any(String) });
    }
    // 403 before anything else: the same for a unit that does not exist.
    expect((await card(999999, 'member')).status).toBe(403);
  });

  it('shows a community deciding a pending report the unit’s card without its members; approved: with them', async () => {
    // 教育局 (12) reports to 翠亭 (5): pending there.
    await t.ds.query(`INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES (12, 5, '["课后托管"]', '赵老师', '0535-5210000', 'pending')`);
    await t.ds.query(`INSERT INTO member (username, name, unit_id, community_id, status) VALUES ('jiaoyu.member', '钱老师', 12, 5, 'approved')`);
    const pending = await card(U.jiaoyu, 'clerkCuiting');
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ unit: { id: U.jiaoyu }, members: null });
    expect((await card(U.jiaoyu, 'streetCuiping')).body.members).toBeNull();
    // Another street, where the unit never reported: it does not exist (404).
    expect((await card(U.jiaoyu, 'clerk')).status).toBe(404);
    expect((await card(U.jiaoyu, 'street')).status).toBe(404);
    // The unit itself and admins see its members.
    expect((await card(U.jiaoyu, 'unitOther')).body.members).toEqual([expect.objectContaining({ name: '钱老师' })]);
    expect((await card(U.jiaoyu, 'admin')).body.members).toEqual([expect.objectContaining({ name: '钱老师' })]);

    await t.ds.query(`UPDATE unit_report SET status = 'approved' WHERE unit_id = 12 AND community_id = 5`);
    expect((await card(U.jiaoyu, 'clerkCuiting')).body.members).toEqual([expect.objectContaining({ name: '钱老师' })]);

    await t.ds.query(`UPDATE unit_report SET status = 'rejected' WHERE unit_id = 12 AND community_id = 5`);
    expect((await card(U.jiaoyu, 'clerkCuiting')).status).toBe(404);
    await t.ds.query(`DELETE FROM member WHERE username = 'jiaoyu.member'`);
    await t.ds.query(`DELETE FROM unit_report WHERE unit_id = 12 AND community_id = 5`);
  });
});

describe('GET /api/volunteer/service-days', () => {
  let g: { id: number; version: number; checkinCode: string | null };
  it('lists only the 15th and 25th, with the items scheduled on each and a roster per place', async () => {
    const place = '龙腾花园1号楼';
    g = await c.run(await c.published({}, { place }), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule', date: '2030-01-25' }, 'unit']]);
    const i = await c.run(await c.published({}, { place, description: '1号楼电动车私拉电线充电，存在火灾隐患' }), [[{ action: 'claim' }, 'unit2'], [{ action: 'schedule', date: '2030-01-25' }, 'unit2']]);
    const h = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule', date: '2030-01-20' }, 'unit']]);
    const r = await c.api().get('/api/volunteer/service-days?from=2030-01-01&to=2030-02-28').set(c.as('clerk'));
    expect(r.status).toBe(200);
    expect(r.body.map((d: { date: string }) => d.date)).toEqual(['2030-01-15', '2030-01-25', '2030-02-15', '2030-02-25']);
    const day = r.body[1];
    expect(day.items.map((x: { id: number }) => x.id)).toEqual([g.id, i.id]);
    expect(day.roster).toEqual([{ desk: place, place, items: [
      { id: g.id, itemNo: expect.any(String), place, unitName: '栖霞市自然资源和规划局党组', status: 'SCHEDULED', members: [] },
      { id: i.id, itemNo: expect.any(String), place, unitName: '国网栖霞市供电公司党委', status: 'SCHEDULED', members: [] },
    ] }]);
    expect(day.attendance).toBe(0);
    expect(r.body.flatMap((d: { items: { id: number }[] }) => d.items.map((x) => x.id))).not.toContain(h.id);
    // A unit sees its own schedule only; another community nothing.
    const unit = await c.api().get('/api/volunteer/service-days?from=2030-01-01&to=2030-01-31').set(c.as('unit'));
    expect(unit.body[1].items.map((x: { id: number }) => x.id)).toEqual([g.id]);
    const other = await c.api().get('/api/volunteer/service-days?from=2030-01-01&to=2030-01-31').set(c.as('clerkCuiting'));
    expect(other.body.every((d: { items: unknown[] }) => d.items.length === 0)).toBe(true);
  });

  it('groups the roster by convenience desk (the building a place names), places without a building on their own', async () => {
    const at = async (place: string, unit: 'unit' | 'unit2') =>
      c.run(await c.published({}, { place }), [[{ action: 'claim' }, unit], [{ action: 'schedule', date: '2030-03-15' }, unit]]);
    const stair = await at('龙腾花园2号楼3单元楼道', 'unit');
    const roof = await at('龙腾花园2号楼楼顶', 'unit2');
    const other = await at('龙腾花园5号楼', 'unit');
    const gate = await at('龙腾花园东门', 'unit2');
    const r = await c.api().get('/api/volunteer/service-days?from=2030-03-01&to=2030-03-20').set(c.as('clerk'));
    expect(r.status).toBe(200);
    const roster = r.body[0].roster as { desk: string | null; place: string; items: { id: number; place: string }[] }[];
    expect(roster.map((g) => [g.desk, g.place, g.items.map((x) => [x.id, x.place])])).toEqual([
      ['龙腾花园2号楼', '龙腾花园2号楼', [[stair.id, '龙腾花园2号楼3单元楼道'], [roof.id, '龙腾花园2号楼楼顶']]],
      ['龙腾花园5号楼', '龙腾花园5号楼', [[other.id, '龙腾花园5号楼']]],
      [null, '龙腾花园东门', [[gate.id, '龙腾花园东门']]],
    ]);
  });

  it('defaults to the next four service days, and refuses a reversed or over-long range (400) and no token (401)', async () => {
    const r = await c.api().get('/api/volunteer/service-days').set(c.as('clerk'));
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(4);
    expect(r.body.every((d: { date: string }) => ['15', '25'].includes(d.date.slice(8)))).toBe(true);
    expect((await c.api().get('/api/volunteer/service-days?from=2030-02-01&to=2030-01-01').set(c.as('clerk'))).status).toBe(400);
    expect((await c.api().get('/api/volunteer/service-days?from=2030-01-01&to=2031-06-01').set(c.as('clerk'))).status).toBe(400);
    expect((await c.api().get('/api/volunteer/service-days?from=2030-1-1').set(c.as('clerk'))).status).toBe(400);
    expect((await c.api().get('/api/volunteer/service-days')).status).toBe(401);
  });

  it('a member checks in with the code (GET shows the item, POST checks in once); attendance counts it', async () => {
    const code = (await c.api().get(`/api/volunteer/items/${g.id}`).set(c.as('clerk'))).body.checkinCode;
    expect(code).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
    // The member is not shown the code on the item, only the claiming unit and the community.
    expect((await c.api().get(`/api/volunteer/items/${g.id}`).set(c.as('member'))).body.checkinCode).toBeNull();
    const look = await c.api().get(`/api/volunteer/checkin/${code}`).set(c.as('member'));
    expect(look.status).toBe(200);
    expect(look.body).toMatchObject({ itemId: g.id, place: '龙腾花园1号楼', scheduledDate: '2030-01-25', unitName: '栖霞市自然资源和规划局党组', status: 'SCHEDULED', communityName: '龙腾社区党委',
      checkinOpen: false, opensOn: '2030-01-25' });
    // Before the service day check-in is not open yet: 409, nothing written.
    const early = await c.api().post(`/api/volunteer/checkin/${code}`).set(c.as('member'));
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'CHECKIN_NOT_OPEN', details: { opensOn: '2030-01-25' } });
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM item_signup WHERE item_id = $1`, [g.id]))[0].n).toBe(0);
    // On the day the unit starts the item; from then on members check in.
    g = await c.run(g, [[{ action: 'start' }, 'unit']]);
    expect((await c.api().get(`/api/volunteer/checkin/${code}`).set(c.as('member'))).body).toMatchObject({ status: 'IN_PROGRESS', checkinOpen: true, opensOn: null });
    const first = await c.api().post(`/api/volunteer/checkin/${code}`).set(c.as('member'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ itemId: g.id, member: '刘党员', checkedIn: true });
    expect((await c.api().post(`/api/volunteer/checkin/${code}`).set(c.as('member'))).status).toBe(200);
    const detail = (await c.api().get(`/api/volunteer/items/${g.id}`).set(c.as('clerk'))).body;
    expect(detail.signups).toEqual([expect.objectContaining({ memberId: 1, name: '刘党员', checkedInAt: expect.any(String) })]);
    expect(detail.timeline.filter((e: { action: string }) => e.action === 'checkin')).toHaveLength(1);
    const days = await c.api().get('/api/volunteer/service-days?from=2030-01-01&to=2030-01-31').set(c.as('clerk'));
    expect(days.body[1].attendance).toBe(1);
    expect(days.body[1].items.find((x: { id: number }) => x.id === g.id)).toMatchObject({ signups: 1, checkedIn: 1 });
  });

  it('check-in opens on the scheduled day (business time), stays open after it, and at once when the unit has started', () => {
    expect(checkinOpensOn({ status: 'SCHEDULED', scheduledDate: '2030-01-25' }, '2030-01-24')).toBe('2030-01-25');
    expect(checkinOpensOn({ status: 'SCHEDULED', scheduledDate: '2030-01-25' }, '2030-01-25')).toBeNull();
    expect(checkinOpensOn({ status: 'SCHEDULED', scheduledDate: '2030-01-25' }, '2030-01-26')).toBeNull();
    expect(checkinOpensOn({ status: 'IN_PROGRESS', scheduledDate: '2030-01-25' }, '2030-01-20')).toBeNull();
  });

  it('check-in: wrong code 404, not scheduled (any more) 409, not a member 403, a member of another community 404', async () => {
    const wrong = 'AAAAAAAAAAAAAAAA';
    expect((await c.api().get(`/api/volunteer/checkin/${wrong}`).set(c.as('member'))).status).toBe(404);
    expect((await c.api().post(`/api/volunteer/checkin/${wrong}`).set(c.as('member'))).status).toBe(404);
    expect((await c.api().post('/api/volunteer/checkin/x').set(c.as('member'))).status).toBe(404);
    expect((await c.api().post(`/api/volunteer/checkin/${wrong}`)).status).toBe(401);
    const done = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ name: '王科长', hours: 1 }], note }, 'unit']]);
    const late = await c.api().post(`/api/volunteer/checkin/${done.checkinCode}`).set(c.as('member'));
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('WRONG_STATE');
    const cancelled = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'cancel', reason: '居民已自行解决' }, 'clerk']]);
    const code = (await c.api().get(`/api/volunteer/items/${cancelled.id}`).set(c.as('clerk'))).body.checkinCode;
    expect((await c.api().post(`/api/volunteer/checkin/${code}`).set(c.as('member'))).status).toBe(409);
    const open = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit']]);
    expect((await c.api().post(`/api/volunteer/checkin/${open.checkinCode}`).set(c.as('clerk'))).status).toBe(403);
    const stranger = { ...USERS.member, sub: '50', username: 'not.reported' };
    expect((await c.api().post(`/api/volunteer/checkin/${open.checkinCode}`).set({ Authorization: `Bearer ${t.sign(stranger)}` })).status).toBe(403);
    const elsewhere = { ...USERS.member, sub: '51', username: 'member.cuiting', orgId: C.cuiting, scopePaths: ['/1/2/5/'] };
    expect((await c.api().post(`/api/volunteer/checkin/${open.checkinCode}`).set({ Authorization: `Bearer ${t.sign(elsewhere)}` })).status).toBe(404);
  });
});
