import { MonthlyScorecards, previousMonth } from '../src/modules/scorecards/monthly';
import { setup, type TestContext, U } from './helper';
import { client } from './client';

// What volunteer emits for the notification service's member and unit notices: hours posted at an item's
// confirmation (volunteer.hours.posted), and the monthly scorecard job's handler run directly on real data
// (volunteer.scorecard.monthly), both read from the outbox.
let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t.close());

const note = '已处理，居民现场确认';
const events = async (type: string) =>
  (await t.ds.query(`SELECT aggregate_id AS "aggregateId", org_path AS "orgPath", payload FROM outbox_event WHERE type = $1 ORDER BY seq`, [type])) as { aggregateId: string; orgPath: string; payload: Record<string, unknown> }[];
const deliver = async (hours: { memberId?: number; name: string; hours: number }[]) => {
  const item = await c.published();
  return c.run(item, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
    [{ action: 'complete', hours, note }, 'unit'], [{ action: 'confirm', rating: 5 }, 'clerk']]);
};

describe('hours posted (volunteer.hours.posted)', () => {
  test('a member whose account is unknown (never used the platform) is not addressed; nothing fails', async () => {
    await deliver([{ memberId: 1, name: '刘党员', hours: 2 }]);
    expect(await events('volunteer.hours.posted')).toEqual([]);
  });

  test('a member with an account is told at the confirmation: this item’s hours and the total; not for a person without a member record', async () => {
    // learnt when the member acts (a check-in, a sign-up) or reports; here set directly
    await t.ds.query(`UPDATE member SET account_id = '8' WHERE id = 1`);
    const item = await deliver([{ memberId: 1, name: '刘党员', hours: 1.5 }, { memberId: 1, name: '刘党员', hours: 1 }, { name: '王科长', hours: 3 }]);
    const posted = await events('volunteer.hours.posted');
    expect(posted).toEqual([{
      aggregateId: '1', orgPath: '/1/3/7/',
      payload: { memberId: 1, accountId: '8', itemId: item.id, itemNo: item.itemNo, communityName: '龙腾社区党委', hours: 2.5, totalHours: 4.5 },
    }]);
  });

  test('a member reporting (双报到) records their account', async () => {
    const newcomer = { sub: '31', username: 'member.new', role: 'member' as const, orgId: 7, scopePaths: ['/1/3/7/'] };
    const res = await c.api().post('/api/volunteer/members').set(c.as(newcomer)).send({ name: '新党员', phone: '13805350031', unitId: U.ziran });
    expect(res.status).toBe(201);
    expect(await t.ds.query(`SELECT account_id AS "accountId" FROM member WHERE id = $1`, [res.body.id])).toEqual([{ accountId: '31' }]);
  });
});

describe('monthly scorecards (volunteer.scorecard.monthly, the job’s handler)', () => {
  test('previousMonth: the month before a business day, with its first and last day', () => {
    expect(previousMonth('2027-01-01')).toEqual({ month: '2026-12', from: '2026-12-01', to: '2026-12-31' });
    expect(previousMonth('2024-03-01')).toEqual({ month: '2024-02', from: '2024-02-01', to: '2024-02-29' });
    expect(previousMonth('2026-11-15')).toEqual({ month: '2026-10', from: '2026-10-01', to: '2026-10-31' });
  });

  test('each unit serving a community is sent last month’s card once, with its figures; a unit without an approved report is not', async () => {
    const jobs = new MonthlyScorecards(t.ds);
    // on the 1st of the month after this one (Asia/Shanghai): this month's records are last month's
    const firstOfNext = (() => {
      const d = new Date();
      return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 2, 0, 0));
    })();
    const { month, from, to } = previousMonth(firstOfNext.toISOString().slice(0, 10));
    const sent = await jobs.run(firstOfNext);
    expect(sent).toEqual([{ unitId: U.ziran, month }, { unitId: U.gongdian, month }]);
    const cards = await events('volunteer.scorecard.monthly');
    expect(cards.map((e) => e.aggregateId)).toEqual([String(U.ziran), String(U.gongdian)]);
    const ziran = cards[0];
    expect(ziran.orgPath).toBe('/1/11/');
    // the items delivered above (this month): two completed, 5★ each, 7.5 h posted
    expect(ziran.payload).toMatchObject({ unitId: U.ziran, unitName: '栖霞市自然资源和规划局党组', month, from, to, completed: 2, onTimeRate: 1, averageRating: 5, hours: 7.5 });
    // the same figures as the card the notice links to
    const card = await c.api().get(`/api/volunteer/scorecards/units/${U.ziran}?from=${from}&to=${to}`).set(c.as('unit'));
    expect(card.body).toMatchObject({ completed: ziran.payload.completed, hours: ziran.payload.hours, onTimeRate: ziran.payload.onTimeRate });

    // a second run, a second replica or a restart sends nothing again
    expect(await Promise.all([jobs.run(firstOfNext), jobs.run(firstOfNext)])).toEqual([[], []]);
    expect(await events('volunteer.scorecard.monthly')).toHaveLength(2);
  });

  test('replicas starting the same month at once send each unit’s card once (the notice row’s key)', async () => {
    const jobs = new MonthlyScorecards(t.ds);
    const at = new Date('2030-06-01T03:00:00Z');
    const runs = await Promise.all([jobs.run(at), jobs.run(at), jobs.run(at)]);
    expect(runs.flat().map((n) => n.unitId).sort()).toEqual([U.ziran, U.gongdian].sort());
    expect((await events('volunteer.scorecard.monthly')).filter((e) => e.payload.month === '2030-05')).toHaveLength(2);
  });
});
