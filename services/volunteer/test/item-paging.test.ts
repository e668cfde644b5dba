import request from 'supertest';
import { setup, type TestContext, USERS } from './helper';

// 服务事项 by numbered pages (?page=&limit=): the keyset walk's rows in its order, split into pages,
// an exact total that follows the filters; 400s name the field.

let t: TestContext;
beforeAll(async () => {
  t = await setup();
  for (let i = 0; i < 7; i += 1) {
    const r = await api().post('/api/volunteer/items').set(as('grid')).send({ categoryId: t.category, place: `分页小区${i}号楼`, description: '楼道照明损坏，老人夜间出行不便' });
    if (r.status !== 201) throw new Error(`report failed ${r.status} ${JSON.stringify(r.body)}`);
  }
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const ids = (res: request.Response): number[] => res.body.items.map((i: { id: number }) => i.id);

describe('GET /api/volunteer/items?page=', () => {
  it.each(['', '&q=分页小区', '&status=REPORTED'])('pages the keyset order with the exact total (%s)', async (filter) => {
    const keyset = await api().get(`/api/volunteer/items?limit=100${filter}`).set(as('clerk'));
    expect(keyset.status).toBe(200);
    expect(keyset.body.nextCursor).toBeNull();
    const expected = ids(keyset);
    expect(expected.length).toBeGreaterThanOrEqual(7);
    const got: number[] = [];
    for (let page = 1; page <= Math.ceil(expected.length / 3); page += 1) {
      const res = await api().get(`/api/volunteer/items?page=${page}&limit=3${filter}`).set(as('clerk'));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: expected.length, totalExact: true, page, limit: 3 });
      got.push(...ids(res));
    }
    expect(got).toEqual(expected);
  });

  it('keeps the scope: another community’s clerk counts none', async () => {
    const res = await api().get('/api/volunteer/items?page=1&limit=10').set(as('clerkCuiting'));
    expect(res.body).toMatchObject({ items: [], total: 0, totalExact: true });
  });

  it('refuses a bad limit, a page past the window, and page with cursor (400 naming the field)', async () => {
    for (const [query, field] of [['page=1&limit=0', 'limit'], ['page=1&limit=500', 'limit'], ['page=1001', 'page'], ['page=1&cursor=x', 'cursor']]) {
      const res = await api().get(`/api/volunteer/items?${query}`).set(as('clerk'));
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });
});
