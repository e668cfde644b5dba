import request from 'supertest';
import { ALL_USERS, seedFixture, setup, tokens, type Fixture, type TestContext } from './helper';

/**
 * Issue 13: the county comparison's coverage reads compound_coverage_rollup (kept by triggers, migration CoverageRollup)
 * instead of every compound of the county and its branch. The full-scan SQL it had before is kept here as the
 * reference: after compounds are created, changed and given or losing a branch, and after a branch is archived, restored
 * or dated into the future, the rollup must hold exactly what the old SQL counts, and the county answer must equal it.
 */
let t: TestContext;
let f: Fixture;
let tok: Record<string, string>;
beforeAll(async () => {
  t = await setup();
  f = await seedFixture(t.ds);
  tok = await tokens(t.app, ALL_USERS);
});
afterAll(async () => t?.close());

const auth = (u: string) => ({ Authorization: `Bearer ${tok[u]}` });
const post = (u: string, path: string, body: object) => request(t.app.server).post(path).set(auth(u)).send(body);
const patch = (u: string, path: string, body: object) => request(t.app.server).patch(path).set(auth(u)).send(body);

// ---- the old SQL (before the rollup), the reference
const BRANCH_LIVE = `(b.id IS NOT NULL AND b.valid_to IS NULL AND b.valid_from <= current_date)`;
const OLD_COUNTY = `SELECT count(k.id)::int AS compounds,
         count(k.id) FILTER (WHERE ${BRANCH_LIVE})::int AS "withBranch",
         count(k.id) FILTER (WHERE NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS planned,
         count(k.id) FILTER (WHERE k.property_managed)::int AS "propertyManaged",
         count(k.id) FILTER (WHERE k.property_managed AND ${BRANCH_LIVE})::int AS "propertyManagedCovered"
    FROM org_unit y
    JOIN org_unit c ON c.path ~>=~ y.path AND c.path ~<~ (y.path || '~') AND c.valid_to IS NULL AND c.type = 'community_committee'
    JOIN compound k ON k.community_id = c.id
    LEFT JOIN org_unit b ON b.id = k.branch_id
   WHERE y.id = $1`;

/** The rollup summed per community with today's split, against the old SQL per community (every community). */
async function expectRollupExact() {
  const perCommunity = (from: string) => `SELECT c.id::int AS id, q.* FROM org_unit c CROSS JOIN LATERAL (${from}) q WHERE c.type = 'community_committee' ORDER BY 1`;
  const truth = await t.ds.query(perCommunity(`SELECT count(k.id)::int AS compounds, count(k.id) FILTER (WHERE ${BRANCH_LIVE})::int AS live,
      count(k.id) FILTER (WHERE NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS planned, count(k.id) FILTER (WHERE k.property_managed)::int AS pm,
      count(k.id) FILTER (WHERE k.property_managed AND NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS pmp
      FROM compound k LEFT JOIN org_unit b ON b.id = k.branch_id WHERE k.community_id = c.id`));
  const roll = await t.ds.query(perCommunity(`SELECT coalesce(sum(r.compounds), 0)::int AS compounds, coalesce(sum(r.compounds) FILTER (WHERE r.branch_from <= current_date), 0)::int AS live,
      coalesce(sum(r.planned) FILTER (WHERE NOT r.branch_from <= current_date), 0)::int AS planned, coalesce(sum(r.property_managed), 0)::int AS pm,
      coalesce(sum(r.pm_planned) FILTER (WHERE NOT r.branch_from <= current_date), 0)::int AS pmp
      FROM compound_coverage_rollup r WHERE r.community_id = c.id`));
  expect(roll).toEqual(truth);
  const [county] = (await request(t.app.server).get('/api/org/coverage/counties').set(auth('admin'))).body.counties;
  const [old] = await t.ds.query(OLD_COUNTY, [f.county]);
  expect(county).toMatchObject(old);
}

describe('compound_coverage_rollup', () => {
  it('equals the full-scan count after every write to compounds and their branches', async () => {
    await expectRollupExact();
    const a = await post('secretary.longteng', `/api/org/units/${f.longteng}/compounds`, { name: '御景小区', households: 300, propertyManaged: true, propertyCompany: '某物业', branchId: f.yujingBranch });
    expect(a.status).toBe(201);
    const b = await post('secretary.longteng', `/api/org/units/${f.longteng}/compounds`, { name: '龙腾花园', households: 420, propertyManaged: true, branchPlanned: true });
    expect(b.status).toBe(201);
    expect((await post('admin', `/api/org/units/${f.wanda}/compounds`, { name: '万达一期', households: 100 })).status).toBe(201);
    await expectRollupExact();
    // A compound changed: not property-managed any more, then planned off.
    const changed = await patch('admin', `/api/org/compounds/${b.body.id}`, { version: b.body.version, propertyManaged: false, propertyCompany: null });
    expect(changed.status).toBe(200);
    await expectRollupExact();
    // The branch archived, restored, dated into the future (not founded yet), and back.
    await t.ds.query(`UPDATE org_unit SET valid_to = current_date WHERE id = $1`, [f.yujingBranch]);
    await expectRollupExact();
    await t.ds.query(`UPDATE org_unit SET valid_to = NULL WHERE id = $1`, [f.yujingBranch]);
    await expectRollupExact();
    await t.ds.query(`UPDATE org_unit SET valid_from = current_date + 30 WHERE id = $1`, [f.yujingBranch]);
    await expectRollupExact();
    await t.ds.query(`UPDATE org_unit SET valid_from = '2020-03-20' WHERE id = $1`, [f.yujingBranch]);
    // Other updates of org_unit (a rename) change nothing; a compound gives up its branch; one is deleted.
    await t.ds.query(`UPDATE org_unit SET name = name || '（改）' WHERE id IN ($1, $2)`, [f.yujingBranch, f.longteng]);
    await expectRollupExact();
    await t.ds.query(`UPDATE compound SET branch_id = NULL, branch_planned = true WHERE id = $1`, [a.body.id]);
    await expectRollupExact();
    await t.ds.query(`DELETE FROM compound WHERE id = $1`, [b.body.id]);
    await expectRollupExact();
  });

  it('a compound and its branch edited at once, many times: neither fails (no deadlock) and the rollup stays exact', async () => {
    const k = await post('secretary.longteng', `/api/org/units/${f.longteng}/compounds`, { name: '并发小区', households: 50, propertyManaged: true, propertyCompany: '某物业', branchId: f.yujingBranch });
    expect(k.status).toBe(201);
    // Each side as its service does it (compounds.update, units.update/archive): lock its own row first, then write it. Both
    // hold their row before either writes (a barrier), so each write's trigger meets the row the other transaction holds.
    const compoundSide = await t.ds.createQueryRunner();
    const branchSide = await t.ds.createQueryRunner();
    const failures: string[] = [];
    try {
      for (let round = 0; round < 30; round++) {
        let arrived = 0;
        let release!: () => void;
        const bothLocked = new Promise<void>((r) => (release = r));
        const barrier = async () => {
          if (++arrived === 2) release();
          await bothLocked;
        };
        const edit = async (q: typeof compoundSide, lock: string, write: string, id: number) => {
          await q.startTransaction();
          try {
            await q.query(lock, [id]);
            await barrier();
            await q.query(write, [id]);
            await q.commitTransaction();
          } catch (e) {
            await q.rollbackTransaction();
            failures.push(`round ${round}: ${(e as Error).message}`);
          }
        };
        await Promise.all([
          edit(compoundSide, 'SELECT 1 FROM compound WHERE id = $1 FOR UPDATE', 'UPDATE compound SET branch_planned = NOT branch_planned, property_managed = NOT property_managed WHERE id = $1', k.body.id),
          edit(branchSide, 'SELECT 1 FROM org_unit WHERE id = $1 FOR UPDATE',
            `UPDATE org_unit SET valid_from = CASE WHEN valid_from = '2020-03-20' THEN current_date + 10 ELSE '2020-03-20' END WHERE id = $1`, f.yujingBranch),
        ]);
        await expectRollupExact();
      }
    } finally {
      await compoundSide.release();
      await branchSide.release();
    }
    expect(failures).toEqual([]);
  });
});
