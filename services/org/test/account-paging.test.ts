import request from 'supertest';
import { seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

// 账号管理 by numbered pages (?page=&limit=): the keyset walk's rows in its order, split into pages,
// with an exact total; the filters apply to the total too; 400s name the field.

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ['admin', 'street.zhuangyuan']);
  // A few more clerks so the pages are several.
  for (let i = 0; i < 9; i += 1) {
    const r = await api().post('/api/org/accounts').set(as('admin')).send({ username: `clerk.page${i}`, displayName: `分页社工${i}`, role: 'community_clerk', orgId: i % 2 ? f.longteng : f.wanda });
    if (r.status !== 201) throw new Error(`create failed ${r.status} ${JSON.stringify(r.body)}`);
  }
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
const as = (who: string) => ({ Authorization: `Bearer ${tok[who]}` });
const names = (res: request.Response): string[] => res.body.items.map((a: { username: string }) => a.username);

async function keyset(who: string, filter: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const res: request.Response = await api().get(`/api/org/accounts?limit=100${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`).set(as(who));
    expect(res.status).toBe(200);
    out.push(...names(res));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe('GET /api/org/accounts?page=', () => {
  it.each([
    ['admin', ''],
    ['admin', '&role=community_clerk'],
    ['street.zhuangyuan', ''],
  ])('gives %s every account once, in keyset order, with the exact total (%s)', async (who, filter) => {
    const expected = await keyset(who, filter);
    expect(expected.length).toBeGreaterThan(4);
    const got: string[] = [];
    for (let page = 1; page <= Math.ceil(expected.length / 4); page += 1) {
      const res = await api().get(`/api/org/accounts?page=${page}&limit=4${filter}`).set(as(who));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: expected.length, totalExact: true, page, limit: 4 });
      got.push(...names(res));
    }
    expect(got).toEqual(expected);
  });

  it('refuses a bad limit, a page past the window, and page with cursor (400 naming the field)', async () => {
    for (const [query, field] of [['page=1&limit=101', 'limit'], ['page=0', 'page'], ['page=501&limit=20', 'page'], ['page=1&cursor=x', 'cursor']]) {
      const res = await api().get(`/api/org/accounts?${query}`).set(as('admin'));
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });
});
