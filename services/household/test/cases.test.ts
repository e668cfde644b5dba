import request from 'supertest';
import { recordTransactions, verifyAuditChain } from '@redheart/shared';
import { C, newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

function family(n = 3) {
  const ids = [newId('M', '1980-02-02'), newId('F', '1982-03-03'), newId('M', '2010-04-04')].slice(0, n);
  const rel = ['head', 'spouse', 'child'];
  return ids.map((idNumber, i) => ({ name: ['张伟', '李娜', '张小明'][i], idNumber, relation: rel[i] }));
}

async function createCase(over: Record<string, unknown> = {}, who: keyof typeof USERS = 'clerk') {
  const res = await api().post('/api/household/cases').set(as(who)).send({
    type: 'purchased_flat', applicantName: '张伟', applicantPhone: '13805351234', persons: family(),
    newHousehold: { kind: 'family', building: '3', unit: '2', room: '501', address: '庄园街道龙腾小区3号楼2单元501' },
    propertyCertificateNo: `鲁(2020)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`,
    ...over,
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function act(id: number, body: Record<string, unknown>, who: keyof typeof USERS = 'clerk', headers: Record<string, string> = {}) {
  return api().post(`/api/household/cases/${id}/transitions`).set(as(who)).set(headers).send(body);
}

/** Drives a case to a status through the real transitions. */
async function driveTo(status: 'SUBMITTED' | 'ACCEPTED' | 'APPROVED' | 'SETTLED', over: Record<string, unknown> = {}) {
  let c = await createCase({ provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'], ...over });
  const step = async (body: Record<string, unknown>, who: keyof typeof USERS = 'clerk') => {
    const r = await act(c.id, { version: c.version, ...body }, who);
    if (r.status !== 200) throw new Error(`${body.action} failed ${r.status} ${JSON.stringify(r.body)}`);
    c = r.body;
  };
  await step({ action: 'submit' });
  if (status === 'SUBMITTED') return c;
  await step({ action: 'accept', originalsVerified: true });
  if (status === 'ACCEPTED') return c;
  await step({ action: 'approve', approvalNo: `栖公准迁字〔2020〕${c.id}号` }, 'secretary');
  if (status === 'APPROVED') return c;
  await step({ action: 'settle' });
  return c;
}

describe('POST /api/household/cases', () => {
  it('opens a DRAFT case with masked persons, the checklist and a timeline', async () => {
    const c = await createCase();
    expect(c).toMatchObject({ status: 'DRAFT', type: 'purchased_flat', communityId: C.longteng, communityName: '龙腾社区党委', version: 1 });
    expect(c.caseNo).toMatch(/^HJ\d{4}-\d{6}$/);
    expect(c.persons).toHaveLength(3);
    expect(c.persons[0].idMasked).toMatch(/^370686\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(c)).not.toMatch(/370686198/);
    expect(c.persons[0]).toMatchObject({ sex: 'M', birthDate: '1980-02-02' });
    expect(c.missingItems).toEqual(['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form']);
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(['create']);
    expect(c.allowedActions).toEqual(expect.arrayContaining(['submit', 'withdraw']));
  });

  it('records where each person works (机关事业单位 / 企业 / 其他), keeps it on the register at the settle, counts it in the statistics', async () => {
    const bad = family(1).map((p) => ({ ...p, employer: 'government' }));
    const refused = await api().post('/api/household/cases').set(as('clerk')).send({ type: 'collective', applicantName: 'x', persons: bad });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/persons\[0\]\.employer|employer/);
    const before = (await api().get('/api/household/stats/summary').set(as('admin'))).body.personsByEmployer;
    const persons = family().map((p, i) => ({ ...p, ...(i === 0 ? { employer: 'public_institution' } : i === 1 ? { employer: 'enterprise' } : {}) }));
    let c = await createCase({ persons, provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'] });
    expect(c.persons.map((p: { employer: string | null }) => p.employer)).toEqual(['public_institution', 'enterprise', null]);
    for (const [step, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: '栖公准迁字〔2020〕19号' }, 'secretary'], [{ action: 'settle' }, 'clerk']] as const) {
      const r = await act(c.id, { ...step, version: c.version }, who);
      expect(r.status).toBe(200);
      c = r.body;
    }
    expect(c.status).toBe('SETTLED');
    const kept = await t.ds.query(`SELECT p.employer FROM person p JOIN case_person cp ON cp.id_hash = p.id_hash WHERE cp.case_id = $1 ORDER BY cp.id`, [c.id]);
    expect(kept.map((r: { employer: string | null }) => r.employer)).toEqual(['public_institution', 'enterprise', null]);
    const after = (await api().get('/api/household/stats/summary').set(as('admin'))).body.personsByEmployer;
    expect(after).toEqual({ ...before, public_institution: before.public_institution + 1, enterprise: before.enterprise + 1, unknown: before.unknown + 1 });
  });

  it('returns 400 naming the person whose ID number is invalid', async () => {
    const persons = family();
    persons[1].idNumber = persons[1].idNumber.slice(0, 17) + (persons[1].idNumber[17] === '0' ? '1' : '0');
    const res = await api().post('/api/household/cases').set(as('clerk')).send({ type: 'joining_relatives', applicantName: 'x', persons, targetHouseholdId: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ID_NUMBER');
    expect(res.body.message).toMatch(/persons\[1\]\.idNumber/);
    for (const bad of ['37068619800202123', '370686198002301234', '370686299902021234', 'abcdefghijklmnopqr']) {
      const r = await api().post('/api/household/cases').set(as('clerk')).send({ type: 'collective', applicantName: 'x', persons: [{ name: 'a', idNumber: bad, relation: 'head' }] });
      expect(r.status).toBe(400);
    }
  });

  it('returns 400 for bad shapes and unknown fields, 401 without a token, 403 for other roles, 404 for another community', async () => {
    expect((await api().post('/api/household/cases').set(as('clerk')).send({ type: 'purchased_flat', applicantName: 'x', persons: [] })).status).toBe(400);
    expect((await api().post('/api/household/cases').set(as('clerk')).send({ type: 'flying', applicantName: 'x', persons: family(1) })).status).toBe(400);
    expect((await api().post('/api/household/cases').set(as('clerk')).send({ type: 'collective', applicantName: 'x', persons: family(1), status: 'SETTLED' })).status).toBe(400);
    expect((await api().post('/api/household/cases').set(as('clerk')).send({ type: 'purchased_flat', applicantName: 'x', persons: family(1), newHousehold: { kind: 'family', address: '某地址' } })).status).toBe(400);
    expect((await api().post('/api/household/cases').send({ type: 'collective', applicantName: 'x', persons: family(1) })).status).toBe(401);
    expect((await api().post('/api/household/cases').set(as('unit')).send({ type: 'collective', applicantName: 'x', persons: family(1) })).status).toBe(403);
    expect((await api().post('/api/household/cases').set(as('grid')).send({ type: 'collective', applicantName: 'x', persons: family(1) })).status).toBe(403);
    expect((await api().post('/api/household/cases').set(as('clerk')).send({ type: 'collective', applicantName: 'x', persons: family(1), communityId: C.cuiting })).status).toBe(404);
  });

  it('returns the first answer to a retried request with the same Idempotency-Key, without a second case', async () => {
    const body = { type: 'collective', applicantName: '王芳', persons: [{ name: '王芳', idNumber: newId('F'), relation: 'head' }] };
    const a = await api().post('/api/household/cases').set(as('clerk')).set('Idempotency-Key', 'create-wang-1').send(body);
    const b = await api().post('/api/household/cases').set(as('clerk')).set('Idempotency-Key', 'create-wang-1').send(body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers['idempotent-replay']).toBe('true');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM move_case WHERE applicant_name = '王芳'`))[0].n).toBe(1);
    const other = await api().post('/api/household/cases').set(as('clerk')).set('Idempotency-Key', 'create-wang-1').send({ ...body, applicantName: '别人' });
    expect(other.status).toBe(422);
  });
});

describe('POST /api/household/cases/:id/transitions', () => {
  it('walks DRAFT → SUBMITTED → NEEDS_SUPPLEMENT → SUBMITTED → ACCEPTED → APPROVED → SETTLED with a full timeline', async () => {
    let c = await createCase({ provided: ['id_card', 'hukou_booklet', 'purchase_contract', 'application_form'] });
    let r = await act(c.id, { action: 'submit', version: c.version });
    expect(r.status).toBe(200);
    c = r.body;
    expect(c.status).toBe('SUBMITTED');
    expect(c.light).toBe('green');
    // One-time notice: every missing item at once.
    r = await act(c.id, { action: 'request_supplement', version: c.version, note: '请补交不动产权证书原件' });
    expect(r.status).toBe(200);
    c = r.body;
    expect(c.status).toBe('NEEDS_SUPPLEMENT');
    expect(c.notices).toHaveLength(1);
    expect(c.notices[0].items).toEqual(['property_certificate']);
    const notice = await api().get(`/api/household/cases/${c.id}/notices/${c.notices[0].id}`).set(as('clerk'));
    expect(notice.status).toBe(200);
    expect(notice.body).toMatchObject({ caseNo: c.caseNo, items: ['property_certificate'], applicantName: '张伟', communityName: '龙腾社区党委' });
    expect(notice.body.persons).toHaveLength(3);
    // Accept is refused while materials are missing.
    r = await act(c.id, { action: 'supplement', version: c.version, provided: ['property_certificate'] });
    c = r.body;
    expect(c.status).toBe('SUBMITTED');
    expect(c.missingItems).toEqual([]);
    expect((await act(c.id, { action: 'accept', version: c.version })).status).toBe(400);
    r = await act(c.id, { action: 'accept', version: c.version, originalsVerified: true });
    expect(r.status).toBe(200);
    c = r.body;
    // A clerk may not approve; the secretary must record the approval number.
    expect((await act(c.id, { action: 'approve', version: c.version, approvalNo: 'X-1' })).status).toBe(403);
    expect((await act(c.id, { action: 'approve', version: c.version }, 'secretary')).status).toBe(400);
    r = await act(c.id, { action: 'approve', version: c.version, approvalNo: '栖公准迁字〔2020〕18号' }, 'secretary');
    expect(r.status).toBe(200);
    c = r.body;
    expect(c.approvalNo).toBe('栖公准迁字〔2020〕18号');
    r = await act(c.id, { action: 'settle', version: c.version });
    expect(r.status).toBe(200);
    c = r.body;
    expect(c.status).toBe('SETTLED');
    expect(c.targetHouseholdId).toEqual(expect.any(Number));
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'submit', 'request_supplement', 'supplement', 'accept', 'approve', 'settle']);
    expect(c.timeline.every((e: { actorUsername: string; actorRole: string; at: string }) => e.actorUsername && e.actorRole && e.at)).toBe(true);
    // The household book shows the three new persons.
    const book = await api().get(`/api/household/households/${c.targetHouseholdId}`).set(as('clerk'));
    expect(book.status).toBe(200);
    expect(book.body.current.map((p: { name: string }) => p.name).sort()).toEqual(['张伟', '张小明', '李娜'].sort());
    const audits = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'move_case' AND entity_id = $1 ORDER BY id`, [String(c.id)]);
    expect(audits.map((a: { action: string }) => a.action)).toEqual(['case.create', 'case.submit', 'case.request_supplement', 'case.supplement', 'case.accept', 'case.approve', 'case.settle']);
  });

  it('refuses actions in the wrong state (409), stale versions (409), other communities (404), missing reasons (400)', async () => {
    const c = await createCase();
    expect((await act(c.id, { action: 'settle', version: c.version })).status).toBe(409);
    const wrong = await act(c.id, { action: 'approve', version: c.version, approvalNo: 'x1' }, 'secretary');
    // A stable code and the params the SPA words it with (zh-CN / English), besides the server's own sentence.
    expect(wrong.body).toMatchObject({ code: 'WRONG_STATE', params: { entity: 'move_case', from: c.status, action: 'approve' } });
    expect((await act(c.id, { action: 'submit', version: c.version + 3 })).body.code).toBe('STALE_VERSION');
    expect((await act(c.id, { action: 'submit', version: c.version }, 'clerkCuiting')).status).toBe(404);
    expect((await act(c.id, { action: 'withdraw', version: c.version })).status).toBe(400);
    expect((await act(c.id, { action: 'fly', version: c.version })).status).toBe(400);
    expect((await act(c.id, { action: 'submit', version: c.version }, 'unit')).status).toBe(403);
    expect((await act(999999, { action: 'submit', version: 1 })).status).toBe(404);
    expect((await api().post(`/api/household/cases/${c.id}/transitions`).send({ action: 'submit', version: 1 })).status).toBe(401);
    const w = await act(c.id, { action: 'withdraw', version: c.version, reason: '申请人撤回' });
    expect(w.status).toBe(200);
    expect(w.body.status).toBe('WITHDRAWN');
    expect((await act(c.id, { action: 'submit', version: w.body.version })).status).toBe(409);
  });

  it('rejects from SUBMITTED or ACCEPTED with a reason', async () => {
    const s = await driveTo('SUBMITTED');
    const r = await act(s.id, { action: 'reject', version: s.version, reason: '材料不实' });
    expect(r.body).toMatchObject({ status: 'REJECTED' });
    const a = await driveTo('ACCEPTED');
    expect((await act(a.id, { action: 'reject', version: a.version, reason: '不符合落户条件' }, 'secretary')).body.status).toBe('REJECTED');
  });

  it('applies 50 concurrent approvals exactly once, with one audit entry', async () => {
    const c = await driveTo('ACCEPTED');
    const results = await Promise.all(Array.from({ length: 50 }, () => act(c.id, { action: 'approve', version: c.version, approvalNo: '栖公准迁字〔2020〕99号' }, 'secretary')));
    const codes = results.map((r) => r.status);
    expect(codes.filter((s) => s === 200)).toHaveLength(1);
    expect(codes.filter((s) => s === 409)).toHaveLength(49);
    const events = await t.ds.query(`SELECT count(*)::int AS n FROM case_event WHERE case_id = $1 AND action = 'approve'`, [c.id]);
    const audits = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE entity_id = $1 AND action = 'case.approve'`, [String(c.id)]);
    expect([events[0].n, audits[0].n]).toEqual([1, 1]);
  });

  it('lets exactly one of two cases settling the same person win', async () => {
    const shared = { name: '赵敏', idNumber: newId('F', '1990-09-09'), relation: 'head' };
    const a = await driveTo('APPROVED', { persons: [shared] });
    const b = await driveTo('APPROVED', { persons: [shared] });
    const [ra, rb] = await Promise.all([act(a.id, { action: 'settle', version: a.version }), act(b.id, { action: 'settle', version: b.version })]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const active = await t.ds.query(`SELECT count(*)::int AS n FROM registration r JOIN person p ON p.id = r.person_id WHERE p.id_hash = $1 AND r.status = 'active'`, [t.vault.hash(shared.idNumber)]);
    expect(active[0].n).toBe(1);
  });

  it('settles all persons or none: a person registered meanwhile makes the whole settle fail', async () => {
    const persons = family();
    // The child is already registered elsewhere in the system: this case moves him.
    const other = await driveTo('SETTLED', { persons: [persons[2]], newHousehold: { kind: 'family', address: '龙腾另一处' } });
    expect(other.status).toBe('SETTLED');
    const c = await driveTo('APPROVED', { persons });
    const spouseHash = t.vault.hash(persons[1].idNumber);
    const before = (await t.ds.query(`SELECT count(*)::int AS n FROM registration`))[0].n;
    // A trigger simulates a failure after the first person was written.
    await t.ds.query(`CREATE FUNCTION fail_second() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF (SELECT id_hash FROM person WHERE id = NEW.person_id) = '${spouseHash}' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await t.ds.query(`CREATE TRIGGER fail_second BEFORE INSERT ON registration FOR EACH ROW EXECUTE FUNCTION fail_second()`);
    try {
      const r = await act(c.id, { action: 'settle', version: c.version });
      expect(r.status).toBe(500);
    } finally {
      await t.ds.query(`DROP TRIGGER fail_second ON registration; DROP FUNCTION fail_second();`);
    }
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM registration`))[0].n).toBe(before);
    expect((await t.ds.query(`SELECT status FROM move_case WHERE id = $1`, [c.id]))[0].status).toBe('APPROVED');
    const households = await t.ds.query(`SELECT count(*)::int AS n FROM household WHERE address = '庄园街道龙腾小区3号楼2单元501' AND id NOT IN (SELECT target_household_id FROM move_case WHERE target_household_id IS NOT NULL)`);
    expect(households[0].n).toBe(0);
    // And once the fault is gone the same case settles, moving the child from the other household.
    const ok = await act(c.id, { action: 'settle', version: c.version });
    expect(ok.status).toBe(200);
    expect(ok.body.timeline.at(-1).data).toMatchObject({ settledPersons: 3, movedWithinSystem: 1 });
  });

  it('returns the first answer to a retried transition with the same Idempotency-Key', async () => {
    const c = await driveTo('ACCEPTED');
    const body = { action: 'approve', version: c.version, approvalNo: '栖公准迁字〔2020〕7号' };
    const a = await act(c.id, body, 'secretary', { 'Idempotency-Key': `approve-${c.id}` });
    const b = await act(c.id, body, 'secretary', { 'Idempotency-Key': `approve-${c.id}` });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.version).toBe(a.body.version);
    expect(b.headers['idempotent-replay']).toBe('true');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM case_event WHERE case_id = $1 AND action = 'approve'`, [c.id]))[0].n).toBe(1);
  });

  it('revokes a settled case only when a second person confirms, undoing the registrations', async () => {
    const c = await driveTo('SETTLED');
    expect((await act(c.id, { action: 'request_revoke', version: c.version, reason: '材料造假' })).status).toBe(403);
    const req = await act(c.id, { action: 'request_revoke', version: c.version, reason: '材料造假' }, 'street');
    expect(req.status).toBe(200);
    expect(req.body).toMatchObject({ status: 'SETTLED', revokePending: true });
    const self = await act(c.id, { action: 'confirm_revoke', version: req.body.version, reason: '确认' }, 'street');
    expect(self.status).toBe(403);
    const ok = await act(c.id, { action: 'confirm_revoke', version: req.body.version, reason: '复核确认' }, 'street2');
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('REVOKED');
    const active = await t.ds.query(`SELECT count(*)::int AS n FROM registration WHERE case_id = $1 AND status = 'active'`, [c.id]);
    expect(active[0].n).toBe(0);
  });

  it('moves a family between two communities in one transaction', async () => {
    const persons = family(2);
    const inWanda = await driveTo('SETTLED', { persons, newHousehold: { kind: 'family', address: '万达小区1号楼' } });
    const wandaHousehold = inWanda.targetHouseholdId;
    // Wanda's clerk cannot see Longteng's cases, Longteng's clerk cannot see Wanda's household.
    expect((await api().get(`/api/household/households/${wandaHousehold}`).set(as('clerkCuiting'))).status).toBe(404);
    const move = await api().post('/api/household/cases').set(as('clerkWanda')).send({
      type: 'purchased_flat', applicantName: '张伟', persons, propertyCertificateNo: '鲁(2024)栖霞市不动产权第0000777号',
      newHousehold: { kind: 'family', address: '万达小区8号楼' }, provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    expect(move.status).toBe(201);
    let c = move.body;
    for (const [body, who] of [[{ action: 'submit' }, 'clerkWanda'], [{ action: 'accept', originalsVerified: true }, 'clerkWanda'], [{ action: 'approve', approvalNo: 'W-1' }, 'admin'], [{ action: 'settle' }, 'clerkWanda']] as const) {
      const r = await act(c.id, { version: c.version, ...body }, who);
      expect(r.status).toBe(200);
      c = r.body;
    }
    const old = await api().get(`/api/household/households/${wandaHousehold}`).set(as('admin'));
    expect(old.body.current).toHaveLength(0);
    expect(old.body.past.map((p: { endReason: string }) => p.endReason)).toEqual(['moved', 'moved']);
    const now = await api().get(`/api/household/households/${c.targetHouseholdId}`).set(as('admin'));
    expect(now.body.current).toHaveLength(2);
  });

  it('processes a move out of the system (迁出) as a case', async () => {
    const persons = family(1);
    const settled = await driveTo('SETTLED', { persons, newHousehold: { kind: 'family', address: '龙腾小区9号楼' } });
    const out = await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'move_out', applicantName: '张伟', persons, sourceHouseholdId: settled.targetHouseholdId, destination: '烟台市芝罘区',
      provided: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
    });
    expect(out.status).toBe(201);
    let c = out.body;
    for (const [body, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: 'O-1' }, 'secretary'], [{ action: 'settle' }, 'clerk']] as const) {
      const r = await act(c.id, { version: c.version, ...body }, who);
      expect(r.status).toBe(200);
      c = r.body;
    }
    const book = await api().get(`/api/household/households/${settled.targetHouseholdId}`).set(as('clerk'));
    expect(book.body.current).toHaveLength(0);
    expect(book.body.past[0].endReason).toBe('moved_out');
  });

  it('names each person of a move-out who is not registered in the source household on their ID number, writing nothing', async () => {
    const persons = family(1);
    const settled = await driveTo('SETTLED', { persons, newHousehold: { kind: 'family', address: '龙腾小区10号楼' } });
    const stranger = { ...family(1)[0], name: '王小二' };
    const before = await t.ds.query(`SELECT count(*)::int AS n FROM move_case`);
    const out = await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'move_out', applicantName: '张伟', persons: [...persons, { ...stranger, relation: 'child' }], sourceHouseholdId: settled.targetHouseholdId, destination: '烟台市芝罘区',
    });
    expect(out.status).toBe(409);
    expect(out.body.code).toBe('NOT_IN_HOUSEHOLD');
    expect(out.body.details).toEqual([{ field: 'persons[1].idNumber', code: 'notInHousehold', params: { name: stranger.name }, errors: ['not registered in that household'] }]);
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM move_case`)).toEqual(before);
  });

  it('refuses to accept a potential duplicate (same person, same property certificate, another open case)', async () => {
    const persons = family(1);
    const cert = '鲁(2021)栖霞市不动产权第0012345号';
    await driveTo('SUBMITTED', { persons, propertyCertificateNo: cert });
    const second = await driveTo('SUBMITTED', { persons, propertyCertificateNo: cert });
    expect(second.potentialDuplicate).toBe(true);
    const r = await act(second.id, { action: 'accept', version: second.version, originalsVerified: true });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('POTENTIAL_DUPLICATE');
  });
});

describe('GET /api/household/cases/:id/receipt', () => {
  const receipt = (id: number, who: keyof typeof USERS = 'clerk') => api().get(`/api/household/cases/${id}/receipt`).set(as(who));

  it('returns the receipt as data: materials received and missing, masked persons, the date and the clerk', async () => {
    const c = await createCase({ provided: ['id_card', 'hukou_booklet', 'application_form'] });
    const submitted = await act(c.id, { action: 'submit', version: c.version });
    expect(submitted.status).toBe(200);
    const r = await receipt(c.id);
    expect(r.status).toBe(200);
    const submit = submitted.body.timeline.find((e: { action: string }) => e.action === 'submit');
    expect(r.body).toMatchObject({
      caseId: c.id, caseNo: c.caseNo, type: 'purchased_flat', status: 'SUBMITTED', communityId: C.longteng, communityName: '龙腾社区党委',
      applicantName: '张伟', applicantPhone: '13805351234', propertyCertificateNo: c.propertyCertificateNo,
      materialsReceived: [{ item: 'id_card', verified: false }, { item: 'hukou_booklet', verified: false }, { item: 'application_form', verified: false }],
      materialsMissing: ['property_certificate', 'purchase_contract'],
      accepted: false, receivedAt: submit.at, clerk: 'clerk.longteng',
    });
    expect(r.body.dueAt).toEqual(expect.any(String));
    expect(r.body.persons).toHaveLength(3);
    expect(r.body.persons[0]).toEqual({ name: '张伟', relation: 'head', idMasked: expect.stringMatching(/^370686\*{8}\d{3}[\dX]$/) });
    expect(JSON.stringify(r.body)).not.toMatch(/370686198/);
  });

  it('after acceptance: every item received with originals checked, dated by the acceptance', async () => {
    const c = await driveTo('ACCEPTED');
    const r = await receipt(c.id, 'secretary');
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(true);
    expect(r.body.materialsMissing).toEqual([]);
    expect(r.body.materialsReceived).toHaveLength(5);
    expect(r.body.materialsReceived.every((m: { verified: boolean }) => m.verified)).toBe(true);
    expect(r.body.receivedAt).toBe(c.timeline.find((e: { action: string }) => e.action === 'accept').at);
  });

  it('answers like the detail: 404 outside scope or unknown, 403 for a role that may not read the register, 401 without a token', async () => {
    const c = await createCase();
    for (const who of ['clerkCuiting', 'streetCuiping'] as const) {
      const r = await receipt(c.id, who);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ statusCode: 404, code: expect.any(String), message: expect.any(String) });
    }
    expect((await receipt(99999999)).status).toBe(404);
    for (const who of ['unit', 'member'] as const) {
      const r = await receipt(c.id, who);
      expect(r.status).toBe(403);
      expect(r.body.statusCode).toBe(403);
    }
    expect((await receipt(c.id, 'grid')).status).toBe(200);
    expect((await api().get(`/api/household/cases/${c.id}/receipt`)).status).toBe(401);
    expect((await receipt(Number.NaN as unknown as number)).status).toBe(400);
  });
});

describe('the potential-duplicate flag', () => {
  const flagOf = async (id: number) => {
    const d = await api().get(`/api/household/cases/${id}`).set(as('clerk'));
    const l = await api().get(`/api/household/cases?q=${d.body.caseNo}`).set(as('clerk'));
    expect(l.body.items[0].potentialDuplicate).toBe(d.body.potentialDuplicate);
    return d.body.potentialDuplicate as boolean;
  };

  it('is set on both open cases when the same ID number is in another open case (different certificates)', async () => {
    const [head] = family(1);
    const a = await createCase({ persons: [head] });
    expect(await flagOf(a.id)).toBe(false);
    const b = await createCase({ persons: [{ ...head, name: '张伟' }, family(2)[1]] });
    expect(await flagOf(b.id)).toBe(true);
    expect(await flagOf(a.id)).toBe(true);
  });

  it('is set when the same property certificate number is in another open case (different persons)', async () => {
    const cert = `鲁(2022)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`;
    const a = await driveTo('SUBMITTED', { persons: family(1), propertyCertificateNo: cert });
    const b = await createCase({ persons: family(1), propertyCertificateNo: cert });
    expect(await flagOf(a.id)).toBe(true);
    expect(await flagOf(b.id)).toBe(true);
    const other = await createCase({ persons: family(1) });
    expect(await flagOf(other.id)).toBe(false);
  });

  it('does not count a closed case, and clears once the other case closes', async () => {
    const persons = family(1);
    const cert = `鲁(2023)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`;
    const settled = await driveTo('SETTLED', { persons, propertyCertificateNo: cert, newHousehold: { kind: 'family', address: '龙腾小区7号楼' } });
    expect(await flagOf(settled.id)).toBe(false);
    const fresh = await createCase({ persons, propertyCertificateNo: cert });
    expect(await flagOf(fresh.id)).toBe(false);

    const cert2 = `鲁(2024)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`;
    const a = await driveTo('SUBMITTED', { persons: family(1), propertyCertificateNo: cert2 });
    const b = await createCase({ persons: family(1), propertyCertificateNo: cert2 });
    expect(await flagOf(b.id)).toBe(true);
    const rejected = await act(a.id, { action: 'reject', version: a.version, reason: '材料不实' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.potentialDuplicate).toBe(false);
    expect(await flagOf(b.id)).toBe(false);
  });
});

describe('GET /api/household/cases', () => {
  it('lists within scope with filters, free text and keyset pages', async () => {
    const mine = await api().get('/api/household/cases?limit=5').set(as('clerk'));
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(5);
    const next = await api().get(`/api/household/cases?limit=5&cursor=${mine.body.nextCursor}`).set(as('clerk'));
    expect(next.body.items.map((c: { id: number }) => c.id).some((id: number) => mine.body.items.some((m: { id: number }) => m.id === id))).toBe(false);
    const cuiting = await api().get('/api/household/cases').set(as('clerkCuiting'));
    expect(cuiting.body.items).toEqual([]);
    const settled = await api().get('/api/household/cases?status=SETTLED&limit=100').set(as('clerk'));
    expect(settled.body.items.every((c: { status: string }) => c.status === 'SETTLED')).toBe(true);
    const byName = await api().get(`/api/household/cases?q=${encodeURIComponent('王芳')}`).set(as('clerk'));
    expect(byName.body.items.map((c: { applicantName: string }) => c.applicantName)).toContain('王芳');
    expect((await api().get('/api/household/cases?status=NOPE').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/household/cases?cursor=zzz').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/household/cases').set(as('member'))).status).toBe(403);
    expect((await api().get('/api/household/cases')).status).toBe(401);
  });

  it('pages through cases created within the same millisecond without skipping any (the cursor keeps microseconds)', async () => {
    const before: { id: number; created_at: Date }[] = await t.ds.query(`SELECT id, created_at FROM move_case`);
    await t.ds.query(`UPDATE move_case SET created_at = timestamptz '2031-01-01 00:00:00.123' + id * interval '1 microsecond' WHERE community_id = $1`, [C.longteng]);
    const whole = await api().get('/api/household/cases?limit=100').set(as('clerk'));
    expect(whole.body.items.length).toBeGreaterThan(4);
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: { body: { items: { id: number }[]; nextCursor: string | null } } = await api().get(`/api/household/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`).set(as('clerk'));
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    }
    expect(seen).toEqual(whole.body.items.map((c: { id: number }) => c.id));
    // Back as they were: other tests compare creation times (duplicates within 7 days, timelines).
    for (const r of before) await t.ds.query(`UPDATE move_case SET created_at = $2 WHERE id = $1`, [r.id, r.created_at]);
  });

  it('finds a case by a person’s exact ID number', async () => {
    const persons = family(1);
    const c = await createCase({ persons });
    const r = await api().get(`/api/household/cases?q=${persons[0].idNumber}`).set(as('clerk'));
    expect(r.body.items.map((x: { id: number }) => x.id)).toEqual([c.id]);
  });
});

describe('register lookups and reveals', () => {
  it('finds a person by exact ID number (masked), reveals it only with a reason, and logs the reveal', async () => {
    const persons = family(1);
    await driveTo('SETTLED', { persons });
    const found = await api().get(`/api/household/persons?idNumber=${persons[0].idNumber}`).set(as('clerk'));
    expect(found.status).toBe(200);
    expect(found.body).toHaveLength(1);
    expect(found.body[0].idMasked).not.toContain(persons[0].idNumber.slice(6, 14));
    expect((await api().get(`/api/household/persons?idNumber=${persons[0].idNumber}`).set(as('clerkCuiting'))).body).toEqual([]);
    const pid = found.body[0].id;
    expect((await api().post(`/api/household/persons/${pid}/reveal`).set(as('clerk')).send({})).status).toBe(400);
    expect((await api().post(`/api/household/persons/${pid}/reveal`).set(as('clerkCuiting')).send({ reason: '核对身份' })).status).toBe(404);
    const rev = await api().post(`/api/household/persons/${pid}/reveal`).set(as('clerk')).send({ reason: '办理社保核对身份' });
    expect(rev.status).toBe(200);
    expect(rev.body.idNumber).toBe(persons[0].idNumber);
    const log = await api().get('/api/household/reveal-log').set(as('admin'));
    expect(log.body[0]).toMatchObject({ subjectId: pid, actorUsername: 'clerk.longteng', reason: '办理社保核对身份' });
    // Every field of an entry (the response schema names them all, so the serialiser keeps them).
    expect(log.body[0]).toEqual({
      id: expect.any(Number), subjectType: 'person', subjectId: pid, communityId: C.longteng, communityName: '龙腾社区党委', actorUsername: 'clerk.longteng',
      actorRole: 'community_clerk', reason: '办理社保核对身份', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
    expect((await api().get('/api/household/reveal-log').set(as('clerk'))).status).toBe(403);
    // A street admin reads its own streets' reveals only: 龙腾 lies in 庄园, not in 翠屏.
    expect(log.body[0]).toMatchObject({ communityId: C.longteng, communityName: '龙腾社区党委' });
    const own = await api().get('/api/household/reveal-log').set(as('street'));
    expect(own.body.map((x: { id: number }) => x.id)).toContain(log.body[0].id);
    const other = await api().get('/api/household/reveal-log').set(as('streetCuiping'));
    expect(other.status).toBe(200);
    expect(other.body.map((x: { id: number }) => x.id)).not.toContain(log.body[0].id);
    expect(other.body.every((x: { communityId: number }) => x.communityId === C.cuiting)).toBe(true);
    // Stored encrypted, never in clear.
    const raw = await t.ds.query(`SELECT id_cipher FROM person WHERE id = $1`, [pid]);
    expect(raw[0].id_cipher).not.toContain(persons[0].idNumber);
  });

  it('answers 404 for a community filter outside the caller’s scope on every list, never 200 with an empty list', async () => {
    for (const path of ['/api/household/cases', '/api/household/households', '/api/household/properties', '/api/household/export/cases.xlsx',
      '/api/household/export/households.xlsx', '/api/household/separation/tasks', '/api/household/separation/funnel', '/api/household/stats/summary']) {
      const r = await api().get(`${path}?communityId=${C.cuiting}`).set(as('clerk'));
      expect([path, r.status, r.body.code]).toEqual([path, 404, 'NOT_FOUND']);
      expect((await api().get(`${path}?communityId=${C.longteng}`).set(as('clerk'))).status).toBe(200);
    }
  });

  it('answers 403 to a role without access before it reads the body', async () => {
    const r = await api().post('/api/household/cases').set(as('member')).send({ type: 'nope' });
    expect(r.status).toBe(403);
    expect((await api().post('/api/household/cases').set(as('grid')).send({})).status).toBe(403);
    expect((await api().get('/api/household/households?limit=abc').set(as('unit'))).status).toBe(403);
  });

  it('enforces one active registration per person in the database itself', async () => {
    const persons = family(1);
    const c = await driveTo('SETTLED', { persons });
    const pid = (await t.ds.query(`SELECT person_id FROM registration WHERE case_id = $1`, [c.id]))[0].person_id;
    await expect(t.ds.query(`INSERT INTO registration (person_id, household_id, relation, status, start_date) VALUES ($1, $2, 'head', 'active', current_date)`, [pid, c.targetHouseholdId])).rejects.toThrow(/registration_one_active_uq/);
  });
});

describe('round trips of a settle (issue 12)', () => {
  /** START, the case (locked), the persons with their registrations and outreach tasks, the case's update with its event, outbox row and audit entry, COMMIT. */
  const SETTLE_INTO_HOUSEHOLD = 5;
  /** …and the new household's INSERT. */
  const SETTLE_NEW_HOUSEHOLD = 6;

  async function settleRecorded(c: { id: number; version: number }) {
    let r: request.Response | undefined;
    const txs = await recordTransactions(async () => {
      r = await act(c.id, { action: 'settle', version: c.version });
    });
    const tx = txs.filter((s) => s.some((q) => /^UPDATE move_case|^WITH u AS \(UPDATE move_case/.test(q)));
    expect(tx).toHaveLength(1);
    return { r: r!, statements: tx[0] };
  }

  it(`settles into an existing household in ${SETTLE_INTO_HOUSEHOLD} statements, moving a person within the system, with the same event, audit entry and answer`, async () => {
    const first = await driveTo('SETTLED', { persons: family(1) });
    const moving = family(3)[2];
    await driveTo('SETTLED', { persons: [moving], newHousehold: { kind: 'family', address: '龙腾小区1号楼' } });
    const c = await driveTo('APPROVED', { persons: [family(2)[1], moving], newHousehold: undefined, targetHouseholdId: first.targetHouseholdId });
    const { r, statements } = await settleRecorded(c);
    expect(r.status).toBe(200);
    expect(statements.length).toBeLessThanOrEqual(SETTLE_INTO_HOUSEHOLD);
    expect(r.body).toMatchObject({ status: 'SETTLED', version: c.version + 1, targetHouseholdId: first.targetHouseholdId, potentialDuplicate: false, duplicates: [] });
    expect(r.body.timeline.at(-1)).toMatchObject({ action: 'settle', fromStatus: 'APPROVED', toStatus: 'SETTLED', data: { settledPersons: 2, movedWithinSystem: 1, outreachTasksSettled: 0 } });
    // The answer equals a read of the case afterwards.
    const read = await api().get(`/api/household/cases/${c.id}`).set(as('clerk'));
    expect(r.body).toEqual(read.body);
    const regs = await t.ds.query(`SELECT status, household_id AS "householdId", end_reason AS "endReason" FROM registration WHERE case_id = $1 OR ended_by_case_id = $1 ORDER BY id`, [c.id]);
    expect(regs).toEqual([
      { status: 'ended', householdId: expect.any(Number), endReason: 'moved' },
      { status: 'active', householdId: first.targetHouseholdId, endReason: null },
      { status: 'active', householdId: first.targetHouseholdId, endReason: null },
    ]);
    const [event] = await t.ds.query(`SELECT aggregate_id AS "aggregateId", org_path AS "orgPath", actor, payload FROM outbox_event WHERE type = 'household.case.settled' AND aggregate_id = $1`, [String(c.id)]);
    expect(event).toMatchObject({
      orgPath: '/1/3/7/', actor: USERS.clerk.username,
      payload: { caseId: c.id, caseNo: c.caseNo, communityId: C.longteng, communityName: '龙腾社区党委', createdBy: USERS.clerk.sub, actorId: USERS.clerk.sub, action: 'settle', from: 'APPROVED', to: 'SETTLED', reason: null },
    });
    const [audit] = await t.ds.query(`SELECT before, after FROM audit_entry WHERE entity_type = 'move_case' AND entity_id = $1 AND action = 'case.settle'`, [String(c.id)]);
    expect(audit).toEqual({ before: { status: 'APPROVED', version: c.version }, after: { status: 'SETTLED', version: c.version + 1, householdId: first.targetHouseholdId, settledPersons: 2, movedWithinSystem: 1, outreachTasksSettled: 0 } });
    expect((await verifyAuditChain((sql, params) => t.ds.query(sql, params))).broken).toBeUndefined();
  });

  it(`settles into a new household in ${SETTLE_NEW_HOUSEHOLD} statements; a stale version writes nothing`, async () => {
    const c = await driveTo('APPROVED');
    const stale = await act(c.id, { action: 'settle', version: c.version - 1 });
    expect(stale.status).toBe(409);
    const { r, statements } = await settleRecorded(c);
    expect(r.status).toBe(200);
    expect(statements.length).toBeLessThanOrEqual(SETTLE_NEW_HOUSEHOLD);
    expect(r.body.timeline.filter((e: { action: string }) => e.action === 'settle')).toHaveLength(1);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE entity_id = $1 AND action = 'case.settle'`, [String(c.id)]))[0].n).toBe(1);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM outbox_event WHERE aggregate_id = $1 AND type = 'household.case.settled'`, [String(c.id)]))[0].n).toBe(1);
  });

  it('refuses a settle whose person was registered since the acceptance, writing nothing', async () => {
    const persons = family(2);
    const c = await driveTo('APPROVED', { persons });
    await driveTo('SETTLED', { persons: [persons[1]], newHousehold: { kind: 'family', address: '龙腾小区2号楼' } });
    const before = (await t.ds.query(`SELECT count(*)::int AS n FROM registration`))[0].n;
    const r = await act(c.id, { action: 'settle', version: c.version });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('REGISTRATION_CHANGED');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM registration`))[0].n).toBe(before);
  });
});
