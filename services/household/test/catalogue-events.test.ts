import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CatalogueChange, EventEnvelope } from '@redheart/shared';
import type { CatalogueEntry } from '../src/modules/applications/catalogue';
import { setup, type TestContext, USERS } from './helper';

// The service catalogue's copy (catalogue_ref) follows the org service's org.catalogue.* events (no polling):
// applied once each (inbox), never back to an older version, malformed ones parked.

let t: TestContext;
/** What the org service's internal list answers (a full resync reads it). */
let orgList: CatalogueEntry[] = [];
beforeAll(async () => {
  t = await setup({ fetchCatalogue: async () => orgList });
  await t.app.catalogue.upsert(t.ds.manager, [
    { id: 9101, code: 'QX-HJ-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证', '租房合同'], timeLimitDays: 7, version: 1 },
  ]);
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const event = (type: string, payload: CatalogueChange, occurredAt = new Date()): EventEnvelope => ({
  id: randomUUID(), type, aggregateId: String(payload.id), orgPath: null, actor: 'admin', occurredAt: occurredAt.toISOString(), payload: payload as unknown as Record<string, unknown>,
});
const row = async (id: number) =>
  (await t.ds.query(`SELECT code, name, category, materials, time_limit_days AS "timeLimitDays", version FROM catalogue_ref WHERE id = $1`, [id]))[0];
const listed = async (q: string) =>
  (await request(t.app.server).get(`/api/household/service-catalogue?q=${encodeURIComponent(q)}`).set(as('clerk'))).body as { items: { id: number; timeLimitDays: number; materials: string[] }[] };

describe('org.catalogue.* events → catalogue_ref', () => {
  it('a service added in org appears in the 一网通办 catalogue when its event is applied', async () => {
    const created = event('org.catalogue.created', { id: 9102, version: 1, code: 'QX-HJ-002', name: '户籍证明开具', category: '户籍服务', materials: ['居民身份证'], timeLimitDays: 1 });
    expect(await t.app.events.apply([created])).toEqual(['done']);
    expect((await listed('户籍证明')).items).toEqual([expect.objectContaining({ id: 9102, timeLimitDays: 1, materials: ['居民身份证'] })]);
    // the same event again (a redelivery) does nothing
    expect(await t.app.events.apply([created])).toEqual(['duplicate']);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM inbox_event WHERE consumer = 'household-catalogue-ref'`))[0].n).toBe(1);
  });

  it('an edit replaces the copy; an older version delivered late never undoes a newer one', async () => {
    const v3 = event('org.catalogue.updated', { id: 9101, version: 3, code: 'QX-HJ-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证'], timeLimitDays: 3 });
    const v2 = event('org.catalogue.updated', { id: 9101, version: 2, code: 'QX-HJ-001', name: '居住证申领（旧）', category: '户籍服务', materials: ['居民身份证', '旧材料'], timeLimitDays: 9 });
    expect(await t.app.events.apply([v3, v2])).toEqual(['done', 'done']);
    expect(await row(9101)).toEqual({ code: 'QX-HJ-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证'], timeLimitDays: 3, version: 3 });
    // a new application takes the edited time limit and materials
    const res = await request(t.app.server).post('/api/household/service-applications').set(as('clerk')).send({ serviceId: 9101, applicantName: '刘洋', applicantPhone: '13905351234', provided: ['居民身份证'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timeLimitDays: 3, checklist: [{ item: '居民身份证', provided: true }] });
  });

  it('a full resync (at start) keeps what an event brought that the list read before it does not have', async () => {
    orgList = [
      { id: 9101, code: 'QX-HJ-001', name: '居住证申领', category: '户籍服务', materials: ['居民身份证', '租房合同'], timeLimitDays: 7, version: 2 },
      { id: 9103, code: 'QX-HJ-003', name: '户口迁移证明', category: '户籍服务', materials: ['户口簿'], timeLimitDays: 5, version: 1 },
    ];
    expect(await t.app.catalogue.sync(t.ds.manager)).toBe(2);
    expect(await row(9101)).toMatchObject({ timeLimitDays: 3, version: 3 });
    expect(await row(9103)).toMatchObject({ code: 'QX-HJ-003', version: 1 });
  });

  it('an entry too big for an event (resync) makes the consumer read the whole list', async () => {
    orgList = [{ id: 9104, code: 'QX-HJ-004', name: '材料很多的事项', category: '户籍服务', materials: Array.from({ length: 50 }, (_, i) => `材料${i + 1}`), timeLimitDays: 20, version: 1 }];
    expect(await t.app.events.apply([event('org.catalogue.created', { id: 9104, version: 1, resync: true })])).toEqual(['done']);
    expect((await row(9104)).materials).toHaveLength(50);
  });

  it('a malformed catalogue event is parked with the reason, not applied and not retried', async () => {
    const bad = event('org.catalogue.updated', { id: 9101, version: 9, code: 'QX-HJ-001', name: '', category: '户籍服务', materials: ['x'], timeLimitDays: -1 });
    const noVersion = { ...event('org.catalogue.created', { id: 9105, version: 1 }), payload: { id: 9105 } };
    expect(await t.app.events.apply([bad, noVersion])).toEqual(['parked', 'parked']);
    expect(await row(9101)).toMatchObject({ version: 3, timeLimitDays: 3 });
    const parked = await t.ds.query(`SELECT consumer, event_id, reason FROM dead_letter ORDER BY id`);
    expect(parked).toEqual([
      { consumer: 'household-catalogue-ref', event_id: bad.id, reason: expect.stringContaining('not a catalogue entry') },
      { consumer: 'household-catalogue-ref', event_id: noVersion.id, reason: expect.stringContaining('without an integer id and version') },
    ]);
  });
});
