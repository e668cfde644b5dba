import request from 'supertest';
import { OVERDUE_SQL } from '../src/domain';
import { C, newId, setup, type TestContext, USERS } from './helper';

/**
 * Issue 13: the statistics read case_settled_rollup (kept by triggers, migration SettledRollup)
 * instead of every case. These tests keep the old full-scan SQL as the reference: on varied data
 * (every status, move-outs, 0–3 persons with every employer, settles at the business day's edges in
 * Asia/Shanghai, several years) the answers must be the same for every period and scope; and after
 * every write path the rollup must equal a recount from the cases.
 */
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t?.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);

// ---- the old SQL (before the rollup), the reference
const SETTLED_WHERE = `c.status = 'SETTLED' AND c.type <> 'move_out' AND c.community_id = ANY($1::bigint[])
      AND ($2::date IS NULL OR c.settled_at >= $2::date) AND ($3::date IS NULL OR c.settled_at < $3::date + 1)`;
const OLD_PER_COMMUNITY = `SELECT c.community_id AS "communityId", count(*)::int AS households, coalesce(sum(pc.n), 0)::int AS persons,
              avg(extract(epoch FROM c.settled_at - c.created_at)) / 86400 AS "avgDays"
         FROM move_case c CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM case_person cp WHERE cp.case_id = c.id) pc
        WHERE ${SETTLED_WHERE}
        GROUP BY GROUPING SETS ((c.community_id), ())`;
const OLD_PER_MONTH = `SELECT to_char(c.settled_at, 'YYYY-MM') AS month, count(*)::int AS households, coalesce(sum(pc.n), 0)::int AS persons
         FROM move_case c CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM case_person cp WHERE cp.case_id = c.id) pc
        WHERE ${SETTLED_WHERE}
        GROUP BY 1 ORDER BY 1`;
const OLD_PER_EMPLOYER = `SELECT coalesce(cp.employer, 'unknown') AS employer, count(*)::int AS persons
         FROM move_case c JOIN case_person cp ON cp.case_id = c.id
        WHERE ${SETTLED_WHERE}
        GROUP BY 1`;
const OPEN = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'];
const OLD_COUNTIES = `SELECT c.community_id AS id,
                count(*) FILTER (WHERE c.status = 'SETTLED' AND c.type <> 'move_out'
                  AND ($2::date IS NULL OR c.settled_at >= $2::date) AND ($3::date IS NULL OR c.settled_at < $3::date + 1))::int AS households,
                count(*) FILTER (WHERE c.status = ANY($4::text[]))::int AS open,
                count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue
           FROM move_case c WHERE c.community_id = ANY($1::bigint[]) GROUP BY 1`;
const days = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 10) / 10);

/** The rollup recounted from the cases (every grain), and the rollup's non-zero rows: must be equal. */
async function expectRollupExact() {
  const truth = await t.ds.query(`
    SELECT d.community_id::int AS "communityId", g.grain, to_char(g.bucket, 'YYYY-MM-DD') AS bucket, sum(d.h)::int AS households, sum(d.p)::int AS persons,
           sum(d.pi)::int AS pi, sum(d.en)::int AS en, sum(d.ot)::int AS ot, sum(d.un)::int AS un, sum(d.s)::text AS secs
      FROM (SELECT c.community_id, (c.settled_at AT TIME ZONE 'Asia/Shanghai')::date AS day, 1 AS h, pc.n AS p, pc.pi, pc.en, pc.ot, pc.un,
                   extract(epoch FROM c.settled_at - c.created_at) AS s
              FROM move_case c CROSS JOIN LATERAL (SELECT count(*) AS n, count(*) FILTER (WHERE employer = 'public_institution') AS pi,
                     count(*) FILTER (WHERE employer = 'enterprise') AS en, count(*) FILTER (WHERE employer = 'other') AS ot,
                     count(*) FILTER (WHERE employer IS NULL) AS un FROM case_person cp WHERE cp.case_id = c.id) pc
             WHERE c.status = 'SETTLED' AND c.type <> 'move_out') d
     CROSS JOIN LATERAL (VALUES ('d', d.day), ('m', date_trunc('month', d.day)::date), ('t', date '1970-01-01')) g (grain, bucket)
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
  const roll = await t.ds.query(`
    SELECT community_id::int AS "communityId", grain::text AS grain, to_char(bucket, 'YYYY-MM-DD') AS bucket, sum(households)::int AS households,
           sum(persons)::int AS persons, sum(persons_public_institution)::int AS pi, sum(persons_enterprise)::int AS en, sum(persons_other)::int AS ot,
           sum(persons_unknown)::int AS un, sum(processing_seconds)::text AS secs
      FROM case_settled_rollup
     GROUP BY 1, 2, 3
    HAVING sum(households) <> 0 OR sum(persons) <> 0 OR sum(processing_seconds) <> 0 OR sum(persons_public_institution) <> 0 OR sum(persons_enterprise) <> 0
        OR sum(persons_other) <> 0 OR sum(persons_unknown) <> 0
     ORDER BY 1, 2, 3`);
  const norm = (rows: { secs: string }[]) => rows.map((r) => ({ ...r, secs: Number(r.secs) }));
  expect(norm(roll)).toEqual(norm(truth));
  return truth.length;
}

// ---- varied data by SQL (every status and type, persons with every employer, settles at day edges)
let seq = 0;
let rnd = 42;
const random = () => {
  rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
  return rnd / 2 ** 31;
};
const pick = <T,>(a: readonly T[]) => a[Math.floor(random() * a.length)];
const STATUSES = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED', 'SETTLED', 'SETTLED', 'SETTLED', 'REJECTED', 'WITHDRAWN', 'REVOKED'];
const TYPES = ['purchased_flat', 'joining_relatives', 'collective', 'other', 'move_out'];
/** Instants at the edges of a business day in Asia/Shanghai (UTC+8: 16:00Z is midnight) and in between. */
const EDGES = ['T15:59:59.999Z', 'T16:00:00.000Z', 'T16:00:00.001Z', 'T03:30:00Z', 'T23:59:59Z', 'T00:00:00Z'];

async function insertCase(community: number, status: string, type: string, settledAt: string | null, createdAt: string, employers: (string | null)[]) {
  seq++;
  const [{ id }] = await t.ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, settled_at, step_started_at)
     VALUES ($1, $2, $3, $4, '申请人', 'test', $5, $5, $6, $7) RETURNING id`,
    [`HJR-${seq}`, type, status, community, createdAt, settledAt, settledAt ?? new Date(Date.now() - random() * 20 * 86400_000).toISOString()],
  );
  for (const [k, employer] of employers.entries()) {
    await t.ds.query(
      `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, employer)
       VALUES ($1, '王某', 'x', $2, '3706**', 'M', '1980-01-01', 'head', $3)`,
      [id, `rollup-${seq}-${k}`, employer],
    );
  }
  return Number(id);
}

async function fillVaried(n: number) {
  for (let i = 0; i < n; i++) {
    const status = pick(STATUSES);
    const settledDay = `${pick(['2023', '2024', '2025'])}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${pick(['01', '02', '14', '28', '29', '30', '31'])}`;
    const validDay = new Date(`${settledDay}T00:00:00Z`).toISOString().slice(0, 10) === settledDay ? settledDay : `${settledDay.slice(0, 8)}28`;
    const settledAt = status === 'SETTLED' || status === 'REVOKED' ? new Date(`${validDay}${pick(EDGES)}`).toISOString() : null;
    const createdAt = new Date(Date.parse(settledAt ?? '2025-06-01T00:00:00Z') - random() * 40 * 86400_000).toISOString();
    const employers = Array.from({ length: Math.floor(random() * 4) }, () => pick(['public_institution', 'enterprise', 'other', null]));
    await insertCase(pick([C.longteng, C.wanda, C.cuiting]), status, pick(TYPES), settledAt, createdAt, employers);
  }
}

const PERIODS: { from?: string; to?: string }[] = [
  {}, { from: '2024-03' }, { to: '2024-03' }, { from: '2024-03', to: '2024-03' }, { from: '2024-02-29', to: '2024-02-29' },
  { from: '2024-01-15', to: '2025-02-14' }, { from: '2023-12-31', to: '2024-01-01' }, { from: '2024-04-01', to: '2024-05-31' },
  { from: '2024-04-02', to: '2024-05-30' }, { from: '2025-01', to: '2025-12' }, { from: '2023-06-30' }, { to: '2024-12-01' }, { from: '2026-01-01' },
];

/** Expands a YYYY-MM period to the dates the API uses (parsePeriod). */
function dates(p: { from?: string; to?: string }) {
  const last = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return { from: p.from ? (p.from.length === 7 ? `${p.from}-01` : p.from) : null, to: p.to ? (p.to.length === 7 ? last(p.to) : p.to) : null };
}

async function expectSameAsFullScan(who: keyof typeof USERS, ids: number[], p: { from?: string; to?: string }, communityId?: number) {
  const qs = new URLSearchParams({ ...p, ...(communityId ? { communityId: String(communityId) } : {}) }).toString();
  const r = await api().get(`/api/household/stats/summary?${qs}`).set(as(who));
  expect(r.status).toBe(200);
  const d = dates(p);
  const scope = communityId ? [communityId] : ids;
  const params = [scope, d.from, d.to];
  const [perCommunity, perMonth, perEmployer] = await Promise.all([t.ds.query(OLD_PER_COMMUNITY, params), t.ds.query(OLD_PER_MONTH, params), t.ds.query(OLD_PER_EMPLOYER, params)]);
  const total = perCommunity.find((x: { communityId: unknown }) => x.communityId === null);
  const label = `${who} ${qs}`;
  expect({ label, totals: { households: r.body.totals.households, persons: r.body.totals.persons, avg: r.body.totals.avgProcessingDays } })
    .toEqual({ label, totals: { households: total.households, persons: total.persons, avg: days(total.avgDays) } });
  for (const c of r.body.communities) {
    const o = perCommunity.find((x: { communityId: unknown }) => Number(x.communityId) === c.communityId);
    expect({ label, id: c.communityId, h: c.households, p: c.persons, a: c.avgProcessingDays }).toEqual({ label, id: c.communityId, h: o?.households ?? 0, p: o?.persons ?? 0, a: days(o?.avgDays ?? null) });
  }
  expect({ label, months: r.body.months.filter((m: { households: number }) => m.households > 0) }).toEqual({ label, months: perMonth });
  if (perMonth.length) expect(r.body.months[0].month).toBe(d.from?.slice(0, 7) ?? perMonth[0].month);
  const emp = Object.fromEntries(['public_institution', 'enterprise', 'other', 'unknown'].map((k) => [k, perEmployer.find((x: { employer: string }) => x.employer === k)?.persons ?? 0]));
  expect({ label, emp: r.body.personsByEmployer }).toEqual({ label, emp });
  return total.households as number;
}

describe('statistics from the rollup equal the full scan (old SQL)', () => {
  beforeAll(async () => {
    await fillVaried(260);
  });

  it('the migration backfill and the triggers recount the same as the cases', async () => {
    expect(await expectRollupExact()).toBeGreaterThan(50);
  });

  it('GET /stats/summary answers as the old SQL for every period and scope', async () => {
    let seen = 0;
    for (const p of PERIODS) {
      seen += await expectSameAsFullScan('admin', [C.cuiting, C.longteng, C.wanda], p);
      await expectSameAsFullScan('street', [C.longteng, C.wanda], p);
      await expectSameAsFullScan('admin', [], p, C.wanda);
      await expectSameAsFullScan('clerk', [C.longteng], p);
    }
    expect(seen).toBeGreaterThan(100);
  });

  it('GET /stats/counties answers as the old SQL (households, open, overdue)', async () => {
    for (const p of PERIODS) {
      const r = await api().get(`/api/household/stats/counties?${new URLSearchParams(p).toString()}`).set(as('admin'));
      expect(r.status).toBe(200);
      const d = dates(p);
      const old = await t.ds.query(OLD_COUNTIES, [[C.cuiting, C.longteng, C.wanda], d.from, d.to, OPEN]);
      const sum = (k: string) => old.reduce((s: number, x: Record<string, number>) => s + x[k], 0);
      expect(r.body.totals).toMatchObject({ households: sum('households'), open: sum('open'), overdue: sum('overdue') });
      expect(r.body.counties).toHaveLength(1);
      expect(r.body.counties[0]).toMatchObject({ households: sum('households'), open: sum('open'), overdue: sum('overdue') });
    }
  });
});

describe('every write keeps the rollup exact', () => {
  function family(n = 3) {
    const ids = [newId('M', '1980-02-02'), newId('F', '1982-03-03'), newId('M', '2010-04-04')].slice(0, n);
    return ids.map((idNumber, i) => ({ name: ['张伟', '李娜', '张小明'][i], idNumber, relation: ['head', 'spouse', 'child'][i], employer: ['public_institution', undefined, 'other'][i] }));
  }
  const act = (id: number, body: Record<string, unknown>, who: keyof typeof USERS = 'clerk') => api().post(`/api/household/cases/${id}/transitions`).set(as(who)).send(body);
  const totals = async () => (await api().get('/api/household/stats/summary').set(as('admin'))).body.totals;

  it('create, each transition, settle, request and confirm revoke through the API', async () => {
    const before = await totals();
    const res = await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'purchased_flat', applicantName: '张伟', applicantPhone: '13805351234', persons: family(),
      newHousehold: { kind: 'family', building: '3', unit: '2', room: '502', address: '庄园街道龙腾小区3号楼2单元502' },
      propertyCertificateNo: `鲁(2020)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    expect(res.status).toBe(201);
    let c = res.body;
    await expectRollupExact();
    for (const [body, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: 'R-1' }, 'secretary'], [{ action: 'settle' }, 'clerk']] as const) {
      const r = await act(c.id, { ...body, version: c.version }, who);
      expect(r.status).toBe(200);
      c = r.body;
      await expectRollupExact();
    }
    const settled = await totals();
    expect({ households: settled.households - before.households, persons: settled.persons - before.persons }).toEqual({ households: 1, persons: 3 });
    const req = await act(c.id, { action: 'request_revoke', version: c.version, reason: '材料造假' }, 'street');
    expect(req.status).toBe(200);
    await expectRollupExact();
    const ok = await act(c.id, { action: 'confirm_revoke', version: req.body.version, reason: '复核确认' }, 'street2');
    expect(ok.body.status).toBe('REVOKED');
    await expectRollupExact();
    expect(await totals()).toMatchObject({ households: before.households, persons: before.persons });
  });

  it('persons added, changed and removed on a settled case, a case moved, deleted and undone by SQL', async () => {
    const id = await insertCase(C.longteng, 'SETTLED', 'purchased_flat', '2024-07-31T16:00:00Z', '2024-07-01T00:00:00Z', ['enterprise']);
    await expectRollupExact();
    await t.ds.query(`INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation) VALUES ($1, '李某', 'x', $2, '3706**', 'F', '1981-01-01', 'spouse')`, [id, `rollup-extra-${id}`]);
    await t.ds.query(`UPDATE case_person SET employer = 'public_institution' WHERE case_id = $1 AND employer IS NULL`, [id]);
    await expectRollupExact();
    await t.ds.query(`UPDATE move_case SET community_id = $2, settled_at = settled_at - interval '1 second' WHERE id = $1`, [id, C.wanda]);
    await expectRollupExact();
    await t.ds.query(`UPDATE move_case SET type = 'move_out' WHERE id = $1`, [id]);
    await expectRollupExact();
    await t.ds.query(`UPDATE move_case SET type = 'other', status = 'SETTLED' WHERE id = $1`, [id]);
    await t.ds.query(`DELETE FROM case_person WHERE case_id = $1 AND relation = 'spouse'`, [id]);
    await expectRollupExact();
    await t.ds.query(`DELETE FROM case_person WHERE case_id = $1`, [id]);
    await t.ds.query(`DELETE FROM move_case WHERE id = $1`, [id]);
    await expectRollupExact();
  });

  it('a bulk insert and update of many cases in one statement (as an import or the seed writes)', async () => {
    await t.ds.query(`INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, settled_at)
      SELECT 'HJB-' || g, 'purchased_flat', CASE WHEN g % 3 = 0 THEN 'APPROVED' ELSE 'SETTLED' END, CASE WHEN g % 2 = 0 THEN ${C.longteng} ELSE ${C.cuiting} END,
             '申请人', 'test', timestamptz '2022-01-01' + g * interval '7 hours', timestamptz '2022-01-01' + g * interval '9 hours', timestamptz '2022-01-01' + g * interval '9 hours'
        FROM generate_series(1, 200) g`);
    await t.ds.query(`INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, employer)
      SELECT c.id, '赵某', 'x', 'bulk-' || c.id || '-' || k, '3706**', 'M', '1990-01-01', 'head', (ARRAY['enterprise', NULL, 'other'])[1 + k]
        FROM move_case c CROSS JOIN generate_series(0, 2) k WHERE c.case_no LIKE 'HJB-%' AND (c.id + k) % 2 = 0`);
    await expectRollupExact();
    await t.ds.query(`UPDATE move_case SET status = 'SETTLED' WHERE case_no LIKE 'HJB-%' AND status = 'APPROVED'`);
    await t.ds.query(`UPDATE move_case SET status = 'REVOKED' WHERE case_no LIKE 'HJB-%' AND id % 5 = 0`);
    await expectRollupExact();
  });

  it('a rolled-back transaction leaves the rollup unchanged', async () => {
    const before = await t.ds.query(`SELECT community_id, grain, bucket, shard, households, persons, processing_seconds FROM case_settled_rollup ORDER BY 1, 2, 3, 4`);
    await t.ds
      .transaction(async (m) => {
        await m.query(`UPDATE move_case SET status = 'REVOKED' WHERE status = 'SETTLED'`);
        await m.query(`INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, settled_at) VALUES ('HJX-1', 'other', 'SETTLED', ${C.wanda}, 'x', 'test', now())`);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(await t.ds.query(`SELECT community_id, grain, bucket, shard, households, persons, processing_seconds FROM case_settled_rollup ORDER BY 1, 2, 3, 4`)).toEqual(before);
    await expectRollupExact();
  });

  it('concurrent transactions settling in the same community on the same day lose no update', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await insertCase(C.wanda, 'APPROVED', 'collective', null, '2025-09-01T00:00:00Z', ['other', null]));
    const before = await totals();
    await Promise.all(
      ids.map((id) =>
        t.ds.transaction(async (m) => {
          await m.query(`UPDATE move_case SET status = 'SETTLED', settled_at = timestamptz '2025-09-10 12:00+08' WHERE id = $1`, [id]);
          await m.query('SELECT pg_sleep(0.05)');
        }),
      ),
    );
    expect(await totals()).toMatchObject({ households: before.households + 12, persons: before.persons + 24 });
    await expectRollupExact();
  });
});
