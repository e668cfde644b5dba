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

const grids = (unit: number) => `/api/org/units/${unit}/grids`;
const cadres = (unit: number) => `/api/org/units/${unit}/cadres`;
let grid1: { id: number; version: number };
let grid2: { id: number };

describe('POST /api/org/units/:id/grids', () => {
  it('creates grids in a community and audits them', async () => {
    const a = await post('secretary.longteng', grids(f.longteng), { code: 'LT-01', name: '龙腾第一网格', households: 312, workerName: '孙网格', workerPhone: '13900000001' });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({
      id: expect.any(Number), communityId: f.longteng, code: 'LT-01', name: '龙腾第一网格', households: 312, workerName: '孙网格',
      workerPhone: '13900000001', cadreName: null, cadrePhone: null, validFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), validTo: null, version: 1,
    });
    grid1 = a.body;
    const b = await post('street.zhuangyuan', grids(f.longteng), { code: 'LT-02', name: '龙腾第二网格', households: 288 });
    expect(b.status).toBe(201);
    grid2 = b.body;
    const audit = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'grid' AND entity_id = $1`, [String(a.body.id)]);
    expect(audit).toEqual([{ action: 'grid.create' }]);
  });

  it('returns 409 when the code is taken in the community, but allows it in another', async () => {
    const dup = await post('admin', grids(f.longteng), { code: 'LT-01', name: '重复', households: 1 });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('GRID_CODE_TAKEN');
    expect((await post('admin', grids(f.wanda), { code: 'LT-01', name: '万达一', households: 1 })).status).toBe(201);
  });

  it('returns 400 off a community, for households beyond 0..5000 and for unknown fields', async () => {
    const branch = await post('admin', grids(f.yujingBranch), { code: 'X1', name: 'x', households: 1 });
    expect(branch.status).toBe(400);
    expect(branch.body.code).toBe('WRONG_ORG_TYPE');
    expect((await post('admin', grids(f.zhuangyuan), { code: 'X1', name: 'x', households: 1 })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'X1', name: 'x', households: 5001 })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'X1', name: 'x', households: -1 })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'X1', name: 'x', households: 1.5 })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'has space', name: 'x', households: 1 })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'X1', name: 'x', households: 1, color: 'red' })).status).toBe(400);
    expect((await post('admin', grids(f.longteng), { code: 'X1', households: 1 })).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope, 401 without a token', async () => {
    const body = { code: 'X9', name: 'x', households: 1 };
    expect((await post('grid.longteng', grids(f.longteng), body)).status).toBe(403);
    expect((await post('clerk.longteng', grids(f.longteng), body)).status).toBe(403);
    expect((await post('street.cuiping', grids(f.longteng), body)).status).toBe(404);
    expect((await post('secretary.longteng', grids(f.wanda), body)).status).toBe(404);
    expect((await post('admin', grids(999999), body)).status).toBe(404);
    expect((await request(t.app.server).post(grids(f.longteng)).send(body)).status).toBe(401);
  });
});

describe('POST /api/org/cadre-assignments', () => {
  it('links a street cadre to a community and to one of its grids, the street taken from the community', async () => {
    const link = await post('street.zhuangyuan', '/api/org/cadre-assignments', { cadreName: '周干部', phone: '0535-5200001', communityId: f.longteng, startDate: '2020-01-15' });
    expect(link.status).toBe(201);
    expect(link.body).toMatchObject({ cadreName: '周干部', streetId: f.zhuangyuan, streetName: '庄园街道党工委', communityId: f.longteng, communityName: '龙腾社区党委', gridId: null, startDate: '2020-01-15', endDate: null });
    const onGrid = await post('street.zhuangyuan', '/api/org/cadre-assignments', { cadreName: '周干部', phone: '0535-5200001', communityId: f.longteng, gridId: grid1.id });
    expect(onGrid.status).toBe(201);
    expect(onGrid.body).toMatchObject({ gridId: grid1.id, gridCode: 'LT-01', gridName: '龙腾第一网格' });
  });

  it('returns 409 for a second cadre on a grid and for the same link twice', async () => {
    const taken = await post('admin', '/api/org/cadre-assignments', { cadreName: '吴干部', communityId: f.longteng, gridId: grid1.id });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('GRID_TAKEN');
    const twice = await post('admin', '/api/org/cadre-assignments', { cadreName: '周干部', communityId: f.longteng });
    expect(twice.status).toBe(409);
  });

  it('returns 400 for a grid of another community, a non-community and bad input', async () => {
    const other = (await get('admin', grids(f.wanda))).body[0];
    const wrong = await post('admin', '/api/org/cadre-assignments', { cadreName: '郑干部', communityId: f.longteng, gridId: other.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('GRID_NOT_IN_COMMUNITY');
    expect((await post('admin', '/api/org/cadre-assignments', { cadreName: '郑干部', communityId: f.longteng, gridId: 999999 })).status).toBe(400);
    expect((await post('admin', '/api/org/cadre-assignments', { cadreName: '郑干部', communityId: f.zhuangyuan })).status).toBe(400);
    expect((await post('admin', '/api/org/cadre-assignments', { cadreName: '', communityId: f.longteng })).status).toBe(400);
    expect((await post('admin', '/api/org/cadre-assignments', { cadreName: '郑干部', communityId: f.longteng, streetId: f.cuiping })).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope, 401 without a token', async () => {
    const body = { cadreName: '钱干部', communityId: f.longteng };
    expect((await post('clerk.longteng', '/api/org/cadre-assignments', body)).status).toBe(403);
    expect((await post('street.cuiping', '/api/org/cadre-assignments', body)).status).toBe(404);
    expect((await post('admin', '/api/org/cadre-assignments', { ...body, communityId: 999999 })).status).toBe(404);
    expect((await request(t.app.server).post('/api/org/cadre-assignments').send(body)).status).toBe(401);
  });
});

describe('GET /api/org/units/:id/grids', () => {
  it('lists current grids with the cadre responsible for each', async () => {
    const res = await get('grid.longteng', grids(f.longteng));
    expect(res.status).toBe(200);
    expect(res.body.map((g: { code: string; cadreName: string | null }) => [g.code, g.cadreName])).toEqual([['LT-01', '周干部'], ['LT-02', null]]);
  });

  it('returns 400 off a community, 404 outside scope, 401 without a token', async () => {
    expect((await get('admin', grids(f.yujingBranch))).status).toBe(400);
    expect((await get('clerk.cuiting', grids(f.longteng))).status).toBe(404);
    expect((await get('admin', grids(999999))).status).toBe(404);
    expect((await request(t.app.server).get(grids(f.longteng))).status).toBe(401);
  });
});

describe('GET /api/org/units/:id/cadres', () => {
  it('lists a community’s cadres with their grids, and a street’s cadres', async () => {
    const res = await get('clerk.longteng', cadres(f.longteng));
    expect(res.status).toBe(200);
    expect(res.body.map((c: { cadreName: string; gridCode: string | null }) => [c.cadreName, c.gridCode])).toEqual([['周干部', null], ['周干部', 'LT-01']]);
    const street = await get('street.zhuangyuan', cadres(f.zhuangyuan));
    expect(street.body).toHaveLength(2);
  });

  it('returns 400 for other types, 404 outside scope, 401 without a token', async () => {
    expect((await get('admin', cadres(f.buildingGroup))).status).toBe(400);
    expect((await get('clerk.longteng', cadres(f.zhuangyuan))).status).toBe(404);
    expect((await get('street.cuiping', cadres(f.longteng))).status).toBe(404);
    expect((await request(t.app.server).get(cadres(f.longteng))).status).toBe(401);
  });
});

describe('POST /api/org/cadre-assignments/:id/end', () => {
  it('ends an assignment: it leaves the list and the grid’s cadre, and the grid can take another', async () => {
    const onGrid = (await get('admin', cadres(f.longteng))).body.find((c: { gridId: number | null }) => c.gridId === grid1.id);
    expect((await post('secretary.longteng', `/api/org/cadre-assignments/${onGrid.id}/end`, { endDate: '2019-01-01' })).status).toBe(400);
    const res = await post('secretary.longteng', `/api/org/cadre-assignments/${onGrid.id}/end`, { reason: '调岗' });
    expect(res.status).toBe(200);
    expect(res.body.endDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await get('admin', cadres(f.longteng))).body.map((c: { id: number }) => c.id)).not.toContain(onGrid.id);
    expect((await get('admin', `${cadres(f.longteng)}?includeEnded=true`)).body.map((c: { id: number }) => c.id)).toContain(onGrid.id);
    expect((await get('admin', grids(f.longteng))).body[0].cadreName).toBeNull();
    expect((await post('admin', '/api/org/cadre-assignments', { cadreName: '吴干部', communityId: f.longteng, gridId: grid1.id })).status).toBe(201);
    const again = await post('admin', `/api/org/cadre-assignments/${onGrid.id}/end`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_ENDED');
  });

  it('returns 403, 404 and 401', async () => {
    const a = (await get('admin', cadres(f.longteng))).body[0];
    expect((await post('member', `/api/org/cadre-assignments/${a.id}/end`, {})).status).toBe(403);
    expect((await post('street.cuiping', `/api/org/cadre-assignments/${a.id}/end`, {})).status).toBe(404);
    expect((await post('admin', '/api/org/cadre-assignments/999999/end', {})).status).toBe(404);
    expect((await post('admin', `/api/org/cadre-assignments/${a.id}/end`, { endDate: 'soon' })).status).toBe(400);
    expect((await request(t.app.server).post(`/api/org/cadre-assignments/${a.id}/end`).send({})).status).toBe(401);
  });
});

describe('PATCH /api/org/grids/:id', () => {
  it('edits with the current version and refuses the stale one with 409', async () => {
    const ok = await patch('secretary.longteng', `/api/org/grids/${grid1.id}`, { version: 1, households: 305, workerName: null });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ households: 305, workerName: null, version: 2, code: 'LT-01' });
    const stale = await patch('secretary.longteng', `/api/org/grids/${grid1.id}`, { version: 1, households: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
  });

  it('returns 409 when renamed onto a taken code, 400 for bad values', async () => {
    const taken = await patch('admin', `/api/org/grids/${grid2.id}`, { version: 1, code: 'LT-01' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('GRID_CODE_TAKEN');
    expect((await patch('admin', `/api/org/grids/${grid2.id}`, { version: 1, households: 9000 })).status).toBe(400);
    expect((await patch('admin', `/api/org/grids/${grid2.id}`, { households: 10 })).status).toBe(400);
    expect((await patch('admin', `/api/org/grids/${grid2.id}`, { version: 1, communityId: f.wanda })).status).toBe(400);
  });

  it('returns 403, 404 and 401', async () => {
    expect((await patch('clerk.longteng', `/api/org/grids/${grid2.id}`, { version: 1, households: 10 })).status).toBe(403);
    expect((await patch('street.cuiping', `/api/org/grids/${grid2.id}`, { version: 1, households: 10 })).status).toBe(404);
    expect((await patch('admin', '/api/org/grids/999999', { version: 1, households: 10 })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/grids/${grid2.id}`).send({ version: 1 })).status).toBe(401);
  });
});
