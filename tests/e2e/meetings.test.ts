import { DEMO_PASSWORD, type Platform, startPlatform } from './platform';

/**
 * A joint committee meeting's decision becoming owned work, through the gateway, on the demo seed: the org service
 * keeps the meeting, the volunteer service the item or project, each pointing at the other.
 */
let platform: Platform;
const tokens: Record<string, string> = {};

const call = async (user: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[user]}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the answers of several routes, read field by field
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const unitId = async (name: string) => (await platform.db.org.query(`SELECT id::int FROM org_unit WHERE name = $1 AND valid_to IS NULL`, [name]))[0].id as number;

beforeAll(async () => {
  platform = await startPlatform();
  for (const username of ['clerk.longteng', 'street.zhuangyuan', 'clerk.cuiting', 'city.admin']) {
    const res = await fetch(`${platform.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
    tokens[username] = ((await res.json()) as { accessToken: string }).accessToken;
  }
}, 600_000);
afterAll(async () => platform?.close());

describe('POST /api/org/meetings/:id/decisions/:decisionId/work (through the gateway)', () => {
  it('turns a community meeting’s decision into a service item that links back to the meeting; the decision shows the item', async () => {
    const longteng = await unitId('龙腾社区党委');
    const m = await call('clerk.longteng', 'POST', `/api/org/units/${longteng}/meetings`, { title: '龙腾社区大党委联席会议', heldAt: '2026-01-15T09:00:00+08:00', agenda: ['小区道路硬化'] });
    expect(m.status).toBe(201);
    expect(m.body.attendees.some((a: { kind: string; fromUnitName: string | null }) => a.kind === 'part_time_member' && a.fromUnitName)).toBe(true);
    const d = await call('clerk.longteng', 'POST', `/api/org/meetings/${m.body.id}/decisions`, { version: m.body.version, text: '硬化挡风玻璃厂小区道路，驻区单位共同出资' });
    const decision = d.body.decisions[0];
    const category = (await platform.db.volunteer.query(`SELECT id::int FROM service_category WHERE active ORDER BY id LIMIT 1`))[0].id as number;

    const work = await call('clerk.longteng', 'POST', `/api/org/meetings/${m.body.id}/decisions/${decision.id}/work`, { version: decision.version, kind: 'item', categoryId: category, place: '挡风玻璃厂小区' });
    expect(work.status).toBe(200);
    const done = work.body.decisions[0];
    expect(done).toMatchObject({ workKind: 'item', workId: expect.any(Number), workNo: expect.stringMatching(/^FW\d{6}-\d{6}$/), workCommunityId: longteng, workCommunityName: '龙腾社区党委', version: decision.version + 1 });

    const item = await call('clerk.longteng', 'GET', `/api/volunteer/items/${done.workId}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ itemNo: done.workNo, status: 'REPORTED', place: '挡风玻璃厂小区', description: '硬化挡风玻璃厂小区道路，驻区单位共同出资',
      meetingId: m.body.id, meetingDecisionId: decision.id, meetingTitle: '龙腾社区大党委联席会议', communityId: longteng });
    expect(item.body.timeline[0].data).toMatchObject({ meetingId: m.body.id, decisionId: decision.id });

    // once only: the decision is taken (409), and the volunteer service asked again for the decision answers with the same item
    expect((await call('clerk.longteng', 'POST', `/api/org/meetings/${m.body.id}/decisions/${decision.id}/work`, { version: done.version, kind: 'item', categoryId: category, place: '别处' })).status).toBe(409);
    const again = await fetch(`${platform.volunteerUrl}/api/volunteer/internal/meeting-work`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': platform.internalToken, authorization: `Bearer ${tokens['clerk.longteng']}` },
      body: JSON.stringify({ kind: 'item', meetingId: m.body.id, decisionId: decision.id, meetingTitle: '龙腾社区大党委联席会议', communityId: longteng, categoryId: category, place: '别处' }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ kind: 'item', id: done.workId, no: done.workNo, communityId: longteng });
    expect(await platform.db.volunteer.query(`SELECT count(*)::int AS n FROM item WHERE meeting_decision_id = $1`, [decision.id])).toEqual([{ n: 1 }]);
  });

  it('turns a street meeting’s decision into a project in one of its communities', async () => {
    const street = await unitId('庄园街道党工委');
    const wanda = await unitId('万达社区党委');
    const m = await call('street.zhuangyuan', 'POST', `/api/org/units/${street}/meetings`, { title: '庄园街道大工委会议', heldAt: '2026-01-20T14:00:00+08:00', agenda: ['惠民实事'] });
    const d = await call('street.zhuangyuan', 'POST', `/api/org/meetings/${m.body.id}/decisions`, { version: m.body.version, text: '为万达社区建设老年食堂' });
    const decision = d.body.decisions[0];
    const url = `/api/org/meetings/${m.body.id}/decisions/${decision.id}/work`;
    expect((await call('street.zhuangyuan', 'POST', url, { version: decision.version, kind: 'project', name: '万达社区老年食堂' })).body.details).toEqual([{ field: 'communityId', code: 'invalid', errors: ['街道大工委的决议须指定社区'] }]);
    const work = await call('street.zhuangyuan', 'POST', url, { version: decision.version, kind: 'project', name: '万达社区老年食堂', communityId: wanda, budgetYuan: 100000 });
    expect(work.status).toBe(200);
    expect(work.body.decisions[0]).toMatchObject({ workKind: 'project', workNo: null, workCommunityId: wanda });
    const [project] = await platform.db.volunteer.query(`SELECT name, community_id::int AS "communityId", meeting_id::int AS "meetingId", meeting_title AS "meetingTitle" FROM project WHERE id = $1`, [work.body.decisions[0].workId]);
    expect(project).toEqual({ name: '万达社区老年食堂', communityId: wanda, meetingId: m.body.id, meetingTitle: '庄园街道大工委会议' });
    const list = await call('street.zhuangyuan', 'GET', `/api/volunteer/projects?communityId=${wanda}`);
    expect(list.body.find((p: { id: number }) => p.id === work.body.decisions[0].workId)).toMatchObject({ meetingId: m.body.id, meetingTitle: '庄园街道大工委会议' });
  });

  it('passes the volunteer service’s refusal on and writes nothing: an unknown category (400), a role it refuses (403)', async () => {
    const longteng = await unitId('龙腾社区党委');
    const m = await call('clerk.longteng', 'POST', `/api/org/units/${longteng}/meetings`, { title: '龙腾社区大党委第二次会议', heldAt: '2026-02-15T09:00:00+08:00', agenda: ['义诊'] });
    const d = await call('clerk.longteng', 'POST', `/api/org/meetings/${m.body.id}/decisions`, { version: m.body.version, text: '组织义诊进小区' });
    const decision = d.body.decisions[0];
    const url = `/api/org/meetings/${m.body.id}/decisions/${decision.id}/work`;
    const bad = await call('clerk.longteng', 'POST', url, { version: decision.version, kind: 'item', categoryId: 999999, place: '御景小区' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('categoryId');
    // the city's department sees the meeting but the volunteer service knows no city-wide role
    const city = await call('city.admin', 'POST', url, { version: decision.version, kind: 'item', categoryId: 1, place: '御景小区' });
    expect(city.status).toBe(403);
    expect((await call('clerk.longteng', 'GET', `/api/org/meetings/${m.body.id}`)).body.decisions[0]).toMatchObject({ workKind: null, version: decision.version });
    expect(await platform.db.volunteer.query(`SELECT count(*)::int AS n FROM item WHERE meeting_decision_id = $1`, [decision.id])).toEqual([{ n: 0 }]);
  });

  it('never routes the volunteer service’s internal route through the gateway', async () => {
    const res = await fetch(`${platform.url}/api/volunteer/internal/meeting-work`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-internal-token': platform.internalToken, authorization: `Bearer ${tokens['clerk.longteng']}` }, body: '{}',
    });
    expect(res.status).toBe(404);
  });
});
