import request from 'supertest';
import { type AuditRecorded, listAudit } from '@redheart/shared';
import { recordSystemLog } from '../src/modules/system-log/service';
import { ALL_USERS, seedFixture, setup, tokens, type TestContext } from './helper';

/**
 * 系统日志 (GET /api/org/system-log): its filters — service, action (exact or a prefix), who, the record, the time
 * range — alone and together, keyset and numbered pages, its scope and its refusals; and each filter an index walk.
 * The other services' entries are written by the function their audit.recorded consumers call (recordSystemLog);
 * the org service's own arrive with its changes (here a grid created through the API).
 */
let t: TestContext;
let tok: Record<string, string>;
const get = (u: string, path: string) => request(t.app.server).get(path).set('Authorization', `Bearer ${tok[u]}`);

type Entry = { id: number; service: string; auditId: number; action: string; actorUsername: string | null; entityType: string; entityId: string; occurredAt: string };
const LONGTENG = '/1/3/7/';
const CUITING = '/1/2/5/';
const entry = (service: string, auditId: number, action: string, actor: string | null, entityType: string, entityId: string, occurredAt: string, orgPath: string | null): AuditRecorded => ({
  service, auditId, seq: auditId, occurredAt, actorId: null, actorUsername: actor, actorRole: null, action, entityType, entityId, reason: null, requestId: null, orgPath,
});
const seeded = [
  entry('household', 1, 'case.create', 'clerk.longteng', 'move_case', '501', '2026-01-10T08:00:00.000Z', LONGTENG),
  entry('household', 2, 'case.submit', 'clerk.longteng', 'move_case', '501', '2026-01-11T08:00:00.000Z', LONGTENG),
  entry('volunteer', 1, 'item.report', 'secretary.longteng', 'item', '77', '2026-02-01T08:00:00.000Z', LONGTENG),
  entry('volunteer', 2, 'item.close', 'clerk.cuiting', 'item', '78', '2026-02-02T08:00:00.000Z', CUITING),
  entry('notify', 1, 'announcement.publish', 'admin', 'announcement', '9', '2026-03-01T08:00:00.000Z', '/1/'),
  entry('household', 3, 'register.import', 'admin', 'household', 'bulk', '2026-03-05T08:00:00.000Z', null),
];
/** The entries a query answers, as `<service>:<auditId>`, newest first (checked 200). */
async function list(u: string, query: string): Promise<string[]> {
  const res = await get(u, `/api/org/system-log?limit=200&${query}`);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  return (res.body.items as Entry[]).map((e) => `${e.service}:${e.auditId}`);
}

beforeAll(async () => {
  t = await setup();
  const f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
  for (const e of seeded) await recordSystemLog(t.ds.manager, e);
  // a second copy of an entry (a redelivered event) is written once
  await recordSystemLog(t.ds.manager, seeded[0]);
  const grid = await request(t.app.server).post(`/api/org/units/${f.longteng}/grids`).set('Authorization', `Bearer ${tok.admin}`)
    .send({ code: 'S', name: '系统日志网格', households: 10, workerName: '孙网格' });
  expect(grid.status).toBe(201);
});
afterAll(async () => t.close());

describe('the system log’s filters', () => {
  it('lists every service’s entries newest first, each once', async () => {
    const all = await list('admin', '');
    expect(all.slice(1)).toEqual(['household:3', 'notify:1', 'volunteer:2', 'volunteer:1', 'household:2', 'household:1']);
    expect(all[0]).toMatch(/^org:\d+$/);
  });

  it('by service, action (exact and prefix), who (any case), record and time range, alone and together', async () => {
    expect(await list('admin', 'service=volunteer')).toEqual(['volunteer:2', 'volunteer:1']);
    expect(await list('admin', 'service=org')).toHaveLength(1);
    expect(await list('admin', 'action=case.submit')).toEqual(['household:2']);
    expect(await list('admin', 'action=case.')).toEqual(['household:2', 'household:1']);
    expect(await list('admin', 'action=item.&service=household')).toEqual([]);
    expect(await list('admin', 'actor=CLERK.LONGTENG')).toEqual(['household:2', 'household:1']);
    expect(await list('admin', 'actor=admin&service=notify')).toEqual(['notify:1']);
    expect(await list('admin', 'recordType=move_case&recordId=501')).toEqual(['household:2', 'household:1']);
    expect(await list('admin', 'recordType=item')).toEqual(['volunteer:2', 'volunteer:1']);
    const range = `from=${encodeURIComponent('2026-02-01T00:00:00Z')}&to=${encodeURIComponent('2026-03-01T08:00:00Z')}`;
    expect(await list('admin', range)).toEqual(['volunteer:2', 'volunteer:1']);
    expect(await list('admin', `${range}&actor=clerk.cuiting`)).toEqual(['volunteer:2']);
  });

  it('pages by keyset and by number over the same filters', async () => {
    const all = await list('admin', 'action=case.');
    const p1 = await get('admin', '/api/org/system-log?limit=1&action=case.');
    expect(p1.body.nextCursor).toEqual(expect.any(String));
    const p2 = await get('admin', `/api/org/system-log?limit=1&action=case.&cursor=${p1.body.nextCursor}`);
    expect(p2.body.nextCursor).toBeNull();
    expect([...p1.body.items, ...p2.body.items].map((e: Entry) => `${e.service}:${e.auditId}`)).toEqual(all);
    const n1 = await get('admin', '/api/org/system-log?page=2&limit=2&service=household');
    expect(n1.body).toMatchObject({ total: 3, totalExact: true, page: 2, limit: 2 });
    expect(n1.body.items.map((e: Entry) => `${e.service}:${e.auditId}`)).toEqual(['household:1']);
  });

  it('a street admin reads its street’s entries; a clerk is refused; bad filters are 400 naming the field', async () => {
    expect((await list('street.zhuangyuan', '')).filter((e) => !e.startsWith('org:'))).toEqual(['volunteer:1', 'household:2', 'household:1']);
    expect(await list('street.cuiping', '')).toEqual(['volunteer:2']);
    expect((await get('clerk.longteng', '/api/org/system-log')).status).toBe(403);
    expect((await get('secretary.longteng', '/api/org/system-log?service=household')).status).toBe(403);
    const bad = async (query: string, field: string) => {
      const res = await get('admin', `/api/org/system-log?${query}`);
      expect({ query, status: res.status, code: res.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(res.body)).toContain(field);
    };
    await bad('service=mail', 'service');
    await bad(`from=${encodeURIComponent('2026-03-01T00:00:00Z')}&to=${encodeURIComponent('2026-02-01T00:00:00Z')}`, 'to');
    await bad('recordId=501', 'recordType');
    await bad('action=DROP%20TABLE', 'action');
  });

  it('each filter is an index walk (the query the route runs, over 30,000 entries)', async () => {
    await t.ds.query(`INSERT INTO system_log (service, audit_id, occurred_at, actor_username, action, entity_type, entity_id, org_path)
      SELECT 'volunteer', 1000 + g, timestamptz '2025-01-01' + g * interval '1 minute', 'filler.' || (g % 500), 'filler.' || (g % 300), 'filler', g::text, '/1/3/7/'
      FROM generate_series(1, 30000) g`);
    await t.ds.query('ANALYZE system_log');
    const plan = async (q: Record<string, string>, service?: string) => {
      let text = '';
      await listAudit(
        async (sql, params) => {
          const rows: { 'QUERY PLAN': string }[] = await t.ds.query(`EXPLAIN ${sql}`, params);
          text = rows.map((r) => r['QUERY PLAN']).join('\n');
          return [];
        },
        'a.org_path', q, null, true,
        { table: 'system_log', columns: 'a.id', filters: service ? [{ sql: (n) => `a.service = $${n}`, value: service }] : [] },
      );
      return text;
    };
    expect(await plan({ action: 'case.' })).toContain('system_log_action_idx');
    expect(await plan({ action: 'case.submit' })).toContain('system_log_action_idx');
    expect(await plan({ recordType: 'move_case', recordId: '501' })).toContain('system_log_record_idx');
    expect(await plan({ from: '2026-02-01T00:00:00Z', to: '2026-02-03T00:00:00Z' })).toContain('system_log_occurred_idx');
    expect(await plan({ actor: 'clerk.cuiting' })).toContain('system_log_actor_idx');
    // the service: its own index, or the (service, audit id) key's, both by service first
    expect(await plan({}, 'notify')).toMatch(/system_log_service_(idx|audit_id_key)/);
  });
});
