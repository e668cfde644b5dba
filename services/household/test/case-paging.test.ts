import request from 'supertest';
import { C, setup, type TestContext, USERS } from './helper';

// Numbered pages of the case queue (?page=&limit=): the same rows in the same order as the keyset
// walk, a total that is exact up to 1,000 rows and the planner's estimate (labelled) beyond, and 400s
// naming the field for a bad limit, a page past the 10,000-row window, or page and cursor together.

let t: TestContext;
const EXTRA = 70; // more communities than PER_COMMUNITY_WALKS, so the admin's list takes the city-wide walk
const CASES = 1_300;
beforeAll(async () => {
  t = await setup();
  await t.app.communities.upsert(t.ds.manager, Array.from({ length: EXTRA }, (_, i) => ({
    id: 2000 + i, name: `分页社区${i}`, path: `/1/9/${2000 + i}/`, streetName: '测试街道', divisionCode: `3706868${String(i).padStart(5, '0')}`,
  })));
  // The clerk's community gets 100 cases, the street 300, the city more than 1,000.
  const communities = [C.longteng, C.wanda, C.wanda, C.cuiting, ...Array.from({ length: EXTRA }, (_, i) => 2000 + i)];
  await t.ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at)
     SELECT 'HJ2025-' || lpad(i::text, 6, '0'), CASE WHEN i % 3 = 0 THEN 'collective' ELSE 'other' END, 'SUBMITTED',
            CASE WHEN i <= 400 THEN ($1::bigint[])[1 + i % 4] ELSE ($1::bigint[])[5 + i % ($2 - 4)] END, '李娜', 'test',
            timestamptz '2025-01-01' + (i - (CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END)) * interval '1 minute', timestamptz '2025-01-01'
       FROM generate_series(1, $3::int) i`,
    [communities, communities.length, CASES],
  );
  await t.ds.query('ANALYZE move_case');
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const ids = (res: request.Response): number[] => res.body.items.map((c: { id: number }) => Number(c.id));

async function keysetIds(who: keyof typeof USERS, query: string): Promise<number[]> {
  const out: number[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await request(t.app.server).get(`/api/household/cases?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`).set(as(who));
    expect(res.status).toBe(200);
    out.push(...ids(res));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe('GET /api/household/cases?page= — numbered pages', () => {
  it.each([
    ['clerk', '&type=collective'],
    ['street', ''],
    ['street', '&type=collective'],
  ] as const)('gives the %s every row once, in keyset order, with an exact total (%s)', async (who, filter) => {
    const expected = await keysetIds(who, filter);
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThanOrEqual(1000);
    const got: number[] = [];
    for (let page = 1; ; page += 1) {
      const res = await request(t.app.server).get(`/api/household/cases?page=${page}&limit=13${filter}`).set(as(who));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: expected.length, totalExact: true, page, limit: 13 });
      expect(res.body.nextCursor).toBeUndefined();
      if (!res.body.items.length) break;
      got.push(...ids(res));
    }
    expect(got).toEqual(expected);
    expect(new Set(got).size).toBe(got.length);
  });

  it('estimates the total past 1,000 rows (totalExact: false) and still pages the newest-first walk', async () => {
    const [{ n }]: { n: number }[] = await t.ds.query(`SELECT count(*)::int AS n FROM move_case`);
    expect(n).toBeGreaterThan(1000);
    const first = await request(t.app.server).get('/api/household/cases?page=1&limit=50').set(as('admin'));
    expect(first.status).toBe(200);
    expect(first.body.totalExact).toBe(false);
    expect(first.body.total).toBeGreaterThan(1000);
    // An estimate from the planner's statistics: near the real count, not equal by construction.
    expect(first.body.total).toBeGreaterThan(n * 0.5);
    expect(first.body.total).toBeLessThan(n * 2);
    const keyset = await keysetIds('admin', '');
    const page7 = await request(t.app.server).get('/api/household/cases?page=7&limit=50').set(as('admin'));
    expect(ids(first)).toEqual(keyset.slice(0, 50));
    expect(ids(page7)).toEqual(keyset.slice(300, 350));
    // A filter that leaves fewer than 1,000 rows is counted exactly again.
    const collective = await request(t.app.server).get('/api/household/cases?page=1&limit=10&type=collective').set(as('admin'));
    expect(collective.body).toMatchObject({ total: (await keysetIds('admin', '&type=collective')).length, totalExact: true });
  });

  it('an estimated total is corrected by the page: the last (short) page and a page past the end both answer the exact count', async () => {
    const [{ n }]: { n: number }[] = await t.ds.query(`SELECT count(*)::int AS n FROM move_case`);
    // A page size that leaves the last page short.
    const limit = [50, 49, 48, 47].find((l) => n % l !== 0)!;
    const last = Math.ceil(n / limit);
    expect(last * limit).toBeLessThanOrEqual(10_000);
    const first = await request(t.app.server).get(`/api/household/cases?page=1&limit=${limit}`).set(as('admin'));
    expect(first.body.totalExact).toBe(false);
    // The short last page ends the list: its offset plus its rows is the count.
    const lastPage = await request(t.app.server).get(`/api/household/cases?page=${last}&limit=${limit}`).set(as('admin'));
    expect(lastPage.status).toBe(200);
    expect(lastPage.body.items.length).toBe(n - (last - 1) * limit);
    expect(lastPage.body).toMatchObject({ total: n, totalExact: true });
    // Past the end (an estimate above the count offered it): no rows, and the exact count to step back with.
    const past = await request(t.app.server).get(`/api/household/cases?page=${last + 1}&limit=${limit}`).set(as('admin'));
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ items: [], total: n, totalExact: true });
  });

  it('answers past the last page with no rows and the total', async () => {
    const res = await request(t.app.server).get(`/api/household/cases?page=99&limit=100&communityId=${C.longteng}`).set(as('street'));
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.totalExact).toBe(true);
    expect(res.body.total).toBeGreaterThan(0);
  });

  it.each([
    ['page=1&limit=0', 'limit'],
    ['page=1&limit=101', 'limit'],
    ['page=1&limit=abc', 'limit'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=101&limit=100', 'page'],
    ['page=10001', 'page'],
    ['page=1&cursor=abc', 'cursor'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const res = await request(t.app.server).get(`/api/household/cases?${query}`).set(as('clerk'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('says how far numbered pages reach when the page is past the window', async () => {
    const res = await request(t.app.server).get('/api/household/cases?page=201&limit=50').set(as('clerk'));
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('10000');
    expect(res.body.message).toContain('第 200 页');
    const last = await request(t.app.server).get('/api/household/cases?page=200&limit=50').set(as('clerk'));
    expect(last.status).toBe(200);
  });
});
