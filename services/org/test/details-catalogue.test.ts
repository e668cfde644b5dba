import request from 'supertest';
import { ALL_USERS, INTERNAL_TOKEN, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const get = (u: string, path: string) => request(t.app.server).get(path).set(auth(u));
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const patch = (u: string, path: string, body: object) => request(t.app.server).patch(path).set(auth(u)).send(body);
const put = (u: string, path: string, body: object) => request(t.app.server).put(path).set(auth(u)).send(body);

beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
});
afterAll(async () => t.close());

const offers = (unit: number) => `/api/org/units/${unit}/catalogue`;
const ids: Record<string, number> = {};

describe('POST /api/org/catalogue', () => {
  it('adds services (admin) and audits them', async () => {
    const entries = [
      { code: 'JY-001', name: '就业登记', category: '就业创业', materials: ['居民身份证', '户口簿'], timeLimitDays: 1 },
      { code: 'SB-001', name: '城乡居民养老保险参保登记', category: '社会保险', materials: ['居民身份证'], timeLimitDays: 3, description: '16周岁以上' },
      { code: 'YL-001', name: '高龄津贴申领', category: '养老服务', materials: ['居民身份证', '银行卡'], timeLimitDays: 10 },
    ];
    for (const e of entries) {
      const res = await post('admin', '/api/org/catalogue', e);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ ...e, communityCount: 0, version: 1 });
      ids[e.code] = res.body.id;
    }
    const audit = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'catalogue.create'`);
    expect(audit[0].n).toBe(3);
  });

  it('returns 409 for a taken code', async () => {
    const res = await post('admin', '/api/org/catalogue', { code: 'JY-001', name: '重复', category: '就业创业', materials: [], timeLimitDays: 1 });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CODE_TAKEN');
  });

  it('returns 400 for bad input', async () => {
    const ok = { code: 'X-1', name: 'x', category: 'c', materials: [], timeLimitDays: 1 };
    expect((await post('admin', '/api/org/catalogue', { ...ok, materials: '身份证' })).status).toBe(400);
    expect((await post('admin', '/api/org/catalogue', { ...ok, materials: [1] })).status).toBe(400);
    expect((await post('admin', '/api/org/catalogue', { ...ok, timeLimitDays: -1 })).status).toBe(400);
    expect((await post('admin', '/api/org/catalogue', { ...ok, code: '' })).status).toBe(400);
    expect((await post('admin', '/api/org/catalogue', { ...ok, id: 5 })).status).toBe(400);
  });

  it('returns 403 for anyone but an admin and 401 without a token', async () => {
    const body = { code: 'X-2', name: 'x', category: 'c', materials: [], timeLimitDays: 1 };
    expect((await post('street.zhuangyuan', '/api/org/catalogue', body)).status).toBe(403);
    expect((await post('secretary.longteng', '/api/org/catalogue', body)).status).toBe(403);
    expect((await request(t.app.server).post('/api/org/catalogue').send(body)).status).toBe(401);
  });
});

describe('PUT /api/org/units/:id/catalogue', () => {
  it('sets what a community offers in one step, and audits before and after', async () => {
    const first = await put('secretary.longteng', offers(f.longteng), { serviceIds: [ids['JY-001'], ids['SB-001']] });
    expect(first.status).toBe(200);
    expect(first.body.map((s: { code: string }) => s.code)).toEqual(['JY-001', 'SB-001']);
    const second = await put('street.zhuangyuan', offers(f.longteng), { serviceIds: [ids['SB-001'], ids['YL-001']], reason: '调整' });
    expect(second.status).toBe(200);
    expect(second.body.map((s: { code: string }) => s.code).sort()).toEqual(['SB-001', 'YL-001']);
    expect((await put('admin', offers(f.wanda), { serviceIds: [ids['SB-001']] })).status).toBe(200);
    const audit = await t.ds.query(
      `SELECT before, after, reason FROM audit_entry WHERE action = 'community_catalogue.set' AND entity_id = $1 ORDER BY id`,
      [String(f.longteng)],
    );
    expect(audit[1]).toEqual({
      before: { serviceIds: [ids['JY-001'], ids['SB-001']] }, after: { serviceIds: [ids['SB-001'], ids['YL-001']].sort((a, b) => a - b) }, reason: '调整',
    });
  });

  it('returns 400 for unknown services (and changes nothing), duplicates, non-communities', async () => {
    const unknown = await put('admin', offers(f.longteng), { serviceIds: [ids['JY-001'], 999999] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_SERVICE');
    expect((await get('admin', offers(f.longteng))).body.map((s: { code: string }) => s.code).sort()).toEqual(['SB-001', 'YL-001']);
    expect((await put('admin', offers(f.longteng), { serviceIds: [ids['JY-001'], ids['JY-001']] })).status).toBe(400);
    expect((await put('admin', offers(f.longteng), { serviceIds: ['a'] })).status).toBe(400);
    expect((await put('admin', offers(f.longteng), {})).status).toBe(400);
    expect((await put('admin', offers(f.zhuangyuan), { serviceIds: [] })).status).toBe(400);
  });

  it('returns 403 for read-only roles, 404 outside scope, 401 without a token', async () => {
    expect((await put('clerk.longteng', offers(f.longteng), { serviceIds: [] })).status).toBe(403);
    expect((await put('secretary.longteng', offers(f.wanda), { serviceIds: [] })).status).toBe(404);
    expect((await put('street.cuiping', offers(f.longteng), { serviceIds: [] })).status).toBe(404);
    expect((await request(t.app.server).put(offers(f.longteng)).send({ serviceIds: [] })).status).toBe(401);
  });
});

describe('GET /api/org/catalogue', () => {
  it('lists the catalogue for every logged-in role with how many communities offer each', async () => {
    for (const u of ['member', 'unit.staff', 'clerk.cuiting', 'admin']) {
      const res = await get(u, '/api/org/catalogue');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
    }
    const all = (await get('member', '/api/org/catalogue')).body as { code: string; communityCount: number; materials: string[] }[];
    expect(Object.fromEntries(all.map((s) => [s.code, s.communityCount]))).toEqual({ 'JY-001': 0, 'SB-001': 2, 'YL-001': 1 });
    expect(all.find((s) => s.code === 'YL-001')!.materials).toEqual(['居民身份证', '银行卡']);
  });

  it('filters by text (name or code, wildcards literal) and by category', async () => {
    expect((await get('member', `/api/org/catalogue?q=${encodeURIComponent('养老')}`)).body.map((s: { code: string }) => s.code)).toEqual(['SB-001']);
    expect((await get('member', `/api/org/catalogue?q=${encodeURIComponent('申领')}`)).body.map((s: { code: string }) => s.code)).toEqual(['YL-001']);
    expect((await get('member', '/api/org/catalogue?q=jy-0')).body.map((s: { code: string }) => s.code)).toEqual(['JY-001']);
    expect((await get('member', `/api/org/catalogue?category=${encodeURIComponent('社会保险')}`)).body.map((s: { code: string }) => s.code)).toEqual(['SB-001']);
    expect((await get('member', '/api/org/catalogue?q=%25')).body).toEqual([]);
  });

  it('returns 400 for unknown query fields and 401 without a token', async () => {
    expect((await get('member', '/api/org/catalogue?sort=name')).status).toBe(400);
    expect((await request(t.app.server).get('/api/org/catalogue')).status).toBe(401);
  });
});

describe('GET /api/org/units/:id/catalogue', () => {
  it('lists what a community offers', async () => {
    const res = await get('clerk.longteng', offers(f.longteng));
    expect(res.status).toBe(200);
    expect(res.body.map((s: { code: string }) => s.code).sort()).toEqual(['SB-001', 'YL-001']);
  });

  it('returns 400 off a community, 404 outside scope, 401 without a token', async () => {
    expect((await get('admin', offers(f.zhuangyuan))).status).toBe(400);
    expect((await get('clerk.cuiting', offers(f.longteng))).status).toBe(404);
    expect((await request(t.app.server).get(offers(f.longteng))).status).toBe(401);
  });
});

describe('PATCH /api/org/catalogue/:id', () => {
  it('edits with the current version (admin), 409 for the stale one', async () => {
    const res = await patch('admin', `/api/org/catalogue/${ids['YL-001']}`, { version: 1, timeLimitDays: 5, materials: ['居民身份证'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 2, timeLimitDays: 5, materials: ['居民身份证'], communityCount: 1 });
    expect((await patch('admin', `/api/org/catalogue/${ids['YL-001']}`, { version: 1, timeLimitDays: 6 })).status).toBe(409);
  });

  it('returns 409 for a taken code, 400 for bad input, 403, 404, 401', async () => {
    expect((await patch('admin', `/api/org/catalogue/${ids['YL-001']}`, { version: 2, code: 'JY-001' })).status).toBe(409);
    expect((await patch('admin', `/api/org/catalogue/${ids['YL-001']}`, { timeLimitDays: 6 })).status).toBe(400);
    expect((await patch('admin', `/api/org/catalogue/${ids['YL-001']}`, { version: 2, timeLimitDays: 'six' })).status).toBe(400);
    expect((await patch('street.zhuangyuan', `/api/org/catalogue/${ids['YL-001']}`, { version: 2, timeLimitDays: 6 })).status).toBe(403);
    expect((await patch('admin', '/api/org/catalogue/999999', { version: 1, timeLimitDays: 6 })).status).toBe(404);
    expect((await request(t.app.server).patch(`/api/org/catalogue/${ids['YL-001']}`).send({ version: 2 })).status).toBe(401);
  });
});

describe('org.catalogue.* events (the household service copies the catalogue from them)', () => {
  type Row = { type: string; aggregate_id: string; org_path: string | null; actor: string | null; payload: Record<string, unknown>; published_at: Date | null };
  const events = async (id: number): Promise<Row[]> =>
    t.ds.query(`SELECT type, aggregate_id, org_path, actor, payload, published_at FROM outbox_event WHERE type LIKE 'org.catalogue.%' AND aggregate_id = $1 ORDER BY seq`, [String(id)]);
  const countAll = async (): Promise<number> => (await t.ds.query(`SELECT count(*)::int AS n FROM outbox_event WHERE type LIKE 'org.catalogue.%'`))[0].n;

  it('an added service writes one org.catalogue.created with the entry as household copies it', async () => {
    const res = await post('admin', '/api/org/catalogue', { code: 'EV-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证', '租房合同'], timeLimitDays: 7, description: '不随事件发送' });
    expect(res.status).toBe(201);
    ids['EV-001'] = res.body.id;
    expect(await events(res.body.id)).toEqual([{
      type: 'org.catalogue.created', aggregate_id: String(res.body.id), org_path: null, actor: 'admin', published_at: null,
      payload: { id: res.body.id, version: 1, code: 'EV-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证', '租房合同'], timeLimitDays: 7 },
    }]);
  });

  it('an edit writes org.catalogue.updated with the new version; refused edits and additions write none', async () => {
    const before = await countAll();
    expect((await post('admin', '/api/org/catalogue', { code: 'EV-001', name: '重复', category: '户籍服务', materials: [], timeLimitDays: 1 })).status).toBe(409);
    expect((await patch('admin', `/api/org/catalogue/${ids['EV-001']}`, { version: 7, timeLimitDays: 3 })).status).toBe(409);
    expect((await patch('admin', `/api/org/catalogue/${ids['EV-001']}`, { version: 1, code: 'JY-001' })).status).toBe(409);
    expect((await patch('street.zhuangyuan', `/api/org/catalogue/${ids['EV-001']}`, { version: 1, timeLimitDays: 3 })).status).toBe(403);
    expect(await countAll()).toBe(before);
    const res = await patch('admin', `/api/org/catalogue/${ids['EV-001']}`, { version: 1, timeLimitDays: 3, materials: ['居民身份证'] });
    expect(res.status).toBe(200);
    const [, updated] = await events(ids['EV-001']);
    expect(updated).toMatchObject({ type: 'org.catalogue.updated', actor: 'admin', payload: { id: ids['EV-001'], version: 2, code: 'EV-001', materials: ['居民身份证'], timeLimitDays: 3 } });
    expect(await countAll()).toBe(before + 1);
  });

  it('the event is written in the change’s transaction: when writing it fails, the change is not made either', async () => {
    // a trigger (as the owner) refuses this one event: the addition must roll back with it
    await t.ds.query(`CREATE FUNCTION test_refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.payload->>'code' = 'EV-FAIL' THEN RAISE EXCEPTION 'forced failure of the event row'; END IF; RETURN NEW; END $$`);
    await t.ds.query(`CREATE TRIGGER test_refuse_event BEFORE INSERT ON outbox_event FOR EACH ROW EXECUTE FUNCTION test_refuse_event()`);
    try {
      const before = await countAll();
      const res = await post('admin', '/api/org/catalogue', { code: 'EV-FAIL', name: '事件失败', category: '户籍服务', materials: [], timeLimitDays: 1 });
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect((await t.ds.query(`SELECT count(*)::int AS n FROM catalogue_service WHERE code = 'EV-FAIL'`))[0].n).toBe(0);
      expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'catalogue.create' AND after->>'code' = 'EV-FAIL'`))[0].n).toBe(0);
      expect(await countAll()).toBe(before);
    } finally {
      await t.ds.query(`DROP TRIGGER test_refuse_event ON outbox_event`);
      await t.ds.query(`DROP FUNCTION test_refuse_event()`);
    }
  });

  it('an entry too big for an event (50 long materials) travels as a resync', async () => {
    const materials = Array.from({ length: 50 }, (_, i) => `${i + 1}、${'证明材料'.repeat(49)}`);
    const res = await post('admin', '/api/org/catalogue', { code: 'EV-BIG', name: '材料很多的事项', category: '户籍服务', materials, timeLimitDays: 20 });
    expect(res.status).toBe(201);
    expect((await events(res.body.id)).map((e) => e.payload)).toEqual([{ id: res.body.id, version: 1, resync: true }]);
  });

  it('the internal list carries each entry’s version (the household copy keeps the highest)', async () => {
    const res = await request(t.app.server).get('/api/org/internal/catalogue').set('x-internal-token', INTERNAL_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body.find((s: { id: number }) => s.id === ids['EV-001'])).toMatchObject({ code: 'EV-001', version: 2, timeLimitDays: 3 });
  });
});
