import request from 'supertest';
import { maskResidentId } from '@redheart/shared';
import { C, newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const count = async (sql: string, params: unknown[] = []) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n as number;

let hh = 0;
/** Writes a household with active registrations straight into the register. */
async function registerHousehold(communityId: number, persons: { name: string; id: string; relation: string }[]) {
  hh++;
  const [h] = await t.ds.query(
    `INSERT INTO household (household_no, community_id, kind, address, grid_code) VALUES ($1, $2, 'family', $3, 'G01') RETURNING id`,
    [`SEP-${communityId}-${hh}`, communityId, `测试地址${hh}号`],
  );
  for (const p of persons) {
    const [row] = await t.ds.query(
      `INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date) VALUES ($1, $2, $3, $4, 'M', '1980-01-01') RETURNING id`,
      [p.name, t.vault.encrypt(p.id), t.vault.hash(p.id), maskResidentId(p.id)],
    );
    await t.ds.query(`INSERT INTO registration (person_id, household_id, relation, status, start_date) VALUES ($1, $2, $3, 'active', '2015-01-01')`, [row.id, h.id, p.relation]);
  }
  return h.id as number;
}

const A = { name: '王建国', id: newId('M', '1975-03-04') };
const B = { name: '李秀英', id: newId('F', '1977-05-06') };
const Cw = { name: '孙海涛', id: newId('M', '1985-07-08') };
const D = { name: '衣春梅', id: newId('F', '1990-09-10') };
const E = { name: '牟立新', id: newId('M', '1979-11-12') };
const cert = (n: number) => `鲁(2019)栖霞市不动产权第00${7000 + n}号`;

function flats() {
  return [
    { certificateNo: cert(1), address: '龙腾小区1号楼1单元101', building: '1', unit: '1', room: '101', gridCode: 'G01', area: 96.5, owners: [{ name: A.name, idNumber: A.id }, { name: B.name, idNumber: B.id }] },
    { certificateNo: cert(2), address: '龙腾小区1号楼1单元102', building: '1', unit: '1', room: '102', gridCode: 'G01', owners: [{ name: Cw.name, idNumber: Cw.id }] },
    { certificateNo: cert(3), address: '龙腾小区2号楼1单元201', building: '2', unit: '1', room: '201', gridCode: 'G02', owners: [{ name: D.name, idNumber: D.id }] },
    { certificateNo: cert(4), address: '龙腾小区2号楼1单元202', building: '2', unit: '1', room: '202', gridCode: 'G02', owners: [{ name: A.name, idNumber: A.id }, { name: E.name, idNumber: E.id }] },
  ];
}

describe('POST /api/household/separation/properties', () => {
  beforeAll(async () => {
    await registerHousehold(C.longteng, [{ ...A, relation: 'head' }, { ...B, relation: 'spouse' }]);
    await registerHousehold(C.wanda, [{ ...Cw, relation: 'head' }]);
  });

  it('validates only on dryRun, then upserts flats and owners with ID numbers encrypted, hashed and masked', async () => {
    const dry = await api().post('/api/household/separation/properties?dryRun=true').set(as('clerk')).send({ properties: flats() });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, properties: 4, owners: 6 });
    expect(await count('property')).toBe(0);
    const res = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: flats() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ dryRun: false, rows: 4, properties: 4, created: 4, updated: 0, owners: 6 });
    const owners = await t.ds.query(`SELECT o.* FROM property_owner o JOIN property p ON p.id = o.property_id WHERE p.certificate_no = $1 ORDER BY owner_name`, [cert(1)]);
    expect(owners).toHaveLength(2);
    expect(JSON.stringify(owners)).not.toContain(A.id);
    expect(t.vault.decrypt(owners.find((o: { owner_name: string }) => o.owner_name === A.name).id_cipher)).toBe(A.id);
    expect(owners.map((o: { id_masked: string }) => o.id_masked)).toContain(maskResidentId(A.id));
    const props = await t.ds.query(`SELECT community_id, grid_code, area::float AS area FROM property WHERE certificate_no = $1`, [cert(1)]);
    expect(props[0]).toMatchObject({ community_id: C.longteng, grid_code: 'G01', area: 96.5 });
    // The register's property list answers every field (its response schema names them all; owners masked).
    const listed = await api().get(`/api/household/properties?certificateNo=${encodeURIComponent(cert(1))}`).set(as('clerk'));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([{
      id: expect.any(Number), certificateNo: cert(1), communityId: C.longteng, communityName: expect.any(String), building: '1', unit: '1', room: '101',
      address: '龙腾小区1号楼1单元101', area: 96.5, gridCode: 'G01', owners: expect.arrayContaining([{ name: A.name, idMasked: maskResidentId(A.id) }]),
    }]);
    expect(JSON.stringify(listed.body)).not.toContain(A.id);
  });

  it('replaces the owners of a flat imported again (upsert by certificate number)', async () => {
    const again = flats().slice(3);
    again[0].owners = [{ name: A.name, idNumber: A.id }, { name: E.name, idNumber: E.id }, { name: '新业主', idNumber: newId('F') }];
    const res = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: again });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ created: 0, updated: 1, owners: 3 });
    const back = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: flats().slice(3) });
    expect(back.body).toMatchObject({ updated: 1, owners: 2 });
    expect(await count(`property_owner o JOIN property p ON p.id = o.property_id WHERE p.certificate_no = $1`, [cert(4)])).toBe(2);
    expect(await count('property')).toBe(4);
  });

  it('returns 400 with a per-row report and writes nothing when any row is bad', async () => {
    const bad = [
      { certificateNo: cert(10), address: '龙腾小区9号楼', owners: [{ name: '甲', idNumber: newId() }] },
      { certificateNo: cert(11), address: '龙腾小区9号楼2', owners: [{ name: '乙', idNumber: '370686199001011235' }] },
      { certificateNo: cert(10), address: '龙腾小区9号楼3', owners: [] },
      { certificateNo: cert(12), community: String(C.cuiting), address: '翠亭', owners: [] },
    ];
    const res = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: bad });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.details.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ row: 2, field: 'ownerIdNumber' }),
      expect.objectContaining({ row: 3, field: 'certificateNo' }),
      expect.objectContaining({ row: 4, field: 'community' }),
    ]));
    expect(res.body.details.errors.some((e: { row: number }) => e.row === 1)).toBe(false);
    expect(await count('property')).toBe(4);
    // A flat of 龙腾 cannot be pulled into 万达 by an import.
    const other = await api().post('/api/household/separation/properties').set(as('clerkWanda')).send({ properties: flats().slice(0, 1) });
    expect(other.status).toBe(400);
    expect(other.body.details.errors[0]).toMatchObject({ row: 1, field: 'certificateNo' });
  });

  it('returns 400 for bad shapes, 401 without a token, 403 for roles that may not import', async () => {
    expect((await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: [] })).status).toBe(400);
    expect((await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: [{ certificateNo: 'x' }] })).status).toBe(400);
    expect((await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: flats(), extra: 1 })).status).toBe(400);
    expect((await api().post('/api/household/separation/properties').send({ properties: flats() })).status).toBe(401);
    expect((await api().post('/api/household/separation/properties').set(as('grid')).send({ properties: flats() })).status).toBe(403);
    expect((await api().post('/api/household/separation/properties').set(as('unit')).send({ properties: flats() })).status).toBe(403);
  });
});

describe('POST /api/household/separation/compare', () => {
  it('records a snapshot of the rates per grid and opens one task per separated owner', async () => {
    const res = await api().post('/api/household/separation/compare').set(as('clerk'));
    expect(res.status).toBe(200);
    expect(res.body.tasksCreated).toBe(3);
    const lt = res.body.communities[0];
    // Flats: 1 (A+B here), 2 (C in 万达), 3 (D nowhere), 4 (A here + E nowhere) → 2 of 4 separated.
    // Owners: A, B, C, D, E → C, D, E elsewhere.
    expect(lt).toMatchObject({ communityId: C.longteng, flats: 4, flatsSeparated: 2, flatRate: 0.5, residents: 5, residentsElsewhere: 3, residentRate: 0.6, tasksCreated: 3 });
    expect(lt.grids).toEqual([
      expect.objectContaining({ gridCode: 'G01', flats: 2, flatsSeparated: 1, residents: 3, residentsElsewhere: 1 }),
      expect.objectContaining({ gridCode: 'G02', flats: 2, flatsSeparated: 1, residents: 3, residentsElsewhere: 2 }),
    ]);
    const tasks = await t.ds.query(`SELECT person_name, kind, grid_code, registered_community_id FROM outreach_task ORDER BY person_name`);
    expect(tasks).toEqual(expect.arrayContaining([
      { person_name: Cw.name, kind: 'owner_elsewhere', grid_code: 'G01', registered_community_id: C.wanda },
      { person_name: D.name, kind: 'owner_elsewhere', grid_code: 'G02', registered_community_id: null },
      { person_name: E.name, kind: 'resident_elsewhere', grid_code: 'G02', registered_community_id: null },
    ]));
  });

  it('is idempotent: a second comparison opens no second task but records a second snapshot', async () => {
    const res = await api().post(`/api/household/separation/compare?communityId=${C.longteng}`).set(as('secretary'));
    expect(res.status).toBe(200);
    expect(res.body.tasksCreated).toBe(0);
    expect(await count('outreach_task')).toBe(3);
    expect(await count('separation_snapshot WHERE community_id = $1', [C.longteng])).toBe(2);
    const concurrent = await Promise.all([1, 2, 3].map(() => api().post('/api/household/separation/compare').set(as('clerk'))));
    expect(concurrent.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await count('outreach_task')).toBe(3);
  });

  it('compares every community in scope for a street admin', async () => {
    const res = await api().post('/api/household/separation/compare').set(as('street'));
    expect(res.status).toBe(200);
    expect(res.body.communities.map((c: { communityId: number }) => c.communityId).sort()).toEqual([C.longteng, C.wanda].sort());
    expect(res.body.communities.find((c: { communityId: number }) => c.communityId === C.wanda)).toMatchObject({ flats: 0, flatRate: null });
  });

  it('returns 401 without a token, 403 for grid workers and outside roles, 404 for another community, 400 for a bad id', async () => {
    expect((await api().post('/api/household/separation/compare')).status).toBe(401);
    expect((await api().post('/api/household/separation/compare').set(as('grid'))).status).toBe(403);
    expect((await api().post('/api/household/separation/compare').set(as('member'))).status).toBe(403);
    expect((await api().post(`/api/household/separation/compare?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
    expect((await api().post('/api/household/separation/compare?communityId=abc').set(as('clerk'))).status).toBe(400);
  });
});

describe('GET /api/household/separation/funnel and /tasks', () => {
  it('counts the funnel per grid from the tasks', async () => {
    const res = await api().get('/api/household/separation/funnel').set(as('grid'));
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ identified: 3, contacted: 0, applied: 0, settled: 0, declined: 0, open: 3 });
    expect(res.body.grids).toEqual([
      expect.objectContaining({ communityId: C.longteng, gridCode: 'G01', identified: 1 }),
      expect.objectContaining({ communityId: C.longteng, gridCode: 'G02', identified: 2 }),
    ]);
  });

  it('lists tasks by grid and status with keyset pages, IDs masked', async () => {
    const g2 = await api().get('/api/household/separation/tasks?gridCode=G02').set(as('clerk'));
    expect(g2.status).toBe(200);
    expect(g2.body.items).toHaveLength(2);
    expect(g2.body.items[0]).toMatchObject({ status: 'identified', communityName: '龙腾社区党委', allowedActions: ['contact', 'decline'], version: 1 });
    expect(JSON.stringify(g2.body)).not.toMatch(/\d{17}[\dX]/);
    const p1 = await api().get('/api/household/separation/tasks?limit=2').set(as('clerk'));
    expect(p1.body.items).toHaveLength(2);
    const p2 = await api().get(`/api/household/separation/tasks?limit=2&after=${p1.body.nextAfter}`).set(as('clerk'));
    expect(p2.body.items).toHaveLength(1);
    expect(p2.body.nextAfter).toBeNull();
    expect((await api().get('/api/household/separation/tasks').set(as('clerkCuiting'))).body.items).toHaveLength(0);
    expect((await api().get('/api/household/separation/tasks?status=flying').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/household/separation/tasks')).status).toBe(401);
    expect((await api().get('/api/household/separation/tasks').set(as('unit'))).status).toBe(403);
    expect((await api().get(`/api/household/separation/tasks?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
    expect((await api().get(`/api/household/separation/funnel?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
    expect((await api().get('/api/household/separation/funnel').set(as('member'))).status).toBe(403);
    expect((await api().get('/api/household/separation/funnel')).status).toBe(401);
  });

  it('lists tasks by numbered pages (the console): the keyset order, the exact total, filters and scope alike', async () => {
    const q = (who: string, query: string) => api().get(`/api/household/separation/tasks?${query}`).set(as(who));
    const keyset = (await q('clerk', 'limit=50')).body.items.map((x: { id: number }) => x.id);
    const n1 = await q('clerk', 'page=1&limit=2');
    expect(n1.status).toBe(200);
    expect(n1.body).toMatchObject({ total: 3, totalExact: true, page: 1, limit: 2 });
    const n2 = await q('clerk', 'page=2&limit=2');
    expect([...n1.body.items, ...n2.body.items].map((x: { id: number }) => x.id)).toEqual(keyset);
    expect((await q('clerk', 'page=1&gridCode=G02')).body).toMatchObject({ total: 2, totalExact: true });
    expect((await q('clerkCuiting', 'page=1')).body).toMatchObject({ items: [], total: 0, totalExact: true });
    for (const [query, field] of [['page=0', 'page'], ['page=1&after=1', 'after'], ['page=1&limit=101', 'limit'], ['page=101&limit=100', 'page']]) {
      const res = await q('clerk', query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await q('clerk', `page=1&communityId=${C.cuiting}`)).status).toBe(404);
  });

  it('shows one task, 404 outside scope or missing', async () => {
    const [task] = await t.ds.query(`SELECT id FROM outreach_task ORDER BY id LIMIT 1`);
    expect((await api().get(`/api/household/separation/tasks/${task.id}`).set(as('clerk'))).status).toBe(200);
    expect((await api().get(`/api/household/separation/tasks/${task.id}`).set(as('clerkCuiting'))).status).toBe(404);
    expect((await api().get('/api/household/separation/tasks/999999').set(as('clerk'))).status).toBe(404);
  });
});

describe('POST /api/household/separation/tasks/:id/transitions', () => {
  const taskOf = async (name: string) => (await api().get('/api/household/separation/tasks').set(as('clerk'))).body.items.find((x: { personName: string }) => x.personName === name);
  const act = (id: number, body: Record<string, unknown>, who: keyof typeof USERS = 'grid') => api().post(`/api/household/separation/tasks/${id}/transitions`).set(as(who)).send(body);

  async function settledCaseFor(person: { name: string; id: string }) {
    const provided = ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'];
    let c = (await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'purchased_flat', applicantName: person.name, persons: [{ name: person.name, idNumber: person.id, relation: 'head' }],
      newHousehold: { kind: 'family', building: '1', unit: '1', room: '102', address: '龙腾小区1号楼1单元102', gridCode: 'G01' }, propertyCertificateNo: cert(2), provided,
    })).body;
    const step = async (body: Record<string, unknown>, who: keyof typeof USERS = 'clerk') => {
      const r = await api().post(`/api/household/cases/${c.id}/transitions`).set(as(who)).send({ version: c.version, ...body });
      if (r.status !== 200) throw new Error(`${body.action}: ${r.status} ${JSON.stringify(r.body)}`);
      c = r.body;
    };
    return { get: () => c, step };
  }

  it('walks contacted → applied → settled, linked to the SETTLED case of the same person, and the funnel follows', async () => {
    let task = await taskOf(Cw.name);
    let r = await act(task.id, { action: 'contact', version: task.version, note: '电话联系，周末面谈' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'contacted', assignedTo: 'grid.longteng', note: '电话联系，周末面谈', version: 2 });
    expect(r.body.contactedAt).toBeTruthy();
    task = r.body;
    // Stale version and wrong state.
    expect((await act(task.id, { action: 'contact', version: 1 })).status).toBe(409);
    expect((await act(task.id, { action: 'settle', version: task.version, caseId: 1 })).status).toBe(409);
    const kase = await settledCaseFor(Cw);
    // A case of someone else is refused.
    const otherCase = (await api().post('/api/household/cases').set(as('clerk')).send({ type: 'collective', applicantName: 'x', persons: [{ name: '某人', idNumber: newId(), relation: 'head' }] })).body;
    r = await act(task.id, { action: 'apply', version: task.version, caseId: otherCase.id });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CASE_MISMATCH');
    expect(r.body.details).toEqual([{ field: 'caseId', code: 'CASE_MISMATCH', params: { caseNo: otherCase.caseNo }, errors: [r.body.message] }]);
    r = await act(task.id, { action: 'apply', version: task.version, caseId: kase.get().id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'applied', caseId: kase.get().id, caseNo: kase.get().caseNo, caseStatus: 'DRAFT' });
    task = r.body;
    r = await act(task.id, { action: 'settle', version: task.version }, 'clerk');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('CASE_NOT_SETTLED');
    await kase.step({ action: 'submit' });
    await kase.step({ action: 'accept', originalsVerified: true });
    await kase.step({ action: 'approve', approvalNo: '栖公准迁字〔2020〕1号' }, 'secretary');
    await kase.step({ action: 'settle' });
    // Settling the case settles the person's open outreach task with it.
    expect(kase.get().timeline.at(-1).data).toMatchObject({ outreachTasksSettled: 1 });
    r = await api().get(`/api/household/separation/tasks/${task.id}`).set(as('clerk'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'settled', caseId: kase.get().id, caseStatus: 'SETTLED', allowedActions: [] });
    expect((await act(task.id, { action: 'settle', version: r.body.version }, 'clerk')).status).toBe(409);
    const funnel = (await api().get(`/api/household/separation/funnel?communityId=${C.longteng}`).set(as('secretary'))).body;
    expect(funnel.totals).toMatchObject({ identified: 3, contacted: 1, applied: 1, settled: 1, declined: 0, open: 2 });
    expect(funnel.totals.rates).toEqual({ contacted: 0.3333, applied: 0.3333, settled: 0.3333, declined: 0 });
    expect(funnel.grids.find((g: { gridCode: string }) => g.gridCode === 'G01')).toMatchObject({ identified: 1, settled: 1, rates: { settled: 1 } });
  });

  it('declines with a note (400 without), and a later comparison does not reopen a declined person', async () => {
    const task = await taskOf(D.name);
    expect((await act(task.id, { action: 'decline', version: task.version })).status).toBe(400);
    const r = await act(task.id, { action: 'decline', version: task.version, note: '本人明确表示暂不迁入' }, 'secretary');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('declined');
    expect((await act(task.id, { action: 'contact', version: r.body.version })).status).toBe(409);
    const cmp = await api().post('/api/household/separation/compare').set(as('clerk'));
    expect(cmp.body.tasksCreated).toBe(0);
    // C moved in: flat 2 is no longer separated; D and E still are.
    expect(cmp.body.communities[0]).toMatchObject({ flats: 4, flatsSeparated: 1, residents: 5, residentsElsewhere: 2 });
    const funnel = (await api().get('/api/household/separation/funnel').set(as('clerk'))).body;
    expect(funnel.totals).toMatchObject({ identified: 3, settled: 1, declined: 1, open: 1 });
  });

  it('keeps history: the first snapshot against the registers now', async () => {
    const snaps = (await api().get('/api/household/separation/snapshots').set(as('clerk'))).body;
    expect(snaps.length).toBeGreaterThanOrEqual(3);
    expect(snaps[0]).toMatchObject({ communityId: C.longteng, flatsSeparated: 2, residentsElsewhere: 3, tasksCreated: 3 });
    expect(snaps.at(-1)).toMatchObject({ flatsSeparated: 1, residentsElsewhere: 2, tasksCreated: 0 });
    expect((await api().get(`/api/household/separation/snapshots?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
  });

  it('returns 400 for bad input, 401 without a token, 403 for roles that do not work tasks, 404 outside scope or missing', async () => {
    const task = await taskOf(E.name);
    expect((await act(task.id, { action: 'fly', version: 1 })).status).toBe(400);
    expect((await act(task.id, { action: 'contact' })).status).toBe(400);
    expect((await act(task.id, { action: 'contact', version: 1, caseId: 5 })).status).toBe(400);
    expect((await api().post(`/api/household/separation/tasks/${task.id}/transitions`).send({ action: 'contact', version: 1 })).status).toBe(401);
    expect((await act(task.id, { action: 'contact', version: 1 }, 'street')).status).toBe(403);
    expect((await act(task.id, { action: 'contact', version: 1 }, 'unit')).status).toBe(403);
    expect((await act(task.id, { action: 'contact', version: 1 }, 'clerkCuiting')).status).toBe(404);
    expect((await act(999999, { action: 'contact', version: 1 })).status).toBe(404);
    // A retry with the same Idempotency-Key gets the first answer, not a 409.
    const first = await act(task.id, { action: 'contact', version: 1, note: '上门走访' }).set('Idempotency-Key', 'contact-e-1');
    const retry = await act(task.id, { action: 'contact', version: 1, note: '上门走访' }).set('Idempotency-Key', 'contact-e-1');
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replay']).toBe('true');
    expect(retry.body).toEqual(first.body);
    // Many grid workers at once: exactly one change wins.
    const current = first.body;
    const all = await Promise.all(Array.from({ length: 10 }, () => act(task.id, { action: 'decline', version: current.version, note: '暂不迁入' })));
    expect(all.filter((x) => x.status === 200)).toHaveLength(1);
    expect(all.filter((x) => x.status === 409)).toHaveLength(9);
    expect(await count(`audit_entry WHERE action = 'outreach.contact' AND entity_id = $1`, [String(task.id)])).toBe(1);
    expect(await count(`audit_entry WHERE action = 'outreach.decline' AND entity_id = $1`, [String(task.id)])).toBe(1);
  });

  it('does not settle a task with a move-in of a person who has since moved out again (409 PERSON_NOT_REGISTERED on caseId)', async () => {
    // Cw moved into 龙腾 by a purchased-flat case, which settled Cw's first task; now Cw moves out of the system.
    const [moveIn] = await t.ds.query(
      `SELECT c.id, c.case_no AS "caseNo", c.target_household_id AS "householdId" FROM move_case c JOIN case_person cp ON cp.case_id = c.id
        WHERE cp.id_hash = $1 AND c.status = 'SETTLED' AND c.type <> 'move_out'`,
      [t.vault.hash(Cw.id)],
    );
    let out = (await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'move_out', applicantName: Cw.name, persons: [{ name: Cw.name, idNumber: Cw.id, relation: 'head' }], sourceHouseholdId: Number(moveIn.householdId),
      destination: '烟台市芝罘区', provided: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
    })).body;
    for (const [body, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: 'O-7' }, 'secretary'], [{ action: 'settle' }, 'clerk']] as const) {
      const r = await api().post(`/api/household/cases/${out.id}/transitions`).set(as(who)).send({ version: out.version, ...body });
      expect(r.status).toBe(200);
      out = r.body;
    }
    // Still the owner of the flat, registered nowhere: the next comparison finds Cw separated again.
    expect((await api().post('/api/household/separation/compare').set(as('clerk'))).status).toBe(200);
    const again = (await api().get('/api/household/separation/tasks?status=identified').set(as('clerk'))).body.items.find((x: { personName: string }) => x.personName === Cw.name);
    expect(again).toMatchObject({ status: 'identified', caseId: null });
    let task = (await act(again.id, { action: 'contact', version: again.version, note: '电话联系' })).body;
    expect(task.status).toBe('contacted');
    const audited = await count(`audit_entry WHERE entity_type = 'outreach_task' AND entity_id = $1`, [String(task.id)]);
    // The old SETTLED move-in is the same person's and this community's, but neither links nor settles the task any more.
    const refused = (r: request.Response) => {
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('PERSON_NOT_REGISTERED');
      expect(r.body.details).toEqual([{ field: 'caseId', code: 'PERSON_NOT_REGISTERED', params: { caseNo: moveIn.caseNo }, errors: [r.body.message] }]);
    };
    refused(await act(task.id, { action: 'apply', version: task.version, caseId: Number(moveIn.id) }, 'clerk'));
    task = (await act(task.id, { action: 'apply', version: task.version }, 'clerk')).body;
    expect(task).toMatchObject({ status: 'applied', caseId: null });
    refused(await act(task.id, { action: 'settle', version: task.version, caseId: Number(moveIn.id) }, 'clerk'));
    const unchanged = (await api().get(`/api/household/separation/tasks/${task.id}`).set(as('clerk'))).body;
    expect(unchanged).toMatchObject({ status: 'applied', version: task.version, caseId: null });
    expect(await count(`audit_entry WHERE entity_type = 'outreach_task' AND entity_id = $1`, [String(task.id)])).toBe(audited + 1);
  });
});
