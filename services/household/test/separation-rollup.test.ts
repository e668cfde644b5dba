import request from 'supertest';
import { maskResidentId } from '@redheart/shared';
import { C, newId, setup, type TestContext, USERS } from './helper';

/**
 * Issue 13: the statistics' separation rates "now" read separation_rollup (kept by triggers, migration SeparationRollup)
 * instead of re-measuring the registers. The live measure's full-scan SQL, as it was before the rollup, is kept here as
 * the reference: after every kind of write that can change a rate (owners imported and replaced, registrations
 * written, ended and moved, a settle, a household, a flat or a person's ID hash changed) the rollup must equal it for every
 * community, and the summary's "now" must be its sum.
 */
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t?.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

// ---- the old SQL (the live measure before the rollup), the reference
const OLD_MEASURE = `
  WITH own AS (
    SELECT pr.community_id, pr.id AS property_id, o.id_hash, reg.community_id AS reg_community
      FROM property pr
      JOIN property_owner o ON o.property_id = pr.id
      LEFT JOIN LATERAL (
        SELECT h.community_id FROM person p
          JOIN registration r ON r.person_id = p.id AND r.status = 'active'
          JOIN household h ON h.id = r.household_id
         WHERE p.id_hash = o.id_hash) reg ON true
     WHERE pr.community_id = ANY($1::bigint[])
  ),
  flat AS (
    SELECT community_id, property_id, coalesce(bool_or(reg_community = community_id), false) AS any_here FROM own GROUP BY community_id, property_id
  )
  SELECT o.community_id::int AS id, count(DISTINCT o.property_id)::int AS flats,
         count(DISTINCT o.property_id) FILTER (WHERE NOT f.any_here)::int AS "flatsSeparated",
         count(DISTINCT o.id_hash)::int AS residents,
         count(DISTINCT o.id_hash) FILTER (WHERE o.reg_community IS DISTINCT FROM o.community_id)::int AS "residentsElsewhere"
    FROM own o JOIN flat f ON f.community_id = o.community_id AND f.property_id = o.property_id
   GROUP BY o.community_id ORDER BY 1`;

type Counts = { id: number; flats: number; flatsSeparated: number; residents: number; residentsElsewhere: number };
const ALL = [C.cuiting, C.longteng, C.wanda];

async function expectRollupExact(): Promise<Counts[]> {
  const truth: Counts[] = await t.ds.query(OLD_MEASURE, [ALL]);
  const roll: Counts[] = await t.ds.query(`SELECT community_id::int AS id, flats, flats_separated AS "flatsSeparated", residents, residents_elsewhere AS "residentsElsewhere"
    FROM separation_rollup WHERE flats > 0 OR residents > 0 ORDER BY 1`);
  expect(roll).toEqual(truth);
  return truth;
}

let seq = 0;
async function person(id: string, name = '测试') {
  const [p] = await t.ds.query(`INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date) VALUES ($1, $2, $3, $4, 'M', '1980-01-01') RETURNING id`,
    [name, t.vault.encrypt(id), t.vault.hash(id), maskResidentId(id)]);
  return Number(p.id);
}
async function household(communityId: number) {
  seq++;
  const [h] = await t.ds.query(`INSERT INTO household (household_no, community_id, kind, address) VALUES ($1, $2, 'family', $3) RETURNING id`, [`SR-${seq}`, communityId, `地址${seq}`]);
  return Number(h.id);
}
const register = (personId: number, householdId: number) =>
  t.ds.query(`INSERT INTO registration (person_id, household_id, relation, status, start_date) VALUES ($1, $2, 'head', 'active', '2015-01-01') RETURNING id`, [personId, householdId]);

const owners = { a: newId('M', '1971-01-01'), b: newId('F', '1972-02-02'), c: newId('M', '1973-03-03'), d: newId('F', '1974-04-04') };
const flat = (n: number, ownerIds: string[]) => ({
  certificateNo: `鲁(2019)栖霞市不动产权第00${8100 + n}号`, address: `龙腾小区${n}号楼`, gridCode: `G0${n % 3}`,
  owners: ownerIds.map((idNumber, i) => ({ name: `业主${n}${i}`, idNumber })),
});

describe('separation_rollup', () => {
  it('equals the live measure after every write that can change it, and the summary reads it', async () => {
    await expectRollupExact();
    // Owners imported: all separated (nobody registered).
    let r = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: [flat(1, [owners.a, owners.b]), flat(2, [owners.c]), flat(3, [owners.a])] });
    expect(r.status).toBe(201);
    r = await api().post('/api/household/separation/properties').set(as('clerkWanda')).send({ properties: [{ ...flat(9, [owners.d, owners.a]), address: '万达小区9号楼' }] });
    expect(r.status).toBe(201);
    expect((await expectRollupExact()).find((c) => c.id === C.longteng)).toEqual({ id: C.longteng, flats: 3, flatsSeparated: 3, residents: 3, residentsElsewhere: 3 });

    // Registrations written (in 龙腾 and in 万达), in one statement and one by one.
    const pa = await person(owners.a);
    const pb = await person(owners.b);
    const pd = await person(owners.d);
    const hL = await household(C.longteng);
    const hW = await household(C.wanda);
    await t.ds.query(`INSERT INTO registration (person_id, household_id, relation, status, start_date) VALUES ($1, $3, 'head', 'active', '2015-01-01'), ($2, $3, 'spouse', 'active', '2015-01-01')`, [pa, pb, hL]);
    await register(pd, hW);
    expect((await expectRollupExact()).find((c) => c.id === C.longteng)).toEqual({ id: C.longteng, flats: 3, flatsSeparated: 1, residents: 3, residentsElsewhere: 1 });

    // A registration ended, and the person registered elsewhere.
    await t.ds.query(`UPDATE registration SET status = 'ended', end_date = current_date, end_reason = 'moved' WHERE person_id = $1 AND status = 'active'`, [pa]);
    await expectRollupExact();
    await register(pa, hW);
    await expectRollupExact();

    // Owners of a flat replaced by a new import.
    r = await api().post('/api/household/separation/properties').set(as('clerk')).send({ properties: [flat(2, [owners.c, owners.d])] });
    expect(r.status).toBe(201);
    await expectRollupExact();

    // A household, a flat and a person's ID hash changed (not done by the services, kept exact all the same).
    await t.ds.query(`UPDATE household SET community_id = $2 WHERE id = $1`, [hW, C.cuiting]);
    await expectRollupExact();
    await t.ds.query(`UPDATE property SET community_id = $2 WHERE certificate_no = $1`, [flat(3, []).certificateNo, C.wanda]);
    await expectRollupExact();
    await t.ds.query(`UPDATE person SET id_hash = $2 WHERE id = $1`, [pb, t.vault.hash(newId('F', '1999-09-09'))]);
    await expectRollupExact();

    // A settle of a case whose person owns a flat (the registration written by the settle's one statement).
    const created = await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'joining_relatives', applicantName: '业主', persons: [{ name: '业主20', idNumber: owners.c, relation: 'head' }], targetHouseholdId: hL,
      provided: ['id_card', 'hukou_booklet', 'relationship_proof', 'host_hukou_booklet', 'host_consent', 'application_form'],
    });
    expect(created.status).toBe(201);
    let c = created.body;
    for (const [body, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: 'SR-1' }, 'secretary'], [{ action: 'settle' }, 'clerk']] as const) {
      const res = await api().post(`/api/household/cases/${c.id}/transitions`).set(as(who)).send({ version: c.version, ...body });
      expect(res.status).toBe(200);
      c = res.body;
    }
    const truth = await expectRollupExact();

    // The summary's "now" is the rollup's sum over the compared communities.
    expect((await api().post('/api/household/separation/compare').set(as('clerk'))).status).toBe(200);
    const sep = (await api().get('/api/household/stats/summary').set(as('admin'))).body.separation;
    const lt = truth.find((x) => x.id === C.longteng)!;
    expect(sep.communities).toBe(1);
    expect(sep.now).toMatchObject({ flats: lt.flats, flatsSeparated: lt.flatsSeparated, residents: lt.residents, residentsElsewhere: lt.residentsElsewhere });
    expect(sep.before).toMatchObject({ flats: lt.flats, flatsSeparated: lt.flatsSeparated, residents: lt.residents, residentsElsewhere: lt.residentsElsewhere });
  });
});
