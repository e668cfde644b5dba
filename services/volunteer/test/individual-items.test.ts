import { businessToday } from '@redheart/shared';
import { setup, type TestContext, USERS } from './helper';
import { client } from './client';

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
  await t.ds.query(`INSERT INTO member (username, name, community_id, status) VALUES ('m.sun', '孙党员', 7, 'approved'), ('m.yi', '衣党员', 7, 'approved')`);
});
afterAll(async () => t.close());

const asMember = (username: string) => ({ Authorization: `Bearer ${t.sign({ ...USERS.member, sub: username, username })}` });

/**
 * Individual items (volunteer activities members sign up for) have no claimer: once members have
 * signed up, the community schedules them from PUBLISHED; before this fix they could never leave
 * PUBLISHED and were escalated to the street although they were fully taken.
 */
describe('individual items: sign-ups → schedule → check-in → done → confirmed', () => {
  it('the community schedules an activity once members signed up, and delivers it with their hours', async () => {
    const item = await c.published({ kind: 'individual', capacity: 3 });
    const early = await c.act(item.id, { action: 'schedule', version: item.version }, 'clerk');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('NO_SIGNUPS');
    expect((await c.api().get(`/api/volunteer/items/${item.id}`).set(c.as('clerk'))).body.allowedActions).not.toContain('schedule');
    for (const u of ['member', 'm.sun']) {
      expect((await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember(u)).send({ action: 'signup', version: item.version })).status).toBe(200);
    }
    const detail = (await c.api().get(`/api/volunteer/items/${item.id}`).set(c.as('clerk'))).body;
    expect(detail.allowedActions).toContain('schedule');
    // Nobody claims it, so no unit may schedule it.
    expect((await c.act(item.id, { action: 'schedule', version: detail.version }, 'unit')).status).toBe(403);
    const scheduled = await c.run(detail, [[{ action: 'schedule', date: businessToday() }, 'clerk']]);
    // Scheduled for today: check-in is open on the day itself.
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', scheduledDate: businessToday(), unitId: null, checkinCode: expect.any(String) });
    expect((await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.yi')).send({ action: 'signup', version: 1 })).body.code).toBe('WRONG_STATE');
    expect((await c.api().post(`/api/volunteer/checkin/${scheduled.checkinCode}`).set(c.as('member'))).status).toBe(200);
    const closed = await c.run(scheduled, [[{ action: 'start' }, 'clerk'], [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2 }], note: '清扫龙腾花园公共区域' }, 'clerk'],
      [{ action: 'confirm', rating: 5 }, 'clerk']]);
    expect(closed.status).toBe('CLOSED');
    expect((await c.api().get('/api/volunteer/scorecards/members/1').set(c.as('member'))).body.hours).toBe(2);
    const timeline = (closed as unknown as { timeline: { action: string; fromStatus: string | null }[] }).timeline;
    expect(timeline.map((e) => e.action)).toEqual(['report', 'publish', 'signup', 'signup', 'schedule', 'checkin', 'start', 'complete', 'confirm', 'close']);
    expect(timeline.find((e) => e.action === 'schedule')!.fromStatus).toBe('PUBLISHED');
  });

  it('a published unit item is still scheduled only after a unit claimed it', async () => {
    const item = await c.published();
    const r = await c.act(item.id, { action: 'schedule', version: item.version }, 'clerk');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('WRONG_STATE');
    expect((await c.api().get(`/api/volunteer/items/${item.id}`).set(c.as('clerk'))).body.allowedActions).not.toContain('schedule');
  });

  it('the escalation job leaves activities with sign-ups alone and escalates those nobody signed up for', async () => {
    const deadline = new Date(Date.now() + 60_000).toISOString();
    const taken = await c.published({ kind: 'individual', capacity: 5, deadline });
    await c.api().post(`/api/volunteer/items/${taken.id}/transitions`).set(asMember('m.yi')).send({ action: 'signup', version: taken.version });
    const empty = await c.published({ kind: 'individual', capacity: 5, deadline });
    const escalated = await t.app.volunteer.items.escalateOverdue(new Date(Date.now() + 120_000));
    expect(escalated).toContain(empty.id);
    expect(escalated).not.toContain(taken.id);
  });
});

describe("a member's sign-ups and their row", () => {
  const xmin = async (username: string) => (await t.ds.query(`SELECT xmin::text AS x, account_id AS "accountId" FROM member WHERE username = $1`, [username]))[0];

  it('the first sign-up records the account; later ones leave the member row as it is (no new row version, no row lock)', async () => {
    await t.ds.query(`INSERT INTO member (username, name, community_id, status) VALUES ('m.mou', '牟党员', 7, 'approved')`);
    const [a, b] = [await c.published({ kind: 'individual', capacity: 5 }), await c.published({ kind: 'individual', capacity: 5 })];
    expect((await xmin('m.mou')).accountId).toBeNull();
    expect((await c.api().post(`/api/volunteer/items/${a.id}/transitions`).set(asMember('m.mou')).send({ action: 'signup', version: a.version })).status).toBe(200);
    const learnt = await xmin('m.mou');
    expect(learnt.accountId).toBe('m.mou');
    expect((await c.api().post(`/api/volunteer/items/${b.id}/transitions`).set(asMember('m.mou')).send({ action: 'signup', version: b.version })).status).toBe(200);
    expect((await c.api().post(`/api/volunteer/items/${a.id}/transitions`).set(asMember('m.mou')).send({ action: 'withdraw_signup', version: a.version })).status).toBe(200);
    expect(await xmin('m.mou')).toEqual(learnt);
  });

  it('a sign-up and its withdrawal: the answer shows them, with their timeline event, bus event and audit entry; full and repeated ones write nothing', async () => {
    await t.ds.query(`INSERT INTO member (username, name, community_id, status) VALUES ('m.qu', '曲党员', 7, 'approved'), ('m.tang', '唐党员', 7, 'approved')`);
    const item = await c.published({ kind: 'individual', capacity: 1 });
    const rows = async () => {
      const [r] = await t.ds.query(
        `SELECT (SELECT count(*)::int FROM item_event WHERE item_id = $1 AND action IN ('signup', 'withdraw_signup')) AS events,
                (SELECT count(*)::int FROM outbox_event WHERE aggregate_id = $1::text AND type IN ('volunteer.item.signed_up', 'volunteer.item.signup_withdrawn')) AS bus,
                (SELECT count(*)::int FROM outbox_event WHERE type = 'volunteer.item.signed_up' AND aggregate_id = $1::text AND payload->>'itemNo' = $2 AND payload->>'actorId' = 'm.qu') AS named,
                (SELECT count(*)::int FROM audit_entry WHERE entity_type = 'item' AND entity_id = $1::text AND action IN ('item.signup', 'item.withdraw_signup')) AS audit`,
        [item.id, item.itemNo],
      );
      return r;
    };
    const signup = await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.qu')).send({ action: 'signup', version: item.version });
    expect(signup.status).toBe(200);
    expect(signup.body).toMatchObject({ id: item.id, status: 'PUBLISHED', signups: [expect.objectContaining({ name: '曲党员' })] });
    expect(signup.body.timeline.at(-1)).toMatchObject({ action: 'signup', fromStatus: 'PUBLISHED', toStatus: 'PUBLISHED', actorUsername: 'm.qu', data: { places: 1, taken: 1 } });
    expect(await rows()).toEqual({ events: 1, bus: 1, named: 1, audit: 1 });
    // the place is taken, and a second sign-up of the same member is refused: nothing more is written
    const full = await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.tang')).send({ action: 'signup', version: item.version });
    expect([full.status, full.body.code]).toEqual([409, 'CAPACITY_FULL']);
    const again = await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.qu')).send({ action: 'signup', version: item.version });
    expect(again.status).toBe(409);
    expect(await rows()).toEqual({ events: 1, bus: 1, named: 1, audit: 1 });
    const withdrawn = await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.qu')).send({ action: 'withdraw_signup', version: item.version });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.signups).toEqual([]);
    expect(withdrawn.body.timeline.at(-1)).toMatchObject({ action: 'withdraw_signup', data: { places: 1, taken: 0 } });
    expect(await rows()).toEqual({ events: 2, bus: 2, named: 1, audit: 2 });
    // the place is free again
    expect((await c.api().post(`/api/volunteer/items/${item.id}/transitions`).set(asMember('m.tang')).send({ action: 'signup', version: item.version })).status).toBe(200);
  });

  it("one member's sign-ups on many items at once all go through", async () => {
    const items = await Promise.all(Array.from({ length: 6 }, () => c.published({ kind: 'individual', capacity: 2 })));
    const answers = await Promise.all(items.map((i) => c.api().post(`/api/volunteer/items/${i.id}/transitions`).set(asMember('m.sun')).send({ action: 'signup', version: i.version })));
    expect(answers.map((r) => r.status)).toEqual(items.map(() => 200));
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM item_signup s JOIN member mb ON mb.id = s.member_id WHERE mb.username = 'm.sun' AND s.item_id = ANY($1::bigint[])`, [items.map((i) => i.id)]);
    expect(n).toBe(6);
  });
});
