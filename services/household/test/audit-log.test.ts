import request from 'supertest';
import { maskResidentId, writeAudit } from '@redheart/shared';
import { C, newId, setup, type TestContext } from './helper';

let t: TestContext;
const clearId = newId();

beforeAll(async () => {
  t = await setup();
  // entries as the service writes them: of a community (龙腾 in 庄园, 翠亭 in 翠屏) and a bulk import (no organisation)
  await writeAudit(t.ds.manager, { actor: { sub: '4', username: 'clerk.longteng', role: 'community_clerk' }, action: 'separation.compare', entityType: 'community', entityId: C.longteng, after: { idNumber: clearId, note: `核对 ${clearId}` } });
  await writeAudit(t.ds.manager, { actor: { sub: '5', username: 'clerk.cuiting', role: 'community_clerk' }, action: 'separation.compare', entityType: 'community', entityId: C.cuiting, after: { rows: 3 } });
  await writeAudit(t.ds.manager, { actor: { sub: '1', username: 'admin', role: 'admin' }, action: 'register.import', entityType: 'household', entityId: 'bulk', after: { created: 2 } });
});
afterAll(async () => t.close());

type Entry = { id: number; action: string; entityType: string; entityId: string; actorUsername: string | null; after: Record<string, unknown> };
const get = (who: string, query = '') => request(t.app.server).get(`/api/household/audit${query}`).set('Authorization', `Bearer ${t.token(who)}`);
const items = async (who: string, query = ''): Promise<Entry[]> => {
  const res = await get(who, query);
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('GET /api/household/audit', () => {
  it('shows an admin every entry, newest first, with ID numbers masked', async () => {
    const all = await items('admin');
    expect(all.map((e) => [e.action, e.entityId])).toEqual([['register.import', 'bulk'], ['separation.compare', String(C.cuiting)], ['separation.compare', String(C.longteng)]]);
    const text = JSON.stringify(all);
    expect(text).not.toContain(clearId);
    expect(all[2].after).toEqual({ idNumber: maskResidentId(clearId), note: `核对 ${maskResidentId(clearId)}` });
  });

  it('shows a street admin only its street’s records', async () => {
    expect((await items('street')).map((e) => e.entityId)).toEqual([String(C.longteng)]);
    expect((await items('streetCuiping')).map((e) => e.entityId)).toEqual([String(C.cuiting)]);
    expect(await items('street', `?recordType=community&recordId=${C.cuiting}`)).toEqual([]);
  });

  it('filters by who and action', async () => {
    expect((await items('admin', '?actor=clerk.cuiting')).map((e) => e.entityId)).toEqual([String(C.cuiting)]);
    expect((await items('admin', '?action=register.')).map((e) => e.action)).toEqual(['register.import']);
  });

  it('reads by numbered pages (the console): the keyset order, the exact total, filters and scope alike', async () => {
    const all = await items('admin');
    const p1 = await get('admin', '?page=1&limit=2');
    expect(p1.status).toBe(200);
    expect(p1.body).toMatchObject({ total: all.length, totalExact: true, page: 1, limit: 2 });
    const p2 = await get('admin', '?page=2&limit=2');
    expect([...p1.body.items, ...p2.body.items].map((e: Entry) => e.id)).toEqual(all.map((e) => e.id));
    expect(JSON.stringify(p1.body)).not.toContain(clearId);
    expect((await get('street', '?page=1')).body).toMatchObject({ total: 1, totalExact: true, items: [expect.objectContaining({ entityId: String(C.longteng) })] });
    expect((await get('admin', '?page=1&actor=clerk.cuiting')).body.total).toBe(1);
  });

  it('refuses other roles (403) and names bad fields (400)', async () => {
    for (const who of ['clerk', 'secretary']) expect((await get(who)).status).toBe(403);
    for (const [query, field] of [['?action=DROP', 'action'], ['?page=0', 'page'], ['?page=1&cursor=abc', 'cursor'], ['?page=1&limit=150', 'limit'], ['?page=101&limit=100', 'page']]) {
      const res = await get('admin', query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });
});
