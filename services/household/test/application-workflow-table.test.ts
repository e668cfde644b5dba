import { type ApplicationAction, type ApplicationStatus, APPLICATION_WORKFLOW_DEF, FIXTURE_WHO, type FixtureWho, walkRefusals, workflowTriples } from '@redheart/shared';
import { appForTests, USERS } from './helper';

/**
 * The 一网通办 service application workflow, walked from its table (shared/src/workflows/service-application.ts): every
 * (state, action, role) the table allows is accepted by the API and lands in the table's state; every other one is
 * refused, 403 when the role may never ask for the action, 409 WRONG_STATE when the state is wrong.
 */
const { ctx, as, api } = appForTests();
const SERVICE = { id: 9101, code: 'QX-JY-101', name: '就业创业证申领', category: '就业创业', materials: ['居民身份证', '近期一寸免冠彩色照片1张', '《就业创业登记表》'], timeLimitDays: 5 };
beforeAll(async () => {
  await ctx().app.catalogue.upsert(ctx().ds.manager, [SERVICE]);
});

type Who = FixtureWho;
const WHO = FIXTURE_WHO;
interface Application { id: number; version: number; status: ApplicationStatus }

function body(a: ApplicationAction, c: Application): Record<string, unknown> {
  const extra: Partial<Record<ApplicationAction, Record<string, unknown>>> = {
    request_supplement: { missingItems: ['《就业创业登记表》'], note: '请补交登记表' },
    supplement: { provided: ['《就业创业登记表》'] },
    hand_over: { department: '栖霞市人力资源和社会保障局' },
    complete: { result: '已办结' },
  };
  return { action: a, version: c.version, ...(APPLICATION_WORKFLOW_DEF.rules[a].reasonRequired ? { reason: '表驱动测试的理由' } : {}), ...extra[a] };
}

async function act(c: Application, a: ApplicationAction, who: Who) {
  return api().post(`/api/household/service-applications/${c.id}/transitions`).set(as(who)).send(body(a, c));
}

async function step(c: Application, a: ApplicationAction, who: Who): Promise<Application> {
  const r = await act(c, a, who);
  if (r.status !== 200) throw new Error(`${a} by ${who} on ${c.status}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A fresh application (every material provided) in `status`, through the real transitions. */
async function inState(status: ApplicationStatus): Promise<Application> {
  const res = await api().post('/api/household/service-applications').set(as('clerk')).send({
    serviceId: SERVICE.id, applicantName: '王秀英', applicantPhone: '13905358888', provided: SERVICE.materials,
  });
  if (res.status !== 201) throw new Error(`create ${res.status} ${JSON.stringify(res.body)}`);
  let c: Application = res.body;
  const path: Record<ApplicationStatus, [ApplicationAction, Who][]> = {
    SUBMITTED: [],
    NEEDS_SUPPLEMENT: [['request_supplement', 'clerk']],
    ACCEPTED: [['accept', 'clerk']],
    HANDED_OVER: [['accept', 'clerk'], ['hand_over', 'clerk']],
    DONE: [['accept', 'clerk'], ['complete', 'clerk']],
    REJECTED: [['reject', 'clerk']],
    WITHDRAWN: [['withdraw', 'clerk']],
  };
  for (const [a, who] of path[status]) c = await step(c, a, who);
  expect(c.status).toBe(status);
  return c;
}

const roleOf = (who: Who) => USERS[who].role;
const { allowed, refused } = workflowTriples(APPLICATION_WORKFLOW_DEF, APPLICATION_WORKFLOW_DEF.states, WHO, roleOf);

describe('the service application workflow table against the API', () => {
  it.each(allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const c = await inState(s);
    const r = await act(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    expect(r.body.status).toBe(APPLICATION_WORKFLOW_DEF.rules[a].to ?? s);
    expect(r.body.version).toBe(c.version + 1);
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    expect(refused.length + allowed.length).toBe(APPLICATION_WORKFLOW_DEF.states.length * APPLICATION_WORKFLOW_DEF.actions.length * WHO.length);
    // Nothing is written by the refusals (the application keeps its state and version).
    const wrong = await walkRefusals({
      def: APPLICATION_WORKFLOW_DEF, refused, states: APPLICATION_WORKFLOW_DEF.states, roleOf, inState, act,
      read: async (c) => (await api().get(`/api/household/service-applications/${c.id}`).set(as('admin'))).body,
    });
    expect(wrong).toEqual([]);
  });
});
