import request from 'supertest';
import { writeAudit } from '@redheart/shared';
import { setup, type TestContext } from './helper';

let t: TestContext;

beforeAll(async () => {
  t = await setup();
  await writeAudit(t.ds.manager, { actor: { sub: '1', username: 'admin', role: 'admin' }, action: 'category.create', entityType: 'service_category', entityId: 1, after: { name: '助老' } });
  await writeAudit(t.ds.manager, { actor: { sub: '4', username: 'clerk.longteng', role: 'community_clerk' }, action: 'item.report', entityType: 'item', entityId: 987654, after: { note: 'no such item' } });
});
afterAll(async () => t.close());

const get = (who: string, query = '') => request(t.app.server).get(`/api/volunteer/audit${query}`).set('Authorization', `Bearer ${t.token(who)}`);

describe('GET /api/volunteer/audit', () => {
  it('shows an admin the county lists’ entries, a street admin none of them (they belong to no street)', async () => {
    const admin = await get('admin', '?recordType=service_category');
    expect(admin.status).toBe(200);
    expect(admin.body.items.map((e: { action: string }) => e.action)).toEqual(['category.create']);
    const street = await get('street', '?limit=200');
    expect(street.status).toBe(200);
    expect(street.body.items.map((e: { entityType: string }) => e.entityType)).not.toContain('service_category');
    // an entry of a record that is not there (no community): not the street's
    expect(street.body.items.map((e: { entityId: string }) => e.entityId)).not.toContain('987654');
    expect((await get('admin', '?actor=clerk.longteng')).body.items).toHaveLength(1);
  });

  it('refuses other roles (403) and pages with a cursor', async () => {
    expect((await get('clerk')).status).toBe(403);
    const p1 = await get('admin', '?limit=1');
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await get('admin', `?limit=1&cursor=${p1.body.nextCursor}`);
    expect(p2.body.items[0].id).toBeLessThan(p1.body.items[0].id);
  });
});
