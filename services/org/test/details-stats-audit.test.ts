import request from 'supertest';
import { ALL_USERS, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const put = (u: string, path: string, body: object) => request(t.app.server).put(path).set(auth(u)).send(body);

const ids: Record<string, number> = {};
const ok = async (res: Promise<request.Response>) => {
  const r = await res;
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
  // 龙腾: a full-time secretary in office, a part-time member, two grids looked after by one worker, a desk.
  ids.secretary = (await ok(post('admin', `/api/org/units/${f.longteng}/positions`, { personName: '李红', kind: 'secretary', fullTime: true, termStart: '2020-01-01' }))).id;
  await ok(post('admin', `/api/org/units/${f.longteng}/positions`, { personName: '张局长', kind: 'part_time_member', fromUnitId: f.workUnit, termStart: '2020-01-01' }));
  ids.gridA = (await ok(post('admin', `/api/org/units/${f.longteng}/grids`, { code: 'A', name: '甲网格', households: 300, workerName: '孙网格', workerPhone: '139' }))).id;
  await ok(post('admin', `/api/org/units/${f.longteng}/grids`, { code: 'B', name: '乙网格', households: 200, workerName: '孙网格', workerPhone: '139' }));
  await ok(post('admin', `/api/org/units/${f.longteng}/desks`, { building: '1号楼', workers: [], hotlines: [] }));
  // 翠亭: a full-time secretary whose term ended, a future one not yet in office, one grid, a desk.
  await ok(post('admin', `/api/org/units/${f.cuiting}/positions`, { personName: '前任', kind: 'secretary', fullTime: true, termStart: '2018-01-01', termEnd: '2020-01-01' }));
  await ok(post('admin', `/api/org/units/${f.cuiting}/positions`, { personName: '候任', kind: 'secretary', fullTime: true, termStart: '2999-01-01' }));
  ids.gridC = (await ok(post('admin', `/api/org/units/${f.cuiting}/grids`, { code: 'C', name: '丙网格', households: 280, workerName: '钱网格' }))).id;
  await ok(post('admin', `/api/org/units/${f.cuiting}/desks`, { building: '2号楼', workers: [], hotlines: [] }));
  // The catalogue: 龙腾 offers both services, 翠亭 one; a third service is offered nowhere.
  for (const code of ['S1', 'S2', 'S3']) ids[code] = (await ok(post('admin', '/api/org/catalogue', { code, name: code, category: '社会保险', materials: [], timeLimitDays: 1 }))).id;
  await ok(put('admin', `/api/org/units/${f.longteng}/catalogue`, { serviceIds: [ids.S1, ids.S2] }));
  await ok(put('admin', `/api/org/units/${f.cuiting}/catalogue`, { serviceIds: [ids.S1] }));
});
afterAll(async () => t.close());

describe('GET /api/org/stats', () => {
  it('counts everything for an admin', async () => {
    const res = await get('admin', '/api/org/stats');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      streets: 3, communities: 4, compoundBranches: 1, propertyCompanyBranches: 0, businessDistrictBranches: 0, buildingGroups: 1,
      memberHouseholds: 0, fullTimeSecretaries: 1, partTimeMembers: 1, grids: 3, gridWorkers: 2, gridHouseholds: 780,
      catalogueServices: 2, desks: 2, workUnits: 2,
    });
  });

  it('counts within a street admin’s street and a clerk’s community', async () => {
    expect((await get('street.zhuangyuan', '/api/org/stats')).body).toEqual({
      streets: 1, communities: 2, compoundBranches: 1, propertyCompanyBranches: 0, businessDistrictBranches: 0, buildingGroups: 1,
      memberHouseholds: 0, fullTimeSecretaries: 1, partTimeMembers: 1, grids: 2, gridWorkers: 1, gridHouseholds: 500,
      catalogueServices: 2, desks: 1, workUnits: 0,
    });
    expect((await get('clerk.cuiting', '/api/org/stats')).body).toEqual({
      streets: 0, communities: 1, compoundBranches: 0, propertyCompanyBranches: 0, businessDistrictBranches: 0, buildingGroups: 0,
      memberHouseholds: 0, fullTimeSecretaries: 0, partTimeMembers: 0, grids: 1, gridWorkers: 1, gridHouseholds: 280,
      catalogueServices: 1, desks: 1, workUnits: 0,
    });
    expect((await get('unit.staff', '/api/org/stats')).body).toMatchObject({ communities: 1, workUnits: 1, grids: 2, desks: 1 });
  });

  it('stops counting an archived organisation', async () => {
    const branch = await ok(post('admin', '/api/org/units', { parentId: f.longteng, type: 'property_company_branch', name: '物业公司党支部', validFrom: '2020-03-20' }));
    expect((await get('admin', '/api/org/stats')).body.propertyCompanyBranches).toBe(1);
    await ok(post('admin', `/api/org/units/${branch.id}/archive`, { version: 1, reason: '撤销' }));
    expect((await get('admin', '/api/org/stats')).body.propertyCompanyBranches).toBe(0);
  });

  it('returns 401 without a token', async () => {
    expect((await request(t.app.server).get('/api/org/stats')).status).toBe(401);
  });
});

describe('GET /api/org/audit', () => {
  type Entry = { id: number; action: string; entityType: string; entityId: string; occurredAt: string; actorUsername: string };
  const items = (res: request.Response) => (res.body as { items: Entry[] }).items;

  it('lists entries newest first for an admin', async () => {
    const res = await get('admin', '/api/org/audit?limit=200');
    expect(res.status).toBe(200);
    const entries = items(res);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
    expect(entries[0].occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['position.create', 'grid.create', 'desk.create', 'catalogue.create', 'community_catalogue.set']));
  });

  it('filters by record, by action (exact or a prefix) and by who', async () => {
    const res = await get('admin', `/api/org/audit?recordType=position&recordId=${ids.secretary}`);
    expect(items(res).map((e) => [e.action, e.entityId])).toEqual([['position.create', String(ids.secretary)]]);
    const grids = items(await get('admin', '/api/org/audit?action=grid.create&limit=200'));
    expect(grids.length).toBeGreaterThan(1);
    expect(new Set(grids.map((e) => e.action))).toEqual(new Set(['grid.create']));
    const prefixed = items(await get('admin', '/api/org/audit?action=grid.&limit=200'));
    expect(prefixed.every((e) => e.action.startsWith('grid.'))).toBe(true);
    expect(prefixed.length).toBeGreaterThanOrEqual(grids.length);
    const byAdmin = items(await get('admin', '/api/org/audit?actor=ADMIN&limit=200'));
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(new Set(byAdmin.map((e) => e.actorUsername))).toEqual(new Set(['admin']));
    expect(items(await get('admin', '/api/org/audit?actor=nobody'))).toEqual([]);
  });

  it('filters by time: nothing before the first entry or after now', async () => {
    const all = items(await get('admin', '/api/org/audit?limit=200'));
    const oldest = all.at(-1)!.occurredAt;
    expect(items(await get('admin', `/api/org/audit?to=${encodeURIComponent(oldest)}`))).toEqual([]);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect(items(await get('admin', `/api/org/audit?from=${encodeURIComponent(future)}`))).toEqual([]);
    expect(items(await get('admin', `/api/org/audit?from=${encodeURIComponent(oldest)}&limit=200`)).length).toBe(all.length);
  });

  it('pages by keyset with nextCursor', async () => {
    const all = items(await get('admin', '/api/org/audit?limit=200'));
    const first = await get('admin', '/api/org/audit?limit=3');
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get('admin', `/api/org/audit?limit=3&cursor=${first.body.nextCursor}`);
    expect([...items(first), ...items(second)].map((e) => e.id)).toEqual(all.slice(0, 6).map((e) => e.id));
  });

  it('shows a street admin only the trail of their own street', async () => {
    const cuiping = items(await get('street.cuiping', '/api/org/audit?limit=200'));
    expect(cuiping.length).toBeGreaterThan(0);
    expect(cuiping.map((e) => e.entityType)).not.toContain('catalogue_service');
    expect(cuiping.find((e) => e.entityType === 'grid')!.entityId).toBe(String(ids.gridC));
    expect(cuiping.map((e) => e.entityId)).not.toContain(String(ids.gridA));
    const zhuangyuan = items(await get('street.zhuangyuan', '/api/org/audit?recordType=grid'));
    expect(zhuangyuan.map((e) => e.entityId).sort()).not.toContain(String(ids.gridC));
    expect(zhuangyuan).toHaveLength(2);
    expect(items(await get('street.zhuangyuan', `/api/org/audit?recordType=grid&recordId=${ids.gridC}`))).toEqual([]);
  });

  it('walks an index for its filters (no sequential scan of the trail)', async () => {
    for (const [sql, params] of [
      [`SELECT id FROM audit_entry a WHERE a.actor_username = $1 ORDER BY a.id DESC LIMIT 51`, ['admin']],
      [`SELECT id FROM audit_entry a WHERE a.action = $1 ORDER BY a.id DESC LIMIT 51`, ['grid.create']],
      [`SELECT id FROM audit_entry a WHERE a.entity_type = $1 AND a.entity_id = $2 ORDER BY a.id DESC LIMIT 51`, ['grid', '1']],
    ] as [string, unknown[]][]) {
      await t.ds.query('SET enable_seqscan = off');
      try {
        const plan = JSON.stringify(await t.ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params));
        expect(plan).toMatch(/Index (Only )?Scan/);
        expect(plan).not.toContain('Seq Scan');
      } finally {
        await t.ds.query('RESET enable_seqscan');
      }
    }
  });

  it('returns 403 for other roles, 400 naming the field for bad queries, 401 without a token', async () => {
    for (const u of ['secretary.longteng', 'clerk.longteng', 'grid.longteng', 'unit.staff', 'member']) {
      expect((await get(u, '/api/org/audit')).status).toBe(403);
      expect((await get(u, '/api/org/audit?limit=abc')).status).toBe(403);
    }
    for (const [query, field] of [['limit=0', 'limit'], ['limit=500', 'limit'], ['cursor=abc', 'cursor'], ['recordType=DROP%20TABLE', 'recordType'],
      ['recordType=grid&recordId=1;2', 'recordId'], ['from=yesterday', 'from'], ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'], ['recordId=5', 'recordType']]) {
      const res = await get('admin', `/api/org/audit?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await get('admin', '/api/org/audit?offset=10')).status).toBe(400);
    expect((await request(t.app.server).get('/api/org/audit')).status).toBe(401);
  });
});
