import request from 'supertest';
import { testTokens, type AuthUser } from '@redheart/shared';
import { setup, type TestContext } from './helper';

/**
 * Issue 13, item 3: 户籍进社区 county by county (GET /api/household/stats/counties) for the city's
 * organisation department (every county of the city) and a county's (its own only).
 * A city of its own beside the fixture: 烟台(900) → 栖霞(901): 庄园(902): 龙腾(903), 万达(904); 海阳(911): 东村(912): 海晨(913).
 */
const CITY = { city: 900, qixia: 901, haiyang: 911 } as const;
const COMMUNITIES = [
  { id: 903, name: '龙腾社区党委', path: '/900/901/902/903/', streetName: '庄园街道党工委', divisionCode: '370686002002' },
  { id: 904, name: '万达社区党委', path: '/900/901/902/904/', streetName: '庄园街道党工委', divisionCode: '370686002001' },
  { id: 913, name: '海晨社区党委', path: '/900/911/912/913/', streetName: '东村街道党工委', divisionCode: '370687001001' },
];
const USERS: Record<string, AuthUser> = {
  city: { sub: '90', username: 'city.admin', role: 'city_admin', orgId: CITY.city, scopePaths: ['/900/'] },
  qixia: { sub: '91', username: 'admin.qixia', role: 'admin', orgId: CITY.qixia, scopePaths: ['/900/901/'] },
  haiyang: { sub: '92', username: 'admin.haiyang', role: 'admin', orgId: CITY.haiyang, scopePaths: ['/900/911/'] },
  street: { sub: '93', username: 'street.zhuangyuan', role: 'street_admin', orgId: 902, scopePaths: ['/900/901/902/'] },
  clerk: { sub: '94', username: 'clerk.haichen', role: 'community_clerk', orgId: 913, scopePaths: ['/900/911/912/913/'] },
};

let t: TestContext;
let token: (who: string) => string;
const get = (who: string, query = '') => request(t.app.server).get(`/api/household/stats/counties${query}`).set({ Authorization: `Bearer ${token(who)}` });

let n = 0;
async function insertCase(community: number, status: string, settledAt: string | null, type = 'purchased_flat', stepStartedAt = settledAt ?? new Date().toISOString()) {
  n++;
  await t.ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, settled_at, step_started_at)
     VALUES ($1, $2, $3, $4, '申请人', 'test', $5, $5, $6, $7)`,
    [`HJC-${n}`, type, status, community, settledAt ?? stepStartedAt, settledAt, stepStartedAt],
  );
}
async function snapshot(community: number, takenAt: string, flats: number, separated: number, residents: number, elsewhere: number) {
  await t.ds.query(
    `INSERT INTO separation_snapshot (community_id, taken_at, taken_by, flats, flats_separated, residents, residents_elsewhere, tasks_created) VALUES ($1, $2, 'test', $3, $4, $5, $6, 0)`,
    [community, takenAt, flats, separated, residents, elsewhere],
  );
}

beforeAll(async () => {
  t = await setup();
  await t.app.communities.upsert(t.ds.manager, COMMUNITIES);
  token = testTokens(t.privateKey, USERS);
});
afterAll(async () => t?.close());

describe('GET /api/household/stats/counties', () => {
  beforeAll(async () => {
    // 栖霞: 3 settled move-ins in 2025 (one in 2024), a move-out (not a household moved in), 2 open (one overdue)
    await insertCase(903, 'SETTLED', '2025-03-01T10:00:00+08:00');
    await insertCase(903, 'SETTLED', '2025-04-01T10:00:00+08:00');
    await insertCase(904, 'SETTLED', '2025-05-01T10:00:00+08:00');
    await insertCase(904, 'SETTLED', '2024-05-01T10:00:00+08:00');
    await insertCase(903, 'SETTLED', '2025-05-02T10:00:00+08:00', 'move_out');
    await insertCase(903, 'SUBMITTED', null, 'purchased_flat', new Date(Date.now() - 30 * 86400_000).toISOString());
    await insertCase(904, 'ACCEPTED', null, 'purchased_flat', new Date().toISOString());
    // 海阳: one settled, nothing open
    await insertCase(913, 'SETTLED', '2025-06-01T10:00:00+08:00');
    // separation: 龙腾 compared twice (40% → 10% of flats), 海晨 once; 万达 never
    await snapshot(903, '2024-01-01T00:00:00Z', 100, 40, 120, 60);
    await snapshot(903, '2025-01-01T00:00:00Z', 100, 10, 120, 12);
    await snapshot(913, '2025-02-01T00:00:00Z', 50, 25, 50, 20);
  });

  it('gives the city admin every county of the city, each with its own figures and the city totals', async () => {
    const r = await get('city');
    expect(r.status).toBe(200);
    const by = Object.fromEntries(r.body.counties.map((c: { countyId: number }) => [c.countyId, c]));
    expect(Object.keys(by).map(Number).sort()).toEqual([CITY.qixia, CITY.haiyang]);
    expect(by[CITY.qixia]).toMatchObject({ communities: 2, households: 4, open: 2, overdue: 1 });
    expect(by[CITY.qixia].separation).toEqual({
      communities: 1,
      before: { flats: 100, flatsSeparated: 40, flatRate: 0.4, residents: 120, residentsElsewhere: 60, residentRate: 0.5 },
      latest: { flats: 100, flatsSeparated: 10, flatRate: 0.1, residents: 120, residentsElsewhere: 12, residentRate: 0.1 },
    });
    expect(by[CITY.haiyang]).toMatchObject({ communities: 1, households: 1, open: 0, overdue: 0 });
    expect(by[CITY.haiyang].separation).toMatchObject({ communities: 1, before: { flatRate: 0.5 }, latest: { flatRate: 0.5 } });
    expect(r.body.totals).toMatchObject({ communities: 3, households: 5, open: 2, overdue: 1 });
    expect(r.body.totals.separation).toMatchObject({ communities: 2, before: { flats: 150, flatsSeparated: 65 }, latest: { flats: 150, flatsSeparated: 35 } });
  });

  it('counts the settled households of the period only (?from=&to=, months)', async () => {
    const r = await get('city', '?from=2025-04&to=2025-05');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: '2025-04-01', to: '2025-05-31' });
    const by = Object.fromEntries(r.body.counties.map((c: { countyId: number; households: number }) => [c.countyId, c.households]));
    expect(by).toEqual({ [CITY.qixia]: 2, [CITY.haiyang]: 0 });
  });

  it('gives a county admin their own county only: Haiyang sees nothing of Qixia, and the reverse', async () => {
    const hy = await get('haiyang');
    expect(hy.status).toBe(200);
    expect(hy.body.counties.map((c: { countyId: number }) => c.countyId)).toEqual([CITY.haiyang]);
    expect(hy.body.totals).toMatchObject({ communities: 1, households: 1, open: 0 });
    const qx = await get('qixia');
    expect(qx.body.counties.map((c: { countyId: number }) => c.countyId)).toEqual([CITY.qixia]);
    expect(qx.body.totals).toMatchObject({ communities: 2, households: 4, open: 2 });
  });

  it('refuses street and community roles with 403, and a bad period with 400 naming the field', async () => {
    expect((await get('street')).status).toBe(403);
    const clerk = await get('clerk');
    expect(clerk.status).toBe(403);
    expect(clerk.body.code).toBe('FORBIDDEN');
    const bad = await get('city', '?from=2025-13');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('from');
  });
});
