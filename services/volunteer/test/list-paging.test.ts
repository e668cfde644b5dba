import request from 'supertest';
import { C, setup, type TestContext, U, USERS } from './helper';
import { client } from './client';

// Numbered pages (?page=&limit=) of the lists the console screens show (issue 14): unit reports, members, unit
// scorecards — the rows of the unpaged answer in its order, split into pages, with the exact total; the old
// answer (an array) without `page`; new filters; 400s name the field. And the item filters 我的任务 and 吹哨派单 page by.

let t: TestContext;
let c: ReturnType<typeof client>;
beforeAll(async () => {
  t = await setup();
  c = client(t);
  // Reports of the three units to the three communities (pending and approved), and members in 龙腾.
  for (const unit of [U.ziran, U.jiaoyu, U.gongdian]) {
    for (const community of [C.longteng, C.wanda, C.cuiting]) {
      const live = await t.ds.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status IN ('pending','approved')`, [unit, community]);
      if (live.length) continue;
      await t.ds.query(
        `INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES ($1, $2, '[]', $3, '0535-5210000', $4)`,
        [unit, community, `分页联系人${unit}`, unit === U.gongdian ? 'pending' : 'approved'],
      );
    }
  }
  for (let i = 0; i < 7; i += 1) {
    await t.ds.query(`INSERT INTO member (username, name, community_id, status) VALUES ($1, $2, $3, $4)`, [`paging.member${i}`, `分页党员${i}`, C.longteng, i % 2 ? 'approved' : 'pending']);
  }
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
const ids = (rows: { id?: number; unit?: { id: number } }[]): number[] => rows.map((r) => r.id ?? r.unit!.id);

async function pagesOf(path: string, who: keyof typeof USERS, limit: number): Promise<{ got: number[]; total: number }> {
  const got: number[] = [];
  let total = -1;
  for (let page = 1; ; page += 1) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api().get(`${path}${sep}page=${page}&limit=${limit}`).set(c.as(who));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalExact: true, page, limit });
    total = res.body.total;
    got.push(...ids(res.body.items));
    if (page * limit >= total) break;
  }
  return { got, total };
}

describe.each([
  ['/api/volunteer/reports', 'clerk'],
  ['/api/volunteer/reports?status=approved', 'street'],
  ['/api/volunteer/reports', 'unit'],
  ['/api/volunteer/reports?q=分页联系人', 'admin'],
  ['/api/volunteer/members', 'clerk'],
  ['/api/volunteer/members?status=pending&q=分页', 'secretary'],
  ['/api/volunteer/scorecards/units', 'street'],
] as const)('GET %s as %s', (path, who) => {
  it('pages the unpaged answer with the exact total', async () => {
    const whole = await api().get(path).set(c.as(who));
    expect(whole.status).toBe(200);
    expect(Array.isArray(whole.body)).toBe(true);
    expect(whole.body.length).toBeGreaterThanOrEqual(2);
    const { got, total } = await pagesOf(path, who, 2);
    expect(total).toBe(whole.body.length);
    // Scorecards page in name order (the unpaged answer is by id): the same units.
    if (path.includes('scorecards')) expect([...got].sort()).toEqual(ids(whole.body).sort());
    else expect(got).toEqual(ids(whole.body));
  });
});

describe('page mode of the report lists', () => {
  it('filters by a name: q narrows the total', async () => {
    const all = await api().get('/api/volunteer/members?page=1&limit=100').set(c.as('clerk'));
    const one = await api().get('/api/volunteer/members?page=1&limit=100&q=分页党员3').set(c.as('clerk'));
    expect(one.body).toMatchObject({ total: 1, totalExact: true });
    expect(one.body.items[0]).toMatchObject({ name: '分页党员3', username: 'paging.member3' });
    expect(all.body.total).toBeGreaterThan(one.body.total);
    const units = await api().get(`/api/volunteer/scorecards/units?page=1&limit=10&q=${encodeURIComponent('教育')}`).set(c.as('street'));
    expect(units.body.items.map((r: { unit: { id: number } }) => r.unit.id)).toEqual([U.jiaoyu]);
    expect(units.body.items[0]).toMatchObject({ claims: expect.any(Number), completed: expect.any(Number) });
  });

  it('keeps the scope: another community counts only its own', async () => {
    const res = await api().get('/api/volunteer/members?page=1&limit=10').set(c.as('clerkCuiting'));
    expect(res.body).toMatchObject({ items: [], total: 0, totalExact: true });
    const reports = await api().get('/api/volunteer/reports?page=1&limit=100').set(c.as('clerkCuiting'));
    expect(reports.body.items.every((r: { communityId: number }) => r.communityId === C.cuiting)).toBe(true);
  });

  it.each([
    ['/api/volunteer/reports', 'page=1&limit=0', 'limit'],
    ['/api/volunteer/reports', 'page=1&limit=500', 'limit'],
    ['/api/volunteer/reports', 'page=1001', 'page'],
    ['/api/volunteer/reports', 'page=x', 'page'],
    ['/api/volunteer/members', 'page=0', 'page'],
    ['/api/volunteer/members', 'page=1&q=' + 'x'.repeat(41), 'q'],
    ['/api/volunteer/scorecards/units', 'page=1&limit=101', 'limit'],
    ['/api/volunteer/scorecards/units', 'page=501&limit=100', 'page'],
  ])('%s?%s → 400 naming %s', async (path, query, field) => {
    const res = await api().get(`${path}?${query}`).set(c.as('admin'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBeDefined();
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});

describe('item filters of the paged task lists', () => {
  let scheduled: { id: number };
  let assigned: { id: number };
  beforeAll(async () => {
    // One item the unit claimed and scheduled, one the street assigned after it escalated.
    const a = await c.report({}, 'grid');
    const published = await c.run(a, [[{ action: 'publish', kind: 'unit' }, 'clerk'], [{ action: 'claim' }, 'unit']]);
    const days = await api().get('/api/volunteer/items/' + published.id).set(c.as('unit'));
    expect(days.status).toBe(200);
    const b = await c.report({}, 'grid');
    await c.run(b, [[{ action: 'publish', kind: 'unit' }, 'clerk']]);
    await t.ds.query(`UPDATE item SET status = 'ESCALATED', version = version + 1 WHERE id = $1`, [b.id]);
    const esc = (await api().get('/api/volunteer/items/' + b.id).set(c.as('street'))).body;
    assigned = await c.run(esc, [[{ action: 'assign', unitId: U.ziran, responseDays: 3 }, 'street']]);
    await t.ds.query(`UPDATE item SET scheduled_date = '2031-03-15' WHERE id = $1`, [published.id]);
    scheduled = published;
  });

  it('statuses (several, comma-separated), assigned and scheduledDate narrow the list', async () => {
    const inHand = await api().get('/api/volunteer/items?view=mine&statuses=CLAIMED,SCHEDULED,IN_PROGRESS,DONE&page=1&limit=100').set(c.as('unit'));
    expect(inHand.status).toBe(200);
    expect(inHand.body.items.every((i: { status: string }) => ['CLAIMED', 'SCHEDULED', 'IN_PROGRESS', 'DONE'].includes(i.status))).toBe(true);
    expect(ids(inHand.body.items)).toEqual(expect.arrayContaining([scheduled.id, assigned.id]));
    const delivered = await api().get('/api/volunteer/items?view=mine&statuses=DONE,CONFIRMED,CLOSED&page=1&limit=100').set(c.as('unit'));
    expect(ids(delivered.body.items)).not.toContain(scheduled.id);
    const byStreet = await api().get('/api/volunteer/items?status=CLAIMED&assigned=true&page=1&limit=100').set(c.as('street'));
    expect(ids(byStreet.body.items)).toContain(assigned.id);
    expect(ids(byStreet.body.items)).not.toContain(scheduled.id);
    expect(byStreet.body.items.every((i: { assignedBy: string | null }) => i.assignedBy)).toBe(true);
    const notByStreet = await api().get('/api/volunteer/items?status=CLAIMED&assigned=false&limit=100').set(c.as('street'));
    expect(ids(notByStreet.body.items)).toContain(scheduled.id);
    const onDay = await api().get('/api/volunteer/items?view=mine&scheduledDate=2031-03-15&page=1&limit=1').set(c.as('unit'));
    expect(onDay.body).toMatchObject({ total: 1, totalExact: true });
    expect(ids(onDay.body.items)).toEqual([scheduled.id]);
  });

  it.each([
    ['statuses=CLAIMED,NOPE', 'statuses'],
    ['statuses=', 'statuses'],
    ['assigned=yes', 'assigned'],
    ['scheduledDate=2031-3-1', 'scheduledDate'],
  ])('?%s → 400 naming %s', async (query, field) => {
    const res = await api().get(`/api/volunteer/items?page=1&${query}`).set(c.as('unit'));
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
  });
});
