import request from 'supertest';
import { maskResidentId } from '@redheart/shared';
import { C, newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const summary = (query: string, who: keyof typeof USERS = 'admin') => api().get(`/api/household/stats/summary${query}`).set(as(who));

let n = 0;
/** A case written straight into the tables with the dates we need. */
async function insertCase(c: { community: number; type?: string; status: string; createdAt: string; settledAt?: string; stepStartedAt?: string; persons: number; green?: boolean }) {
  n++;
  const [row] = await t.ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, green_channel, created_by, created_at, updated_at, settled_at, step_started_at)
     VALUES ($1, $2, $3, $4, '申请人', $5, 'test', $6, $6, $7, $8) RETURNING id`,
    [`HJT-${n}`, c.type ?? 'purchased_flat', c.status, c.community, c.green ?? false, c.createdAt, c.settledAt ?? null, c.stepStartedAt ?? c.settledAt ?? c.createdAt],
  );
  for (let i = 0; i < c.persons; i++) {
    const id = newId(i % 2 ? 'F' : 'M');
    await t.ds.query(
      `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation) VALUES ($1, $2, $3, $4, $5, 'M', '1980-01-01', $6)`,
      [row.id, `成员${i}`, t.vault.encrypt(id), t.vault.hash(id), maskResidentId(id), i ? 'child' : 'head'],
    );
  }
  return row.id as number;
}
const ago = (days: number) => new Date(Date.now() - days * 86400_000).toISOString();

beforeAll(async () => {
  t = await setup();
  // Settled move-ins (times in Qixia, +08:00).
  await insertCase({ community: C.longteng, status: 'SETTLED', createdAt: '2020-01-10T08:00:00+08:00', settledAt: '2020-01-14T08:00:00+08:00', persons: 3 });
  await insertCase({ community: C.longteng, type: 'joining_relatives', status: 'SETTLED', createdAt: '2020-03-01T09:00:00+08:00', settledAt: '2020-03-03T09:00:00+08:00', persons: 2 });
  // The last evening of June in Qixia is still June (it is the afternoon in UTC).
  await insertCase({ community: C.longteng, type: 'other', status: 'SETTLED', createdAt: '2020-06-27T23:30:00+08:00', settledAt: '2020-06-30T23:30:00+08:00', persons: 2 });
  // The first hour of December in Qixia is still November in UTC.
  await insertCase({ community: C.longteng, status: 'SETTLED', createdAt: '2019-11-25T10:00:00+08:00', settledAt: '2019-11-30T23:59:00+08:00', persons: 1 });
  await insertCase({ community: C.longteng, status: 'SETTLED', createdAt: '2019-12-01T00:30:00+08:00', settledAt: '2019-12-01T00:30:00+08:00', persons: 1 });
  await insertCase({ community: C.longteng, status: 'SETTLED', createdAt: '2020-07-01T10:00:00+08:00', settledAt: '2020-07-02T10:00:00+08:00', persons: 5 });
  // Not households moved in: a move out, and a revoked settlement.
  await insertCase({ community: C.longteng, type: 'move_out', status: 'SETTLED', createdAt: '2020-03-01T09:00:00+08:00', settledAt: '2020-03-05T09:00:00+08:00', persons: 2 });
  await insertCase({ community: C.longteng, status: 'REVOKED', createdAt: '2020-02-01T09:00:00+08:00', settledAt: '2020-02-05T09:00:00+08:00', persons: 4 });
  await insertCase({ community: C.wanda, type: 'collective', status: 'SETTLED', createdAt: '2020-01-20T09:00:00+08:00', settledAt: '2020-01-21T09:00:00+08:00', persons: 1 });
  await insertCase({ community: C.cuiting, status: 'SETTLED', createdAt: '2020-02-10T09:00:00+08:00', settledAt: '2020-02-20T09:00:00+08:00', persons: 4 });
  // The open queue of 龙腾 now.
  await insertCase({ community: C.longteng, status: 'DRAFT', createdAt: ago(6), stepStartedAt: ago(6), persons: 1 });
  await insertCase({ community: C.longteng, status: 'SUBMITTED', createdAt: ago(1), stepStartedAt: ago(0.05), persons: 2 });
  await insertCase({ community: C.longteng, status: 'NEEDS_SUPPLEMENT', createdAt: ago(12), stepStartedAt: ago(10), persons: 1 });
  await insertCase({ community: C.longteng, status: 'ACCEPTED', createdAt: ago(3), stepStartedAt: ago(1.5), persons: 1, green: true });
  await insertCase({ community: C.longteng, status: 'APPROVED', createdAt: ago(3), stepStartedAt: ago(1), persons: 3 });
  await insertCase({ community: C.wanda, status: 'SUBMITTED', createdAt: ago(5), stepStartedAt: ago(4), persons: 1 });
});
afterAll(async () => t.close());

describe('GET /api/household/stats/summary', () => {
  it('counts settled move-in cases as households and their persons, per community and month, in the period (business time zone)', async () => {
    const res = await summary('?from=2019-12&to=2020-06');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2019-12-01', to: '2020-06-30' });
    // 龙腾 3 + 2 + 2 + 1 (Dec 1st 00:30) ; 万达 1 ; 翠亭 4
    expect(res.body.totals).toMatchObject({ households: 6, persons: 13 });
    const by = Object.fromEntries(res.body.communities.map((c: { communityId: number }) => [c.communityId, c]));
    expect(by[C.longteng]).toMatchObject({ households: 4, persons: 8, communityName: '龙腾社区党委', streetName: '庄园街道党工委' });
    expect(by[C.wanda]).toMatchObject({ households: 1, persons: 1, avgProcessingDays: 1 });
    expect(by[C.cuiting]).toMatchObject({ households: 1, persons: 4, avgProcessingDays: 10 });
    // (4 + 2 + 3 + 0) / 4 days
    expect(by[C.longteng].avgProcessingDays).toBe(2.3);
    expect(res.body.months).toEqual([
      { month: '2019-12', households: 1, persons: 1 },
      { month: '2020-01', households: 2, persons: 4 },
      { month: '2020-02', households: 1, persons: 4 },
      { month: '2020-03', households: 1, persons: 2 },
      { month: '2020-04', households: 0, persons: 0 },
      { month: '2020-05', households: 0, persons: 0 },
      { month: '2020-06', households: 1, persons: 2 },
    ]);
  });

  it('reads all time without a period, and exact days as bounds', async () => {
    const all = (await summary('')).body;
    expect(all.totals).toMatchObject({ households: 8, persons: 19 });
    expect(all.months[0].month).toBe('2019-11');
    expect(all.months.at(-1).month).toBe('2020-07');
    const june30 = (await summary('?from=2020-06-30&to=2020-06-30')).body;
    expect(june30.totals).toMatchObject({ households: 1, persons: 2 });
  });

  it('counts open cases per status and the overdue ones (past the step limit, halved on the green channel) like the queue does', async () => {
    const res = await summary(`?communityId=${C.longteng}`, 'clerk');
    expect(res.status).toBe(200);
    expect(res.body.openByStatus).toEqual({ DRAFT: 1, SUBMITTED: 1, NEEDS_SUPPLEMENT: 1, ACCEPTED: 1, APPROVED: 1 });
    expect(res.body.overdueByStatus).toEqual({ DRAFT: 1, SUBMITTED: 0, ACCEPTED: 1, APPROVED: 0 });
    expect(res.body.totals).toMatchObject({ open: 5, overdue: 2 });
    expect(res.body.communities).toHaveLength(1);
    const queue = await api().get('/api/household/cases?overdue=true').set(as('clerk'));
    expect(queue.body.items).toHaveLength(res.body.totals.overdue);
    const street = (await summary('', 'street')).body;
    expect(street.communities.map((c: { communityId: number }) => c.communityId).sort()).toEqual([C.longteng, C.wanda].sort());
    expect(street.totals).toMatchObject({ households: 7, persons: 15, open: 6, overdue: 3 });
  });

  it('compares the separation rates at the first comparison with the registers now', async () => {
    expect((await summary('')).body.separation).toEqual({ communities: 0, before: null, now: null });
    const owner = { name: '隋国庆', id: newId('M', '1970-01-01') };
    const created = await api().post('/api/household/separation/properties').set(as('clerk')).send({
      properties: [{ certificateNo: '鲁(2019)栖霞市不动产权第0099001号', address: '龙腾小区5号楼101', gridCode: 'G05', owners: [{ name: owner.name, idNumber: owner.id }] }],
    });
    expect(created.status).toBe(201);
    expect((await api().post('/api/household/separation/compare').set(as('clerk'))).status).toBe(200);
    // The owner is registered into 龙腾 afterwards.
    const [h] = await t.ds.query(`INSERT INTO household (household_no, community_id, kind, address) VALUES ('STAT-1', $1, 'family', '龙腾小区5号楼101') RETURNING id`, [C.longteng]);
    const [p] = await t.ds.query(`INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date) VALUES ($1, $2, $3, $4, 'M', '1970-01-01') RETURNING id`,
      [owner.name, t.vault.encrypt(owner.id), t.vault.hash(owner.id), maskResidentId(owner.id)]);
    await t.ds.query(`INSERT INTO registration (person_id, household_id, relation, status, start_date) VALUES ($1, $2, 'head', 'active', '2020-05-01')`, [p.id, h.id]);
    const sep = (await summary('', 'secretary')).body.separation;
    expect(sep.communities).toBe(1);
    expect(sep.before).toMatchObject({ flats: 1, flatsSeparated: 1, flatRate: 1, residents: 1, residentsElsewhere: 1, residentRate: 1 });
    expect(sep.now).toMatchObject({ flats: 1, flatsSeparated: 0, flatRate: 0, residents: 1, residentsElsewhere: 0, residentRate: 0 });
  });

  it('returns 400 for bad periods, 401 without a token, 403 for other roles, 404 for a community outside scope', async () => {
    expect((await summary('?from=2020-13')).status).toBe(400);
    expect((await summary('?from=2020-02-30')).status).toBe(400);
    expect((await summary('?from=2020-06&to=2020-01')).status).toBe(400);
    expect((await summary('?from=last-year')).status).toBe(400);
    expect((await summary('?communityId=x')).status).toBe(400);
    expect((await summary('?what=1')).status).toBe(400);
    expect((await api().get('/api/household/stats/summary')).status).toBe(401);
    expect((await summary('', 'unit')).status).toBe(403);
    expect((await summary('', 'member')).status).toBe(403);
    expect((await summary('', 'grid')).status).toBe(200);
    expect((await summary(`?communityId=${C.cuiting}`, 'clerk')).status).toBe(404);
    expect((await summary('?communityId=999', 'admin')).status).toBe(404);
  });
});

describe('GET /api/household/openapi.json', () => {
  it('documents the statistics, separation and bulk routes', async () => {
    const res = await api().get('/api/household/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining([
      '/api/household/stats/summary', '/api/household/separation/compare', '/api/household/separation/funnel', '/api/household/separation/tasks/{id}/transitions',
      '/api/household/import/register', '/api/household/import/properties', '/api/household/export/cases.xlsx', '/api/household/export/tasks.xlsx',
    ]));
  });
});
