import { OVERDUE_SQL, STEP_LIMIT_DAYS } from '../src/domain';
import { OPEN_ROLLUP_BACKFILL } from '../src/migrations/1767400000000-OpenCaseRollup';
import { appForTests, C, newId } from './helper';

/**
 * Issue 13: the open and overdue cases of /stats/counties and /stats/summary come from case_open_rollup (kept by triggers,
 * folded by case_open_rollup_fold(); migration OpenCaseRollup) plus an exact count of the hour at the limit. The
 * reference is a direct COUNT over move_case with OVERDUE_SQL, after creates, transitions, closes, bulk writes, steps
 * started long ago, steps whose limit falls in the current hour (some minutes past it, some not yet), green channel.
 */
const { ctx, as, api } = appForTests();
const OPEN = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'];
const ALL = [C.cuiting, C.longteng, C.wanda];

/** The truth: per community and status, open cases and overdue ones, counted over the cases. */
async function direct(ids: number[]) {
  const rows: { id: number; status: string; open: number; overdue: number }[] = await ctx().ds.query(
    `SELECT c.community_id::int AS id, c.status, count(*)::int AS open, count(*) FILTER (WHERE ${OVERDUE_SQL})::int AS overdue
       FROM move_case c WHERE c.status = ANY($2::text[]) AND c.community_id = ANY($1::bigint[]) GROUP BY 1, 2`,
    [ids, OPEN],
  );
  const sum = (f: (r: (typeof rows)[number]) => boolean, k: 'open' | 'overdue') => rows.filter(f).reduce((n, r) => n + r[k], 0);
  return { rows, sum };
}

/** /stats/counties (admin, the whole county) and /stats/summary (each scope) against the direct count; returns the overdue total. */
async function expectSameAsCount(label: string) {
  const { sum } = await direct(ALL);
  const r = await api().get('/api/household/stats/counties').set(as('admin'));
  expect(r.status).toBe(200);
  const all = { open: sum(() => true, 'open'), overdue: sum(() => true, 'overdue') };
  expect({ label, totals: { open: r.body.totals.open, overdue: r.body.totals.overdue } }).toEqual({ label, totals: all });
  expect({ label, county: { open: r.body.counties[0].open, overdue: r.body.counties[0].overdue } }).toEqual({ label, county: all });
  for (const [who, ids] of [['admin', ALL], ['street', [C.longteng, C.wanda]], ['clerk', [C.longteng]]] as const) {
    const s = await api().get('/api/household/stats/summary').set(as(who));
    expect(s.status).toBe(200);
    const d = await direct([...ids]);
    expect({ label, who, totals: { open: s.body.totals.open, overdue: s.body.totals.overdue } })
      .toEqual({ label, who, totals: { open: d.sum(() => true, 'open'), overdue: d.sum(() => true, 'overdue') } });
    for (const c of s.body.communities) {
      const own = (x: { id: number }) => x.id === c.communityId;
      expect({ label, who, id: c.communityId, open: c.open, overdue: c.overdue }).toEqual({ label, who, id: c.communityId, open: d.sum(own, 'open'), overdue: d.sum(own, 'overdue') });
    }
    for (const st of OPEN) expect({ label, who, st, n: s.body.openByStatus[st] }).toEqual({ label, who, st, n: d.sum((x) => x.status === st, 'open') });
    for (const st of Object.keys(STEP_LIMIT_DAYS)) expect({ label, who, st, n: s.body.overdueByStatus[st] }).toEqual({ label, who, st, n: d.sum((x) => x.status === st, 'overdue') });
  }
  return all;
}

/** The rollup's sums equal the open cases per community, status, green channel and hour (rows folded to -infinity aside). */
async function expectRollupOpenTotals() {
  const truth = await ctx().ds.query(
    `SELECT community_id::int AS id, status, count(*)::int AS n FROM move_case WHERE status = ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`, [OPEN]);
  const roll = await ctx().ds.query(`SELECT community_id::int AS id, status, sum(n)::int AS n FROM case_open_rollup GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2`);
  expect(roll).toEqual(truth);
}

let seq = 0;
/** Cases by SQL: `started` a SQL expression of the step's start (evaluated per row, `g` the series 1..n). */
async function insertCases(n: number, community: number, status: string, started: string, green = false) {
  await ctx().ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at, step_started_at, green_channel, settled_at)
     SELECT 'HJO-' || $1::int || '-' || g, 'purchased_flat', $2, $3, '申请人', 'test', now() - interval '30 days', now(), ${started}, $4,
            CASE WHEN $2 = 'SETTLED' THEN now() END
       FROM generate_series(1, $5::int) g`,
    [++seq, status, community, green, n],
  );
}

describe('open and overdue cases from case_open_rollup equal a direct count', () => {
  it('cases long overdue, not yet due, and due within the current hour (either side of now), green channel', async () => {
    await insertCases(40, C.longteng, 'SUBMITTED', `now() - interval '40 days' - g * interval '37 minutes'`);
    await insertCases(30, C.wanda, 'ACCEPTED', `now() - g * interval '11 minutes'`);
    await insertCases(25, C.cuiting, 'DRAFT', `now() - interval '400 days' + g * interval '13 days'`);
    await insertCases(10, C.longteng, 'NEEDS_SUPPLEMENT', `now() - g * interval '50 days'`);
    // the limit falls within minutes of now: SUBMITTED 3 days, APPROVED 2 days, green channel ACCEPTED 1 day
    await insertCases(25, C.longteng, 'SUBMITTED', `now() - interval '3 days' + (g - 13) * interval '4 minutes'`);
    await insertCases(25, C.wanda, 'APPROVED', `now() - interval '2 days' + (g - 13) * interval '5 minutes' + interval '17 seconds'`);
    await insertCases(25, C.cuiting, 'ACCEPTED', `now() - interval '1 day' + (g - 13) * interval '3 minutes'`, true);
    // past the limit, in the hour (UTC) the limit is in now: the rollup's row of that hour is not overdue as a whole
    const HOUR = `date_bin('1 hour', now(), timestamptz '2000-01-01 00:00:00+00')`;
    await insertCases(9, C.longteng, 'SUBMITTED', `now() - interval '3 days' - (now() - ${HOUR}) * g / 10.0`);
    await insertCases(20, C.wanda, 'SETTLED', `now() - interval '9 days'`);
    const [{ edge }] = await ctx().ds.query(`SELECT count(*)::int AS edge FROM move_case c WHERE ${OVERDUE_SQL}
      AND date_bin('1 hour', c.step_started_at, timestamptz '2000-01-01 00:00:00+00') + interval '1 hour' + interval '3 days' > now() AND c.status = 'SUBMITTED'`);
    expect(edge).toBeGreaterThanOrEqual(9);
    const all = await expectSameAsCount('inserted');
    expect(all.open).toBe(189);
    // long overdue 40 + 25; at the limit 12 of each 25 were past it when inserted, the 13th (at the limit to the
    // microsecond, or 17 s before it) passes it as the test runs
    expect(all.overdue).toBeGreaterThanOrEqual(40 + 25 + 12 * 3 + 9);
    expect(all.overdue).toBeLessThanOrEqual(40 + 25 + 13 * 3 + 9);
    await expectRollupOpenTotals();
  });

  it('folding keeps the answer and leaves a few rows per community and status', async () => {
    const before = Number((await ctx().ds.query(`SELECT count(*) AS n FROM case_open_rollup`))[0].n);
    const [{ folded }] = await ctx().ds.query(`SELECT case_open_rollup_fold() AS folded`);
    expect(Number(folded)).toBeGreaterThan(40);
    const after = Number((await ctx().ds.query(`SELECT count(*) AS n FROM case_open_rollup`))[0].n);
    expect(after).toBeLessThan(before - 40);
    await expectSameAsCount('folded');
    await expectRollupOpenTotals();
  });

  it('transitions, closes and deletes by SQL (single and bulk), before and after folding', async () => {
    await ctx().ds.query(`UPDATE move_case SET status = 'ACCEPTED', step_started_at = now() - interval '2 days' - interval '20 minutes'
                       WHERE case_no LIKE 'HJO-%' AND status = 'SUBMITTED' AND step_started_at < now() - interval '40 days' AND id % 3 = 0`);
    await expectSameAsCount('bulk transition of folded cases');
    await ctx().ds.query(`UPDATE move_case SET status = 'WITHDRAWN' WHERE case_no LIKE 'HJO-%' AND status = 'DRAFT' AND id % 2 = 0`);
    await ctx().ds.query(`UPDATE move_case SET status = 'SETTLED', settled_at = now() WHERE case_no LIKE 'HJO-%' AND status = 'APPROVED' AND id % 4 = 1`);
    await expectSameAsCount('closed');
    await ctx().ds.query(`UPDATE move_case SET green_channel = true WHERE case_no LIKE 'HJO-%' AND status = 'SUBMITTED' AND id % 5 = 0`);
    await ctx().ds.query(`UPDATE move_case SET community_id = $1 WHERE case_no LIKE 'HJO-%' AND status = 'ACCEPTED' AND id % 2 = 1`, [C.longteng]);
    await expectSameAsCount('green channel and community changed');
    await ctx().ds.query(`SELECT case_open_rollup_fold()`);
    await ctx().ds.query(`DELETE FROM move_case WHERE case_no LIKE 'HJO-%' AND status = 'NEEDS_SUPPLEMENT' AND id % 2 = 0`);
    await ctx().ds.query(`UPDATE move_case SET status = 'REJECTED' WHERE case_no LIKE 'HJO-%' AND status = 'SUBMITTED' AND id % 7 = 0`);
    await expectSameAsCount('deleted and rejected after a fold');
    await ctx().ds.query(`SELECT case_open_rollup_fold()`);
    await expectSameAsCount('folded again');
    await expectRollupOpenTotals();
  });

  it('the migration\'s backfill (folded) from the cases there are gives the same answer', async () => {
    await ctx().ds.query(`TRUNCATE case_open_rollup`);
    await ctx().ds.query(OPEN_ROLLUP_BACKFILL);
    // folded as it is written: at most one '-infinity' row per community, status and green channel, and fewer rows in
    // all than the hours the open cases started in (how many groups have a case overdue for good depends on the clock)
    const [{ groups, hours }] = await ctx().ds.query(
      `SELECT count(DISTINCT (community_id, status, green_channel))::int AS groups,
              count(DISTINCT (community_id, status, green_channel, date_bin('1 hour', step_started_at, timestamptz '2000-01-01 00:00:00+00')))::int AS hours
         FROM move_case WHERE status = ANY($1::text[])`, [OPEN]);
    const [{ folded, rows }] = await ctx().ds.query(
      `SELECT count(*) FILTER (WHERE start_hour = '-infinity')::int AS folded, count(*)::int AS rows FROM case_open_rollup`);
    expect(folded).toBeGreaterThan(0);
    expect(folded).toBeLessThanOrEqual(groups);
    expect(rows).toBeLessThan(hours);
    await expectSameAsCount('backfilled');
    await expectRollupOpenTotals();
  });

  it('create and every transition through the API, then settle', async () => {
    const before = await expectSameAsCount('before the API');
    const res = await api().post('/api/household/cases').set(as('clerk')).send({
      type: 'purchased_flat', applicantName: '张伟', applicantPhone: '13805351234',
      persons: [{ name: '张伟', idNumber: newId('M', '1980-02-02'), relation: 'head' }],
      newHousehold: { kind: 'family', building: '3', unit: '2', room: '502', address: '庄园街道龙腾小区3号楼2单元502' },
      propertyCertificateNo: `鲁(2020)栖霞市不动产权第${Math.floor(Math.random() * 1e7)}号`,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    expect(res.status).toBe(201);
    let c = res.body;
    expect((await expectSameAsCount('created')).open).toBe(before.open + 1);
    for (const [body, who] of [[{ action: 'submit' }, 'clerk'], [{ action: 'accept', originalsVerified: true }, 'clerk'], [{ action: 'approve', approvalNo: 'R-1' }, 'secretary']] as const) {
      const r = await api().post(`/api/household/cases/${c.id}/transitions`).set(as(who)).send({ ...body, version: c.version });
      expect(r.status).toBe(200);
      c = r.body;
      // the step started now; moved back past its limit it counts as overdue
      await ctx().ds.query(`UPDATE move_case SET step_started_at = step_started_at - interval '3 days' WHERE id = $1`, [c.id]);
      expect((await expectSameAsCount(`${c.status} (overdue)`)).open).toBe(before.open + 1);
    }
    const r = await api().post(`/api/household/cases/${c.id}/transitions`).set(as('clerk')).send({ action: 'settle', version: c.version });
    expect(r.status).toBe(200);
    expect((await expectSameAsCount('settled')).open).toBe(before.open);
    await expectRollupOpenTotals();
  });

  it('a rolled-back transaction leaves the rollup unchanged; concurrent transitions lose no update', async () => {
    const snapshot = () => ctx().ds.query(`SELECT community_id, status, green_channel, start_hour, shard, n FROM case_open_rollup ORDER BY 1, 2, 3, 4, 5`);
    const before = await snapshot();
    await ctx().ds
      .transaction(async (m) => {
        await m.query(`UPDATE move_case SET status = 'WITHDRAWN' WHERE status = 'SUBMITTED'`);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(await snapshot()).toEqual(before);
    await insertCases(12, C.wanda, 'APPROVED', `date_trunc('hour', now()) - interval '5 days'`);
    const ids: number[] = (await ctx().ds.query(`SELECT id FROM move_case WHERE case_no LIKE $1 ORDER BY id`, [`HJO-${seq}-%`])).map((x: { id: string }) => Number(x.id));
    await Promise.all(
      ids.map((id, i) =>
        ctx().ds.transaction(async (m) => {
          await m.query(`UPDATE move_case SET status = $2, step_started_at = date_trunc('hour', now()) - interval '1 day' WHERE id = $1`, [id, i % 2 ? 'ACCEPTED' : 'SUBMITTED']);
          await m.query('SELECT pg_sleep(0.05)');
        }),
      ),
    );
    await expectSameAsCount('concurrent');
    await expectRollupOpenTotals();
  });
});
