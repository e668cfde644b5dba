import request from 'supertest';
import { type AuthUser, FIXTURE_WHO, type FixtureWho, RESPONSE_WORKFLOW_DEF, type ResponseAction, type ResponseStatus, walkRefusals, WHISTLE_WORKFLOW_DEF, type WhistleAction, type WhistleStatus, workerTestDatabaseUrl, workflowTriples } from '@redheart/shared';
import { C, setup, type TestContext, U, USERS } from './helper';

/**
 * The whistle (街呼县应) and its departments' responses, each walked from its table (shared/src/workflows/whistle.ts):
 * every (state, action, role) a table allows is accepted by the API on a record that meets the action's own
 * conditions (noted in the table: a department answers only its own response, 督办 only an overdue one) and lands in
 * the table's state; every other one is refused, 403 when the role may never ask for the action, 409 WRONG_STATE when
 * the state is wrong, and writes nothing.
 */
// Units 11 (自然资源和规划局, the `unit` account's) and 12 (教育和体育局, `unitOther`'s) are county departments.
const CITY: AuthUser = { sub: '50', username: 'city.admin', role: 'city_admin', orgId: 100, scopePaths: ['/'] };

let t: TestContext;
beforeAll(async () => {
  t = await setup(workerTestDatabaseUrl('volunteer', 'whistle_table'));
  await t.ds.query(`UPDATE unit_ref SET department = (id IN (11, 12))`);
});
afterAll(async () => t.close());

/** The fixture's personas and the city organisation department (whistles go up to it). */
type Who = FixtureWho | 'city';
const WHO: readonly Who[] = [FIXTURE_WHO[0], 'city', ...FIXTURE_WHO.slice(1)];
const as = (who: Who | 'unitOther') => ({ Authorization: `Bearer ${who === 'city' ? t.sign(CITY) : t.token(who)}` });
const roleOf = (who: Who) => (who === 'city' ? CITY.role : USERS[who].role);
const api = () => request(t.app.server);
const inDays = (d: number) => new Date(Date.now() + d * 86400_000).toISOString();
interface Whistle { id: number; version: number; status: WhistleStatus; responses: Response[] }
interface Response { whistleId: number; unitId: number; version: number; status: ResponseStatus }

async function ok<T>(r: request.Response, what: string): Promise<T> {
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

/** A street's whistle (SENT), or a community's proposal (PROPOSED), to `departments`. */
async function raise(proposed: boolean, departments: number[] = [U.ziran]): Promise<Whistle> {
  return ok(await api().post('/api/volunteer/whistles').set(as(proposed ? 'secretary' : 'street')).send({
    title: '龙腾社区废弃厂房安全隐患', description: '闲置厂房围墙开裂，临近小区主干道，存在倒塌风险', deadline: inDays(3), departmentIds: departments,
    ...(proposed ? {} : { communityId: C.longteng }),
  }), 'raise');
}

const read = async (id: number): Promise<Whistle> => ok(await api().get(`/api/volunteer/whistles/${id}`).set(as('admin')), 'read');

/** The overdue job's step (a response owed past its deadline goes up to the county), as the job takes it. */
async function overdue(id: number): Promise<Whistle> {
  await t.ds.query(`UPDATE whistle_response SET deadline = now() - interval '1 hour' WHERE whistle_id = $1`, [id]);
  await t.app.volunteer.whistles.escalateOverdue();
  return read(id);
}

// ---- the whistle: the street's actions ----

function whistleBody(a: WhistleAction, w: { version: number }): Record<string, unknown> {
  return { action: a, version: w.version, ...(WHISTLE_WORKFLOW_DEF.rules[a].reasonRequired ? { reason: '表驱动测试的理由' } : {}) };
}

async function actWhistle(w: Whistle, a: WhistleAction, who: Who) {
  return api().post(`/api/volunteer/whistles/${w.id}/transitions`).set(as(who)).send(whistleBody(a, w));
}

/** A fresh whistle in `status`, through the real transitions (and the overdue job for ESCALATED). */
async function whistleIn(status: WhistleStatus): Promise<Whistle> {
  let w = await raise(status === 'PROPOSED' || status === 'DECLINED');
  const street = async (a: WhistleAction) => (w = await ok(await actWhistle(w, a, 'street'), `${a} on ${w.status}`));
  const refuse = async () => {
    const r = w.responses[0];
    w = await ok(await api().post(`/api/volunteer/whistles/${w.id}/responses/${r.unitId}/transitions`).set(as('unit'))
      .send({ action: 'refuse', version: r.version, reason: '不属于本部门职责' }), 'refuse');
  };
  if (status === 'DECLINED') await street('decline');
  if (status === 'WITHDRAWN') await street('withdraw');
  if (status === 'ESCALATED') w = await overdue(w.id);
  // Every department refused (none rated): ANSWERED, for the street to close.
  if (status === 'ANSWERED' || status === 'CLOSED') await refuse();
  if (status === 'CLOSED') await street('close');
  expect(w.status).toBe(status);
  return w;
}

// ---- one department's response: the department's, the street's and the county's actions ----

function responseBody(a: ResponseAction, r: { version: number }): Record<string, unknown> {
  const extra: Partial<Record<ResponseAction, Record<string, unknown>>> = {
    act: { note: '已派人现场核查' }, report: { result: '已设置围挡并拆除危墙' }, rate: { rating: 4 }, supervise: { deadline: inDays(2) },
  };
  return { action: a, version: r.version, ...(RESPONSE_WORKFLOW_DEF.rules[a].reasonRequired ? { reason: '表驱动测试的理由' } : {}), ...extra[a] };
}

async function actResponse(r: Response, a: ResponseAction, who: Who | 'unitOther') {
  return api().post(`/api/volunteer/whistles/${r.whistleId}/responses/${r.unitId}/transitions`).set(as(who)).send(responseBody(a, r));
}

const responseOf = (w: Whistle, unitId: number): Response => ({ ...w.responses.find((x) => x.unitId === unitId)!, whistleId: w.id, unitId });

/**
 * A fresh response in `status`, through the real transitions: 自然资源和规划局's (answered by `unit`), or with `other`
 * 教育和体育局's on a whistle to both (answered by `unitOther`); `late`: past its deadline, marked by the overdue job.
 */
async function responseIn(status: ResponseStatus, { late = false, other = false } = {}): Promise<Response> {
  const unitId = other ? U.jiaoyu : U.ziran;
  const staff = other ? 'unitOther' : 'unit';
  let w = await raise(status === 'PROPOSED', other ? [U.ziran, U.jiaoyu] : [U.ziran]);
  const path: Record<ResponseStatus, [ResponseAction, 'unit' | 'street'][]> = {
    PROPOSED: [], PENDING: [], WITHDRAWN: [], DECLINED: [['refuse', 'unit']],
    ACCEPTED: [['accept', 'unit']], ACTING: [['accept', 'unit'], ['act', 'unit']], REPORTED: [['accept', 'unit'], ['report', 'unit']],
    RATED: [['accept', 'unit'], ['report', 'unit'], ['rate', 'street']],
  };
  for (const [a, who] of path[status]) w = await ok(await actResponse(responseOf(w, unitId), a, who === 'unit' ? staff : who), `${a} on ${responseOf(w, unitId).status}`);
  if (status === 'WITHDRAWN') w = await ok(await actWhistle(w, 'withdraw', 'street'), 'withdraw');
  if (late) w = await overdue(w.id);
  const r = responseOf(w, unitId);
  expect(r.status).toBe(status);
  return r;
}

const whistles = workflowTriples(WHISTLE_WORKFLOW_DEF, WHISTLE_WORKFLOW_DEF.states, WHO, roleOf);
const responses = workflowTriples(RESPONSE_WORKFLOW_DEF, RESPONSE_WORKFLOW_DEF.states, WHO, roleOf);
/** A proposal is not yet sent to the department: its staff do not see it (404), whatever they ask. */
const unseen = ([s, , who]: readonly [ResponseStatus, ResponseAction, Who]) => s === 'PROPOSED' && who === 'unit';

describe('the whistle workflow table against the API', () => {
  it.each(whistles.allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const w = await whistleIn(s);
    const r = await actWhistle(w, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    expect(r.body.status).toBe(WHISTLE_WORKFLOW_DEF.rules[a].to);
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    expect(whistles.refused.length + whistles.allowed.length).toBe(WHISTLE_WORKFLOW_DEF.states.length * WHISTLE_WORKFLOW_DEF.actions.length * WHO.length);
    const wrong = await walkRefusals({
      def: WHISTLE_WORKFLOW_DEF, refused: whistles.refused, states: WHISTLE_WORKFLOW_DEF.states, roleOf, inState: whistleIn, act: actWhistle,
      read: (w) => read(w.id),
    });
    expect(wrong).toEqual([]);
  });
});

describe('the whistle response workflow table against the API', () => {
  it.each(responses.allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    // 督办 is for an overdue response only.
    const r = await responseIn(s, { late: !!RESPONSE_WORKFLOW_DEF.rules[a].overdueOnly });
    const res = await actResponse(r, a, who);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 200, code: undefined });
    const after = responseOf(res.body, r.unitId);
    expect(after.status).toBe(RESPONSE_WORKFLOW_DEF.rules[a].to ?? s);
    expect(after.version).toBe(r.version + 1);
  });

  it('the exceptions are real: a department answers only its own response (403), and does not see a proposal (404)', async () => {
    const own = RESPONSE_WORKFLOW_DEF.actions.filter((a) => RESPONSE_WORKFLOW_DEF.rules[a].ownDepartment);
    for (const s of [...new Set(own.flatMap((a) => RESPONSE_WORKFLOW_DEF.rules[a].from))]) {
      const r = await responseIn(s, { other: true });
      for (const a of own.filter((x) => RESPONSE_WORKFLOW_DEF.rules[x].from.includes(s))) {
        expect({ s, a, status: (await actResponse(r, a, 'unit')).status }).toEqual({ s, a, status: 403 });
      }
      expect(responseOf(await read(r.whistleId), r.unitId)).toMatchObject({ status: r.status, version: r.version });
    }
    const proposal = await responseIn('PROPOSED');
    expect(responses.refused.filter(unseen)).toHaveLength(RESPONSE_WORKFLOW_DEF.actions.length);
    for (const [, a] of responses.refused.filter(unseen)) expect({ a, status: (await actResponse(proposal, a, 'unit')).status }).toEqual({ a, status: 404 });
    // 督办 of a response not overdue: refused on that condition, not on the table.
    const onTime = await responseIn('PENDING');
    const r = await actResponse(onTime, 'supervise', 'admin');
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 409, code: 'NOT_OVERDUE' });
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    expect(responses.refused.length + responses.allowed.length).toBe(RESPONSE_WORKFLOW_DEF.states.length * RESPONSE_WORKFLOW_DEF.actions.length * WHO.length);
    const wrong = await walkRefusals({
      def: RESPONSE_WORKFLOW_DEF, refused: responses.refused.filter((x) => !unseen(x)), states: RESPONSE_WORKFLOW_DEF.states, roleOf,
      inState: (s) => responseIn(s), act: actResponse, read: async (r) => responseOf(await read(r.whistleId), r.unitId),
    });
    expect(wrong).toEqual([]);
  });
});
