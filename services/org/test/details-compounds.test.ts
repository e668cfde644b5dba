import request from 'supertest';
import { ALL_USERS, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const patch = (u: string, path: string, body: object) => request(t.app.server).patch(path).set(auth(u)).send(body);

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
});
afterAll(async () => t.close());

const compounds = (unit: number) => `/api/org/units/${unit}/compounds`;
const c: Record<string, { id: number; version: number }> = {};

describe('POST /api/org/units/:id/compounds', () => {
  it('records compounds of 龙腾: one with a founded branch, one planned, one without', async () => {
    const founded = await post('secretary.longteng', compounds(f.longteng), {
      name: '御景小区', households: 600, propertyManaged: true, propertyCompany: '御景物业', branchId: f.yujingBranch,
    });
    expect(founded.status).toBe(201);
    expect(founded.body).toEqual({
      id: expect.any(Number), communityId: f.longteng, name: '御景小区', households: 600, propertyManaged: true, propertyCompany: '御景物业',
      branchId: f.yujingBranch, branchName: '御景小区党支部', branchStatus: 'founded', branchFoundedOn: '2020-03-20', branchPlanned: false, version: 1,
    });
    const planned = await post('secretary.longteng', compounds(f.longteng), { name: '龙腾花园', households: 420, propertyManaged: true, branchPlanned: true });
    expect(planned.body).toMatchObject({ branchStatus: 'planned', branchId: null, branchFoundedOn: null });
    const none = await post('street.zhuangyuan', compounds(f.longteng), { name: '老城片区', households: 150 });
    expect(none.body).toMatchObject({ branchStatus: 'none', propertyManaged: false, propertyCompany: null });
    Object.assign(c, { founded: founded.body, planned: planned.body, none: none.body });
    const audit = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'compound' AND entity_id = $1`, [String(founded.body.id)]);
    expect(audit).toEqual([{ action: 'compound.create' }]);
  });

  it('returns 409 for a branch already serving another compound and for a taken name', async () => {
    const branch = await post('admin', compounds(f.longteng), { name: '御景二期', propertyManaged: true, branchId: f.yujingBranch });
    expect(branch.status).toBe(409);
    expect(branch.body.code).toBe('BRANCH_TAKEN');
    const name = await post('admin', compounds(f.longteng), { name: '龙腾花园' });
    expect(name.status).toBe(409);
    expect(name.body.code).toBe('NAME_TAKEN');
  });

  it('returns 400 for a branch of another community or a non-branch, and for inconsistent flags', async () => {
    const other = await post('admin', compounds(f.wanda), { name: '万达一期', branchId: f.yujingBranch });
    expect(other.status).toBe(400);
    expect(other.body.code).toBe('NOT_A_BRANCH_OF_COMMUNITY');
    expect((await post('admin', compounds(f.longteng), { name: 'x', branchId: f.buildingGroup })).status).toBe(400);
    expect((await post('admin', compounds(f.longteng), { name: 'x', branchId: 999999 })).status).toBe(400);
    expect((await post('admin', compounds(f.longteng), { name: 'x', propertyCompany: '某物业' })).status).toBe(400);
    expect((await post('admin', compounds(f.yujingBranch), { name: 'x' })).status).toBe(400);
    expect((await post('admin', compounds(f.longteng), { name: 'x', households: -5 })).status).toBe(400);
    expect((await post('admin', compounds(f.longteng), { name: 'x', branchStatus: 'founded' })).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope, 401 without a token', async () => {
    expect((await post('clerk.longteng', compounds(f.longteng), { name: 'y' })).status).toBe(403);
    expect((await post('street.cuiping', compounds(f.longteng), { name: 'y' })).status).toBe(404);
    expect((await post('admin', compounds(999999), { name: 'y' })).status).toBe(404);
    expect((await request(t.app.server).post(compounds(f.longteng)).send({ name: 'y' })).status).toBe(401);
  });
});

describe('GET /api/org/units/:id/compounds', () => {
  it('lists a community’s compounds with their branch state', async () => {
    const res = await get('member', compounds(f.longteng));
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.body.map((k: { name: string; branchStatus: string }) => [k.name, k.branchStatus]))).toEqual({
      御景小区: 'founded', 龙腾花园: 'planned', 老城片区: 'none',
    });
  });

  it('returns 400 off a community, 404 outside scope, 401 without a token', async () => {
    expect((await get('admin', compounds(f.zhuangyuan))).status).toBe(400);
    expect((await get('clerk.cuiting', compounds(f.longteng))).status).toBe(404);
    expect((await request(t.app.server).get(compounds(f.longteng))).status).toBe(401);
  });
});

describe('PATCH /api/org/compounds/:id', () => {
  it('edits with the current version, 409 for the stale one', async () => {
    const w = await post('admin', compounds(f.wanda), { name: '万达广场小区', households: 800, propertyManaged: true });
    c.wanda = w.body;
    const res = await patch('street.zhuangyuan', `/api/org/compounds/${w.body.id}`, { version: 1, households: 900, propertyCompany: '万达物业' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, households: 900, propertyCompany: '万达物业' });
    expect((await patch('street.zhuangyuan', `/api/org/compounds/${w.body.id}`, { version: 1, households: 1 })).status).toBe(409);
  });

  it('clears the property company when the compound stops being property-managed', async () => {
    const off = await patch('admin', `/api/org/compounds/${c.wanda.id}`, { version: 2, propertyManaged: false });
    expect(off.body).toMatchObject({ propertyManaged: false, propertyCompany: null, version: 3 });
    const on = await patch('admin', `/api/org/compounds/${c.wanda.id}`, { version: 3, propertyManaged: true });
    expect(on.body).toMatchObject({ propertyManaged: true, version: 4 });
  });

  it('links a founded branch to a planned compound, clearing the plan; unlinking leaves it without', async () => {
    const branch = await post('admin', '/api/org/units', { parentId: f.longteng, type: 'compound_branch', name: '老城片区党支部', validFrom: '2021-07-01' });
    const linked = await patch('admin', `/api/org/compounds/${c.none.id}`, { version: 1, branchId: branch.body.id });
    expect(linked.body).toMatchObject({ branchStatus: 'founded', branchPlanned: false, branchFoundedOn: '2021-07-01', branchName: '老城片区党支部' });
    const unlinked = await patch('admin', `/api/org/compounds/${c.none.id}`, { version: 2, branchId: null });
    expect(unlinked.body).toMatchObject({ branchStatus: 'none', branchId: null });
  });

  it('returns 400 for a branch of another community and for a branch with a plan at once', async () => {
    const res = await patch('admin', `/api/org/compounds/${c.wanda.id}`, { version: 4, branchId: f.yujingBranch });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('NOT_A_BRANCH_OF_COMMUNITY');
    expect((await patch('admin', `/api/org/compounds/${c.founded.id}`, { version: 1, branchPlanned: true })).status).toBe(400);
    expect((await patch('admin', `/api/org/compounds/${c.founded.id}`, { households: 1 })).status).toBe(400);
    expect((await patch('admin', `/api/org/compounds/${c.founded.id}`, { version: 1, communityId: f.wanda })).status).toBe(400);
  });

  it('returns 403, 404 and 401', async () => {
    expect((await patch('member', `/api/org/compounds/${c.wanda.id}`, { version: 4, households: 1 })).status).toBe(403);
    expect((await patch('secretary.longteng', `/api/org/compounds/${c.wanda.id}`, { version: 4, households: 1 })).status).toBe(404);
    expect((await patch('admin', '/api/org/compounds/999999', { version: 1, households: 1 })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/compounds/${c.wanda.id}`).send({ version: 4 })).status).toBe(401);
  });
});

describe('GET /api/org/coverage', () => {
  beforeAll(async () => {
    // 翠亭: one planned compound that is not property-managed, and one whose branch was archived.
    await post('admin', compounds(f.cuiting), { name: '翠亭小区', households: 300, branchPlanned: true });
    const branch = await post('admin', '/api/org/units', { parentId: f.cuiting, type: 'compound_branch', name: '翠亭二区党支部', validFrom: '2021-01-01' });
    await post('admin', compounds(f.cuiting), { name: '翠亭二区', households: 200, propertyManaged: true, branchId: branch.body.id });
    expect((await post('admin', `/api/org/units/${branch.body.id}/archive`, { version: 1, reason: '合并', validTo: '2023-01-01' })).status).toBe(200);
  });

  // 龙腾: 御景 (managed, founded) · 龙腾花园 (managed, planned) · 老城片区 (unmanaged, none)
  // 万达: 万达广场小区 (managed, none) · 翠亭: 翠亭小区 (unmanaged, planned) · 翠亭二区 (managed, branch archived)
  const longteng = { compounds: 3, withBranch: 1, planned: 1, propertyManaged: 2, propertyManagedCovered: 1, coverageRate: 0.5, coverageRateWhenPlannedDone: 1 };
  const wanda = { compounds: 1, withBranch: 0, planned: 0, propertyManaged: 1, propertyManagedCovered: 0, coverageRate: 0, coverageRateWhenPlannedDone: 0 };
  const cuiting = { compounds: 2, withBranch: 0, planned: 1, propertyManaged: 1, propertyManagedCovered: 0, coverageRate: 0, coverageRateWhenPlannedDone: 0 };
  const empty = { compounds: 0, withBranch: 0, planned: 0, propertyManaged: 0, propertyManagedCovered: 0, coverageRate: null, coverageRateWhenPlannedDone: null };

  it('gives an admin every street and community with the rates computed from the compounds', async () => {
    const res = await get('admin', '/api/org/coverage');
    expect(res.status).toBe(200);
    expect(res.body.totals).toEqual({ compounds: 6, withBranch: 1, planned: 2, propertyManaged: 4, propertyManagedCovered: 1, coverageRate: 0.25, coverageRateWhenPlannedDone: 0.5 });
    const streets = Object.fromEntries(res.body.streets.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(streets).sort()).toEqual(['庄园街道党工委', '松山街道党工委', '翠屏街道党工委'].sort());
    expect(streets['庄园街道党工委']).toMatchObject({
      compounds: 4, withBranch: 1, planned: 1, propertyManaged: 3, propertyManagedCovered: 1, coverageRate: 0.3333, coverageRateWhenPlannedDone: 0.6667,
    });
    const zy = Object.fromEntries(streets['庄园街道党工委'].communities.map((x: { name: string }) => [x.name, x]));
    expect(zy['龙腾社区党委']).toEqual({ id: f.longteng, name: '龙腾社区党委', ...longteng });
    expect(zy['万达社区党委']).toEqual({ id: f.wanda, name: '万达社区党委', ...wanda });
    const cp = Object.fromEntries(streets['翠屏街道党工委'].communities.map((x: { name: string }) => [x.name, x]));
    expect(cp['翠亭社区党委']).toMatchObject(cuiting);
    expect(cp['迎宾社区党委']).toMatchObject(empty);
    expect(streets['松山街道党工委']).toMatchObject({ ...empty, communities: [] });
  });

  it('narrows to one street with streetId', async () => {
    const res = await get('admin', `/api/org/coverage?streetId=${f.cuiping}`);
    expect(res.body.streets.map((s: { id: number }) => s.id)).toEqual([f.cuiping]);
    expect(res.body.totals).toMatchObject({ compounds: 2, planned: 1, propertyManaged: 1, coverageRate: 0 });
  });

  it('scopes to the caller: a street admin their street, community staff their community inside its street', async () => {
    const street = await get('street.zhuangyuan', '/api/org/coverage');
    expect(street.body.streets.map((s: { id: number }) => s.id)).toEqual([f.zhuangyuan]);
    expect(street.body.totals).toMatchObject({ compounds: 4, propertyManaged: 3 });
    const clerk = await get('clerk.cuiting', '/api/org/coverage');
    expect(clerk.body.streets).toHaveLength(1);
    expect(clerk.body.streets[0]).toMatchObject({ id: f.cuiping, ...cuiting });
    expect(clerk.body.streets[0].communities.map((x: { id: number }) => x.id)).toEqual([f.cuiting]);
    const staff = await get('unit.staff', '/api/org/coverage');
    expect(staff.body.streets.map((s: { id: number; communities: { id: number }[] }) => [s.id, s.communities.map((x) => x.id)])).toEqual([[f.zhuangyuan, [f.longteng]]]);
    expect(staff.body.totals).toMatchObject(longteng);
  });

  it('returns 404 for a street outside the scope, 400 for a non-street or a bad id, 401 without a token', async () => {
    expect((await get('street.zhuangyuan', `/api/org/coverage?streetId=${f.cuiping}`)).status).toBe(404);
    expect((await get('clerk.cuiting', `/api/org/coverage?streetId=${f.zhuangyuan}`)).status).toBe(404);
    expect((await get('admin', '/api/org/coverage?streetId=999999')).status).toBe(404);
    const notStreet = await get('admin', `/api/org/coverage?streetId=${f.longteng}`);
    expect(notStreet.status).toBe(400);
    expect((await get('admin', '/api/org/coverage?streetId=abc')).status).toBe(400);
    expect((await get('admin', '/api/org/coverage?street=1')).status).toBe(400);
    expect((await request(t.app.server).get('/api/org/coverage')).status).toBe(401);
  });
});
