import request from 'supertest';
import { ALL_USERS, INTERNAL_TOKEN, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
});
afterAll(async () => t.close());

const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);

describe('GET /api/org/units/roots', () => {
  it('gives each role the top of its own scope', async () => {
    expect((await get('admin', '/api/org/units/roots')).body.map((u: { id: number }) => u.id)).toEqual([f.county]);
    expect((await get('street.zhuangyuan', '/api/org/units/roots')).body.map((u: { id: number }) => u.id)).toEqual([f.zhuangyuan]);
    expect((await get('clerk.cuiting', '/api/org/units/roots')).body.map((u: { id: number }) => u.id)).toEqual([f.cuiting]);
    const unit = (await get('unit.staff', '/api/org/units/roots')).body.map((u: { id: number }) => u.id).sort();
    expect(unit).toEqual([f.longteng, f.workUnit].sort());
  });

  it('returns 401 without a token', async () => {
    const res = await request(t.app.server).get('/api/org/units/roots');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHORIZED');
  });
});

describe('GET /api/org/units/:id', () => {
  it('returns the unit with ancestors inside the scope', async () => {
    const res = await get('street.zhuangyuan', `/api/org/units/${f.yujingBranch}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: f.yujingBranch, type: 'compound_branch', name: '御景小区党支部', validFrom: '2020-03-20', childCount: 1 });
    expect(res.body.ancestors.map((a: { name: string }) => a.name)).toEqual(['庄园街道党工委', '龙腾社区党委']);
    expect(res.body.path).toBeUndefined();
  });

  it('returns 400 for a malformed id and 404 for a missing one', async () => {
    expect((await get('admin', '/api/org/units/abc')).status).toBe(400);
    expect((await get('admin', '/api/org/units/999999')).status).toBe(404);
  });

  // The authorization matrix: own subtree, sibling, parent, another street.
  const matrix: [string, keyof Fixture, number][] = [
    ['admin', 'longteng', 200],
    ['street.zhuangyuan', 'longteng', 200],
    ['street.zhuangyuan', 'zhuangyuan', 200],
    ['street.zhuangyuan', 'cuiping', 404],
    ['street.zhuangyuan', 'cuiting', 404],
    ['street.zhuangyuan', 'county', 404],
    ['secretary.longteng', 'buildingGroup', 200],
    ['secretary.longteng', 'wanda', 404],
    ['secretary.longteng', 'zhuangyuan', 404],
    ['clerk.longteng', 'yujingBranch', 200],
    ['clerk.cuiting', 'longteng', 404],
    ['clerk.cuiting', 'yujingBranch', 404],
    ['clerk.cuiting', 'yingbin', 404],
    ['clerk.cuiting', 'cuiping', 404],
    ['grid.longteng', 'yujingBranch', 200],
    ['grid.longteng', 'wanda', 404],
    ['unit.staff', 'workUnit', 200],
    ['unit.staff', 'longteng', 200],
    ['unit.staff', 'yujingBranch', 200],
    ['unit.staff', 'wanda', 404],
    ['unit.staff', 'otherUnit', 404],
    ['unit.staff', 'county', 404],
    ['member', 'longteng', 200],
    ['member', 'cuiting', 404],
  ];
  it.each(matrix)('%s reading %s → %i', async (user, node, status) => {
    expect((await get(user, `/api/org/units/${f[node]}`)).status).toBe(status);
  });
});

describe('GET /api/org/units/:id/children', () => {
  it('lists current children with counts', async () => {
    const res = await get('admin', `/api/org/units/${f.zhuangyuan}/children`);
    expect(res.status).toBe(200);
    expect(res.body.map((u: { name: string }) => u.name).sort()).toEqual(['万达社区党委', '龙腾社区党委'].sort());
    expect(res.body.find((u: { id: number }) => u.id === f.longteng).childCount).toBe(1);
  });

  it('hides siblings of a reported community from unit staff', async () => {
    const res = await get('unit.staff', `/api/org/units/${f.longteng}/children`);
    expect(res.status).toBe(200);
    expect(res.body.map((u: { id: number }) => u.id)).toEqual([f.yujingBranch]);
  });

  it('returns 400 for a bad asOf date and 404 outside scope', async () => {
    expect((await get('admin', `/api/org/units/${f.longteng}/children?asOf=2020-13-45`)).status).toBe(400);
    expect((await get('admin', `/api/org/units/${f.longteng}/children?foo=1`)).status).toBe(400);
    expect((await get('clerk.cuiting', `/api/org/units/${f.longteng}/children`)).status).toBe(404);
  });

  it('reads the tree as it stood on a past date', async () => {
    const before = await get('admin', `/api/org/units/${f.longteng}/children?asOf=2020-03-19`);
    expect(before.body).toEqual([]);
    const after = await get('admin', `/api/org/units/${f.longteng}/children?asOf=2020-03-20`);
    expect(after.body.map((u: { name: string }) => u.name)).toEqual(['御景小区党支部']);
  });
});

describe('GET /api/org/units/search', () => {
  it('finds by name within scope only', async () => {
    const res = await get('clerk.cuiting', `/api/org/units/search?q=${encodeURIComponent('社区')}`);
    expect(res.status).toBe(200);
    expect(res.body.map((u: { id: number }) => u.id)).toEqual([f.cuiting]);
    const admin = await get('admin', `/api/org/units/search?q=${encodeURIComponent('龙腾')}`);
    expect(admin.body[0]).toMatchObject({ id: f.longteng });
    expect(admin.body[0].ancestors.map((a: { name: string }) => a.name)).toEqual(['中共栖霞市委', '庄园街道党工委']);
  });

  it('treats LIKE wildcards literally and requires q', async () => {
    expect((await get('admin', '/api/org/units/search?q=%25')).body).toEqual([]);
    expect((await get('admin', '/api/org/units/search')).status).toBe(400);
  });
});

describe('POST /api/org/units', () => {
  it('creates a building group under a compound branch and audits it', async () => {
    const res = await post('secretary.longteng', '/api/org/units', {
      parentId: f.yujingBranch, type: 'building_group', name: '御景小区2号楼党小组', contacts: { phone: '0535-5211234' }, validFrom: '2021-05-01',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ parentId: f.yujingBranch, depth: 4, version: 1, contacts: { phone: '0535-5211234' } });
    const audit = await t.ds.query(`SELECT * FROM audit_entry WHERE entity_id = $1`, [String(res.body.id)]);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'org.create', actor_username: 'secretary.longteng', actor_role: 'community_secretary' });
    const children = await get('clerk.longteng', `/api/org/units/${f.yujingBranch}/children`);
    expect(children.body.map((u: { name: string }) => u.name)).toContain('御景小区2号楼党小组');
  });

  it('refuses a building group under a street (type rule) with 400', async () => {
    const res = await post('admin', '/api/org/units', { parentId: f.zhuangyuan, type: 'building_group', name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('TYPE_RULE');
  });

  it('returns 400 for unknown fields, bad types and fields the role may not set', async () => {
    expect((await post('admin', '/api/org/units', { parentId: f.longteng, type: 'compound_branch', name: 'a', evil: 1 })).status).toBe(400);
    expect((await post('admin', '/api/org/units', { parentId: 'x', type: 'compound_branch', name: 'a' })).status).toBe(400);
    expect((await post('admin', '/api/org/units', { parentId: f.longteng, type: 'castle', name: 'a' })).status).toBe(400);
    expect((await post('admin', '/api/org/units', { parentId: f.longteng, type: 'compound_branch', name: '' })).status).toBe(400);
    const field = await post('secretary.longteng', '/api/org/units', { parentId: f.longteng, type: 'compound_branch', name: '新小区党支部', divisionCode: '370686002002' });
    expect(field.status).toBe(400);
    expect(field.body.code).toBe('FIELD_NOT_ALLOWED');
    const early = await post('admin', '/api/org/units', { parentId: f.yujingBranch, type: 'building_group', name: 'old', validFrom: '2010-01-01' });
    expect(early.status).toBe(400);
    // on the field, with a code and the date the SPA words it by
    expect(early.body.details).toEqual([{ field: 'validFrom', code: 'beforeParentFounded', params: { date: '2020-03-20' }, errors: ['before parent'] }]);
  });

  it('returns 403 for read-only roles and 404 for a parent outside scope', async () => {
    expect((await post('clerk.longteng', '/api/org/units', { parentId: f.yujingBranch, type: 'building_group', name: 'x' })).status).toBe(403);
    expect((await post('unit.staff', '/api/org/units', { parentId: f.yujingBranch, type: 'building_group', name: 'x' })).status).toBe(403);
    expect((await post('street.cuiping', '/api/org/units', { parentId: f.longteng, type: 'compound_branch', name: 'x' })).status).toBe(404);
    expect((await post('secretary.longteng', '/api/org/units', { parentId: 999999, type: 'compound_branch', name: 'x' })).status).toBe(404);
  });

  it('returns 401 without a token', async () => {
    expect((await request(t.app.server).post('/api/org/units').send({ parentId: f.longteng, type: 'compound_branch', name: 'x' })).status).toBe(401);
  });
});

describe('PATCH /api/org/units/:id', () => {
  it('renames with the current version, then refuses the stale one with 409', async () => {
    const cur = (await get('admin', `/api/org/units/${f.wanda}`)).body;
    const ok = await request(t.app.server).patch(`/api/org/units/${f.wanda}`).set(auth('street.zhuangyuan')).send({ version: cur.version, name: '万达社区党委（新）', contacts: { person: '王书记' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: '万达社区党委（新）', version: cur.version + 1, contacts: { person: '王书记' } });
    const stale = await request(t.app.server).patch(`/api/org/units/${f.wanda}`).set(auth('street.zhuangyuan')).send({ version: cur.version, name: 'again' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const audit = await t.ds.query(`SELECT before->>'name' AS b, after->>'name' AS a FROM audit_entry WHERE action = 'org.update' AND entity_id = $1`, [String(f.wanda)]);
    expect(audit).toEqual([{ b: '万达社区党委', a: '万达社区党委（新）' }]);
  });

  it('returns 404 outside scope, 403 for a clerk, 400 without version', async () => {
    expect((await request(t.app.server).patch(`/api/org/units/${f.longteng}`).set(auth('street.cuiping')).send({ version: 1, name: 'x' })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/units/${f.longteng}`).set(auth('clerk.longteng')).send({ version: 1, name: 'x' })).status).toBe(403);
    expect((await request(t.app.server).patch(`/api/org/units/${f.longteng}`).set(auth('admin')).send({ name: 'x' })).status).toBe(400);
  });
});

describe('POST /api/org/units/:id/archive', () => {
  it('refuses while active children exist, then archives a leaf and keeps it readable as archived', async () => {
    const hasKids = await post('secretary.longteng', `/api/org/units/${f.yujingBranch}/archive`, { version: 1, reason: '合并' });
    expect(hasKids.status).toBe(409);
    expect(hasKids.body.code).toBe('HAS_CHILDREN');
    const leaf = await post('secretary.longteng', '/api/org/units', { parentId: f.longteng, type: 'business_district_branch', name: '临时商圈党支部', validFrom: '2020-05-01' });
    const res = await post('secretary.longteng', `/api/org/units/${leaf.body.id}/archive`, { version: 1, reason: '商圈撤销', validTo: '2024-01-01' });
    expect(res.status).toBe(200);
    expect(res.body.validTo).toBe('2024-01-01');
    const now = await get('admin', `/api/org/units/${f.longteng}/children`);
    expect(now.body.map((u: { id: number }) => u.id)).not.toContain(leaf.body.id);
    const withArchived = await get('admin', `/api/org/units/${f.longteng}/children?includeArchived=true`);
    expect(withArchived.body.map((u: { id: number }) => u.id)).toContain(leaf.body.id);
    const past = await get('admin', `/api/org/units/${f.longteng}/children?asOf=2023-06-01`);
    expect(past.body.map((u: { id: number }) => u.id)).toContain(leaf.body.id);
    expect((await post('secretary.longteng', `/api/org/units/${leaf.body.id}/archive`, { version: 2, reason: 'again' })).status).toBe(409);
  });

  it('names an end date outside the unit\'s life on validTo, with the range', async () => {
    const leaf = await post('secretary.longteng', '/api/org/units', { parentId: f.longteng, type: 'business_district_branch', name: '短命商圈党支部', validFrom: '2020-05-01' });
    const res = await post('secretary.longteng', `/api/org/units/${leaf.body.id}/archive`, { version: 1, reason: '撤销', validTo: '2019-01-01' });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'validTo', code: 'dateBetween', params: { from: '2020-05-01', to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }, errors: ['out of range'] }]);
  });

  it('requires a reason and refuses the root and the caller’s own organisation', async () => {
    expect((await post('admin', `/api/org/units/${f.buildingGroup}/archive`, { version: 1 })).status).toBe(400);
    expect((await post('admin', `/api/org/units/${f.county}/archive`, { version: 1, reason: 'no' })).status).toBe(400);
    expect((await post('secretary.longteng', `/api/org/units/${f.longteng}/archive`, { version: 1, reason: 'no' })).status).toBe(403);
  });
});

describe('POST /api/org/units/:id/move', () => {
  it('moves a community with its subtree to another street in one step; scope follows', async () => {
    const node = (await get('admin', `/api/org/units/${f.yingbin}`)).body;
    await post('admin', '/api/org/units', { parentId: f.yingbin, type: 'compound_branch', name: '迎宾小区党支部', validFrom: '2020-06-01' });
    const res = await post('admin', `/api/org/units/${f.yingbin}/move`, { version: node.version, newParentId: f.songshan, reason: '区划调整', effectiveDate: '2025-01-01' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: f.songshan, movedCount: 2 });
    const paths = await t.ds.query(`SELECT path FROM org_unit WHERE path LIKE $1 ORDER BY depth`, [`/1/${f.songshan}/${f.yingbin}/%`]);
    expect(paths).toHaveLength(2);
    // The old street no longer sees it; the new street's admin would.
    expect((await get('street.cuiping', `/api/org/units/${f.yingbin}`)).status).toBe(404);
    // As of 2024 it still stood under 翠屏; as of 2025 under 松山.
    expect((await get('admin', `/api/org/units/${f.cuiping}/children?asOf=2024-06-01`)).body.map((u: { id: number }) => u.id)).toContain(f.yingbin);
    expect((await get('admin', `/api/org/units/${f.songshan}/children?asOf=2024-06-01`)).body.map((u: { id: number }) => u.id)).not.toContain(f.yingbin);
    expect((await get('admin', `/api/org/units/${f.songshan}/children?asOf=2025-06-01`)).body.map((u: { id: number }) => u.id)).toContain(f.yingbin);
    const audit = await t.ds.query(`SELECT reason FROM audit_entry WHERE action = 'org.move' AND entity_id = $1`, [String(f.yingbin)]);
    expect(audit).toEqual([{ reason: '区划调整' }]);
  });

  it('refuses cycles, type-rule breaks, stale versions and missing reasons', async () => {
    const z = (await get('admin', `/api/org/units/${f.zhuangyuan}`)).body;
    expect((await post('admin', `/api/org/units/${f.zhuangyuan}/move`, { version: z.version, newParentId: f.cuiting, reason: 'x1' })).body.code).toBe('TYPE_RULE');
    const l = (await get('admin', `/api/org/units/${f.longteng}`)).body;
    const cyc = await post('admin', `/api/org/units/${f.longteng}/move`, { version: l.version, newParentId: f.yujingBranch, reason: 'xx' });
    expect(cyc.status).toBe(400);
    expect((await post('admin', `/api/org/units/${f.longteng}/move`, { version: l.version + 5, newParentId: f.cuiping, reason: 'xx' })).status).toBe(409);
    expect((await post('admin', `/api/org/units/${f.longteng}/move`, { version: l.version, newParentId: f.cuiping })).status).toBe(400);
    // dates the form lets through, refused on effectiveDate with a code (and the founding date it may not precede)
    const early = await post('admin', `/api/org/units/${f.longteng}/move`, { version: l.version, newParentId: f.cuiping, reason: 'xx', effectiveDate: '1990-01-01' });
    expect(early.body.details).toEqual([{ field: 'effectiveDate', code: 'beforeFounded', params: { date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }, errors: ['too early'] }]);
    const future = await post('admin', `/api/org/units/${f.longteng}/move`, { version: l.version, newParentId: f.cuiping, reason: 'xx', effectiveDate: '2999-01-01' });
    expect(future.body.details).toEqual([{ field: 'effectiveDate', code: 'futureDate', errors: ['future'] }]);
  });

  it('returns 404 when the target lies outside the caller’s scope and 403 for clerks', async () => {
    const b = (await get('admin', `/api/org/units/${f.buildingGroup}`)).body;
    expect((await post('street.zhuangyuan', `/api/org/units/${f.longteng}/move`, { version: 1, newParentId: f.cuiping, reason: '跨街道' })).status).toBe(404);
    expect((await post('clerk.longteng', `/api/org/units/${f.buildingGroup}/move`, { version: b.version, newParentId: f.yujingBranch, reason: 'xx' })).status).toBe(403);
  });
});

describe('GET /api/org/units/:id/allowed-child-types', () => {
  it('follows the type rules and the role', async () => {
    expect((await get('admin', `/api/org/units/${f.longteng}/allowed-child-types`)).body).toEqual(['compound_branch', 'property_company_branch', 'business_district_branch']);
    expect((await get('clerk.longteng', `/api/org/units/${f.longteng}/allowed-child-types`)).body).toEqual([]);
    expect((await get('clerk.cuiting', `/api/org/units/${f.longteng}/allowed-child-types`)).status).toBe(404);
  });
});

describe('work units marked as county departments (街呼县应)', () => {
  it('an admin marks a work unit as a department; the internal list the volunteer service syncs carries it', async () => {
    const cur = (await get('admin', `/api/org/units/${f.workUnit}`)).body;
    expect(cur.department).toBe(false);
    const ok = await request(t.app.server).patch(`/api/org/units/${f.workUnit}`).set(auth('admin')).send({ version: cur.version, department: true });
    expect(ok.status).toBe(200);
    expect(ok.body.department).toBe(true);
    const internal = await request(t.app.server).get('/api/org/internal/work-units').set({ 'x-internal-token': INTERNAL_TOKEN });
    expect(internal.status).toBe(200);
    expect(internal.body.find((u: { id: number }) => u.id === f.workUnit)).toMatchObject({ department: true });
    expect(internal.body.find((u: { id: number }) => u.id === f.otherUnit)).toMatchObject({ department: false });
    const rows = await t.ds.query(`SELECT department FROM org_unit WHERE id = $1`, [f.workUnit]);
    expect(rows[0].department).toBe(true);
  });

  it('only a work unit can be one (400 naming department), and only the organisation department marks it (400 FIELD_NOT_ALLOWED)', async () => {
    const street = (await get('admin', `/api/org/units/${f.wanda}`)).body;
    const bad = await request(t.app.server).patch(`/api/org/units/${f.wanda}`).set(auth('admin')).send({ version: street.version, department: true });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'department', code: 'departmentWorkUnitOnly', errors: ['only a work_unit can be a department'] }]);
    const byStreet = await request(t.app.server).patch(`/api/org/units/${f.wanda}`).set(auth('street.zhuangyuan')).send({ version: street.version, department: false });
    expect(byStreet.status).toBe(400);
    expect(byStreet.body.code).toBe('FIELD_NOT_ALLOWED');
    const notBool = await request(t.app.server).patch(`/api/org/units/${f.otherUnit}`).set(auth('admin')).send({ version: 1, department: 'yes' });
    expect(notBool.status).toBe(400);
    expect(JSON.stringify(notBool.body.details)).toContain('department');
  });
});
