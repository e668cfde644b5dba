import request from 'supertest';
import { type ActionRule, actionsFor, type AuthUser, FIXTURE_WHO, type FixtureWho, MEMBER_REPORT_WORKFLOW_DEF, type MemberReportDecision, type MemberReportStatus, type ReportDecision, UNIT_REPORT_WORKFLOW_DEF, type UnitReportStatus, walkRefusals, type WorkflowDefinition, workflowTriples } from '@redheart/shared';
import { C, setup, type TestContext, USERS } from './helper';

/**
 * The dual-report workflows (双报到), walked from their tables (shared/src/workflows/dual-report.ts): every (state,
 * decision, role) the table allows is accepted by the API and lands in the table's state, answering what the table
 * lets the caller decide next; every other one is refused, 403 when the role may never decide, 409 WRONG_STATE when
 * the state is wrong, and writes nothing (status, version, audit trail, outbox). The lists' allowedActions are the
 * table's answer for each role that sees the row.
 *
 * Each record is fresh: a unit report of a work unit made for it (one live report per unit and community), a member
 * report of an account made for it (one per account), both to 龙腾社区 (the community of the fixture's clerk and secretary).
 */
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

type Who = FixtureWho;
const WHO = FIXTURE_WHO;
const roleOf = (who: Who) => USERS[who].role;
const api = () => request(t.app.server);
const as = (who: Who | AuthUser) => ({ Authorization: `Bearer ${typeof who === 'string' ? t.token(who) : t.sign(who)}` });
const REASON = '表驱动测试的理由';

interface Rec<S> { id: number; version: number; status: S; name: string }

/** A decision's request body: the reason when the table requires one. */
const body = <S extends string, A extends string>(def: WorkflowDefinition<S, A, ActionRule<S>>, a: A, version: number) =>
  ({ decision: a, version, ...(def.rules[a].reasonRequired ? { reason: REASON } : {}) });

let fresh = 0;

/* ─── unit reports ─── */

async function unitReport(): Promise<Rec<UnitReportStatus>> {
  const unitId = 2000 + ++fresh;
  const name = `表驱动测试单位${unitId}党组`;
  await t.ds.query(`INSERT INTO unit_ref (id, name, path) VALUES ($1, $2, $3)`, [unitId, name, `/1/${unitId}/`]);
  const staff: AuthUser = { sub: String(unitId), username: `unit${unitId}.staff`, role: 'unit_staff', orgId: unitId, scopePaths: [`/1/${unitId}/`] };
  const r = await api().post('/api/volunteer/reports').set(as(staff)).send({ communityId: C.longteng, resources: ['课业辅导'], contactName: '孙老师', contactPhone: '0535-5213456' });
  if (r.status !== 201) throw new Error(`report ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, version: 1, status: 'pending', name };
}

const decideUnit = (c: Rec<UnitReportStatus>, a: ReportDecision, who: Who) =>
  api().post(`/api/volunteer/reports/${c.id}/decision`).set(as(who)).send(body(UNIT_REPORT_WORKFLOW_DEF, a, c.version));

async function unitInState(s: UnitReportStatus): Promise<Rec<UnitReportStatus>> {
  let c = await unitReport();
  const path: Record<UnitReportStatus, ReportDecision[]> = { pending: [], approved: ['approve'], rejected: ['reject'], ended: ['approve', 'end'] };
  for (const a of path[s]) {
    const r = await decideUnit(c, a, 'clerk');
    if (r.status !== 200) throw new Error(`${a} on ${c.status}: ${r.status} ${JSON.stringify(r.body)}`);
    c = { ...c, status: r.body.status, version: r.body.version };
  }
  expect(c.status).toBe(s);
  return c;
}

/** The report as the lists show it to `who` (undefined when it is not in their list). */
async function unitRow(c: Rec<UnitReportStatus>, who: Who = 'admin') {
  const r = await api().get('/api/volunteer/reports').query({ q: c.name }).set(as(who));
  return (r.body as { id: number; status: UnitReportStatus; version: number; allowedActions: ReportDecision[] }[]).find((x) => x.id === c.id);
}

/* ─── member reports ─── */

async function memberReport(): Promise<Rec<MemberReportStatus>> {
  const n = ++fresh;
  const account: AuthUser = { sub: String(3000 + n), username: `table.member${n}`, role: 'member', orgId: C.longteng, scopePaths: ['/1/3/7/'] };
  const r = await api().post('/api/volunteer/members').set(as(account)).send({ name: `表驱动党员${n}` });
  if (r.status !== 201) throw new Error(`member report ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, version: 1, status: 'pending', name: account.username };
}

const decideMember = (c: Rec<MemberReportStatus>, a: ReportDecision, who: Who) =>
  api().post(`/api/volunteer/members/${c.id}/decision`).set(as(who)).send({ decision: a, version: c.version, ...(a === 'approve' ? {} : { reason: REASON }) });

async function memberInState(s: MemberReportStatus): Promise<Rec<MemberReportStatus>> {
  const c = await memberReport();
  if (s === 'pending') return c;
  const r = await decideMember(c, s === 'approved' ? 'approve' : 'reject', 'clerk');
  if (r.status !== 200) throw new Error(`decide ${r.status} ${JSON.stringify(r.body)}`);
  expect(r.body.status).toBe(s);
  return { ...c, status: s, version: 2 };
}

async function memberRow(c: Rec<MemberReportStatus>, who: Who = 'admin') {
  const r = await api().get('/api/volunteer/members').query({ q: c.name }).set(as(who));
  if (r.status !== 200) return undefined;
  return (r.body as { id: number; status: MemberReportStatus; version: number; allowedActions: MemberReportDecision[] }[]).find((x) => x.id === c.id);
}

/** What a record's refusals may not write: its audit entries and its outbox events. */
async function traces(entityType: 'unit_report' | 'member', id: number): Promise<number> {
  const [a] = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE entity_type = $1 AND entity_id = $2`, [entityType, String(id)]);
  const [e] = await t.ds.query(`SELECT count(*)::int AS n FROM outbox_event WHERE type LIKE 'volunteer.report.%' AND aggregate_id = $1 AND $2 = 'unit_report'`, [String(id), entityType]);
  return a.n + e.n;
}

const unitTriples = workflowTriples(UNIT_REPORT_WORKFLOW_DEF, UNIT_REPORT_WORKFLOW_DEF.states, WHO, roleOf);
const memberTriples = workflowTriples(MEMBER_REPORT_WORKFLOW_DEF, MEMBER_REPORT_WORKFLOW_DEF.states, WHO, roleOf);

describe('the unit report workflow table against the API', () => {
  it('allows some decisions and refuses others (the walk below is not empty)', () => {
    expect(unitTriples.allowed.length).toBe(9);
    expect(unitTriples.refused.length).toBe(UNIT_REPORT_WORKFLOW_DEF.states.length * UNIT_REPORT_WORKFLOW_DEF.actions.length * WHO.length - 9);
  });

  it.each(unitTriples.allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const c = await unitInState(s);
    const before = await traces('unit_report', c.id);
    const r = await decideUnit(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    const to = UNIT_REPORT_WORKFLOW_DEF.rules[a].to!;
    expect(r.body).toMatchObject({ id: c.id, status: to, version: c.version + 1, allowedActions: actionsFor(UNIT_REPORT_WORKFLOW_DEF, to, roleOf(who)) });
    expect(await unitRow(c)).toMatchObject({ status: to, version: c.version + 1 });
    // One audit entry and one event for the org service.
    expect(await traces('unit_report', c.id)).toBe(before + 2);
    expect((await t.reportEvents()).at(-1)).toMatchObject({ type: `volunteer.report.${to}`, communityId: C.longteng });
  });

  it('refuses every (state, decision, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state, nothing written', async () => {
    const wrote: string[] = [];
    const wrong = await walkRefusals({
      def: UNIT_REPORT_WORKFLOW_DEF, refused: unitTriples.refused, states: UNIT_REPORT_WORKFLOW_DEF.states, roleOf, inState: unitInState,
      act: async (c, a, who) => {
        const before = await traces('unit_report', c.id);
        const r = await decideUnit(c, a, who);
        if ((await traces('unit_report', c.id)) !== before) wrote.push(`${c.status} ${a} ${who}`);
        return r;
      },
      read: async (c) => (await unitRow(c))!,
    });
    expect(wrong).toEqual([]);
    expect(wrote).toEqual([]);
  });

  it('the list answers, for each role that sees a report, the decisions the table gives it in the report\'s state', async () => {
    const seen: string[] = [];
    for (const s of UNIT_REPORT_WORKFLOW_DEF.states) {
      const c = await unitInState(s);
      for (const who of WHO) {
        const row = await unitRow(c, who);
        if (!row) continue;
        seen.push(who);
        expect({ s, who, allowed: row.allowedActions }).toEqual({ s, who, allowed: actionsFor(UNIT_REPORT_WORKFLOW_DEF, s, roleOf(who)) });
      }
    }
    for (const who of ['admin', 'secretary', 'clerk'] as const) expect(seen).toContain(who);
  });
});

describe('the member report workflow table against the API', () => {
  it('allows some decisions and refuses others (the walk below is not empty)', () => {
    expect(memberTriples.allowed.length).toBe(6);
    expect(memberTriples.refused.length).toBe(MEMBER_REPORT_WORKFLOW_DEF.states.length * MEMBER_REPORT_WORKFLOW_DEF.actions.length * WHO.length - 6);
  });

  it.each(memberTriples.allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const c = await memberInState(s);
    const before = await traces('member', c.id);
    const r = await decideMember(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    const to = MEMBER_REPORT_WORKFLOW_DEF.rules[a].to!;
    expect(r.body).toEqual({ id: c.id, status: to, allowedActions: actionsFor(MEMBER_REPORT_WORKFLOW_DEF, to, roleOf(who)) });
    expect(await memberRow(c)).toMatchObject({ status: to, version: c.version + 1 });
    expect(await traces('member', c.id)).toBe(before + 1);
  });

  it('refuses every (state, decision, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state, nothing written', async () => {
    const wrote: string[] = [];
    const wrong = await walkRefusals({
      def: MEMBER_REPORT_WORKFLOW_DEF, refused: memberTriples.refused, states: MEMBER_REPORT_WORKFLOW_DEF.states, roleOf, inState: memberInState,
      act: async (c, a, who) => {
        const before = await traces('member', c.id);
        const r = await decideMember(c, a, who);
        if ((await traces('member', c.id)) !== before) wrote.push(`${c.status} ${a} ${who}`);
        return r;
      },
      read: async (c) => (await memberRow(c))!,
    });
    expect(wrong).toEqual([]);
    expect(wrote).toEqual([]);
  });

  it('a member report does not end: `end` is refused in every state, 403 for other roles, 409 WRONG_STATE for the deciders', async () => {
    for (const s of MEMBER_REPORT_WORKFLOW_DEF.states) {
      const c = await memberInState(s);
      for (const who of WHO) {
        const r = await decideMember(c, 'end', who);
        const decides = MEMBER_REPORT_WORKFLOW_DEF.rules.approve.roles.includes(roleOf(who));
        expect({ s, who, status: r.status, code: r.body.code }).toEqual({ s, who, status: decides ? 409 : 403, code: decides ? 'WRONG_STATE' : 'FORBIDDEN' });
      }
      expect(await memberRow(c)).toMatchObject({ status: s, version: c.version });
    }
  });

  it('the list answers, for each role that sees a member, the decisions the table gives it in the report\'s state', async () => {
    const seen: string[] = [];
    for (const s of MEMBER_REPORT_WORKFLOW_DEF.states) {
      const c = await memberInState(s);
      for (const who of WHO) {
        const row = await memberRow(c, who);
        if (!row) continue;
        seen.push(who);
        expect({ s, who, allowed: row.allowedActions }).toEqual({ s, who, allowed: actionsFor(MEMBER_REPORT_WORKFLOW_DEF, s, roleOf(who)) });
      }
    }
    for (const who of ['admin', 'secretary', 'clerk', 'street'] as const) expect(seen).toContain(who);
  });
});
