import request from 'supertest';
import { event, type NotifyTest, setup } from './helper';

// The rules of scheduled work and jobs (rules-jobs.ts): events as household, volunteer and org write them,
// delivered as the HTTP fallback does (through the inbox), each rule's audience checked against others.
let t: NotifyTest;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => {
  await t?.close();
});

const api = () => request(t.app.server);
type Who = Parameters<NotifyTest['token']>[0];
const list = async (who: Who) => {
  const res = await api().get('/api/notify/notifications').set('authorization', `Bearer ${t.token(who)}`);
  expect(res.status).toBe(200);
  return (res.body as { items: { kind: string; recordType: string; recordId: string; params: Record<string, unknown> }[] }).items;
};
const deliver = async (...events: unknown[]) => {
  const res = await api().post('/api/notify/internal/events').set('x-internal-token', 'test-internal-token').send({ events });
  expect(res.status).toBe(200);
  return res.body as { handled: number; parked: number };
};
const everyone: Who[] = ['admin', 'street', 'secretary', 'clerk', 'clerk2', 'clerkCuiting', 'grid', 'unit', 'unitOther', 'member'];
const othersThan = async (...told: Who[]) => {
  for (const who of everyone.filter((w) => !told.includes(w))) expect([who, await list(who)]).toEqual([who, []]);
};

describe('rules of scheduled work and jobs', () => {
  test('the clerk who opened a case is told yellow, then red, of its step’s time limit; nobody else', async () => {
    const limit = (what: string, light: string) =>
      event(`household.case.${what}`, { caseId: 51, caseNo: 'HJ2026-000051', communityId: 7, communityName: '龙腾社区党委', createdBy: '4', status: 'SUBMITTED', light, dueAt: '2026-12-09T08:00:00.000Z' }, '/1/3/7/', null);
    expect(await deliver(limit('due_soon', 'yellow'), limit('overdue', 'red'))).toEqual({ handled: 2, parked: 0 });
    const mine = await list('clerk');
    expect(mine.map((n) => [n.kind, n.recordType, n.recordId])).toEqual([['case_overdue', 'case', '51'], ['case_due_soon', 'case', '51']]);
    expect(mine[0].params).toEqual({ caseNo: 'HJ2026-000051', communityName: '龙腾社区党委', status: 'SUBMITTED', dueAt: '2026-12-09T08:00:00.000Z' });
    await othersThan('clerk');
  });

  test('a unit’s staff are sent its monthly scorecard, linking to the card; another unit is not', async () => {
    const card = event('volunteer.scorecard.monthly', { unitId: 11, unitName: '区教育局', month: '2026-11', from: '2026-11-01', to: '2026-11-30', completed: 3, onTimeRate: 0.6667, averageRating: 4.5, hours: 12.5 }, '/1/11/', null);
    expect(await deliver(card)).toEqual({ handled: 1, parked: 0 });
    const [n] = await list('unit');
    expect(n).toMatchObject({ kind: 'scorecard_monthly', recordType: 'scorecard', recordId: '11', params: { month: '2026-11', from: '2026-11-01', to: '2026-11-30', completed: 3, hours: 12.5 } });
    expect(await list('unitOther')).toEqual([]);
  });

  test('a member is told of hours posted to them; nobody else', async () => {
    const posted = event('volunteer.hours.posted', { memberId: 21, accountId: '8', itemId: 77, itemNo: 'XQ2026-0077', communityName: '龙腾社区党委', hours: 2.5, totalHours: 10 }, '/1/3/7/', null);
    expect(await deliver(posted)).toEqual({ handled: 1, parked: 0 });
    const [n] = await list('member');
    expect(n).toMatchObject({ kind: 'hours_posted', recordType: 'member_card', recordId: '21', params: { itemNo: 'XQ2026-0077', hours: 2.5, totalHours: 10 } });
  });

  test('whoever started an import is told how it ended, linking to its report (household and org imports)', async () => {
    const household = event('household.import.finished', { importId: 9, kind: 'households', status: 'invalid', fileName: 'register.xlsx', rows: 120, rowsWithErrors: 4, accountId: '3', failure: null }, '/1/3/7/', 'secretary.longteng');
    const divisions = event('org.import.finished', { importId: '6f1c0c59-5a0e-4c8e-9d54-0d6f5d0e2a11', kind: 'divisions', code: '510700', status: 'done', accountId: '1', error: null }, null, 'admin');
    expect(await deliver(household, divisions)).toEqual({ handled: 2, parked: 0 });
    expect((await list('secretary')).find((n) => n.kind === 'import_finished')).toMatchObject({ recordType: 'household_import', recordId: '9', params: { status: 'invalid', rows: 120, rowsWithErrors: 4 } });
    expect(await list('admin')).toEqual([expect.objectContaining({ kind: 'division_import_finished', recordType: 'division_import', recordId: '6f1c0c59-5a0e-4c8e-9d54-0d6f5d0e2a11', params: { kind: 'divisions', status: 'done', code: '510700', error: null } })]);
    expect(await list('street')).toEqual([]);
  });
});
