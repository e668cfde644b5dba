import request from 'supertest';
import type { OrgCommunity } from '@redheart/shared';
import { STEP_LIMIT_DAYS } from '../src/domain';
import { seedDemo, type HouseholdSeedSummary } from '../src/seed/demo';
import { C, setup, type TestContext, USERS } from './helper';

let t: TestContext;
let first: HouseholdSeedSummary;
const lines: string[] = [];
const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

/** The 12 urban communities as the org chart lists them; 翠亭, 龙腾 and 万达 keep the helper's ids and paths. */
const CUIPING = '翠屏街道党工委';
const ZHUANGYUAN = '庄园街道党工委';
const COMMUNITIES: OrgCommunity[] = [
  [C.cuiting, '翠亭', '370686001001', 2], [20, '迎宾', '370686001002', 2], [21, '涌泉', '370686001003', 2], [22, '东盛', '370686001004', 2], [23, '向阳', '370686001005', 2],
  [C.wanda, '万达', '370686002001', 3], [C.longteng, '龙腾', '370686002002', 3], [30, '文水', '370686002003', 3], [31, '英炜', '370686002004', 3], [32, '东山', '370686002005', 3],
  [33, '安泰', '370686002006', 3], [34, '果都', '370686002007', 3],
].map(([id, short, code, street]) => ({
  id: id as number, name: `${short}社区党委`, path: `/1/${street}/${id}/`, streetName: street === 2 ? CUIPING : ZHUANGYUAN, divisionCode: code as string,
}));

beforeAll(async () => {
  t = await setup();
  first = await seedDemo(t.ds, { vault: t.vault, communities: COMMUNITIES, log: (l) => lines.push(l) });
}, 600_000); // the whole demo: minutes on a busy shared machine
afterAll(async () => t.close());

describe('seedDemo', () => {
  it('loads the demo in one go, with progress lines and a summary', () => {
    expect(first.skipped).toBe(false);
    expect(lines.some((l) => /1067 households \/ 2576 persons/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/household demo ready/);
    expect(first.counts.household).toBeGreaterThan(2000);
    expect(first.counts.move_case).toBeGreaterThan(1067);
  });

  it('is reported by the statistics as 1067 households / 2576 persons for 2019-12 … 2020-06, from the records', async () => {
    const res = await api().get('/api/household/stats/summary?from=2019-12&to=2020-06').set(as('admin'));
    expect(res.status).toBe(200);
    expect(res.body.totals).toMatchObject({ households: 1067, persons: 2576 });
    expect(res.body.communities).toHaveLength(12);
    expect(res.body.communities.every((c: { households: number }) => c.households > 40)).toBe(true);
    expect(res.body.months.map((m: { month: string }) => m.month)).toEqual(['2019-12', '2020-01', '2020-02', '2020-03', '2020-04', '2020-05', '2020-06']);
    expect(res.body.months.reduce((n: number, m: { households: number }) => n + m.households, 0)).toBe(1067);
    expect(res.body.months.reduce((n: number, m: { persons: number }) => n + m.persons, 0)).toBe(2576);
    expect(res.body.months.every((m: { households: number }) => m.households > 0)).toBe(true);
    // 机关事业单位职工带头: where the persons moved in work; the categories add up to the persons.
    const e = res.body.personsByEmployer;
    expect(e.public_institution + e.enterprise + e.other + e.unknown).toBe(2576);
    expect(e.public_institution).toBeGreaterThan(100);
    expect(e.enterprise).toBeGreaterThan(e.other);
    // All time is the same: nothing else was settled as a move-in (the revoked case does not count).
    expect((await api().get('/api/household/stats/summary').set(as('admin'))).body.totals).toMatchObject({ households: 1067, persons: 2576 });
    // Separation fell between the first comparison and now.
    const sep = res.body.separation;
    expect(sep.communities).toBe(12);
    expect(sep.before.flatRate).toBeGreaterThan(sep.now.flatRate);
    expect(sep.before.residentRate).toBeGreaterThan(sep.now.residentRate);
    expect(sep.before.takenAt).toBe('2019-12-30T01:00:00.000Z');
    const street = await api().get('/api/household/stats/summary?from=2019-12&to=2020-06').set(as('street'));
    expect(street.body.communities).toHaveLength(7);
    expect(street.body.totals.households).toBeLessThan(1067);
  });

  it('keeps the registers consistent: every settled person registered by their case, one active registration each', async () => {
    const [r] = await t.ds.query(
      `SELECT count(*)::int AS n FROM case_person cp JOIN move_case c ON c.id = cp.case_id
         JOIN person p ON p.id_hash = cp.id_hash
         JOIN registration r ON r.person_id = p.id AND r.case_id = c.id AND r.status = 'active'
        WHERE c.status = 'SETTLED'`,
    );
    expect(r.n).toBe(2576);
    const [dup] = await t.ds.query(`SELECT count(*)::int AS n FROM (SELECT person_id FROM registration WHERE status = 'active' GROUP BY person_id HAVING count(*) > 1) x`);
    expect(dup.n).toBe(0);
    const [moved] = await t.ds.query(`SELECT count(*)::int AS n FROM registration WHERE end_reason = 'moved' AND ended_by_case_id IS NOT NULL`);
    expect(moved.n).toBeGreaterThan(0);
    const [revoked] = await t.ds.query(`SELECT count(*)::int AS n FROM registration r JOIN move_case c ON c.id = r.case_id WHERE c.status = 'REVOKED' AND r.status = 'ended' AND r.end_reason = 'revoked'`);
    expect(revoked.n).toBe(2);
    const [snaps] = await t.ds.query(`SELECT count(*)::int AS n FROM separation_snapshot WHERE community_id = $1`, [C.longteng]);
    expect(snaps.n).toBe(9);
  });

  it('marks its cases already due or overdue as told: the first time-limit run of a fresh platform tells no clerk of them', async () => {
    const [marked] = await t.ds.query(`SELECT count(*) FILTER (WHERE light = 'red')::int AS red, count(*) FILTER (WHERE light = 'yellow')::int AS yellow FROM case_limit_notice`);
    expect(marked.red).toBeGreaterThanOrEqual(3);
    expect(marked.yellow).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => /marked as told/.test(l))).toBe(true);
    expect(await t.app.caseLimits.run()).toEqual([]);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM outbox_event WHERE type IN ('household.case.due_soon', 'household.case.overdue')`))[0].n).toBe(0);
    // a step that reaches its limit after the seed is still told
    const [c] = await t.ds.query(`SELECT id::int AS id FROM move_case WHERE status = ANY($1::text[]) AND id NOT IN (SELECT case_id FROM case_limit_notice) ORDER BY id LIMIT 1`, [Object.keys(STEP_LIMIT_DAYS)]);
    const later = new Date(Date.now() + 60 * 86_400_000);
    expect((await t.app.caseLimits.run(later)).map((n) => n.caseId)).toContain(c.id);
  });

  it('gives 龙腾\'s clerk a queue in every state, with green-channel and overdue cases, that the service can work', async () => {
    const all = (await api().get('/api/household/cases?limit=100').set(as('clerk'))).body.items as { id: number; status: string; greenChannel: boolean; light: string; version: number; type: string }[];
    const open = all.filter((c) => !['SETTLED'].includes(c.status));
    expect(new Set(open.map((c) => c.status))).toEqual(new Set(['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'REVOKED']));
    expect(open.some((c) => c.greenChannel && ['SUBMITTED', 'ACCEPTED'].includes(c.status))).toBe(true);
    expect(open.filter((c) => c.light === 'red').length).toBeGreaterThanOrEqual(3);
    expect(open.some((c) => c.light === 'yellow')).toBe(true);
    const overdue = (await api().get('/api/household/cases?overdue=true').set(as('clerk'))).body.items;
    expect(overdue.length).toBeGreaterThanOrEqual(3);
    const supplement = open.find((c) => c.status === 'NEEDS_SUPPLEMENT')!;
    const detail = (await api().get(`/api/household/cases/${supplement.id}`).set(as('clerk'))).body;
    expect(detail.notices).toHaveLength(1);
    expect(detail.missingItems).toEqual(['relationship_proof', 'host_consent']);
    // The approved purchase settles through the real service: the buyer moves from another community.
    const approved = open.find((c) => c.status === 'APPROVED' && c.type === 'purchased_flat')!;
    const settled = await api().post(`/api/household/cases/${approved.id}/transitions`).set(as('clerk')).send({ action: 'settle', version: approved.version });
    expect(settled.status).toBe(200);
    expect(settled.body.timeline.at(-1).data.movedWithinSystem).toBeGreaterThanOrEqual(1);
    // The green-channel submission passes the duplicate check and is accepted.
    const green = open.find((c) => c.status === 'SUBMITTED' && c.greenChannel)!;
    const accepted = await api().post(`/api/household/cases/${green.id}/transitions`).set(as('clerk')).send({ action: 'accept', version: green.version, originalsVerified: true });
    expect(accepted.status).toBe(200);
  });

  it('fills the outreach funnel of every grid from the comparison', async () => {
    const f = (await api().get('/api/household/separation/funnel').set(as('grid'))).body;
    expect(f.totals.identified).toBeGreaterThan(50);
    expect(f.totals.settled).toBeGreaterThan(20);
    expect(f.totals.declined).toBeGreaterThan(0);
    expect(f.totals.contacted).toBeGreaterThan(f.totals.applied);
    expect(f.totals.applied).toBeGreaterThanOrEqual(f.totals.settled);
    expect(f.grids.length).toBeGreaterThan(3);
    const applied = (await api().get('/api/household/separation/tasks?status=applied').set(as('clerk'))).body.items;
    expect(applied.filter((x: { caseId: number | null }) => x.caseId).length).toBeGreaterThanOrEqual(4);
    const tasks = (await api().get('/api/household/separation/tasks?status=settled&limit=5').set(as('clerk'))).body.items;
    expect(tasks.every((x: { caseStatus: string }) => x.caseStatus === 'SETTLED')).toBe(true);
  });

  it('skips a second run and changes nothing', async () => {
    const again = await seedDemo(t.ds, { vault: t.vault, communities: COMMUNITIES });
    expect(again.skipped).toBe(true);
    const [n] = await t.ds.query(`SELECT count(*)::int AS n FROM move_case`);
    expect(n.n).toBe(first.counts.move_case);
  });
});
