import request from 'supertest';
import { CityLevel1765760000000 } from '../src/migrations/1765760000000-CityLevel';
import { clearScopeCache } from '../src/modules/scope/scope';
import { chinaDivisionSource } from '../src/seed/division-source';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../src/seed/demo';
import { login, PASSWORD, seedFixture, setup, type Fixture, type TestContext } from './helper';

/**
 * Issue 13, items 1 and 2: the city level (烟台市 above the county committees, the city_admin role)
 * and the division import (county or whole city) from the API, as a job with progress.
 */

const until = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 120_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('CityLevel migration (up and down, explicitly, on a chart that has a county root)', () => {
  let t: TestContext;
  let f: Fixture;
  beforeAll(async () => {
    t = await setup({ dbSuffix: 'citymig' });
    f = await seedFixture(t.ds);
  });
  afterAll(async () => t.close());

  const api = () => request(t.app.server);
  const view = async (token: string) => {
    const auth = { Authorization: `Bearer ${token}` };
    const roots = (await api().get('/api/org/units/roots').set(auth)).body as { id: number; name: string }[];
    const children = (await api().get(`/api/org/units/${roots[0].id}/children`).set(auth)).body as { id: number; name: string }[];
    const search = (await api().get('/api/org/units/search').query({ q: '社区' }).set(auth)).body as { id: number; ancestors: { id: number }[] }[];
    const longteng = await api().get(`/api/org/units/${f.longteng}`).set(auth);
    return {
      roots: roots.map((r) => [r.id, r.name]),
      children: children.map((c) => [c.id, c.name]),
      search: search.map((s) => [s.id, s.ancestors.map((a) => a.id)]),
      longteng: [longteng.status, longteng.body.ancestors?.map((a: { id: number }) => a.id)],
    };
  };
  const USERS = ['admin', 'street.zhuangyuan', 'secretary.longteng', 'clerk.cuiting', 'unit.staff'];

  it('places the county under 烟台市 (370600), rewrites every path, ends every session; everyone sees the same after signing in again', async () => {
    const before: Record<string, Awaited<ReturnType<typeof view>>> = {};
    const sessions: Record<string, { token: string; cookie: string }> = {};
    for (const u of USERS) {
      sessions[u] = await login(t.app, u);
      before[u] = await view(sessions[u].token);
    }
    expect(before.admin.roots).toEqual([[f.county, '中共栖霞市委']]);

    const qr = t.ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await new CityLevel1765760000000().up(qr);
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
    clearScopeCache();

    const [city] = await t.ds.query(`SELECT id, name, type, parent_id, path, depth, division_code FROM org_unit WHERE type = 'city_committee'`);
    expect(city).toMatchObject({ name: '中共烟台市委员会', parent_id: null, path: `/${city.id}/`, depth: 0, division_code: '370600' });
    const [county] = await t.ds.query(`SELECT parent_id, path, depth FROM org_unit WHERE id = $1`, [f.county]);
    expect(county).toEqual({ parent_id: city.id, path: `/${city.id}/${f.county}/`, depth: 1 });
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM org_unit WHERE path NOT LIKE $1`, [`/${city.id}/%`]))[0].n).toBe(0);
    const bad = await t.ds.query(`SELECT c.id FROM org_unit c JOIN org_unit p ON p.id = c.parent_id WHERE c.path <> p.path || c.id || '/' OR c.depth <> p.depth + 1`);
    expect(bad).toEqual([]);
    // history: the county has always stood under its city
    expect((await t.ds.query(`SELECT parent_id FROM org_unit_version WHERE org_id = $1`, [f.county])).map((r: { parent_id: number }) => r.parent_id)).toEqual([city.id]);

    // Tokens carried the old paths: the sessions ended (access token and refresh cookie alike).
    await until('the ended sessions to reach the app', async () => {
      const r = await api().get('/api/org/units/roots').set('Authorization', `Bearer ${sessions.admin.token}`);
      return r.status === 401 ? r : undefined;
    }, 10_000).then((r) => expect(r.body.code).toBe('SESSION_ENDED'));
    const refresh = await api().post('/api/auth/refresh').set('Cookie', sessions.admin.cookie);
    expect(refresh.status).toBe(401);

    for (const u of USERS) {
      const s = await login(t.app, u);
      expect(await view(s.token)).toEqual(before[u]);
    }
  });

  it('down puts the county back as the root with its old paths (and refuses while a city_admin account exists)', async () => {
    const [city] = await t.ds.query(`SELECT id FROM org_unit WHERE type = 'city_committee'`);
    await t.ds.query(`INSERT INTO account (username, display_name, password_hash, role, org_id) VALUES ('city.tmp', 'x', 'x', 'city_admin', $1)`, [city.id]);
    const run = async (fn: 'up' | 'down') => {
      const qr = t.ds.createQueryRunner();
      try {
        await qr.startTransaction();
        await new CityLevel1765760000000()[fn](qr);
        await qr.commitTransaction();
      } catch (e) {
        await qr.rollbackTransaction();
        throw e;
      } finally {
        await qr.release();
      }
    };
    await expect(run('down')).rejects.toThrow(/city_admin account/);
    await t.ds.query(`DELETE FROM account WHERE username = 'city.tmp'`);
    await run('down');
    expect((await t.ds.query(`SELECT parent_id, path, depth FROM org_unit WHERE id = $1`, [f.county]))[0]).toEqual({ parent_id: null, path: `/${f.county}/`, depth: 0 });
    expect((await t.ds.query(`SELECT path FROM org_unit WHERE id = $1`, [f.buildingGroup]))[0].path).toBe(`/${f.county}/${f.zhuangyuan}/${f.longteng}/${f.yujingBranch}/${f.buildingGroup}/`);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM org_unit WHERE type = 'city_committee'`))[0].n).toBe(0);
    await run('up');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM org_unit WHERE parent_id IS NULL AND type = 'county_committee'`))[0].n).toBe(0);
  });
});

describe('the city level on the demo (migrated from scratch, then seeded)', () => {
  let t: TestContext;
  const tok: Record<string, string> = {};
  let cityId: number;
  let qixiaId: number;
  beforeAll(async () => {
    t = await setup({ dbSuffix: 'city' });
    // The scope cache is per process (5 s): the organisation ids of the other database above name other paths here.
    clearScopeCache();
    await seedDemo(t.ds, { desks: 20 });
    for (const u of ['city.admin', 'admin', 'street.zhuangyuan', 'clerk.longteng', 'member', 'unit.staff']) tok[u] = (await login(t.app, u, DEMO_PASSWORD)).token;
    cityId = Number((await t.ds.query(`SELECT id FROM org_unit WHERE division_code = '370600'`))[0].id);
    qixiaId = Number((await t.ds.query(`SELECT id FROM org_unit WHERE division_code = '370686'`))[0].id);
  }, 180_000);
  afterAll(async () => t.close());

  const api = () => request(t.app.server);
  const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
  const post = (who: string, body: unknown) => api().post('/api/org/division-imports').set(as(who)).send(body as object);
  const units = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM org_unit`))[0].n as number;
  const waitDone = (who: string, id: string) =>
    until(`import ${id}`, async () => {
      const r = await api().get(`/api/org/division-imports/${id}`).set(as(who));
      expect(r.status).toBe(200);
      return r.body.status === 'done' || r.body.status === 'failed' ? r.body : undefined;
    });

  it('has Qixia under 烟台市; every demo login works; admin sees Qixia exactly as before, city.admin the city', async () => {
    expect((await t.ds.query(`SELECT name, type, parent_id FROM org_unit WHERE id = $1`, [cityId]))[0]).toEqual({ name: '中共烟台市委员会', type: 'city_committee', parent_id: null });
    expect(Number((await t.ds.query(`SELECT parent_id FROM org_unit WHERE id = $1`, [qixiaId]))[0].parent_id)).toBe(cityId);
    for (const a of DEMO_ACCOUNTS) expect((await login(t.app, a.username, DEMO_PASSWORD)).body.user).toMatchObject({ username: a.username, role: a.role });

    const adminRoots = await api().get('/api/org/units/roots').set(as('admin'));
    expect(adminRoots.body.map((r: { id: number }) => r.id)).toEqual([qixiaId]);
    // the county admin does not see the city above them: 404, and no ancestor above their county
    expect((await api().get(`/api/org/units/${cityId}`).set(as('admin'))).status).toBe(404);
    const longteng = await api().get('/api/org/units/search').query({ q: '龙腾社区' }).set(as('admin'));
    expect(longteng.body[0].ancestors[0]).toMatchObject({ id: qixiaId });

    const cityRoots = await api().get('/api/org/units/roots').set(as('city.admin'));
    expect(cityRoots.body).toEqual([expect.objectContaining({ id: cityId, type: 'city_committee', name: '中共烟台市委员会' })]);
    const counties = await api().get(`/api/org/units/${cityId}/children`).set(as('city.admin'));
    expect(counties.body.map((c: { name: string }) => c.name)).toEqual(['中共栖霞市委员会']);
    // city.admin reads into the county too
    expect((await api().get('/api/org/units/search').query({ q: '龙腾社区' }).set(as('city.admin'))).body[0].ancestors.map((a: { id: number }) => a.id).slice(0, 2)).toEqual([cityId, qixiaId]);
  });

  it('refuses other roles with 403 before reading the body', async () => {
    for (const who of ['street.zhuangyuan', 'clerk.longteng', 'member', 'unit.staff']) {
      const r = await post(who, { code: 'not even valid' });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
      expect((await api().get('/api/org/division-imports/00000000-0000-4000-8000-000000000000').set(as(who))).status).toBe(403);
    }
  });

  it('answers 400 naming the field', async () => {
    const cases: [unknown, string, string][] = [
      [{}, 'code', 'VALIDATION_FAILED'],
      [{ code: '3706' }, 'code', 'VALIDATION_FAILED'],
      [{ code: 370687 }, 'code', 'VALIDATION_FAILED'],
      [{ code: '370687', dryRun: 'yes' }, 'dryRun', 'VALIDATION_FAILED'],
      [{ code: '370687', includeTowns: 1 }, 'includeTowns', 'VALIDATION_FAILED'],
      [{ code: '370687', extra: true }, 'extra', 'VALIDATION_FAILED'],
      [{ code: '999999', dryRun: true }, 'code', 'UNKNOWN_DIVISION'],
    ];
    for (const [body, field, code] of cases) {
      const r = await post('city.admin', body);
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 400, code });
      expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await post('city.admin', {})).body.message).toMatch(/code/);
  });

  it('lets a county admin import only their own county (403 naming code), the city admin any county of the city', async () => {
    const other = await post('admin', { code: '370687', dryRun: true });
    expect(other.status).toBe(403);
    expect(other.body.details[0].field).toBe('code');
    // worded by the SPA from its code and params, on the code field; the server's own words are Chinese
    expect(other.body.details[0]).toMatchObject({ code: 'outsideOwnDivision', params: { code: '370687', own: '370686' } });
    expect(other.body.details[0].errors[0]).toMatch(/[\u4e00-\u9fff]/);
    expect(other.body.message).toMatch(/370686/);
    expect((await post('admin', { code: '370600', dryRun: true })).status).toBe(403);
    expect((await post('city.admin', { code: '450305', dryRun: true })).status).toBe(403);
    const own = await post('admin', { code: '370686', dryRun: true });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ code: '370686', kind: 'county', dryRun: true, totals: { created: 0, renamed: 0, archived: 0, placed: 0 } });
    expect(own.body.totals.unchanged).toBeGreaterThanOrEqual(16);
  });

  let preview: { totals: { created: number }; samples: { created: { code: string; type: string; name: string }[] } };
  it('dry run of 370687 海阳市: counts and sample rows, nothing written', async () => {
    const before = await units();
    const r = await post('city.admin', { code: '370687', dryRun: true });
    expect(r.status).toBe(200);
    preview = r.body;
    const data = chinaDivisionSource().county('370687')!;
    const streets = data.townships.filter((x) => x.kind === 'street');
    const communities = data.villages.filter((v) => v.kind !== 'village' && streets.some((s) => s.code === v.townshipCode));
    expect(r.body).toMatchObject({ code: '370687', name: '海阳市', kind: 'county', dryRun: true, includeTowns: false });
    expect(r.body.totals).toMatchObject({ created: 1 + streets.length + communities.length, renamed: 0, archived: 0 });
    expect(r.body.samples.created[0]).toMatchObject({ action: 'create', code: '370687', type: 'county_committee', name: '中共海阳市委员会', parentCode: '370600' });
    expect(r.body.samples.created.length).toBe(Math.min(20, r.body.totals.created));
    const withTowns = await post('city.admin', { code: '370687', dryRun: true, includeTowns: true });
    expect(withTowns.body.totals.created).toBeGreaterThan(r.body.totals.created);
    expect(await units()).toBe(before);
  });

  it('imports 370687 as a job with progress (202 + id), creates what the dry run said, is idempotent; the county admin works in it at once', async () => {
    const r = await post('city.admin', { code: '370687' });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ status: 'queued', code: '370687' });
    const job = await waitDone('city.admin', r.body.id);
    expect(job).toMatchObject({ status: 'done', progress: { percent: 100, countiesDone: 1, countiesTotal: 1 }, requestedBy: 'city.admin', error: null });
    expect(job.result.totals.created).toBe(preview.totals.created);
    const [haiyang] = await t.ds.query(`SELECT id, parent_id FROM org_unit WHERE division_code = '370687'`);
    expect(Number(haiyang.parent_id)).toBe(cityId);
    // whoever started it is told (org.import.finished, with its end, in the end's transaction): once
    const [cityAdmin] = await t.ds.query(`SELECT id::text AS id FROM account WHERE username = 'city.admin'`);
    const told = await t.ds.query(`SELECT actor, payload FROM outbox_event WHERE type = 'org.import.finished' AND aggregate_id = $1`, [r.body.id]);
    expect(told).toEqual([{ actor: 'city.admin', payload: { importId: r.body.id, kind: 'divisions', code: '370687', status: 'done', accountId: cityAdmin.id, error: null } }]);

    // the Qixia admin neither sees the job nor the new county
    expect((await api().get(`/api/org/division-imports/${r.body.id}`).set(as('admin'))).status).toBe(404);
    expect((await api().get(`/api/org/units/${haiyang.id}`).set(as('admin'))).status).toBe(404);

    const again = await post('city.admin', { code: '370687' });
    const second = await waitDone('city.admin', again.body.id);
    expect(second.result.totals).toMatchObject({ created: 0, renamed: 0, archived: 0 });
    expect(second.result.totals.unchanged).toBe(preview.totals.created);

    // the city admin gives Haiyang a county admin, who works in the county at once
    const created = await api().post('/api/org/accounts').set(as('city.admin')).send({ username: 'admin.haiyang', displayName: '海阳市委组织部', role: 'admin', orgId: Number(haiyang.id) });
    expect(created.status).toBe(201);
    const first = await login(t.app, 'admin.haiyang', created.body.initialPassword);
    const changed = await api().post('/api/auth/password').set('Authorization', `Bearer ${first.token}`).send({ currentPassword: created.body.initialPassword, newPassword: PASSWORD });
    expect(changed.status).toBe(200);
    const hy = { Authorization: `Bearer ${changed.body.accessToken}` };
    const roots = await api().get('/api/org/units/roots').set(hy);
    expect(roots.body.map((u: { id: number }) => u.id)).toEqual([Number(haiyang.id)]);
    const streets = await api().get(`/api/org/units/${haiyang.id}/children`).set(hy);
    expect(streets.status).toBe(200);
    const streetCount = (await t.ds.query(`SELECT count(*)::int AS n FROM org_unit WHERE parent_id = $1`, [haiyang.id]))[0].n;
    expect(streetCount).toBeGreaterThan(0);
    expect(streets.body.length).toBe(streetCount);
    expect((await api().get(`/api/org/units/${qixiaId}`).set(hy)).status).toBe(404);
    // and the Haiyang admin may re-import (dry run) their own county only
    expect((await api().post('/api/org/division-imports').set(hy).send({ code: '370687', dryRun: true })).status).toBe(200);
    expect((await api().post('/api/org/division-imports').set(hy).send({ code: '370686', dryRun: true })).status).toBe(403);
    // a county admin may not make a city admin
    const promote = await api().post('/api/org/accounts').set(as('admin')).send({ username: 'city.second', displayName: 'x', role: 'city_admin', orgId: qixiaId });
    expect([400, 403]).toContain(promote.status);

    // the city admin sees both counties
    const counties = await api().get(`/api/org/units/${cityId}/children`).set(as('city.admin'));
    expect(counties.body.map((c: { divisionCode: string }) => c.divisionCode).sort()).toEqual(['370686', '370687']);
  }, 180_000);

  it('compares the counties (GET /api/org/coverage/counties): the city admin both, each county admin their own; others 403', async () => {
    const haiyangId = Number((await t.ds.query(`SELECT id FROM org_unit WHERE division_code = '370687'`))[0].id);
    const count = async (id: number, type: string) =>
      (await t.ds.query(`SELECT count(*)::int AS n FROM org_unit u JOIN org_unit y ON y.id = $1 WHERE u.path LIKE y.path || '%' AND u.valid_to IS NULL AND u.type = $2`, [id, type]))[0].n as number;
    const city = await api().get('/api/org/coverage/counties').set(as('city.admin'));
    expect(city.status).toBe(200);
    expect(city.body.counties.map((c: { divisionCode: string }) => c.divisionCode)).toEqual(['370686', '370687']);
    const [qx, hy] = city.body.counties;
    expect(qx).toMatchObject({ id: qixiaId, streets: await count(qixiaId, 'street_committee'), communities: await count(qixiaId, 'community_committee') });
    expect(hy).toMatchObject({ id: haiyangId, streets: await count(haiyangId, 'street_committee'), communities: await count(haiyangId, 'community_committee'), compounds: 0, coverageRate: null });
    expect(hy.communities).toBeGreaterThan(0);
    // Qixia's coverage is the county's own coverage page's totals
    const own = await api().get('/api/org/coverage').set(as('admin'));
    expect(qx).toMatchObject({ compounds: own.body.totals.compounds, withBranch: own.body.totals.withBranch, coverageRate: own.body.totals.coverageRate });
    expect(city.body.totals).toMatchObject({ communities: qx.communities + hy.communities, compounds: qx.compounds });

    const admin = await api().get('/api/org/coverage/counties').set(as('admin'));
    expect(admin.body.counties.map((c: { id: number }) => c.id)).toEqual([qixiaId]);
    const hyAdmin = await login(t.app, 'admin.haiyang', PASSWORD);
    const mine = await api().get('/api/org/coverage/counties').set('Authorization', `Bearer ${hyAdmin.token}`);
    expect(mine.status).toBe(200);
    expect(mine.body.counties.map((c: { id: number }) => c.id)).toEqual([haiyangId]);
    for (const who of ['street.zhuangyuan', 'clerk.longteng', 'member', 'unit.staff']) expect((await api().get('/api/org/coverage/counties').set(as(who))).status).toBe(403);
  });

  it('imports 370600: every county-level division of 烟台市 under the city, idempotent', async () => {
    const expected = chinaDivisionSource().countiesOfCity('3706').filter((c) => c.code !== '370600').map((c) => c.code).sort();
    const dry = await post('city.admin', { code: '370600', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ kind: 'city', name: '烟台市' });
    expect(dry.body.counties.map((c: { countyCode: string }) => c.countyCode)).toEqual(expected);
    const r = await post('city.admin', { code: '370600' });
    expect(r.status).toBe(202);
    const job = await waitDone('city.admin', r.body.id);
    expect(job).toMatchObject({ status: 'done', progress: { percent: 100, countiesDone: expected.length, countiesTotal: expected.length } });
    expect(job.result.totals.created).toBe(dry.body.totals.created);
    const counties = await api().get(`/api/org/units/${cityId}/children`).set(as('city.admin'));
    expect(counties.body.map((c: { divisionCode: string }) => c.divisionCode).sort()).toEqual(expected);
    expect(counties.body.every((c: { type: string }) => c.type === 'county_committee')).toBe(true);
    const again = await post('city.admin', { code: '370600', dryRun: true });
    expect(again.body.totals).toMatchObject({ created: 0, renamed: 0, archived: 0, placed: 0 });
    // the Qixia admin still sees Qixia only
    expect((await api().get('/api/org/units/roots').set(as('admin'))).body.map((u: { id: number }) => u.id)).toEqual([qixiaId]);
  }, 300_000);
});
