import request from 'supertest';
import { event, type NotifyTest, setup } from './helper';

let t: NotifyTest;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => {
  await t?.close();
});

const api = () => request(t.app.server);
const list = async (who: Parameters<NotifyTest['token']>[0], query = '') => {
  const res = await api().get(`/api/notify/notifications${query}`).set('authorization', `Bearer ${t.token(who)}`);
  expect(res.status).toBe(200);
  return res.body as { items: { id: number; kind: string; recordType: string; recordId: string; params: Record<string, unknown>; read: boolean }[]; nextBefore: number | null };
};
const unread = async (who: Parameters<NotifyTest['token']>[0]) =>
  (await api().get('/api/notify/notifications/unread-count').set('authorization', `Bearer ${t.token(who)}`).expect(200)).body.unread as number;
/** Delivers events as the HTTP fallback does (the relay's POST), through the inbox. */
const deliver = (...events: unknown[]) => api().post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events });

const caseEvent = (what: string, extra: Record<string, unknown> = {}) =>
  event(`household.case.${what}`, { caseId: 41, caseNo: 'HJ2026-000041', communityId: 7, communityName: '龙腾社区党委', createdBy: '4', actorId: '3', ...extra });
const itemEvent = (what: string, extra: Record<string, unknown> = {}) =>
  event(`volunteer.item.${what}`, { itemId: 77, itemNo: 'XQ2026-0077', communityId: 7, communityName: '龙腾社区党委', unitId: 11, actorId: '2', place: '龙腾小区3号楼', ...extra });

describe('rules: who is told what', () => {
  test('the clerk who opened a case is told that the secretary approved it; other clerks and communities are not', async () => {
    const res = await deliver(caseEvent('approved'));
    expect(res.body).toEqual({ handled: 1, parked: 0 });
    const mine = await list('clerk');
    expect(mine.items[0]).toMatchObject({ kind: 'case_approved', recordType: 'case', recordId: '41', params: { caseNo: 'HJ2026-000041', communityName: '龙腾社区党委' }, read: false });
    expect((await list('clerk2')).items).toEqual([]);
    expect((await list('clerkCuiting')).items).toEqual([]);
    expect((await list('secretary')).items).toEqual([]);
  });

  test('rejected and returned reach the clerk with the reason; a clerk is not told of their own action', async () => {
    await deliver(caseEvent('rejected', { reason: '材料不全' }), caseEvent('returned', { reason: '缺户口簿' }), caseEvent('rejected', { actorId: '4', caseId: 42 }));
    const kinds = (await list('clerk')).items.map((n) => [n.kind, n.params.reason, n.recordId]);
    expect(kinds.slice(0, 2)).toEqual([['case_returned', '缺户口簿', '41'], ['case_rejected', '材料不全', '41']]);
    expect(kinds.filter((k) => k[2] === '42')).toEqual([]);
  });

  test('the community secretary is told of a case waiting for approval; another community’s secretary is not', async () => {
    await deliver(caseEvent('accepted', { actorId: '4' }));
    expect((await list('secretary')).items.map((n) => n.kind)).toEqual(['case_awaiting_approval']);
    expect((await list('secretaryWanda')).items).toEqual([]);
  });

  test('the street above the community is told of an escalation (吹哨) and a revoke request; another street is not', async () => {
    await deliver(itemEvent('escalated'), caseEvent('revoke_requested', { reason: '户口迁移有误' }));
    expect((await list('street')).items.map((n) => n.kind)).toEqual(['case_revoke_requested', 'item_escalated']);
    expect((await list('streetCuiping')).items).toEqual([]);
    // the county admin is no street admin
    expect((await list('admin')).items).toEqual([]);
  });

  test('the unit is told of an item the street assigned it, released, reopened and confirmed; another unit is not', async () => {
    await deliver(itemEvent('assigned'), itemEvent('released', { reason: '人手不足' }), itemEvent('reopened'), itemEvent('confirmed', { rating: 5 }));
    const items = (await list('unit')).items;
    expect(items.map((n) => n.kind)).toEqual(['item_confirmed', 'item_reopened', 'item_released', 'item_assigned']);
    expect(items[0].params).toMatchObject({ itemNo: 'XQ2026-0077', rating: 5, place: '龙腾小区3号楼' });
    expect((await list('unitOther')).items).toEqual([]);
  });

  test('the unit is told of its dual report decided', async () => {
    await deliver(event('volunteer.report.approved', { reportId: 5, unitId: 12, communityId: 7, communityName: '龙腾社区党委', status: 'approved' }));
    expect((await list('unitOther')).items.map((n) => [n.kind, n.recordType, n.params.communityName])).toEqual([['report_approved', 'unit_report', '龙腾社区党委']]);
    expect((await list('unit')).items.map((n) => n.kind)).not.toContain('report_approved');
  });

  test('a member is told that their sign-up was taken', async () => {
    await deliver(itemEvent('signed_up', { actorId: '8' }));
    expect((await list('member')).items.map((n) => n.kind)).toEqual(['signup_confirmed']);
  });

  test('an event of a known service without a rule makes nothing and is not parked', async () => {
    const before = await t.ds.query(`SELECT count(*)::int AS n FROM notification`);
    const res = await deliver(caseEvent('created'), itemEvent('claimed'));
    expect(res.body).toEqual({ handled: 2, parked: 0 });
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM notification`)).toEqual(before);
  });

  test('the outbound channel is handed each notification once, after it committed', async () => {
    const n = (await t.ds.query(`SELECT count(*)::int AS n FROM notification`))[0].n;
    expect(t.sent.length).toBe(n);
    expect(new Set(t.sent.map((s) => s.id)).size).toBe(n);
  });
});

describe('delivery: idempotent, bad events parked', () => {
  test('the same event delivered twice makes one notification', async () => {
    const e = caseEvent('approved', { caseId: 50, caseNo: 'HJ2026-000050' });
    await deliver(e);
    await deliver(e);
    await t.app.events.apply([e]);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM notification WHERE event_id = $1`, [e.id]))[0].n).toBe(1);
  });

  test('a malformed event and an unknown service’s event are parked with the reason, and the rest of the batch applies', async () => {
    const good = caseEvent('approved', { caseId: 51, caseNo: 'HJ2026-000051' });
    const res = await deliver({ id: 'nope', type: 'x' }, event('org.unit.moved', { unitId: 3 }), good);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ handled: 1, parked: 2 });
    const parked = await t.ds.query(`SELECT reason FROM dead_letter ORDER BY id`);
    expect(parked.map((p: { reason: string }) => p.reason)).toEqual(['malformed: not an event envelope', 'unknown event type org.unit.moved']);
    expect((await list('clerk')).items.some((n) => n.recordId === '51')).toBe(true);
  });

  test('an event no rule reads (a withdrawal, an audit entry) is taken without an inbox row or a notification; a rule’s event beside it applies', async () => {
    const withdrawn = itemEvent('signup_withdrawn', { itemId: 78, itemNo: 'XQ2026-0078' });
    const audit = event('volunteer.audit.recorded', { service: 'volunteer', auditId: 9, action: 'item.withdraw_signup', entityType: 'item', entityId: '78' });
    const signedUp = itemEvent('signed_up', { itemId: 79, itemNo: 'XQ2026-0079', actorId: '6' });
    const res = await deliver(withdrawn, audit, signedUp);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ handled: 3, parked: 0 });
    const inbox = await t.ds.query(`SELECT id FROM inbox_event WHERE id = ANY($1::uuid[])`, [[withdrawn.id, audit.id, signedUp.id]]);
    expect(inbox.map((r: { id: string }) => r.id)).toEqual([signedUp.id]);
    const made = await t.ds.query(`SELECT event_id AS "eventId", kind FROM notification WHERE event_id = ANY($1::uuid[])`, [[withdrawn.id, audit.id, signedUp.id]]);
    expect(made).toEqual([{ eventId: signedUp.id, kind: 'signup_confirmed' }]);
  });

  test('the internal route needs the internal token (404 without it)', async () => {
    await api().post('/api/notify/internal/events').send({ events: [] }).expect(404);
    await api().post('/api/notify/internal/events').set('x-internal-token', 'wrong-token-wrong').send({ events: [] }).expect(404);
  });
});

describe('reading: unread count, keyset pages, mark read', () => {
  test('a token is required', async () => {
    await api().get('/api/notify/notifications').expect(401);
    await api().get('/api/notify/notifications/unread-count').expect(401);
  });

  test('keyset pages: newest first, nextBefore until the end, no overlap', async () => {
    const all = (await list('unit', '?limit=100')).items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const first = await list('unit', '?limit=3');
    expect(first.items.map((n) => n.id)).toEqual(all.slice(0, 3).map((n) => n.id));
    expect(first.nextBefore).toBe(all[2].id);
    const second = await list('unit', `?limit=3&before=${first.nextBefore}`);
    expect(second.items.map((n) => n.id)).toEqual(all.slice(3, 6).map((n) => n.id));
    expect((await list('unit', '?kind=item_released')).items.map((n) => n.kind)).toEqual(['item_released']);
  });

  test('bad queries answer 400 naming the field', async () => {
    for (const [q, field] of [['?limit=0', 'limit'], ['?limit=abc', 'limit'], ['?kind=nope', 'kind'], ['?before=-1', 'before'], ['?other=1', 'other']] as const) {
      const res = await api().get(`/api/notify/notifications${q}`).set('authorization', `Bearer ${t.token('clerk')}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
  });

  test('mark one read: the unread count drops; another person’s notification is 404 and stays unread for them', async () => {
    const before = await unread('clerk');
    const [n] = (await list('clerk', '?unread=true')).items;
    await api().post(`/api/notify/notifications/${n.id}/read`).set('authorization', `Bearer ${t.token('clerk')}`).expect(204);
    expect(await unread('clerk')).toBe(before - 1);
    expect((await list('clerk')).items.find((x) => x.id === n.id)?.read).toBe(true);
    const secretaryUnread = await unread('secretary');
    await api().post(`/api/notify/notifications/${n.id}/read`).set('authorization', `Bearer ${t.token('secretary')}`).expect(404);
    await api().post('/api/notify/notifications/abc/read').set('authorization', `Bearer ${t.token('clerk')}`).expect(400);
    expect(await unread('secretary')).toBe(secretaryUnread);
  });

  test('read state is per person: one of a unit’s staff reading does not read it for the others', async () => {
    const colleague = { sub: '99', username: 'unit.staff2', role: 'unit_staff' as const, orgId: 11, scopePaths: ['/1/11/', '/1/3/7/'] };
    const { signTestToken } = await import('@redheart/shared');
    const tok = signTestToken(t.keys.privateKey, colleague);
    const before = await unread('unit');
    const res = await api().post('/api/notify/notifications/read-all').set('authorization', `Bearer ${tok}`).send({});
    expect(res.status).toBe(200);
    expect(res.body.marked).toBe(before);
    expect(await unread('unit')).toBe(before);
  });

  test('mark all read (up to the newest seen): later ones stay unread', async () => {
    const items = (await list('clerk', '?limit=100')).items;
    const res = await api().post('/api/notify/notifications/read-all').set('authorization', `Bearer ${t.token('clerk')}`).send({ upTo: items[0].id });
    expect(res.status).toBe(200);
    expect(await unread('clerk')).toBe(0);
    await deliver(caseEvent('approved', { caseId: 60, caseNo: 'HJ2026-000060' }));
    expect(await unread('clerk')).toBe(1);
    const bad = await api().post('/api/notify/notifications/read-all').set('authorization', `Bearer ${t.token('clerk')}`).send({ upTo: 'x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('upTo');
  });
});
