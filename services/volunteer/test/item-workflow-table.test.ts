import request from 'supertest';
import { FIXTURE_WHO, type FixtureWho, ITEM_WORKFLOW_DEF, type ItemAction, type ItemStatus, walkRefusals, workflowTriples } from '@redheart/shared';
import { setup, type TestContext, U, USERS } from './helper';

/**
 * The service item workflow, walked from its table (shared/src/workflows/service-item.ts): every (state, action,
 * role) the table allows is accepted by the API on a record that meets the action's own conditions (noted in the
 * table), and lands in the table's state; every other one is refused, 403 when the role may never ask for the
 * action, 409 WRONG_STATE when the state is wrong. CONFIRMED is never seen (confirm closes the item in the same
 * transaction), so nothing is asked of it.
 */
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

type Who = FixtureWho;
const WHO = FIXTURE_WHO;
const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
interface Item { id: number; version: number; status: ItemStatus }

/**
 * Rows the table allows for a role but no record does: the `schedule` row's roles cover both its from-states, and a
 * unit schedules only an item it claimed (a PUBLISHED one has no claimer: a unit item is claimed first, an individual
 * one is scheduled by the community).
 */
const NO_RECORD: readonly string[] = ['PUBLISHED schedule unit'];

let merges = 0;
async function body(a: ItemAction, c: Item): Promise<Record<string, unknown>> {
  const extra: Partial<Record<ItemAction, Record<string, unknown>>> = {
    assign: { unitId: U.ziran },
    complete: { hours: [{ name: '王科长', hours: 2 }], note: '更换楼道灯' },
    confirm: { rating: 5 },
    refer: { referralBody: '栖霞市住房和城乡建设局' },
  };
  if (a === 'merge') extra.merge = { mergeIntoId: (await report(`合并目标${++merges}`)).id };
  return { action: a, version: c.version, ...(ITEM_WORKFLOW_DEF.rules[a].reasonRequired ? { reason: '表驱动测试的理由' } : {}), ...extra[a] };
}

async function act(c: Item, a: ItemAction, who: Who) {
  return api().post(`/api/volunteer/items/${c.id}/transitions`).set(as(who)).send(await body(a, c));
}

async function step(c: Item, a: ItemAction, who: Who, over: Record<string, unknown> = {}): Promise<Item> {
  const r = await api().post(`/api/volunteer/items/${c.id}/transitions`).set(as(who)).send({ ...(await body(a, c)), ...over });
  if (r.status !== 200) throw new Error(`${a} by ${who} on ${c.status}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function report(place = `龙腾小区${Math.floor(Math.random() * 1e6)}号楼`): Promise<Item> {
  const r = await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: t.category, place, description: '楼道照明损坏，老人夜间出行不便' });
  if (r.status !== 201) throw new Error(`report ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A fresh item in `status` (an individual one, with a sign-up, where the action needs it). */
async function inState(status: ItemStatus, individual = false, signedUp = false): Promise<Item> {
  let c = await report();
  if (status === 'REPORTED') return c;
  const unitPath: [ItemAction, Who][] = [['publish', 'clerk'], ['claim', 'unit'], ['schedule', 'unit'], ['start', 'unit'], ['complete', 'unit'], ['confirm', 'clerk']];
  const path: Partial<Record<ItemStatus, [ItemAction, Who][]>> = {
    REJECTED: [['reject', 'clerk']], REFERRED: [['refer', 'clerk']], MERGED: [['merge', 'clerk']], CANCELLED: [['cancel', 'clerk']],
    PUBLISHED: unitPath.slice(0, 1), ESCALATED: unitPath.slice(0, 1), CLAIMED: unitPath.slice(0, 2), SCHEDULED: unitPath.slice(0, 3),
    IN_PROGRESS: unitPath.slice(0, 4), DONE: unitPath.slice(0, 5), CLOSED: unitPath,
  };
  for (const [a, who] of path[status]!) c = await step(c, a, who, a === 'publish' && individual ? { kind: 'individual', capacity: 3 } : {});
  if (signedUp) c = await step(c, 'signup', 'member');
  if (status === 'ESCALATED') {
    // The system's step (unclaimed past the deadline), as the escalation job writes it.
    await t.ds.query(`UPDATE item SET status = 'ESCALATED', version = version + 1 WHERE id = $1`, [c.id]);
    c = { ...c, status: 'ESCALATED', version: c.version + 1 };
  }
  expect(c.status).toBe(status);
  return c;
}

const STATES = ITEM_WORKFLOW_DEF.states.filter((s) => s !== 'CONFIRMED');
const roleOf = (who: Who) => USERS[who].role;
const triples = workflowTriples(ITEM_WORKFLOW_DEF, STATES, WHO, roleOf);
const allowed = triples.allowed.filter(([s, a, who]) => !NO_RECORD.includes(`${s} ${a} ${who}`));

describe('the service item workflow table against the API', () => {
  it.each(allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const individual = a === 'signup' || a === 'withdraw_signup' || (a === 'schedule' && s === 'PUBLISHED');
    const c = await inState(s, individual, a === 'withdraw_signup' || (a === 'schedule' && s === 'PUBLISHED'));
    const r = await act(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    // confirm lands in CONFIRMED and the system closes the item in the same transaction.
    expect(r.body.status).toBe(a === 'confirm' ? 'CLOSED' : ITEM_WORKFLOW_DEF.rules[a].to ?? s);
  });

  // every field the table lists as `required`, in turn missing and null: 400 VALIDATION_FAILED naming it, nothing written
  const REQUIRED = (Object.entries(ITEM_WORKFLOW_DEF.rules) as [ItemAction, (typeof ITEM_WORKFLOW_DEF.rules)[ItemAction]][])
    .flatMap(([a, rule]) => (rule.required ?? []).map((field) => [a, field, rule.from[0]] as const));
  it('the table lists the fields the item actions need', () => {
    expect(REQUIRED.map(([x, f]) => `${x}.${f}`)).toEqual(expect.arrayContaining(['assign.unitId', 'complete.hours', 'confirm.rating', 'refer.referralBody', 'merge.mergeIntoId']));
  });
  it.each(REQUIRED)('%s without %s (from %s) is a 400 naming the field, nothing written', async (a, field, from) => {
    const who = WHO.find((w) => (ITEM_WORKFLOW_DEF.rules[a].roles as readonly string[]).includes(roleOf(w)))!;
    const c = await inState(from as ItemStatus);
    for (const value of [undefined, null]) {
      const sent = { ...(await body(a, c)), [field]: value };
      const r = await api().post(`/api/volunteer/items/${c.id}/transitions`).set(as(who)).send(sent);
      expect({ status: r.status, code: r.body.code, fields: r.body.details?.map((d: { field: string }) => d.field) }).toEqual({ status: 400, code: 'VALIDATION_FAILED', fields: [field] });
    }
    const now = (await api().get(`/api/volunteer/items/${c.id}`).set(as('admin'))).body;
    expect({ status: now.status, version: now.version }).toEqual({ status: c.status, version: c.version });
  });

  it('the exceptions are real: no PUBLISHED item can be scheduled by a unit (it has not claimed it: 403)', async () => {
    expect((await act(await inState('PUBLISHED'), 'schedule', 'unit')).status).toBe(403);
    expect((await act(await inState('PUBLISHED', true, true), 'schedule', 'unit')).status).toBe(403);
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    const wrong = await walkRefusals({
      def: ITEM_WORKFLOW_DEF, refused: triples.refused, states: STATES, roleOf, inState: (s) => inState(s), act,
      read: async (c) => (await api().get(`/api/volunteer/items/${c.id}`).set(as('admin'))).body,
    });
    expect(wrong).toEqual([]);
  });
});
