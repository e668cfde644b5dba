import request from 'supertest';
import type { AuthUser } from '@redheart/shared';
import { ITEM_STATUSES } from '../src/domain';
import { DEFAULT_PLEDGES, seedDemo, volunteerCounts, type VolunteerSeedSummary } from '../src/seed/demo';
import { setupBlank, type TestContext } from './helper';
import { LONGTENG, ORG_ACCOUNTS, ORG_COMMUNITIES, ORG_REPORTS, ORG_UNITS, STAFF_UNIT, YONGQUAN } from './org-fixture';

let t: TestContext;
let first: VolunteerSeedSummary;
const ORG = { communities: ORG_COMMUNITIES, units: ORG_UNITS, reports: ORG_REPORTS, accounts: ORG_ACCOUNTS };

beforeAll(async () => {
  t = await setupBlank('seed');
  first = await seedDemo(t.ds, ORG);
}, 600_000); // the whole demo: minutes on a busy shared machine
afterAll(async () => t.close());

const users: Record<string, AuthUser> = {
  admin: { sub: '1', username: 'admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  clerk: { sub: '4', username: 'clerk.longteng', role: 'community_clerk', orgId: LONGTENG, scopePaths: [`/1/3/${LONGTENG}/`] },
  unit: { sub: '7', username: 'unit.staff', role: 'unit_staff', orgId: STAFF_UNIT, scopePaths: [`/1/${STAFF_UNIT}/`, `/1/3/${LONGTENG}/`] },
  member: { sub: '8', username: 'member', role: 'member', orgId: LONGTENG, scopePaths: [`/1/3/${LONGTENG}/`] },
};
const api = () => request(t.app.server);
const as = (who: string) => ({ Authorization: `Bearer ${t.sign(users[who])}` });
const one = async (sql: string, params: unknown[] = []) => Number((await t.ds.query(sql, params))[0].n);

describe('seedDemo (the dual-report demo)', () => {
  it('holds the article’s figures: 41 categories, 10 practical projects of 2019-12-31, the pledges, the 100,000-yuan road', async () => {
    expect(first.skipped).toBe(false);
    expect(first.counts).toMatchObject({ categories: 41, practicalProjects: 10, pledges: DEFAULT_PLEDGES, unitReports: ORG_REPORTS.length });
    const names = (await t.ds.query(`SELECT name FROM service_category`)).map((r: { name: string }) => r.name);
    expect(new Set(names).size).toBe(41);
    expect(names).toEqual(expect.arrayContaining(['环境卫生', '助老助残', '政策宣讲', '法律援助', '医疗义诊', '文体活动', '治安巡逻', '道路设施', '绿化美化', '心理疏导', '就业帮扶', '助学帮困', '家电维修', '消防安全', '垃圾分类']));
    const pp = await t.ds.query(`SELECT launched_on AS "launchedOn", progress, status FROM practical_project`);
    expect(pp.every((p: { launchedOn: string }) => p.launchedOn === '2019-12-31')).toBe(true);
    expect(pp.some((p: { status: string }) => p.status === 'done')).toBe(true);
    const road = await t.ds.query(
      `SELECT p.id, p.name, p.budget_yuan::float AS budget, p.milestones, p.status, p.community_id AS "communityId", u.name AS unit, pp.code
         FROM project p JOIN unit_ref u ON u.id = p.unit_id JOIN practical_project pp ON pp.id = p.practical_project_id WHERE p.name LIKE '%挡风玻璃厂%'`,
    );
    expect(road).toHaveLength(1);
    expect(road[0]).toMatchObject({ communityId: YONGQUAN, status: 'done', code: 'HM01' });
    expect(road[0].budget).toBeGreaterThanOrEqual(100_000);
    expect(road[0].milestones.length).toBeGreaterThanOrEqual(4);
    expect(road[0].milestones.every((m: { done: boolean }) => m.done)).toBe(true);
    // The road was a need, pledged and delivered by that unit, linked to the project.
    const roadItem = await t.ds.query(`SELECT status, pledge, rating, scheduled_date AS "scheduledDate" FROM item WHERE project_id = $1`, [road[0].id]);
    expect(roadItem).toEqual([{ status: 'CLOSED', pledge: true, rating: 5, scheduledDate: '2020-05-25' }]);
    // The public board shows the pledges.
    const board = await api().get('/api/volunteer/public/pledges');
    expect(board.body.totals.pledges).toBe(DEFAULT_PLEDGES);
    expect(board.body.totals.delivered).toBeGreaterThan(DEFAULT_PLEDGES * 0.9);
  });

  it('puts every member the communities took in into one of the five member groups (服务队), the demo member in the red one; the board shows the teams', async () => {
    expect(first.counts).toMatchObject({ memberGroups: 5, membersInGroups: first.counts.members });
    const used = await t.ds.query(`SELECT g.name, count(m.id)::int AS n FROM member_group g LEFT JOIN member m ON m.group_id = g.id AND m.status = 'approved' GROUP BY g.id ORDER BY g.sort`);
    expect(used.every((g: { n: number }) => g.n > 0)).toBe(true);
    expect(await one(`SELECT count(*) AS n FROM member WHERE status = 'rejected' AND group_id IS NOT NULL`)).toBe(0);
    const demo = await t.ds.query(`SELECT g.name, g.color FROM member m JOIN member_group g ON g.id = m.group_id WHERE m.username = 'member'`);
    expect(demo).toEqual([{ name: '红色先锋服务队', color: '#D7000F' }]);
    const board = await api().get('/api/volunteer/public/pledges?limit=100');
    expect(board.body.units.some((u: { teams: { members: number }[] }) => u.teams.length > 0 && u.teams.every((x) => x.members > 0))).toBe(true);
  });

  it('has items in every status, across the service days from 2020 to now', async () => {
    for (const s of ITEM_STATUSES) expect(first.counts[`status.${s}`]).toBeGreaterThan(0);
    const span = await t.ds.query(`SELECT min(scheduled_date) AS first, max(scheduled_date) AS last, count(DISTINCT scheduled_date)::int AS days FROM item`);
    expect(span[0].first.slice(0, 4)).toBe('2020');
    expect(span[0].last >= new Date().toISOString().slice(0, 10)).toBe(true);
    expect(span[0].days).toBeGreaterThan(100);
    expect(await one(`SELECT count(*) AS n FROM item WHERE scheduled_date IS NOT NULL AND extract(day FROM scheduled_date) NOT IN (15, 25)`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item WHERE kind = 'individual'`)).toBeGreaterThan(20);
    expect(await one(`SELECT count(*) AS n FROM item_event WHERE action = 'assign'`)).toBeGreaterThan(5);
    expect(await one(`SELECT count(*) AS n FROM item_event WHERE action = 'release'`)).toBeGreaterThan(5);
    expect(await one(`SELECT count(*) AS n FROM item_event WHERE action = 'reopen'`)).toBeGreaterThan(5);
    expect(await one(`SELECT count(*) AS n FROM item_event WHERE at > now()`)).toBe(0);
  });

  it('writes timelines the state machine allows, and the columns the scorecards read agree with the events', async () => {
    // Each event starts where the previous one ended; the first is the report; the last ends in the item's status.
    expect(await one(`
      WITH e AS (SELECT item_id, action, from_status, to_status, at, lag(to_status) OVER w AS prev, lag(at) OVER w AS prev_at, row_number() OVER w AS n
                   FROM item_event WINDOW w AS (PARTITION BY item_id ORDER BY id))
      SELECT count(*) AS n FROM e
       WHERE (n = 1 AND (action <> 'report' OR from_status IS NOT NULL OR to_status <> 'REPORTED'))
          OR (n > 1 AND (from_status IS DISTINCT FROM prev OR at < prev_at))`)).toBe(0);
    expect(await one(`
      SELECT count(*) AS n FROM item i JOIN LATERAL (SELECT to_status FROM item_event e WHERE e.item_id = i.id ORDER BY id DESC LIMIT 1) l ON true
       WHERE l.to_status <> i.status`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item i WHERE release_count <> (SELECT count(*) FROM item_event e WHERE e.item_id = i.id AND e.action = 'release')`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item i WHERE rework_count <> (SELECT count(*) FROM item_event e WHERE e.item_id = i.id AND e.action = 'reopen')`)).toBe(0);
    // The unit holding an item is the one of its last claim or assignment.
    expect(await one(`
      SELECT count(*) AS n FROM item i
       WHERE i.kind = 'unit' AND i.status IN ('CLAIMED', 'SCHEDULED', 'IN_PROGRESS', 'DONE', 'CONFIRMED', 'CLOSED')
         AND i.unit_id IS DISTINCT FROM (SELECT e.unit_id FROM item_event e WHERE e.item_id = i.id AND e.action IN ('claim', 'assign') ORDER BY e.id DESC LIMIT 1)`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item_event e JOIN item i ON i.id = e.item_id WHERE e.action IN ('claim', 'assign', 'release') AND e.unit_id IS NULL`)).toBe(0);
    // Hours are posted exactly for closed items; ratings exactly on confirmed and closed ones; delivered items have evidence.
    expect(await one(`SELECT count(*) AS n FROM item_hours h JOIN item i ON i.id = h.item_id WHERE h.posted <> (i.status = 'CLOSED')`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item WHERE (rating IS NOT NULL) <> (status IN ('CONFIRMED', 'CLOSED'))`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item i WHERE status IN ('DONE', 'CONFIRMED', 'CLOSED') AND NOT EXISTS (SELECT 1 FROM item_evidence v WHERE v.item_id = i.id)`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item i WHERE status IN ('DONE', 'CONFIRMED', 'CLOSED') AND NOT EXISTS (SELECT 1 FROM item_hours h WHERE h.item_id = i.id)`)).toBe(0);
    // Individual items' sign-ups stay within their places; check-ins only by reported members of the item's community.
    expect(await one(`SELECT count(*) AS n FROM item i WHERE kind = 'individual' AND (SELECT count(*) FROM item_signup s WHERE s.item_id = i.id) > capacity`)).toBe(0);
    expect(await one(`SELECT count(*) AS n FROM item_signup s JOIN item i ON i.id = s.item_id JOIN member m ON m.id = s.member_id WHERE m.status <> 'approved' OR m.community_id <> i.community_id`)).toBe(0);
    // Open items are as the escalation job would leave them: it finds nothing to do.
    expect(await t.app.volunteer.items.escalateOverdue()).toEqual([]);
    expect(await one(`SELECT count(*) AS n FROM item WHERE status = 'ESCALATED' AND deadline > now()`)).toBe(0);
  });

  it('mirrors the org chart’s dual reports, with members (the demo account in 龙腾) and resources', async () => {
    const reports = await t.ds.query(`SELECT unit_id AS "unitId", community_id AS "communityId", jsonb_array_length(resources)::int AS offered, contact_name AS contact FROM unit_report WHERE status = 'approved'`);
    const want = ORG_REPORTS.map((r) => ('unit_id' in r ? `${r.unit_id}:${r.community_id}` : ''));
    expect(reports.map((r: { unitId: number; communityId: number }) => `${r.unitId}:${r.communityId}`).sort()).toEqual(want.sort());
    expect(reports.every((r: { offered: number; contact: string }) => r.offered > 0 && r.contact)).toBe(true);
    expect(await one(`SELECT count(*) AS n FROM unit_report WHERE status = 'pending'`)).toBe(1);
    expect(await one(`SELECT count(*) AS n FROM community_ref`)).toBe(ORG_COMMUNITIES.length);
    expect(await one(`SELECT count(*) AS n FROM unit_ref`)).toBe(ORG_UNITS.length);
    const member = await t.ds.query(`SELECT name, community_id AS "communityId", unit_id AS "unitId", status FROM member WHERE username = 'member'`);
    expect(member).toEqual([{ name: '慕春梅', communityId: LONGTENG, unitId: STAFF_UNIT, status: 'approved' }]);
    const members = await one(`SELECT count(*) AS n FROM member`);
    expect(members).toBeGreaterThanOrEqual(180);
    expect(members).toBeLessThanOrEqual(220);
    expect(await one(`SELECT count(*) AS n FROM member WHERE status = 'pending'`)).toBeGreaterThan(0);
    expect(await one(`SELECT count(*) AS n FROM resource`)).toBeGreaterThan(ORG_REPORTS.length);
  });

  it('lets unit.staff claim a published item in 龙腾, shows its scorecard with history, and the member’s hours', async () => {
    const open = await api().get(`/api/volunteer/items?view=open&communityId=${LONGTENG}&limit=50`).set(as('unit'));
    const claimable = open.body.items.filter((i: { status: string; kind: string }) => i.status === 'PUBLISHED' && i.kind === 'unit');
    expect(claimable.length).toBeGreaterThanOrEqual(3);
    const claim = await api().post(`/api/volunteer/items/${claimable[0].id}/transitions`).set(as('unit')).send({ action: 'claim', version: claimable[0].version });
    expect(claim.status).toBe(200);
    expect(claim.body.unitId).toBe(STAFF_UNIT);
    const card = await api().get(`/api/volunteer/scorecards/units/${STAFF_UNIT}`).set(as('unit'));
    expect(card.body.claims).toBeGreaterThan(10);
    expect(card.body.completed).toBeGreaterThan(5);
    expect(card.body.releases).toBeGreaterThanOrEqual(1);
    expect(card.body.rework).toBeGreaterThanOrEqual(1);
    expect(card.body.onTimeRate).toBeGreaterThan(0.5);
    expect(card.body.onTimeRate).toBeLessThan(1);
    expect(card.body.averageRating).toBeGreaterThanOrEqual(3.5);
    expect(card.body.hours).toBeGreaterThan(0);
    const memberId = (await t.ds.query(`SELECT id FROM member WHERE username = 'member'`))[0].id;
    const mine = await api().get(`/api/volunteer/scorecards/members/${memberId}`).set(as('member'));
    expect(mine.body.hours).toBeGreaterThan(0);
    // Something for the clerk to confirm, and an activity the member can still sign up for.
    const done = await api().get(`/api/volunteer/items?status=DONE&communityId=${LONGTENG}`).set(as('clerk'));
    expect(done.body.items.length).toBeGreaterThan(0);
    const activity = open.body.items.find((i: { kind: string }) => i.kind === 'individual');
    const signup = await api().post(`/api/volunteer/items/${activity.id}/transitions`).set(as('member')).send({ action: 'signup', version: activity.version });
    expect(signup.status).toBe(200);
  });

  it('answers the overview for the whole county from the seeded records', async () => {
    const r = await api().get('/api/volunteer/overview').set(as('admin'));
    expect(r.status).toBe(200);
    expect(r.body.totals.pledges).toBe(DEFAULT_PLEDGES);
    expect(r.body.totals.checkInsPerServiceDay).toBeGreaterThan(5);
    expect(r.body.communities.filter((c: { items: number }) => c.items > 0)).toHaveLength(12);
  });

  it('changes nothing when run again', async () => {
    const tables = ['community_ref', 'unit_ref', 'unit_report', 'member', 'service_category', 'practical_project', 'resource', 'project', 'item', 'item_event', 'item_hours', 'item_evidence', 'item_signup', 'audit_entry'];
    const snapshot = async () => Promise.all(tables.map((x) => one(`SELECT count(*) AS n FROM ${x}`)));
    const before = await snapshot();
    const versions = await one(`SELECT sum(version) AS n FROM item`);
    const again = await seedDemo(t.ds, ORG);
    expect(again.skipped).toBe(true);
    expect(await snapshot()).toEqual(before);
    expect(await one(`SELECT sum(version) AS n FROM item`)).toBe(versions);
    expect(again.counts).toEqual(await volunteerCounts(t.ds.manager));
  });

  it('takes the number of pledges and members as options', async () => {
    const small = await setupBlank('seed_small');
    try {
      const s = await seedDemo(small.ds, { ...ORG, pledges: 120, members: 60 });
      expect(s.counts.pledges).toBe(120);
      expect(s.counts.members).toBeLessThanOrEqual(80);
    } finally {
      await small.close();
    }
  });
});
