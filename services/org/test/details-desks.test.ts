import request from 'supertest';
import { ALL_USERS, INTERNAL_TOKEN, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

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

const desks = (unit: number) => `/api/org/units/${unit}/desks`;
const workers = [{ name: '孙网格', role: '网格员', phone: '13900000001' }, { name: '李红', role: '社区书记', phone: '0535-5210001' }];
const hotlines = [{ name: '物业', phone: '0535-5219999' }, { name: '社区服务中心', phone: '12345' }];
let communityDesk: { id: number; code: string; version: number };
let groupDesk: { id: number; code: string };

describe('POST /api/org/units/:id/desks', () => {
  it('puts up a desk in a community with a server-drawn unguessable code, and audits it', async () => {
    const res = await post('secretary.longteng', desks(f.longteng), { building: '龙腾小区3号楼', workers, hotlines });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number), code: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/), building: '龙腾小区3号楼', communityId: f.longteng,
      buildingGroupId: null, buildingGroupName: null, workers, hotlines, version: 1,
    });
    communityDesk = res.body;
    const audit = await t.ds.query(`SELECT action FROM audit_entry WHERE entity_type = 'desk' AND entity_id = $1`, [String(res.body.id)]);
    expect(audit).toEqual([{ action: 'desk.create' }]);
  });

  it('puts up a desk on a building group, in the group’s community; a second desk there is 409', async () => {
    const res = await post('street.zhuangyuan', desks(f.buildingGroup), { building: '御景小区1号楼', workers: [], hotlines });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ communityId: f.longteng, buildingGroupId: f.buildingGroup, buildingGroupName: '御景小区1号楼党小组' });
    expect(res.body.code).not.toBe(communityDesk.code);
    groupDesk = res.body;
    const twice = await post('admin', desks(f.longteng), { building: '御景小区1号楼', buildingGroupId: f.buildingGroup, workers: [], hotlines: [] });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('DESK_EXISTS');
  });

  it('draws a different code every time', async () => {
    const codes = new Set<string>([communityDesk.code, groupDesk.code]);
    for (let i = 0; i < 5; i++) {
      const res = await post('admin', desks(f.wanda), { building: `万达${i}号楼`, workers: [], hotlines: [] });
      codes.add(res.body.code);
    }
    expect(codes.size).toBe(7);
  });

  it('returns 400 for a building group of another community, other org types and bad workers', async () => {
    const otherGroup = await post('admin', desks(f.wanda), { building: 'x', buildingGroupId: f.buildingGroup, workers: [], hotlines: [] });
    expect(otherGroup.status).toBe(400);
    expect(otherGroup.body.code).toBe('NOT_IN_COMMUNITY');
    expect((await post('admin', desks(f.yujingBranch), { building: 'x', workers: [], hotlines: [] })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: 'x', workers: [{ name: '甲', role: '网格员' }], hotlines: [] })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: 'x', workers: [{ name: '甲', role: '网格员', phone: 'abc' }], hotlines: [] })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: 'x', workers: ['甲'], hotlines: [] })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: 'x', workers: [{ name: '甲', role: 'r', phone: '1', age: 3 }], hotlines: [] })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: 'x', workers: [], hotlines: [], code: 'MYOWNCODE123' })).status).toBe(400);
    expect((await post('admin', desks(f.longteng), { building: '', workers: [], hotlines: [] })).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope, 401 without a token', async () => {
    const body = { building: 'x', workers: [], hotlines: [] };
    expect((await post('clerk.longteng', desks(f.longteng), body)).status).toBe(403);
    expect((await post('unit.staff', desks(f.longteng), body)).status).toBe(403);
    expect((await post('street.cuiping', desks(f.longteng), body)).status).toBe(404);
    expect((await post('admin', desks(999999), body)).status).toBe(404);
    expect((await request(t.app.server).post(desks(f.longteng)).send(body)).status).toBe(401);
  });
});

describe('GET /api/org/units/:id/desks', () => {
  it('lists all desks of a community, or the desk of a building group', async () => {
    const all = await get('clerk.longteng', desks(f.longteng));
    expect(all.status).toBe(200);
    expect(all.body.map((d: { id: number }) => d.id).sort()).toEqual([communityDesk.id, groupDesk.id].sort());
    const one = await get('member', desks(f.buildingGroup));
    expect(one.body.map((d: { id: number }) => d.id)).toEqual([groupDesk.id]);
  });

  it('returns 400 for other types, 404 outside scope, 401 without a token', async () => {
    expect((await get('admin', desks(f.zhuangyuan))).status).toBe(400);
    expect((await get('clerk.cuiting', desks(f.longteng))).status).toBe(404);
    expect((await request(t.app.server).get(desks(f.longteng))).status).toBe(401);
  });
});

describe('PATCH /api/org/desks/:id', () => {
  it('edits workers and hotlines with the current version, 409 for the stale one', async () => {
    const res = await patch('secretary.longteng', `/api/org/desks/${communityDesk.id}`, { version: 1, workers: [workers[0]], building: '龙腾小区3号楼东' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, workers: [workers[0]], hotlines, building: '龙腾小区3号楼东', code: communityDesk.code });
    const stale = await patch('secretary.longteng', `/api/org/desks/${communityDesk.id}`, { version: 1, workers: [] });
    expect(stale.status).toBe(409);
  });

  it('returns 400 for a bad body, 403, 404 and 401', async () => {
    expect((await patch('admin', `/api/org/desks/${communityDesk.id}`, { version: 2, code: 'AAAAAAAAAAAA' })).status).toBe(400);
    expect((await patch('admin', `/api/org/desks/${communityDesk.id}`, { version: 2, buildingGroupId: f.yujingBranch })).status).toBe(400);
    expect((await patch('admin', `/api/org/desks/${communityDesk.id}`, { version: 2, buildingGroupId: f.buildingGroup })).status).toBe(409);
    expect((await patch('grid.longteng', `/api/org/desks/${communityDesk.id}`, { version: 2, workers: [] })).status).toBe(403);
    expect((await patch('street.cuiping', `/api/org/desks/${communityDesk.id}`, { version: 2, workers: [] })).status).toBe(404);
    expect((await patch('admin', '/api/org/desks/999999', { version: 2, workers: [] })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/desks/${communityDesk.id}`).send({ version: 2 })).status).toBe(401);
  });
});

describe('GET /api/org/public/desks/:code (no login)', () => {
  it('shows the desk with its community and street to anyone, without a token', async () => {
    const res = await request(t.app.server).get(`/api/org/public/desks/${communityDesk.code}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: communityDesk.code, building: '龙腾小区3号楼东', communityName: '龙腾社区党委', streetName: '庄园街道党工委', workers: [workers[0]], hotlines,
    });
    expect(res.headers['cache-control']).toContain('max-age');
  });

  it('ignores a token, even an invalid one', async () => {
    const res = await request(t.app.server).get(`/api/org/public/desks/${groupDesk.code}`).set({ Authorization: 'Bearer not-a-token' });
    expect(res.status).toBe(200);
    expect(res.body.building).toBe('御景小区1号楼');
  });

  it('is documented as needing no login', async () => {
    const doc = (await request(t.app.server).get('/api/org/openapi.json')).body;
    expect(doc.paths['/api/org/public/desks/{code}'].get.security).toEqual([]);
    expect(doc.paths['/api/org/units/{id}/desks'].get.security).toBeUndefined();
  });

  it('returns 404 for an unknown code and 400 for a malformed one', async () => {
    expect((await request(t.app.server).get('/api/org/public/desks/AAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await request(t.app.server).get(`/api/org/public/desks/${encodeURIComponent("x' OR 1=1 --")}`)).status).toBe(400);
    expect((await request(t.app.server).get('/api/org/public/desks/abc')).status).toBe(400);
    expect((await request(t.app.server).get(`/api/org/public/desks/${'A'.repeat(41)}`)).status).toBe(400);
  });
});

describe('GET /api/org/internal/desks/:code (the volunteer service files a resident\'s need into the desk\'s community)', () => {
  const internal = (code: string, token: string | null = INTERNAL_TOKEN) => {
    const r = request(t.app.server).get(`/api/org/internal/desks/${encodeURIComponent(code)}`);
    return token === null ? r : r.set('x-internal-token', token);
  };

  it('gives the desk\'s community with the internal secret', async () => {
    const res = await internal(communityDesk.code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: communityDesk.code, building: '龙腾小区3号楼东', communityId: f.longteng, communityName: '龙腾社区党委' });
    // a building group's desk belongs to the group's community
    expect((await internal(groupDesk.code)).body.communityId).toBe(f.longteng);
  });

  it('is a 404 without the secret, for an unknown code and for a malformed one', async () => {
    expect((await internal(communityDesk.code, null)).status).toBe(404);
    expect((await internal(communityDesk.code, 'wrong')).status).toBe(404);
    expect((await internal('AAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await internal("x' OR 1=1 --")).status).toBe(404);
  });
});
