import request from 'supertest';
import { type NotifyTest, setup } from './helper';

let t: NotifyTest;
/** The org service's count of the accounts an announcement reaches (its internal route; the e2e suite runs the real one). */
const org: { count: number | Error; asked: [string, string[] | null][] } = { count: 4, asked: [] };
beforeAll(async () => {
  t = await setup({
    addressedCount: async (under, roles) => {
      org.asked.push([under, roles]);
      if (org.count instanceof Error) throw org.count;
      return org.count;
    },
  });
});
afterAll(async () => {
  await t?.close();
});

type Who = Parameters<NotifyTest['token']>[0];
const api = () => request(t.app.server);
const auth = (who: Who) => ({ authorization: `Bearer ${t.token(who)}` });
/** 龙腾社区 (7) under 庄园街道 (3): its clerk, secretary, grid worker and member; 翠亭 (5) is under 翠屏 (2). */
const LONGTENG = { scopeOrgId: 7, scopePath: '/1/3/7/', scopeName: '龙腾社区党委' };
const publish = (who: Who, body: Record<string, unknown>) =>
  api().post('/api/notify/announcements').set(auth(who)).send({ title: '关于开展集中服务日的通知', body: '本月 15 日在社区广场开展集中服务日活动。', ...LONGTENG, ...body });
const received = async (who: Who) => {
  const res = await api().get('/api/notify/announcements').set(auth(who)).expect(200);
  return res.body as { items: { id: number; title: string; read: boolean }[]; total: number };
};
const bell = async (who: Who) => (await api().get('/api/notify/notifications?page=1&limit=50').set(auth(who)).expect(200)).body.items as { id: number; kind: string; recordType: string; recordId: string }[];

describe('publishing: scope and roles', () => {
  test('the street publishes to one of its communities: its accounts get it in their bell and list; another community’s do not', async () => {
    const res = await publish('street', { title: '龙腾社区全体：消防检查' }).expect(201);
    expect(res.body).toMatchObject({ title: '龙腾社区全体：消防检查', scopeOrgId: 7, scopeName: '龙腾社区党委', roles: null, public: false, canManage: true, readCount: 0 });
    const id = res.body.id as number;
    for (const who of ['clerk', 'secretary', 'grid', 'member'] as const) {
      expect((await received(who)).items.map((a) => a.id)).toContain(id);
      expect(await bell(who)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'announcement', recordType: 'announcement', recordId: String(id) })]));
    }
    for (const who of ['clerkCuiting', 'secretaryWanda', 'streetCuiping', 'admin'] as const) expect((await received(who)).items.map((a) => a.id)).not.toContain(id);
    // the outbound channels are handed it once, addressed by path
    expect(t.sent.filter((n) => n.kind === 'announcement' && n.recordId === String(id))).toEqual([expect.objectContaining({ recipientUnder: '/1/3/7/', recipientRoles: null })]);
  });

  test('limited to roles: only those roles under the unit receive it', async () => {
    const res = await publish('admin', { title: '龙腾社区工作人员会议', roles: ['community_clerk'], publisherName: '栖霞市委组织部' }).expect(201);
    const id = res.body.id as number;
    expect((await received('clerk')).items.map((a) => a.id)).toContain(id);
    expect((await received('clerk2')).items.map((a) => a.id)).toContain(id);
    for (const who of ['secretary', 'grid', 'member'] as const) expect((await received(who)).items.map((a) => a.id)).not.toContain(id);
  });

  test('outside the publisher’s scope: 404 as for a unit that does not exist; a role that may not publish: 403', async () => {
    const outside = await publish('street', { scopeOrgId: 5, scopePath: '/1/2/5/', scopeName: '翠亭社区党委' }).expect(404);
    expect(outside.body.code).toBe('NOT_FOUND');
    await publish('secretary', { scopeOrgId: 3, scopePath: '/1/3/', scopeName: '庄园街道党工委' }).expect(404);
    expect((await publish('clerk', {}).expect(403)).body.code).toBe('FORBIDDEN');
    expect((await publish('member', {}).expect(403)).body.code).toBe('FORBIDDEN');
    await api().post('/api/notify/announcements').send({}).expect(401);
  });

  test('bad input: 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ title: 'x' }, 'title'],
      [{ body: '' }, 'body'],
      [{ scopePath: '../1/' }, 'scopePath'],
      [{ scopePath: '/1/3/8/' }, 'scopePath'],
      [{ roles: ['mayor'] }, 'roles'],
      [{ public: 'yes' }, 'public'],
      [{ scopeOrgId: 0 }, 'scopeOrgId'],
    ];
    for (const [body, field] of cases) {
      const res = await publish('street', body);
      expect([res.status, field, res.body.details?.map((d: { field: string }) => d.field)]).toEqual([400, field, expect.arrayContaining([field])]);
    }
  });
});

describe('read receipts and withdrawal', () => {
  test('the receipts say read N of M: M the accounts its scope and roles reach, as the org service counts them; unknown when it cannot', async () => {
    const { body: a } = await publish('street', { title: '回执人数测试', roles: ['community_clerk', 'grid_worker'] }).expect(201);
    await api().get(`/api/notify/announcements/${a.id}`).set(auth('clerk')).expect(200);
    org.count = 4;
    org.asked = [];
    const r = await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('street')).expect(200);
    expect(r.body).toMatchObject({ readCount: 1, addressedCount: 4 });
    expect(org.asked).toEqual([['/1/3/7/', ['community_clerk', 'grid_worker']]]);
    // the org service down: the receipts still answer, with the read count only
    org.count = new Error('org service answered 503');
    const down = await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('street')).expect(200);
    expect(down.body).toMatchObject({ readCount: 1, addressedCount: null });
    org.count = 4;
  });

  test('opening it records a receipt (once); the publisher sees the count and who read it; recipients see no receipts', async () => {
    const { body: a } = await publish('street', { title: '回执测试' }).expect(201);
    const opened = await api().get(`/api/notify/announcements/${a.id}`).set(auth('clerk')).expect(200);
    expect(opened.body).toMatchObject({ id: a.id, read: true, canManage: false, readCount: null });
    await api().get(`/api/notify/announcements/${a.id}`).set(auth('clerk')).expect(200);
    // marking its notification read in the bell is a receipt too
    const n = (await bell('grid')).find((x) => x.recordId === String(a.id))!;
    await api().post(`/api/notify/notifications/${n.id}/read`).set(auth('grid')).expect(204);
    const receipts = await api().get(`/api/notify/announcements/${a.id}/receipts?page=1&limit=1`).set(auth('street')).expect(200);
    expect(receipts.body).toMatchObject({ readCount: 2, total: 2, page: 1, limit: 1 });
    expect(receipts.body.items).toHaveLength(1);
    const all = await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('street')).expect(200);
    expect(all.body.items.map((r: { username: string; role: string }) => [r.username, r.role]).sort()).toEqual([['clerk.longteng', 'community_clerk'], ['grid.longteng', 'grid_worker']]);
    const managed = await api().get('/api/notify/announcements?view=managed').set(auth('street')).expect(200);
    expect(managed.body.items.find((x: { id: number }) => x.id === a.id)).toMatchObject({ readCount: 2, canManage: true });
    // the admin above the street manages it too; a recipient or another street does not
    await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('admin')).expect(200);
    await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('clerk')).expect(403);
    await api().get(`/api/notify/announcements/${a.id}/receipts`).set(auth('streetCuiping')).expect(404);
    await api().get(`/api/notify/announcements/${a.id}`).set(auth('streetCuiping')).expect(404);
    await api().get('/api/notify/announcements?view=managed').set(auth('clerk')).expect(403);
  });

  test('withdrawn: gone from every bell, list and count; a second withdrawal is 409; another street may not withdraw', async () => {
    const { body: a } = await publish('street', { title: '将被撤回的通知', public: true }).expect(201);
    const before = (await api().get('/api/notify/notifications/unread-count').set(auth('member')).expect(200)).body.unread as number;
    await api().post(`/api/notify/announcements/${a.id}/withdraw`).set(auth('streetCuiping')).expect(404);
    const res = await api().post(`/api/notify/announcements/${a.id}/withdraw`).set(auth('street')).expect(200);
    expect(res.body.withdrawnAt).toEqual(expect.any(String));
    expect((await api().get('/api/notify/notifications/unread-count').set(auth('member')).expect(200)).body.unread).toBe(before - 1);
    expect((await received('member')).items.map((x) => x.id)).not.toContain(a.id);
    expect((await bell('member')).map((x) => x.recordId)).not.toContain(String(a.id));
    await api().get(`/api/notify/announcements/${a.id}`).set(auth('member')).expect(404);
    const pub = await api().get('/api/notify/public/announcements').expect(200);
    expect(pub.body.items.map((x: { id: number }) => x.id)).not.toContain(a.id);
    expect((await api().post(`/api/notify/announcements/${a.id}/withdraw`).set(auth('street')).expect(409)).body.code).toBe('WRONG_STATE');
    const audit = await t.app.db.query(`SELECT action FROM audit_entry WHERE entity_type = 'announcement' AND entity_id = $1 ORDER BY id`, [String(a.id)]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(['announcement.publish', 'announcement.withdraw']);
  });
});

describe('public announcements', () => {
  test('without login: only the public ones, newest first, without their scope or publisher account', async () => {
    const { body: open } = await publish('admin', { title: '致全市居民的一封公开信', scopeOrgId: 1, scopePath: '/1/', scopeName: '栖霞市', public: true, publisherName: '中共栖霞市委组织部' }).expect(201);
    const { body: staffOnly } = await publish('admin', { title: '仅工作人员可见', scopeOrgId: 1, scopePath: '/1/', scopeName: '栖霞市' }).expect(201);
    const res = await api().get('/api/notify/public/announcements?page=1&limit=10').expect(200);
    const ids = res.body.items.map((x: { id: number }) => x.id);
    expect(ids).toContain(open.id);
    expect(ids).not.toContain(staffOnly.id);
    expect(res.body.items[0]).toEqual({ id: open.id, title: '致全市居民的一封公开信', body: expect.any(String), publisherName: '中共栖霞市委组织部', publishedAt: expect.any(String) });
    expect(res.body).toMatchObject({ total: expect.any(Number), totalExact: true, page: 1, limit: 10 });
    // everyone under the whole city received it, the admin too
    for (const who of ['admin', 'unitOther', 'clerkCuiting'] as const) expect((await received(who)).items.map((a) => a.id)).toContain(open.id);
    expect((await api().get('/api/notify/public/announcements?limit=101').expect(400)).body.details[0].field).toBe('limit');
  });
});

describe('preferences: mute a kind', () => {
  const prefs = (who: Who) => api().get('/api/notify/preferences').set(auth(who));
  const deliver = (...events: unknown[]) => api().post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events });

  test('the kinds a role can receive, none muted at first; announcements cannot be muted', async () => {
    const unit = (await prefs('unit').expect(200)).body.items as { kind: string; muted: boolean }[];
    expect(unit.map((p) => p.kind).sort()).toEqual(['item_assigned', 'item_confirmed', 'item_released', 'item_reopened', 'report_approved', 'report_rejected', 'scorecard_monthly']);
    expect(unit.every((p) => !p.muted)).toBe(true);
    expect((await prefs('clerk').expect(200)).body.items.map((p: { kind: string }) => p.kind).sort()).toEqual(['case_approved', 'case_due_soon', 'case_overdue', 'case_rejected', 'case_returned', 'import_finished']);
    const res = await api().put('/api/notify/preferences').set(auth('clerk')).send({ muted: ['announcement'] }).expect(400);
    expect(res.body.details[0].field).toBe('muted');
    expect((await api().put('/api/notify/preferences').set(auth('clerk')).send({ muted: ['item_assigned'] }).expect(400)).body.details[0].field).toBe('muted');
    expect((await api().put('/api/notify/preferences').set(auth('clerk')).send({ muted: 'case_approved' }).expect(400)).body.details[0].field).toBe('muted');
  });

  test('a muted kind is left out of that person’s list, count and channels (not of the others’); unmuting shows it again', async () => {
    const { event } = await import('./helper');
    const assigned = (itemId: number, unitId = 11) =>
      event('volunteer.item.assigned', { itemId, itemNo: `XQ2026-${itemId}`, communityId: 7, communityName: '龙腾社区党委', unitId, actorId: '2', place: '3号楼' });
    const put = await api().put('/api/notify/preferences').set(auth('unit')).send({ muted: ['item_assigned', 'item_assigned'] }).expect(200);
    expect(put.body.items.find((p: { kind: string }) => p.kind === 'item_assigned')).toEqual({ kind: 'item_assigned', muted: true });
    expect((await prefs('unit').expect(200)).body.items.filter((p: { muted: boolean }) => p.muted).map((p: { kind: string }) => p.kind)).toEqual(['item_assigned']);
    const unreadBefore = (await api().get('/api/notify/notifications/unread-count').set(auth('unit')).expect(200)).body.unread as number;
    await deliver(assigned(9901), event('volunteer.item.confirmed', { itemId: 9901, itemNo: 'XQ2026-9901', communityId: 7, communityName: '龙腾社区党委', unitId: 11, rating: 5 })).expect(200);
    const mine = await api().get('/api/notify/notifications?kind=item_assigned').set(auth('unit')).expect(200);
    expect(mine.body.items.map((n: { recordId: string }) => n.recordId)).not.toContain('9901');
    expect((await api().get('/api/notify/notifications/unread-count').set(auth('unit')).expect(200)).body.unread).toBe(unreadBefore + 1);
    // the channel is told who muted it (it resolves a role's accounts itself)
    expect(t.sent.find((n) => n.kind === 'item_assigned' && n.recordId === '9901')).toMatchObject({ mutedBy: ['7'] });
    // unmuted: shown again (muted ones are kept, not dropped)
    await api().put('/api/notify/preferences').set(auth('unit')).send({ muted: [] }).expect(200);
    const again = await api().get('/api/notify/notifications?kind=item_assigned').set(auth('unit')).expect(200);
    expect(again.body.items.map((n: { recordId: string }) => n.recordId)).toContain('9901');
  });

  test('an account-addressed kind muted is not handed to the channels at all', async () => {
    const { event } = await import('./helper');
    await api().put('/api/notify/preferences').set(auth('member')).send({ muted: ['signup_confirmed'] }).expect(200);
    await deliver(event('volunteer.item.signed_up', { itemId: 9902, itemNo: 'XQ2026-9902', communityId: 7, communityName: '龙腾社区党委', actorId: '8' })).expect(200);
    expect(t.sent.filter((n) => n.kind === 'signup_confirmed' && n.recordId === '9902')).toEqual([]);
    expect((await api().get('/api/notify/notifications?kind=signup_confirmed').set(auth('member')).expect(200)).body.items).toEqual([]);
  });
});

describe('numbered pages of my notifications', () => {
  test('?page=&limit= answers the total, page and limit; page with before is the page; bad page 400 naming it', async () => {
    const p1 = await api().get('/api/notify/notifications?page=1&limit=2').set(auth('clerk')).expect(200);
    expect(p1.body).toMatchObject({ page: 1, limit: 2, totalExact: true });
    expect(p1.body.total).toBeGreaterThanOrEqual(3);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await api().get('/api/notify/notifications?page=2&limit=2').set(auth('clerk')).expect(200);
    expect(p2.body.items[0].id).toBeLessThan(p1.body.items[1].id);
    expect((await api().get('/api/notify/notifications?page=0').set(auth('clerk')).expect(400)).body.details[0].field).toBe('page');
  });
});

describe('demo seed', () => {
  test('the open letter (公开信) is published once, by the organisation department, to everyone and the public', async () => {
    const { OPEN_LETTER, seedDemo } = await import('../src/seed/demo');
    const publisher = { account: '1', username: 'admin', role: 'admin', orgId: 1, orgPath: '/1/', orgName: '中共栖霞市委员会' };
    expect(await seedDemo(t.app.db, { log: () => undefined, publisher })).toEqual({ announcements: 1 });
    expect(await seedDemo(t.app.db, { log: () => undefined, publisher })).toEqual({ announcements: 0 });
    const pub = await api().get('/api/notify/public/announcements?limit=100').expect(200);
    expect(pub.body.items.filter((a: { title: string }) => a.title === OPEN_LETTER.title)).toEqual([expect.objectContaining({ publisherName: '中共栖霞市委组织部' })]);
    expect((await received('member')).items.map((a) => a.title)).toContain(OPEN_LETTER.title);
  });
});
