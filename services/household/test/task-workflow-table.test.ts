import { FIXTURE_WHO, type FixtureWho, TASK_WORKFLOW_DEF, type TaskAction, type TaskStatus, walkRefusals, workflowTriples } from '@redheart/shared';
import { appForTests, C, newId, USERS } from './helper';

/**
 * The outreach task workflow (人户分离), walked from its table (shared/src/workflows/outreach-task.ts): every (state,
 * action, role) the table allows is accepted by the API and lands in the table's state; every other one is refused,
 * 403 when the role may never ask for the action, 409 WRONG_STATE when the state is wrong.
 *
 * Tasks come from comparing the registers (as in separation.test.ts): a flat imported with an owner registered nowhere,
 * then POST /separation/compare. `settle` needs a SETTLED move-in case of the person in the task's community, and the
 * person registered there now; a case settled while the task is open settles the task by itself (the system step), so
 * an `applied` task that can still be settled by hand is one whose person moved in by a case and out again before the
 * comparison found them, and then back in by the register import (no case: written straight into the register here).
 */
const { ctx, as, api } = appForTests();

type Who = FixtureWho;
const WHO = FIXTURE_WHO;
interface Task { id: number; version: number; status: TaskStatus; caseId: number | null }

function body(a: TaskAction, c: Task): Record<string, unknown> {
  const extra: Partial<Record<TaskAction, Record<string, unknown>>> = { decline: { note: '本人表示暂不迁入' }, contact: { note: '上门走访' } };
  return { action: a, version: c.version, ...extra[a] };
}

async function act(c: Task, a: TaskAction, who: Who) {
  return api().post(`/api/household/separation/tasks/${c.id}/transitions`).set(as(who)).send(body(a, c));
}

async function step(c: Task, a: TaskAction, who: Who, over: Record<string, unknown> = {}): Promise<Task> {
  const r = await api().post(`/api/household/separation/tasks/${c.id}/transitions`).set(as(who)).send({ ...body(a, c), ...over });
  if (r.status !== 200) throw new Error(`${a} by ${who} on ${c.status}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function caseStep(id: number, version: number, b: Record<string, unknown>, who: Who = 'clerk') {
  const r = await api().post(`/api/household/cases/${id}/transitions`).set(as(who)).send({ version, ...b });
  if (r.status !== 200) throw new Error(`case ${b.action}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: number; version: number; status: string; targetHouseholdId: number };
}

let flats = 0;
/** A person who moved into 龙腾 by a case (SETTLED) and out of the system again: the case's id. */
async function movedInAndOut(person: { name: string; idNumber: string }): Promise<number> {
  const persons = [{ ...person, relation: 'head' }];
  const created = await api().post('/api/household/cases').set(as('clerk')).send({
    type: 'purchased_flat', applicantName: person.name, persons, provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    newHousehold: { kind: 'family', address: `龙腾小区表驱动${flats}号` }, propertyCertificateNo: `鲁(2021)栖霞市不动产权第${8800000 + flats}号`,
  });
  if (created.status !== 201) throw new Error(`case ${created.status} ${JSON.stringify(created.body)}`);
  let k = created.body;
  k = await caseStep(k.id, k.version, { action: 'submit' });
  k = await caseStep(k.id, k.version, { action: 'accept', originalsVerified: true });
  k = await caseStep(k.id, k.version, { action: 'approve', approvalNo: `栖公准迁字〔2021〕${k.id}号` }, 'secretary');
  k = await caseStep(k.id, k.version, { action: 'settle' });
  const out = await api().post('/api/household/cases').set(as('clerk')).send({
    type: 'move_out', applicantName: person.name, persons, sourceHouseholdId: k.targetHouseholdId, destination: '烟台市芝罘区',
    provided: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
  });
  if (out.status !== 201) throw new Error(`move out ${out.status} ${JSON.stringify(out.body)}`);
  let o = out.body;
  o = await caseStep(o.id, o.version, { action: 'submit' });
  o = await caseStep(o.id, o.version, { action: 'accept', originalsVerified: true });
  o = await caseStep(o.id, o.version, { action: 'approve', approvalNo: `栖公准迁字〔2021〕${o.id}号` }, 'secretary');
  await caseStep(o.id, o.version, { action: 'settle' });
  return k.id;
}

/** The person back in 龙腾 as the register import writes them: a household and an active registration, no case. */
async function registeredAgain(idNumber: string): Promise<void> {
  const [h] = await ctx().ds.query(
    `INSERT INTO household (household_no, community_id, kind, address, grid_code) VALUES ($1, $2, 'family', $3, 'G09') RETURNING id`,
    [`TWT-${flats}`, C.longteng, `龙腾小区表驱动${flats}号楼1单元101`],
  );
  await ctx().ds.query(
    `INSERT INTO registration (person_id, household_id, relation, status, start_date) SELECT id, $2, 'head', 'active', current_date FROM person WHERE id_hash = $1`,
    [ctx().vault.hash(idNumber), h.id],
  );
}

/**
 * A fresh task in `status`, through the real transitions: a flat of 龙腾 owned by a new person registered nowhere,
 * compared. `settleable`: the person's SETTLED move-in case is linked by `apply` (the person registered here again first).
 */
async function inState(status: TaskStatus, settleable = status === 'settled'): Promise<Task> {
  flats++;
  const person = { name: '表驱动业主', idNumber: newId('M', '1981-04-05') };
  const caseId = settleable ? await movedInAndOut(person) : undefined;
  const imported = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: [{
    certificateNo: `鲁(2022)栖霞市不动产权第${9900000 + flats}号`, address: `龙腾小区表驱动${flats}号楼`, building: String(flats), unit: '1', room: '101', gridCode: 'G09',
    owners: [{ name: person.name, idNumber: person.idNumber }],
  }] });
  if (imported.status !== 201) throw new Error(`import ${imported.status} ${JSON.stringify(imported.body)}`);
  const cmp = await api().post(`/api/household/separation/compare?communityId=${C.longteng}`).set(as('clerk'));
  if (cmp.status !== 200) throw new Error(`compare ${cmp.status} ${JSON.stringify(cmp.body)}`);
  const [row] = await ctx().ds.query(`SELECT id FROM outreach_task WHERE id_hash = $1 AND status = 'identified'`, [ctx().vault.hash(person.idNumber)]);
  if (settleable) await registeredAgain(person.idNumber);
  let c: Task = (await api().get(`/api/household/separation/tasks/${row.id}`).set(as('clerk'))).body;
  const path: Record<TaskStatus, [TaskAction, Who][]> = {
    identified: [],
    contacted: [['contact', 'grid']],
    applied: [['contact', 'grid'], ['apply', 'grid']],
    settled: [['contact', 'grid'], ['apply', 'grid'], ['settle', 'clerk']],
    declined: [['decline', 'grid']],
  };
  for (const [a, who] of path[status]) c = await step(c, a, who, a === 'apply' && caseId ? { caseId } : {});
  expect(c.status).toBe(status);
  return c;
}

const roleOf = (who: Who) => USERS[who].role;
const { allowed, refused } = workflowTriples(TASK_WORKFLOW_DEF, TASK_WORKFLOW_DEF.states, WHO, roleOf);

describe('the outreach task workflow table against the API', () => {
  it.each(allowed)('%s: %s by %s is accepted', async (s, a, who) => {
    const c = await inState(s, a === 'settle');
    const r = await act(c, a, who);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 200, code: undefined });
    expect(r.body.status).toBe(TASK_WORKFLOW_DEF.rules[a].to ?? s);
    expect(r.body.version).toBe(c.version + 1);
  });

  it('refuses every (state, action, role) the table does not allow: 403 for the role, 409 WRONG_STATE for the state', async () => {
    expect(refused.length + allowed.length).toBe(TASK_WORKFLOW_DEF.states.length * TASK_WORKFLOW_DEF.actions.length * WHO.length);
    // Nothing is written by the refusals (the task keeps its state and version).
    const wrong = await walkRefusals({
      def: TASK_WORKFLOW_DEF, refused, states: TASK_WORKFLOW_DEF.states, roleOf, inState: (s) => inState(s), act,
      read: async (c) => (await api().get(`/api/household/separation/tasks/${c.id}`).set(as('admin'))).body,
    });
    expect(wrong).toEqual([]);
  });
});
