import { type AuthUser, businessToday } from '@redheart/shared';
import { nextServiceDay } from '../src/domain';
import { C, setup, type TestContext, U, USERS } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
const note = '已处理，居民现场确认';

/**
 * In 龙腾: A a pledge delivered (1 check-in, 4.5 h, 4★), B released by one unit and claimed by another,
 * C published, D reported, E delivered then reopened (its hours struck), F escalated and assigned.
 * In 翠亭 (教体局 reported there): G delivered (3 h, 2★). 万达 has nothing.
 */
beforeAll(async () => {
  t = await setup();
  c = client(t);
  await t.ds.query(`INSERT INTO unit_report (unit_id, community_id, contact_name, contact_phone, status) VALUES (12, 5, '孙老师', '0535-5213456', 'approved')`);
  const a = await c.run(await c.published({ pledge: true }), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule', date: businessToday() }, 'unit']]);
  expect((await c.api().post(`/api/volunteer/checkin/${a.checkinCode}`).set(c.as('member'))).status).toBe(200);
  await c.run(a, [[{ action: 'start' }, 'unit'], [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2.5 }, { name: '王科长', hours: 2 }], note }, 'unit'],
    [{ action: 'confirm', rating: 4 }, 'clerk']]);
  await t.ds.query(`UPDATE item SET scheduled_date = '2020-05-25' WHERE id = $1`, [a.id]);
  const b = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'release', reason: '人手不足' }, 'unit']]);
  await c.run(b, [[{ action: 'claim' }, 'unit2']]);
  await c.published();
  await c.report();
  await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
    [{ action: 'complete', hours: [{ name: '王科长', hours: 1 }], note }, 'unit'], [{ action: 'reopen', reason: '居民反映问题仍未解决' }, 'clerk']]);
  const f = await c.published({ deadline: new Date(Date.now() + 60_000).toISOString() });
  await t.app.volunteer.items.escalateOverdue(new Date(Date.now() + 120_000));
  await c.run({ id: f.id, version: f.version + 1 }, [[{ action: 'assign', unitId: U.gongdian }, 'street']]);
  const g = await c.report({ place: '御景小区5号楼' }, 'clerkCuiting');
  // 教体局's staff, with 翠亭 in scope now that their unit reported there.
  const jiaoyu = { ...USERS.unitOther, scopePaths: ['/1/12/', '/1/2/5/'] };
  await c.run(g, [[{ action: 'publish' }, 'clerkCuiting'], [{ action: 'claim' }, jiaoyu], [{ action: 'schedule' }, jiaoyu], [{ action: 'start' }, jiaoyu],
    [{ action: 'complete', hours: [{ name: '孙老师', hours: 3 }], note }, jiaoyu], [{ action: 'confirm', rating: 2 }, 'clerkCuiting']]);
  await t.ds.query(`UPDATE item SET scheduled_date = '2020-05-15' WHERE id = $1`, [g.id]);
});
afterAll(async () => t.close());

const overview = (who: keyof typeof USERS, query = '') => c.api().get(`/api/volunteer/overview${query}`).set(c.as(who));
const zero = { items: 0, open: 0, claimed: 0, delivered: 0, rated: 0, averageRating: null, escalated: 0, releases: 0, rework: 0, hours: 0, checkIns: 0, pledges: 0, pledgesDelivered: 0, units: 0, members: 0 };

describe('GET /api/volunteer/overview', () => {
  it('computes the county’s figures from the records: claimed, delivered, rated, rating, attendance per service day, hours, pledges, per community', async () => {
    const r = await overview('admin');
    expect(r.status).toBe(200);
    const todayIsServiceDay = nextServiceDay(businessToday()) === businessToday();
    expect(r.body.totals).toEqual({
      communities: 3, items: 7, open: 5, claimed: 5, delivered: 2, rated: 2, averageRating: 3, escalated: 1, releases: 1, rework: 1, hours: 7.5, checkIns: 1,
      pledges: 1, pledgesDelivered: 1, units: 3, members: 1, serviceDaysHeld: todayIsServiceDay ? 3 : 2, checkInsPerServiceDay: todayIsServiceDay ? 0.3 : 0.5,
    });
    expect(r.body.byStatus).toMatchObject({ REPORTED: 1, PUBLISHED: 1, CLAIMED: 2, SCHEDULED: 1, CLOSED: 2, ESCALATED: 0 });
    expect(r.body.serviceDays).toEqual([
      { date: '2020-05-15', scheduled: 1, delivered: 1, checkIns: 0 },
      { date: '2020-05-25', scheduled: 1, delivered: 1, checkIns: 1 },
      { date: nextServiceDay(businessToday()), scheduled: 1, delivered: 0, checkIns: 0 },
    ]);
    expect(r.body.communities).toEqual([
      { communityId: C.cuiting, communityName: '翠亭社区党委', streetName: '翠屏街道党工委', ...zero, items: 1, claimed: 1, delivered: 1, rated: 1, averageRating: 2, hours: 3, units: 1 },
      {
        communityId: C.longteng, communityName: '龙腾社区党委', streetName: '庄园街道党工委', items: 6, open: 5, claimed: 4, delivered: 1, rated: 1, averageRating: 4,
        escalated: 1, releases: 1, rework: 1, hours: 4.5, checkIns: 1, pledges: 1, pledgesDelivered: 1, units: 2, members: 1,
      },
      { communityId: C.wanda, communityName: '万达社区党委', streetName: '庄园街道党工委', ...zero },
    ]);
  });

  it('keeps to the caller’s scope and narrows by street or community', async () => {
    const clerk = await overview('clerk');
    expect(clerk.body.communities.map((x: { communityId: number }) => x.communityId)).toEqual([C.longteng]);
    expect(clerk.body.totals).toMatchObject({ items: 6, units: 2, averageRating: 4 });
    expect((await overview('secretary')).status).toBe(200);
    const street = await overview('street');
    expect(street.body.communities.map((x: { communityId: number }) => x.communityId)).toEqual([C.longteng, C.wanda]);
    expect((await overview('admin', '?streetId=3')).body.communities.map((x: { communityId: number }) => x.communityId)).toEqual([C.longteng, C.wanda]);
    const cuiping = await overview('admin', '?streetId=2');
    expect(cuiping.body).toMatchObject({ streetId: 2, communityId: null, totals: { communities: 1, items: 1, hours: 3 } });
    expect((await overview('street', `?communityId=${C.wanda}`)).body.totals).toMatchObject({ communities: 1, items: 0, averageRating: null, checkInsPerServiceDay: null });
  });

  it('returns 404 for a street or community outside the scope (or none), 403 for units, members and grid workers, 400 for bad input, 401 without a token', async () => {
    expect((await overview('street', '?streetId=2')).status).toBe(404);
    expect((await overview('clerk', `?communityId=${C.cuiting}`)).status).toBe(404);
    expect((await overview('admin', '?streetId=999')).status).toBe(404);
    expect((await overview('admin', `?streetId=${C.longteng}`)).status).toBe(404);
    expect((await overview('streetCuiping', `?communityId=${C.longteng}`)).status).toBe(404);
    for (const who of ['unit', 'member', 'grid'] as const) expect((await overview(who)).status).toBe(403);
    expect((await overview('admin', '?streetId=abc')).status).toBe(400);
    expect((await overview('admin', '?year=2020')).status).toBe(400);
    expect((await c.api().get('/api/volunteer/overview')).status).toBe(401);
  });
});

describe('GET /api/volunteer/overview/counties (issue 13: county by county)', () => {
  // Another county beside the fixture's 栖霞 (1): 海阳 (911) under 烟台 (900), one community with a delivered and a cancelled item.
  const cityAdmin: AuthUser = { sub: '90', username: 'city.admin', role: 'city_admin', orgId: 900, scopePaths: ['/900/'] };
  const haiyangAdmin: AuthUser = { sub: '92', username: 'admin.haiyang', role: 'admin', orgId: 911, scopePaths: ['/900/911/'] };
  const counties = (who: Parameters<typeof c.as>[0]) => c.api().get('/api/volunteer/overview/counties').set(c.as(who));
  beforeAll(async () => {
    await t.app.volunteer.communities.upsert(t.ds.manager, [{ id: 913, name: '海晨社区党委', path: '/900/911/912/913/', streetName: '东村街道党工委', divisionCode: '370687001001' }]);
    await t.ds.query(
      `INSERT INTO item (item_no, community_id, category_id, kind, place, description, status, source, reported_by, unit_id, done_at, rating)
       VALUES ('HY-1', 913, $1, 'unit', '海晨小区1号楼', '楼道清理', 'CLOSED', 'community', 'clerk', 11, now(), 5),
              ('HY-2', 913, $1, 'unit', '海晨小区2号楼', '路灯维修', 'CANCELLED', 'community', 'clerk', NULL, NULL, NULL)`,
      [t.category],
    );
  });

  it('gives the county admin their county as the overview counts it, with the delivery rate', async () => {
    const [r, o] = await Promise.all([counties('admin'), overview('admin')]);
    expect(r.status).toBe(200);
    expect(r.body.counties.map((x: { countyId: number }) => x.countyId)).toEqual([1]);
    const ov = o.body.totals;
    const mine = r.body.counties[0];
    expect(mine).toMatchObject({ communities: ov.communities, items: ov.items, open: ov.open, delivered: ov.delivered, rated: ov.rated, averageRating: ov.averageRating, hours: ov.hours, members: ov.members });
    // delivered of the items not cancelled, merged or rejected: 2 of 7
    expect(mine.deliveryRate).toBe(Math.round((2 / 7) * 10000) / 10000);
    expect(r.body.totals).toMatchObject({ items: mine.items, delivered: mine.delivered });
  });

  it('gives the city admin the counties of its city, and a county admin of Haiyang nothing of Qixia', async () => {
    const city = await counties(cityAdmin);
    expect(city.status).toBe(200);
    expect(city.body.counties).toEqual([
      { countyId: 911, communities: 1, items: 2, open: 0, delivered: 1, deliveryRate: 1, rated: 1, averageRating: 5, hours: 0, units: 0, members: 0 },
    ]);
    const hy = await counties(haiyangAdmin);
    expect(hy.body.counties.map((x: { countyId: number }) => x.countyId)).toEqual([911]);
    const qx = await counties('admin');
    expect(qx.body.counties.map((x: { countyId: number }) => x.countyId)).toEqual([1]);
  });

  it('refuses street, community and unit roles with 403', async () => {
    for (const who of ['street', 'clerk', 'secretary', 'unit', 'member'] as const) expect((await counties(who)).status).toBe(403);
  });
});
