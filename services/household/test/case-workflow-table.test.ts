import { CASE_WORKFLOW_DEF, type CaseAction, type CaseStatus, FIXTURE_WHO, type FixtureWho, walkRefusals, workflowTriples } from '@redheart/shared';
import { appForTests, newId, USERS } from './helper';

/**
 * The hukou case workflow, walked from its table (shared/src/workflows/hukou-case.ts): every (state, action, role)
 * the table allows is accepted by the API and lands in the table's state; every other one is refused, 403 when the
 * role may never ask for the action, 409 WRONG_STATE when the state is wrong.
 */
const { as, api } = appForTests();

type Who = FixtureWho;
const WHO = FIXTURE_WHO;
const ALL = ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'];
interface Case { id: number; version: number; status: CaseStatus }

function body(a: CaseAction, c: Case): Record<string, unknown> {
  const extra: Partial<Record<CaseAction, Record<string, unknown>>> = {
    supplement: { provided: ['purchase_contract'] },
    request_supplement: { missingItems: ['purchase_contract'] },
    accept: { originalsVerified: true },
    approve: { approvalNo: `栖公准迁字〔2020〕${c.id}号` },
  };
  return { action: a, version: c.version, ...(CASE_WORKFLOW_DEF.rules[a].reasonRequired ? { reason: '表驱动测试的理由' } : {}), ...extra[a] };
}

async function act(c: Case, a: CaseAction, who: Who) {
  return api().post(`/api/household/cases/${c.id}/transitions`).set(as(who)).send(body(a, c));
}

async function step(c: Case, a: CaseAction, who: Who): Promise<Case> {
  const r = await act(c, a, who);
  if (r.status !== 200) throw new Error(`${a} by ${who} on ${c.status}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** A fresh case in `status`, through the real transitions. */
async function inState(status: CaseStatus): Promise<Case> {
  const ids = [newId('M', '1980-02-02'), newId('F', '1982-03-03')];
  const res = await api().post('/api/household/cases').set(as('clerk')).send({
    type: 'purchased_flat', applicantName: '张伟', applicantPhone: '13805351234', provided: ALL,
    persons: ids.map((idNumber, i) => ({ name: ['张伟', '李娜'][i], idNumber, relation: ['head', 'spouse'][i] })),
    newHousehold: { kind: 'family', building: '9', unit: '1', room: String(1000 + Math.floor(Math.random() * 9000)), address: '庄园街道龙腾小区9号楼1单元' },
    propertyCertificateNo: `鲁(2020)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`,
  });
  if (res.status !== 201) throw new Error(`create ${res.status} ${JSON.stringify(res.body)}`);
  let c: Case = res.body;
  const path: Record<CaseStatus, [CaseAction, Who][]> = {
    DRAFT: [],
    SUBMITTED: [['submit', 'clerk']],
    NEEDS_SUPPLEMENT: [['submit', 'clerk'], ['request_supplement', 'clerk']],
    ACCEPTED: [['submit', 'clerk'], ['accept', 'clerk']],
    APPROVED: [['submit', 'clerk'], ['accept', 'clerk'], ['approve', 'secretary']],
    SETTLED: [['submit', 'clerk'], ['accept', 'clerk'], ['approve', 'secretary'], ['settle', 'clerk']],
    REJECTED: [['submit', 'clerk'], ['reject', 'clerk']],
    WITHDRAWN: [['withdraw', 'clerk']],
    REVOKED: [['submit', 'clerk'], ['accept', 'clerk'], ['approve', 'secretary'], ['settle', 'clerk'], ['request_revoke', 'admin'], ['confirm_revoke', 'street']],
  };
  for (const [a, who] of path[status]) c = await step(c, a, who);
  expect(c.status).toBe(status);
  return c;
}

const roleOf = (who: Who) => USERS[who].role;
const { allowed, refused } = workflowTriples(CASE_WORKFLOW_DEF, CASE_WORKFLOW_DEF.states, WHO, roleOf);

describe('the hukou case workflow table against the API', () => {
  it.each(allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    let c = await inState(s);
    // The revocation's second person: a request must be waiting (by someone else) to confirm or cancel it.
    if (a === 'confirm_revoke' || a === 'cancel_revoke') c = await step(c, 'request_revoke', who === 'admin' ? 'street' : 'admin');
    const r = await act(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    expect(r.body.status).toBe(CASE_WORKFLOW_DEF.rules[a].to ?? s);
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    expect(refused.length + allowed.length).toBe(CASE_WORKFLOW_DEF.states.length * CASE_WORKFLOW_DEF.actions.length * WHO.length);
    // Nothing is written by the refusals (the case keeps its state and version).
    const wrong = await walkRefusals({
      def: CASE_WORKFLOW_DEF, refused, states: CASE_WORKFLOW_DEF.states, roleOf, inState, act,
      read: async (c) => (await api().get(`/api/household/cases/${c.id}`).set(as('admin'))).body,
    });
    expect(wrong).toEqual([]);
  });
});
