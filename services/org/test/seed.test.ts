import request from 'supertest';
import type { DataSource } from 'typeorm';
import { dropDatabase } from '@redheart/shared';
import { login, setup, testDatabaseUrl, type TestContext } from './helper';
import { createOrgDataSource, migrateOrg } from '../src/data-source';
import { DEFAULT_DESKS, DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo, WORKER_PREFIX, type SeedSummary } from '../src/seed/demo';
import { importDivisions } from '../src/seed/import-divisions';

let t: TestContext;
let summary: SeedSummary;
const lines: string[] = [];
const q = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> => t.ds.query(sql, params);
const one = async (sql: string, params: unknown[] = []) => Number(Object.values((await q(sql, params))[0])[0]);

beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

describe('seedDemo is all or nothing', () => {
  it('writes nothing when a step fails half-way', async () => {
    // `npm run import:divisions -- 370686` ran first (units founded today); the seed must build on it.
    await importDivisions(t.ds, '370686');
    const before = { units: await one(`SELECT count(*) FROM org_unit`), audit: await one(`SELECT count(*) FROM audit_entry`) };
    expect(before.units).toBe(17); // 烟台市, 栖霞市, 3 streets, 12 communities
    // A service code the catalogue step will collide with, long after the branches were inserted.
    await q(`INSERT INTO catalogue_service (code, name, category, time_limit_days) VALUES ('QX-JY-001', '占位', '测试', 0)`);
    await expect(seedDemo(t.ds)).rejects.toMatchObject({ code: '23505' });
    expect(await one(`SELECT count(*) FROM org_unit`)).toBe(17);
    expect(await one(`SELECT count(*) FROM org_unit_version`)).toBe(17);
    expect(await one(`SELECT count(*) FROM org_unit WHERE valid_from < current_date OR version > 1`)).toBe(0);
    expect(await one(`SELECT count(*) FROM position`)).toBe(0);
    expect(await one(`SELECT count(*) FROM account`)).toBe(0);
    expect(await one(`SELECT count(*) FROM audit_entry`)).toBe(before.audit);
    await q(`DELETE FROM catalogue_service`);
  });
});

describe('seedDemo: the Qixia demo', () => {
  beforeAll(async () => {
    const started = Date.now();
    summary = await seedDemo(t.ds, { log: (l) => lines.push(l) });
    lines.push(`took ${Date.now() - started} ms`);
  }, 600_000); // the whole demo: minutes on a busy shared machine

  it('logs progress and a summary', () => {
    expect(summary.skipped).toBe(false);
    expect(lines.some((l) => l.startsWith('[import] 370686 栖霞市: created 0, updated 0, unchanged 16'))).toBe(true);
    expect(lines.some((l) => /^\[seed\] done in .* s: /.test(l))).toBe(true);
    expect(summary.counts).toMatchObject({ county_committee: 1, street_committee: 3, community_committee: 12, compound_branch: 7, property_company_branch: 5, grid: 97, account: DEMO_ACCOUNTS.length + 38, city_committee: 1 });
  });

  it('has the 12 urban communities with hukou duties since 2019-12-31, 4 of them split off in 2019 (8 → 12)', async () => {
    const urban = await q<{ name: string; street: string }>(
      `SELECT c.name, s.name AS street FROM org_unit c JOIN org_unit s ON s.id = c.parent_id
        WHERE c.type = 'community_committee' AND c.attributes @> '{"urban": true, "hukouDuty": true, "since": "2019-12-31"}' ORDER BY c.division_code`,
    );
    expect(urban.map((u) => u.name.replace('社区党委', ''))).toEqual(['翠亭', '迎宾', '涌泉', '东盛', '向阳', '万达', '龙腾', '文水', '英炜', '东山', '安泰', '果都']);
    expect(urban.filter((u) => u.street === '翠屏街道党工委')).toHaveLength(5);
    expect(urban.filter((u) => u.street === '庄园街道党工委')).toHaveLength(7);
    expect(await one(`SELECT count(*) FROM org_unit WHERE attributes ? 'establishedOn' AND valid_from = (attributes->>'establishedOn')::date AND valid_from BETWEEN '2019-01-01' AND '2019-12-31'`)).toBe(4);
    // As of mid-2019 the history shows the 8 communities there were then.
    const asOf = (d: string) => one(
      `SELECT count(*) FROM org_unit_version WHERE type = 'community_committee' AND effective_from <= $1 AND (effective_to IS NULL OR effective_to > $1)`, [d]);
    expect(await asOf('2019-06-30')).toBe(8);
    expect(await asOf('2020-06-24')).toBe(12);
    // 40 community workers recruited in 2020.
    expect(await one(`SELECT count(*) FROM org_unit c, jsonb_array_elements(c.attributes->'staff') w WHERE (w->>'newlyHired')::boolean`)).toBe(40);
  });

  it('gives each of the 40 community workers recruited in 2020 a clerk login in their own community', async () => {
    const recruits = await q<{ name: string; communityId: number; username: string | null; role: string | null }>(
      `SELECT w->>'name' AS name, c.id::int AS "communityId", a.username, a.role
         FROM org_unit c CROSS JOIN jsonb_array_elements(c.attributes->'staff') w
         LEFT JOIN account a ON a.display_name = w->>'name' AND a.org_id = c.id
        WHERE (w->>'newlyHired')::boolean`,
    );
    expect(recruits).toHaveLength(40);
    expect(recruits.filter((r) => r.username === null)).toEqual([]);
    expect(new Set(recruits.map((r) => r.role))).toEqual(new Set(['community_clerk']));
    const usernames = recruits.map((r) => r.username as string);
    expect(usernames.filter((u) => u.startsWith(WORKER_PREFIX))).toHaveLength(38);
    expect(usernames).toEqual(expect.arrayContaining(['clerk.longteng', 'clerk.cuiting', 'worker.01', 'worker.38']));
    // One of them signs in and is scoped to their community.
    const mine = recruits.find((r) => r.username === 'worker.38')!;
    const res = await request(t.app.server).post('/api/auth/login').send({ username: 'worker.38', password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: 'worker.38', role: 'community_clerk', orgId: mine.communityId });
  });

  it('reproduces 御景小区党支部 (翠屏街道, 2020-03-20) founded with one property-company branch and one business-district branch', async () => {
    const [yujing] = await q(
      `SELECT b.valid_from, c.name AS community, s.name AS street, b.parent_id FROM org_unit b
         JOIN org_unit c ON c.id = b.parent_id JOIN org_unit s ON s.id = c.parent_id
        WHERE b.name = '御景小区党支部' AND b.type = 'compound_branch'`,
    );
    expect(yujing).toMatchObject({ valid_from: '2020-03-20', street: '翠屏街道党工委' });
    const sameDay = await q<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM org_unit WHERE valid_from = '2020-03-20' AND type LIKE '%branch' GROUP BY type ORDER BY type`,
    );
    expect(sameDay).toEqual([
      { type: 'business_district_branch', n: 1 },
      { type: 'compound_branch', n: 1 },
      { type: 'property_company_branch', n: 1 },
    ]);
    // The first compound branch: nothing of its kind before it.
    expect(await one(`SELECT count(*) FROM org_unit WHERE type = 'compound_branch' AND valid_from < '2020-03-20'`)).toBe(0);
  });

  it('counts 7 compound branches and 5 property-company branches by the article date, and 26 property-managed compounds = 7 with a branch + 19 planned', async () => {
    expect(await one(`SELECT count(*) FROM org_unit WHERE type = 'compound_branch' AND valid_to IS NULL AND valid_from <= '2020-06-24'`)).toBe(7);
    expect(await one(`SELECT count(*) FROM org_unit WHERE type = 'property_company_branch' AND valid_to IS NULL AND valid_from <= '2020-06-24'`)).toBe(5);
    const [c] = await q(
      `SELECT count(*) FILTER (WHERE property_managed)::int AS managed,
              count(*) FILTER (WHERE property_managed AND branch_id IS NOT NULL)::int AS with_branch,
              count(*) FILTER (WHERE property_managed AND branch_planned)::int AS planned,
              count(*) FILTER (WHERE property_managed AND branch_id IS NULL AND NOT branch_planned)::int AS uncovered,
              count(*) FILTER (WHERE NOT property_managed)::int AS unmanaged,
              count(*) FILTER (WHERE NOT property_managed AND branch_id IS NOT NULL)::int AS unmanaged_with_branch
         FROM compound`,
    );
    expect(c).toMatchObject({ managed: 26, with_branch: 7, planned: 19, uncovered: 0, unmanaged_with_branch: 0 });
    expect(c.unmanaged).toBeGreaterThan(0);
    // Each compound branch is the branch of exactly one compound in its own community.
    expect(await one(`SELECT count(*) FROM compound k JOIN org_unit b ON b.id = k.branch_id WHERE b.type = 'compound_branch' AND b.parent_id = k.community_id`)).toBe(7);
  });

  it('builds the chain street → community → compound branch → building group → member household', async () => {
    const chains = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM org_unit h
         JOIN org_unit g ON g.id = h.parent_id AND g.type = 'building_group'
         JOIN org_unit b ON b.id = g.parent_id AND b.type = 'compound_branch'
         JOIN org_unit c ON c.id = b.parent_id AND c.type = 'community_committee'
         JOIN org_unit s ON s.id = c.parent_id AND s.type = 'street_committee'
        WHERE h.type = 'member_household' AND h.depth = 6`,
    );
    expect(chains[0].n).toBe(summary.counts.member_household);
    expect(summary.counts.member_household).toBeGreaterThanOrEqual(summary.counts.building_group);
    // every compound branch has building groups; every group has member households
    expect(await one(`SELECT count(*) FROM org_unit b WHERE b.type = 'compound_branch' AND NOT EXISTS (SELECT 1 FROM org_unit g WHERE g.parent_id = b.id AND g.type = 'building_group')`)).toBe(0);
    expect(await one(`SELECT count(*) FROM org_unit g WHERE g.type = 'building_group' AND NOT EXISTS (SELECT 1 FROM org_unit h WHERE h.parent_id = g.id)`)).toBe(0);
  });

  it('gives every org unit a correct path and a version row from its valid_from, and no child predates its parent', async () => {
    expect(await one(`SELECT count(*) FROM org_unit c JOIN org_unit p ON p.id = c.parent_id WHERE c.path <> p.path || c.id || '/' OR c.depth <> p.depth + 1`)).toBe(0);
    expect(await one(
      `SELECT count(*) FROM org_unit u LEFT JOIN org_unit_version v ON v.org_id = u.id AND v.effective_to IS NULL
        WHERE v.id IS NULL OR v.effective_from <> u.valid_from OR v.name <> u.name OR v.parent_id IS DISTINCT FROM u.parent_id`,
    )).toBe(0);
    expect(await one(`SELECT count(*) FROM org_unit c JOIN org_unit p ON p.id = c.parent_id WHERE c.valid_from < p.valid_from`)).toBe(0);
    expect(await one(`SELECT count(*) FROM org_unit u WHERE NOT EXISTS (SELECT 1 FROM audit_entry a WHERE a.entity_type = 'org_unit' AND a.entity_id = u.id::text)`)).toBe(0);
  });

  it('has 12 full-time secretaries (one per urban community, 柳宁 in 龙腾) and part-time members from stationed units', async () => {
    const rows = await q<{ community: string; person_name: string }>(
      `SELECT o.name AS community, p.person_name FROM position p JOIN org_unit o ON o.id = p.org_id WHERE p.kind = 'secretary' AND p.full_time ORDER BY o.division_code`,
    );
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.community)).size).toBe(12);
    expect(rows.find((r) => r.community === '龙腾社区党委')?.person_name).toBe('柳宁');
    expect(await one(`SELECT count(*) FROM position p JOIN org_unit o ON o.id = p.org_id WHERE p.full_time AND o.type <> 'community_committee'`)).toBe(0);
    // part-time members come from units that have reported to that community
    expect(await one(
      `SELECT count(*) FROM position p JOIN org_unit o ON o.id = p.org_id
        WHERE p.kind = 'part_time_member' AND o.type = 'community_committee'
          AND NOT EXISTS (SELECT 1 FROM unit_community_report r WHERE r.unit_id = p.from_unit_id AND r.community_id = p.org_id)`,
    )).toBe(0);
    expect(await one(`SELECT count(*) FROM position p JOIN org_unit o ON o.id = p.org_id WHERE p.kind = 'part_time_member' AND o.type = 'street_committee'`)).toBeGreaterThan(0);
  });

  it('has 97 grids of about 300 households with 97 grid workers, each grid in the care of a street cadre', async () => {
    const [g] = await q(
      `SELECT count(*)::int AS grids, count(DISTINCT worker_name)::int AS workers, count(worker_phone)::int AS phones,
              min(households) AS min, max(households) AS max, round(avg(households))::int AS avg, count(DISTINCT community_id)::int AS communities
         FROM grid`,
    );
    expect(g).toMatchObject({ grids: 97, workers: 97, phones: 97, communities: 12 });
    expect(g.min).toBeGreaterThanOrEqual(240);
    expect(g.max).toBeLessThanOrEqual(360);
    expect(Math.abs(Number(g.avg) - 300)).toBeLessThanOrEqual(20);
    expect(await one(`SELECT count(*) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM cadre_assignment a WHERE a.grid_id = g.id)`)).toBe(0);
    expect(await one(`SELECT count(DISTINCT community_id) FROM cadre_assignment WHERE grid_id IS NULL`)).toBe(12);
    expect(await one(
      `SELECT count(*) FROM cadre_assignment a JOIN org_unit c ON c.id = a.community_id WHERE c.parent_id <> a.street_id`,
    )).toBe(0);
  });

  it('has 80+ catalogue services with codes, materials and time limits, offered in the communities', async () => {
    const services = await q<{ code: string; materials: string[]; time_limit_days: number; category: string }>(`SELECT code, materials, time_limit_days, category FROM catalogue_service`);
    expect(services.length).toBeGreaterThanOrEqual(80);
    for (const s of services) {
      expect(s.code).toMatch(/^QX-[A-Z]{2}-\d{3}$/);
      expect(s.materials.length).toBeGreaterThan(0);
    }
    const categories = new Set(services.map((s) => s.category));
    for (const c of ['就业创业', '社会保险', '养老服务', '社会救助', '残疾人服务', '医疗保障', '户籍管理', '退役军人服务', '法律服务']) expect(categories).toContain(c);
    const offered = await q<{ n: number }>(`SELECT count(*)::int AS n FROM community_service GROUP BY community_id`);
    expect(offered).toHaveLength(12);
    for (const o of offered) expect(o.n).toBeGreaterThanOrEqual(80);
  });

  it('has convenience desks (the article\'s 2000+ by default), one at every building group, with workers and hotlines', async () => {
    expect(await one(`SELECT count(*) FROM desk`)).toBe(DEFAULT_DESKS);
    expect(DEFAULT_DESKS).toBeGreaterThanOrEqual(2000);
    expect(await one(`SELECT count(*) FROM org_unit g WHERE g.type = 'building_group' AND NOT EXISTS (SELECT 1 FROM desk d WHERE d.building_group_id = g.id)`)).toBe(0);
    expect(await one(`SELECT count(DISTINCT community_id) FROM desk`)).toBe(12);
    expect(await one(`SELECT count(*) FROM desk WHERE jsonb_array_length(workers) < 3 OR NOT hotlines @> '[{"phone": "12345"}]'`)).toBe(0);
    expect(await one(`SELECT count(*) FROM (SELECT community_id, building FROM desk GROUP BY 1, 2 HAVING count(*) > 1) d`)).toBe(0);
  });

  it('has 15+ work units that dual-report to every community; unit.staff\'s unit reports to 龙腾社区', async () => {
    expect(summary.counts.work_unit).toBeGreaterThanOrEqual(15);
    expect(await one(`SELECT count(DISTINCT community_id) FROM unit_community_report`)).toBe(12);
    const [unit] = await q(
      `SELECT u.name, array_agg(c.name) AS communities FROM account a JOIN org_unit u ON u.id = a.org_id
         JOIN unit_community_report r ON r.unit_id = u.id JOIN org_unit c ON c.id = r.community_id
        WHERE a.username = 'unit.staff' GROUP BY u.name`,
    );
    expect(unit).toEqual({ name: '栖霞市自然资源和规划局党组', communities: ['龙腾社区党委'] });
  });

  it.each(DEMO_ACCOUNTS.map((a) => [a.username, a] as const))('lets %s log in via POST /api/auth/login', async (_username, account) => {
    const res = await request(t.app.server).post('/api/auth/login').send({ username: account.username, password: DEMO_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ username: account.username, role: account.role, orgName: account.orgName });
  });

  it('gives the Zhuangyuan street admin exactly its own street as root', async () => {
    const { token } = await login(t.app, 'street.zhuangyuan', DEMO_PASSWORD);
    const res = await request(t.app.server).get('/api/org/units/roots').set({ Authorization: `Bearer ${token}` });
    expect(res.body.map((u: { name: string }) => u.name)).toEqual(['庄园街道党工委']);
  });

  it('writes phones the edit forms accept (digits, spaces, +, -, parentheses)', async () => {
    const phones = await q<{ phone: string }>(
      `SELECT phone FROM position WHERE phone IS NOT NULL
       UNION ALL SELECT worker_phone FROM grid WHERE worker_phone IS NOT NULL
       UNION ALL SELECT phone FROM cadre_assignment WHERE phone IS NOT NULL
       UNION ALL SELECT w->>'phone' FROM desk, jsonb_array_elements(workers || hotlines) w
       UNION ALL SELECT contacts->>'phone' FROM org_unit WHERE contacts ? 'phone'`,
    );
    expect(phones.length).toBeGreaterThan(1000);
    for (const { phone } of phones) expect(phone).toMatch(/^(0535-52\d{5}|1[358]\d{9}|\d{3,5})$/);
  });

  it('creates the same data on every run (seeded PRNG)', async () => {
    const digest = async (db: DataSource) => (await db.query(`SELECT md5(string_agg(x, '|' ORDER BY x)) AS d FROM (
        SELECT concat_ws(';', type, name, depth, valid_from, division_code, contacts::text, attributes::text) AS x FROM org_unit
        UNION ALL SELECT concat_ws(';', person_name, phone, kind, full_time, term_start) FROM position
        UNION ALL SELECT concat_ws(';', code, name, households, worker_name, worker_phone) FROM grid
        UNION ALL SELECT concat_ws(';', cadre_name, phone) FROM cadre_assignment
        UNION ALL SELECT concat_ws(';', code, building, workers::text, hotlines::text) FROM desk
        UNION ALL SELECT concat_ws(';', name, households, property_managed, property_company, branch_planned) FROM compound
        UNION ALL SELECT concat_ws(';', username, display_name, role) FROM account) t`))[0].d as string;
    const url = new URL(testDatabaseUrl());
    url.pathname = `${url.pathname}_again`;
    await dropDatabase(url.toString());
    await migrateOrg(url.toString());
    const other = createOrgDataSource(url.toString(), { poolSize: 2 });
    await other.initialize();
    try {
      await seedDemo(other);
      expect(await digest(other)).toBe(await digest(t.ds));
    } finally {
      await other.destroy();
      await dropDatabase(url.toString());
    }
  });

  it('does nothing the second time', async () => {
    const before = await q(`SELECT (SELECT count(*) FROM org_unit) AS units, (SELECT count(*) FROM org_unit_version) AS versions, (SELECT max(version) FROM org_unit) AS v`);
    const again: string[] = [];
    const second = await seedDemo(t.ds, { log: (l) => again.push(l) });
    expect(second.skipped).toBe(true);
    expect(second.counts).toEqual(summary.counts);
    expect(again.join('\n')).toMatch(/already seeded/);
    expect(await q(`SELECT (SELECT count(*) FROM org_unit) AS units, (SELECT count(*) FROM org_unit_version) AS versions, (SELECT max(version) FROM org_unit) AS v`)).toEqual(before);
  });
});
