import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { event, type NotifyTest, setup } from './helper';

// The live stream (GET /api/notify/stream): a single-use ticket for the token, new notifications pushed
// as Server-Sent Events when the insert trigger announces them (pg_notify), heartbeats, Last-Event-ID replay.
let t: NotifyTest;
let port: number;
beforeAll(async () => {
  t = await setup({ stream: { heartbeatMs: 200 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
  await t.app.notificationStreams.ready();
});
afterAll(async () => {
  await t?.close();
});

const api = () => request(t.app.server);
const deliver = (...events: unknown[]) => api().post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events });
const approved = (caseId: number, createdBy = '4') =>
  event('household.case.approved', { caseId, caseNo: `HJ2026-${String(caseId).padStart(6, '0')}`, communityId: 7, communityName: '龙腾社区党委', createdBy, actorId: '3' });

async function ticket(who: Parameters<NotifyTest['token']>[0]): Promise<string> {
  const res = await api().post('/api/notify/stream/ticket').set('authorization', `Bearer ${t.token(who)}`);
  expect(res.status).toBe(200);
  expect(res.body.expiresIn).toBeGreaterThan(0);
  return res.body.ticket as string;
}

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** An open stream: its parsed events and comments as they arrive. */
async function open(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; events: SseEvent[]; body: string; close: () => void; until: (pred: (e: SseEvent[]) => boolean) => Promise<SseEvent[]> }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
      const events: SseEvent[] = [];
      let buf = '';
      let body = '';
      const out = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        get body() {
          return body;
        },
        close: () => req.destroy(),
        until: async (pred: (e: SseEvent[]) => boolean) => {
          while (!pred(events)) await new Promise((r) => setTimeout(r, 20));
          return events;
        },
      };
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) e.comment = line.slice(1).trim();
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.data = line.slice(6);
          }
          events.push(e);
        }
      });
      resolve(out);
    });
    req.on('error', reject);
  });
}

jest.setTimeout(60_000);

const notifications = (events: SseEvent[]) => events.filter((e) => e.event === 'notification').map((e) => ({ id: Number(e.id), ...JSON.parse(e.data as string) }));

describe('tickets', () => {
  test('a ticket needs a token; the stream needs a ticket', async () => {
    await api().post('/api/notify/stream/ticket').expect(401);
    const res = await api().get('/api/notify/stream');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TICKET');
  });

  test('a ticket is single use: the second stream with it gets 401', async () => {
    const tk = await ticket('clerk');
    const first = await open(`/api/notify/stream?ticket=${tk}`);
    expect(first.status).toBe(200);
    first.close();
    const again = await api().get(`/api/notify/stream?ticket=${tk}`);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_TICKET');
  });

  test('an expired ticket gets 401 (and is gone); an unknown one too', async () => {
    const tk = await ticket('clerk');
    await t.ds.query(`UPDATE stream_ticket SET expires_at = now() - interval '1 second'`);
    const res = await api().get(`/api/notify/stream?ticket=${tk}`);
    expect(res.status).toBe(401);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM stream_ticket`))[0].n).toBe(0);
    await api().get('/api/notify/stream?ticket=no-such-ticket').expect(401);
  });

  test('only the ticket’s hash is stored', async () => {
    const tk = await ticket('clerk');
    const rows: { ticket_hash: string }[] = await t.ds.query(`SELECT ticket_hash FROM stream_ticket`);
    expect(rows.some((r) => r.ticket_hash === tk)).toBe(false);
    expect(rows.length).toBe(1);
    await t.ds.query(`DELETE FROM stream_ticket`);
  });

  test('a malformed Last-Event-ID is a 400 naming the field', async () => {
    const res = await api().get(`/api/notify/stream?ticket=${await ticket('clerk')}&lastEventId=abc`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('lastEventId');
  });
});

describe('the stream', () => {
  test('text/event-stream with heartbeats; a notification inserted after connect arrives on its addressee’s stream only', async () => {
    const clerk = await open(`/api/notify/stream?ticket=${await ticket('clerk')}`);
    const other = await open(`/api/notify/stream?ticket=${await ticket('clerkCuiting')}`);
    expect(clerk.status).toBe(200);
    expect(clerk.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(clerk.headers['cache-control']).toBe('no-store');
    expect(clerk.headers['x-accel-buffering']).toBe('no');
    await clerk.until((e) => e.some((x) => x.comment?.startsWith('heartbeat')));
    expect(clerk.body.startsWith('retry: ')).toBe(true);
    await deliver(approved(101));
    const [n] = notifications(await clerk.until((e) => notifications(e).length === 1));
    expect(n).toMatchObject({ kind: 'case_approved', recordType: 'case', recordId: '101', params: { caseNo: 'HJ2026-000101' }, read: false });
    const [row] = await t.ds.query(`SELECT id FROM notification WHERE record_id = '101'`);
    expect(n.id).toBe(Number(row.id));
    // the other community's clerk got heartbeats, and nothing else
    await other.until((e) => e.filter((x) => x.comment?.startsWith('heartbeat')).length >= 2);
    expect(notifications(other.events)).toEqual([]);
    clerk.close();
    other.close();
  });

  test('a muted kind is not sent on the stream; an announcement to the community is, live', async () => {
    await api().put('/api/notify/preferences').set('authorization', `Bearer ${t.token('clerk')}`).send({ muted: ['case_approved'] }).expect(200);
    try {
      const clerk = await open(`/api/notify/stream?ticket=${await ticket('clerk')}`);
      await clerk.until((e) => e.some((x) => x.comment?.startsWith('heartbeat')));
      await deliver(approved(131));
      const published = await api().post('/api/notify/announcements').set('authorization', `Bearer ${t.token('street')}`)
        .send({ title: '实时公告', body: '实时推送测试', scopeOrgId: 7, scopePath: '/1/3/7/', scopeName: '龙腾社区党委' }).expect(201);
      const got = notifications(await clerk.until((e) => notifications(e).some((n) => n.kind === 'announcement')));
      expect(got.map((n) => [n.kind, n.recordId])).toEqual([['announcement', String(published.body.id)]]);
      clerk.close();
    } finally {
      await api().put('/api/notify/preferences').set('authorization', `Bearer ${t.token('clerk')}`).send({ muted: [] }).expect(200);
    }
  });

  test('a notification written by another process (any replica: straight into the database) reaches the stream', async () => {
    const s = await open(`/api/notify/stream?ticket=${await ticket('unit')}`);
    await s.until((e) => e.length > 0);
    await t.ds.query(
      `INSERT INTO notification (event_id, rule, kind, recipient_role, recipient_org_id, record_type, record_id, params)
       VALUES (gen_random_uuid(), 'item-assigned-unit', 'item_assigned', 'unit_staff', 11, 'item', '909', '{"itemNo":"XQ2026-0909"}')`,
    );
    const [n] = notifications(await s.until((e) => notifications(e).length === 1));
    expect(n).toMatchObject({ kind: 'item_assigned', recordId: '909' });
    s.close();
  });

  test('notifications committing out of id order all arrive (the lower id committed after the higher one was sent)', async () => {
    const s = await open(`/api/notify/stream?ticket=${await ticket('unit')}`);
    await s.until((e) => e.length > 0);
    const insert = (recordId: string) =>
      `INSERT INTO notification (event_id, rule, kind, recipient_role, recipient_org_id, record_type, record_id, params)
       VALUES (gen_random_uuid(), 'item-assigned-unit', 'item_assigned', 'unit_staff', 11, 'item', '${recordId}', '{"itemNo":"XQ2026-${recordId}"}') RETURNING id`;
    // the first transaction takes the lower id and stays open while the second commits and is sent
    const early = t.ds.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    const [{ id: low }] = await early.query(insert('0931'));
    const [{ id: high }] = await t.ds.query(insert('0932'));
    expect(Number(high)).toBeGreaterThan(Number(low));
    await s.until((e) => notifications(e).length === 1);
    await early.commitTransaction();
    await early.release();
    const got = notifications(await s.until((e) => notifications(e).length === 2));
    expect(got.map((n) => n.recordId)).toEqual(['0932', '0931']);
    s.close();
  });

  test('Last-Event-ID replays what was missed, oldest first, then goes on live', async () => {
    await deliver(approved(201));
    const [{ id: seen }] = await t.ds.query(`SELECT id FROM notification WHERE record_id = '201'`);
    await deliver(approved(202), approved(203));
    const s = await open(`/api/notify/stream?ticket=${await ticket('clerk')}`, { 'last-event-id': String(seen) });
    const replayed = notifications(await s.until((e) => notifications(e).length === 2));
    expect(replayed.map((n) => n.recordId)).toEqual(['202', '203']);
    await deliver(approved(204));
    const all = notifications(await s.until((e) => notifications(e).length === 3));
    expect(all.map((n) => n.recordId)).toEqual(['202', '203', '204']);
    expect(all.map((n) => n.id)).toEqual([...all.map((n) => n.id)].sort((a, b) => a - b));
    s.close();
    // the query form (a new EventSource picking up where the last one stopped) does the same
    const q = await open(`/api/notify/stream?ticket=${await ticket('clerk')}&lastEventId=${all[1].id}`);
    expect(notifications(await q.until((e) => notifications(e).length === 1)).map((n) => n.recordId)).toEqual(['204']);
    q.close();
  });

  test('a closed stream is forgotten', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const until = async () => {
      while (t.app.notificationStreams.size > 0) await new Promise((r) => setTimeout(r, 20));
    };
    await until();
    expect(t.app.notificationStreams.size).toBe(0);
  });
});
