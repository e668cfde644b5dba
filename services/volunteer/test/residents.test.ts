import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { signTestToken, startTestApp, TEST_COMMUNITIES, type TestApp, testTokens, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../src/data-source';
import type { DeskRef } from '../src/modules/residents/service';
import { C, USERS } from './helper';
import { client } from './client';

/**
 * The org service's desks as its internal route gives them (GET /api/org/internal/desks/:code; that route has its
 * own test in services/org). `orgDown` makes the call fail as an unreachable org service would.
 */
const DESKS: Record<string, DeskRef> = {
  'LT-desk-0001': { code: 'LT-desk-0001', building: '龙腾小区3号楼便民服务站', communityId: C.longteng, communityName: '龙腾社区党委' },
  'CT-desk-0001': { code: 'CT-desk-0001', building: '翠亭小区1号楼便民服务站', communityId: C.cuiting, communityName: '翠亭社区党委' },
};
let orgDown = false;
const fetchDesk = async (code: string) => {
  if (orgDown) throw new Error('connect ECONNREFUSED');
  return DESKS[code] ?? null;
};

let t: TestApp & { token: (who: keyof typeof USERS) => string; sign: (u: (typeof USERS)[string]) => string; category: number };
let c: ReturnType<typeof client>;
beforeAll(async () => {
  const app = await startTestApp({
    url: workerTestDatabaseUrl('volunteer', 'residents'),
    service: 'volunteer',
    create: createVolunteerDataSource,
    migrate: migrateVolunteer,
    poolSize: 20,
    build: (dataSource, keys) => buildApp({
      publicKey: keys.publicKey, dataSource, filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')), fetchDesk,
      residentLimits: { write: { max: 1000 }, read: { max: 1000 } },
    }),
  });
  await app.app.volunteer.communities.upsert(app.ds.manager, TEST_COMMUNITIES);
  await app.ds.query(`INSERT INTO unit_ref (id, name, path) VALUES (11, '栖霞市自然资源和规划局党组', '/1/11/'), (12, '栖霞市教育和体育局党组', '/1/12/'), (13, '国网栖霞市供电公司党委', '/1/13/')`);
  await app.ds.query(`INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES
    (11, 7, '["道路硬化"]', '王科长', '0535-5212345', 'approved'), (13, 7, '["电力维修"]', '李班长', '0535-5219876', 'approved')`);
  const cat = await app.ds.query(`INSERT INTO service_category (code, name, name_en, sort) VALUES ('C01', '环境整治', 'Environment', 1), ('C02', '助老服务', 'Elderly care', 2) RETURNING id`);
  await app.ds.query(`INSERT INTO service_category (code, name, sort, active) VALUES ('C99', '停用类别', 9, false)`);
  await app.ds.query(`INSERT INTO member (username, name, phone, unit_id, community_id, status) VALUES ('member', '刘党员', '13805350001', 11, 7, 'approved')`);
  t = { ...app, category: cat[0].id, token: testTokens(app.keys.privateKey, USERS), sign: (u) => signTestToken(app.keys.privateKey, u) };
  c = client(t as never);
});
afterAll(async () => t.close());

const api = () => request(t.app.server);
const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const count = async (sql: string, params: unknown[] = []) => Number((await t.ds.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n);
const need = (over: Record<string, unknown> = {}) => api().post('/api/volunteer/public/needs').send({
  deskCode: 'LT-desk-0001', categoryId: t.category, description: '3号楼楼道灯坏了一个星期，老人晚上上下楼看不见，我的电话13805351234', contactName: '王大妈', phone: '13805351234', ...over,
});

describe('GET /api/volunteer/public/categories', () => {
  it('lists the active categories without a token', async () => {
    const r = await api().get('/api/volunteer/public/categories');
    expect(r.status).toBe(200);
    expect(r.body.map((x: { code: string }) => x.code)).toEqual(['C01', 'C02']);
    expect(r.body[0]).toEqual({ id: t.category, code: 'C01', name: '环境整治', nameEn: 'Environment' });
  });
});

describe('POST /api/volunteer/public/needs (反映需求 from a desk QR page, no login)', () => {
  let created: { trackingNo: string; itemNo: string };
  beforeAll(async () => {
    const r = await need();
    expect(r.status).toBe(201);
    created = r.body;
  });

  it('lands in the desk\'s community triage as REPORTED with source resident and a 10-character tracking number', async () => {
    expect(created).toMatchObject({ communityName: '龙腾社区党委', deskBuilding: '龙腾小区3号楼便民服务站', status: 'REPORTED' });
    expect(created.trackingNo).toMatch(/^[A-HJ-NP-Z2-9]{10}$/);
    const triage = await api().get('/api/volunteer/items?status=REPORTED&source=resident').set(as('clerk'));
    expect(triage.status).toBe(200);
    const mine = triage.body.items.find((i: { itemNo: string }) => i.itemNo === created.itemNo);
    expect(mine).toMatchObject({ source: 'resident', communityId: C.longteng, place: '龙腾小区3号楼便民服务站', reporterName: '王大妈', trackingNo: created.trackingNo, deskCode: 'LT-desk-0001' });
    expect(mine).not.toHaveProperty('reporterPhone');
    expect(triage.body.items.every((i: { source: string }) => i.source === 'resident')).toBe(true);
    // the clerk sees the phone to call back; the timeline shows the resident as the reporter
    const detail = await api().get(`/api/volunteer/items/${mine.id}`).set(as('clerk'));
    expect(detail.body.reporterPhone).toBe('13805351234');
    expect(detail.body.timeline[0]).toMatchObject({ action: 'report', actorRole: 'resident', toStatus: 'REPORTED' });
    // not in another community's triage
    const other = await api().get('/api/volunteer/items?source=resident').set(as('clerkCuiting'));
    expect(other.status).toBe(200);
    expect(other.body.items.map((i: { itemNo: string }) => i.itemNo)).not.toContain(created.itemNo);
    expect((await api().get(`/api/volunteer/items/${mine.id}`).set(as('clerkCuiting'))).status).toBe(404);
    const audit = await t.ds.query(`SELECT actor_id, after FROM audit_entry WHERE action = 'item.report' AND entity_id = $1`, [String(mine.id)]);
    expect(audit).toHaveLength(1);
    expect(audit[0].after).toMatchObject({ source: 'resident', deskCode: 'LT-desk-0001', trackingNo: created.trackingNo });
  });

  it('is followed by its tracking number (any case, with dashes): status steps, the description masked, nothing about the reporter', async () => {
    const raw = `${created.trackingNo.slice(0, 5).toLowerCase()}-${created.trackingNo.slice(5)}`;
    let r = await api().get(`/api/volunteer/public/needs/${raw}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ trackingNo: created.trackingNo, itemNo: created.itemNo, status: 'REPORTED', communityName: '龙腾社区党委', categoryName: '环境整治', unitName: null });
    expect(r.body.description).toContain('138****1234');
    expect(JSON.stringify(r.body)).not.toMatch(/13805351234|王大妈|clerk|actor/);
    expect(r.body.steps).toEqual([{ action: 'report', fromStatus: null, toStatus: 'REPORTED', at: expect.any(String), reason: null }]);
    // the community publishes it, a unit claims it: the resident sees both steps and who serves
    const id = (await t.ds.query(`SELECT id, version FROM item WHERE tracking_no = $1`, [created.trackingNo]))[0];
    await c.run({ id: Number(id.id), version: id.version }, [[{ action: 'publish' }, 'clerk'], [{ action: 'claim' }, 'unit']]);
    r = await api().get(`/api/volunteer/public/needs/${created.trackingNo}`);
    expect(r.body.status).toBe('CLAIMED');
    expect(r.body.unitName).toBe('栖霞市自然资源和规划局党组');
    expect(r.body.steps.map((s: { action: string }) => s.action)).toEqual(['report', 'publish', 'claim']);
  });

  it('answers 404 for an unknown tracking number and 400 for one that cannot be one', async () => {
    expect((await api().get('/api/volunteer/public/needs/ABCDEFGHJK')).status).toBe(404);
    const bad = await api().get('/api/volunteer/public/needs/O0O0O0O0O0');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: 'trackingNo', code: 'trackingNo', params: { length: 10 } });
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const before = await count('item');
    const cases: [Record<string, unknown>, string][] = [
      [{ phone: '12345' }, 'phone'],
      [{ phone: undefined }, 'phone'],
      [{ description: 'x' }, 'description'],
      [{ categoryId: 'C01' }, 'categoryId'],
      [{ deskCode: '../x' }, 'deskCode'],
      [{ contactName: 'x'.repeat(41) }, 'contactName'],
      [{ source: 'community' }, 'source'],
    ];
    for (const [over, field] of cases) {
      const r = await need(over);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const inactive = await need({ categoryId: (await t.ds.query(`SELECT id FROM service_category WHERE code = 'C99'`))[0].id });
    expect(inactive.status).toBe(400);
    expect(inactive.body.details[0]).toMatchObject({ field: 'categoryId', code: 'inactiveCategory' });
    expect((await need({ deskCode: 'NO-such-desk' })).status).toBe(404);
    expect(await count('item')).toBe(before);
  });

  it('answers 503 and writes nothing while the org service cannot be reached', async () => {
    const before = await count('item');
    orgDown = true;
    try {
      const r = await need();
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('ORG_UNAVAILABLE');
    } finally {
      orgDown = false;
    }
    expect(await count('item')).toBe(before);
  });
});

describe('rating a delivered item once through the link on its completion notice', () => {
  let delivered: { id: number; version: number };
  let other: { id: number; version: number };
  const deliver = async () => c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
    [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2 }], note: '更换楼道灯3盏' }, 'unit'], [{ action: 'confirm', rating: 4 }, 'clerk']]);
  beforeAll(async () => {
    delivered = await deliver();
    other = await deliver();
  });
  const link = (id: number, who: keyof typeof USERS = 'clerk') => api().post(`/api/volunteer/items/${id}/rating-link`).set(as(who));
  const rate = (body: Record<string, unknown>) => api().post('/api/volunteer/public/ratings').send(body);

  it('is issued by the community for a delivered item only', async () => {
    expect((await api().post(`/api/volunteer/items/${delivered.id}/rating-link`)).status).toBe(401);
    expect((await link(delivered.id, 'unit')).status).toBe(403);
    expect((await link(delivered.id, 'clerkCuiting')).status).toBe(404);
    const open = await c.published();
    const notYet = await link(open.id);
    expect(notYet.status).toBe(409);
    expect(notYet.body.code).toBe('WRONG_STATE');
    expect((await link(999999)).status).toBe(404);
  });

  it('shows what is rated, takes the stars once, then 409 ALREADY_RATED; the unit scorecard shows the residents\' average', async () => {
    const first = await link(delivered.id);
    expect(first.status).toBe(201);
    const second = await link(delivered.id);
    expect(second.status).toBe(201);
    // a reprinted notice replaces the earlier link
    expect((await api().get(`/api/volunteer/public/rate/${first.body.token}`)).status).toBe(404);
    const token = second.body.token as string;
    expect(second.body.path).toBe(`/public/rate/${token}`);
    expect(await count(`item_resident_rating WHERE token_hash = $1`, [token])).toBe(0); // only its hash is kept
    const target = await api().get(`/api/volunteer/public/rate/${token}`);
    expect(target.status).toBe(200);
    expect(target.body).toMatchObject({ communityName: '龙腾社区党委', categoryName: '环境整治', unitName: '栖霞市自然资源和规划局党组', rated: false, stars: null });

    const ok = await rate({ token, stars: 5, comment: '修得很及时，谢谢！' });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ stars: 5, ratedAt: expect.any(String) });
    const again = await rate({ token, stars: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_RATED');
    expect((await api().get(`/api/volunteer/public/rate/${token}`)).body).toMatchObject({ rated: true, stars: 5 });
    const relink = await link(delivered.id);
    expect(relink.status).toBe(409);
    expect(relink.body.code).toBe('ALREADY_RATED');
    // the community's own rating at confirmation is untouched
    expect((await t.ds.query(`SELECT rating FROM item WHERE id = $1`, [delivered.id]))[0].rating).toBe(4);
    const card = await api().get('/api/volunteer/scorecards/units/11').set(as('clerk'));
    expect(card.status).toBe(200);
    expect(card.body).toMatchObject({ residentAverageRating: 5, residentRated: 1 });
    const detail = await api().get(`/api/volunteer/items/${delivered.id}`).set(as('clerk'));
    expect(detail.body.timeline.at(-1)).toMatchObject({ action: 'resident_rating', actorRole: 'resident', data: { stars: 5 } });
  });

  it('a token rates only its own item: the other item stays unrated, a forged token is useless', async () => {
    const mine = (await link(other.id)).body.token as string;
    expect((await rate({ token: `${mine.slice(0, -1)}${mine.endsWith('A') ? 'B' : 'A'}`, stars: 3 })).status).toBe(404);
    expect((await rate({ token: 'x'.repeat(32), stars: 3 })).status).toBe(404);
    expect(await count(`item_resident_rating WHERE item_id = $1 AND stars IS NOT NULL`, [other.id])).toBe(0);
    expect((await rate({ token: mine, stars: 2 })).status).toBe(201);
    expect((await t.ds.query(`SELECT stars FROM item_resident_rating WHERE item_id = $1`, [delivered.id]))[0].stars).toBe(5);
    expect((await t.ds.query(`SELECT stars FROM item_resident_rating WHERE item_id = $1`, [other.id]))[0].stars).toBe(2);
  });

  it('refuses bad ratings with 400 naming the field and writes nothing; two ratings at once: one wins, the other 409', async () => {
    const third = await deliver();
    const token = (await link(third.id)).body.token as string;
    const events = await count(`item_event WHERE item_id = $1`, [third.id]);
    for (const [body, field] of [[{ token, stars: 0 }, 'stars'], [{ token, stars: 6 }, 'stars'], [{ token, stars: 4.5 }, 'stars'], [{ token }, 'stars'],
      [{ stars: 4 }, 'token'], [{ token, stars: 4, comment: 'x'.repeat(501) }, 'comment']] as [Record<string, unknown>, string][]) {
      const r = await rate(body);
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await count(`item_resident_rating WHERE item_id = $1 AND stars IS NOT NULL`, [third.id])).toBe(0);
    const both = await Promise.all([rate({ token, stars: 4 }), rate({ token, stars: 1 })]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await count(`item_event WHERE item_id = $1`, [third.id])).toBe(events + 1);
  });
});

describe('the pages without login are rate-limited per address', () => {
  it('answers 429 with Retry-After after the write budget; other addresses go on', async () => {
    const limited = await startTestApp({
      url: workerTestDatabaseUrl('volunteer', 'residents'),
      service: 'volunteer',
      create: createVolunteerDataSource,
      migrate: migrateVolunteer,
      poolSize: 5,
      build: (dataSource, keys) => buildApp({ publicKey: keys.publicKey, dataSource, filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')), fetchDesk, residentLimits: { write: { max: 3 }, read: { max: 2 } } }),
    });
    try {
      const post = (addr: string) => request(limited.app.server).post('/api/volunteer/public/ratings').set('x-forwarded-for', addr).send({ token: 'x'.repeat(32), stars: 3 });
      for (let i = 0; i < 3; i++) expect((await post('10.1.0.1')).status).toBe(404);
      const over = await post('10.1.0.1');
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect((await post('10.1.0.2')).status).toBe(404);
      const get = (addr: string) => request(limited.app.server).get('/api/volunteer/public/needs/ABCDEFGHJK').set('x-forwarded-for', addr);
      expect((await get('10.1.0.3')).status).toBe(404);
      expect((await get('10.1.0.3')).status).toBe(404);
      expect((await get('10.1.0.3')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
