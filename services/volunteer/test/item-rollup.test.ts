import { C, setup, type TestContext, U, USERS } from './helper';
import { client } from './client';

/**
 * Issue 13: the overviews read item_community_rollup and item_hours_rollup (kept by triggers, migration
 * ItemRollup) instead of every item. The old full-scan SQL is kept here as the reference: after every
 * write path (report, publish, claim, release, assign, schedule, start, complete with hours, confirm
 * with a rating, reopen, cancel, bulk SQL, delete) the rollups equal a recount and the county
 * comparison answers as the old SQL; a rolled-back transaction changes nothing; concurrent writers
 * lose no increment.
 */
let t: TestContext;
let c: ReturnType<typeof client>;
const note = '已处理，居民现场确认';
beforeAll(async () => {
  t = await setup();
  c = client(t);
});
afterAll(async () => t?.close());

const OPEN = `('REPORTED', 'PUBLISHED', 'CLAIMED', 'ESCALATED', 'SCHEDULED', 'IN_PROGRESS', 'DONE')`;
const DELIVERED = `('DONE', 'CONFIRMED', 'CLOSED')`;
const LIVE_PLEDGE = `(i.pledge AND i.unit_id IS NOT NULL AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED'))`;
// ---- the old SQL (before the rollups), the reference
const OLD_ITEMS = `SELECT i.community_id::int AS id, count(*)::int AS items,
                count(*) FILTER (WHERE i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED'))::int AS live,
                count(*) FILTER (WHERE i.status IN ${OPEN})::int AS open,
                count(*) FILTER (WHERE i.status IN ${DELIVERED})::int AS delivered,
                count(i.rating)::int AS rated, coalesce(sum(i.rating), 0)::int AS "ratingSum",
                count(*) FILTER (WHERE ${LIVE_PLEDGE})::int AS pledges,
                count(*) FILTER (WHERE ${LIVE_PLEDGE} AND i.status IN ${DELIVERED})::int AS "pledgesDelivered"
           FROM item i GROUP BY i.community_id ORDER BY 1`;
const OLD_HOURS = `SELECT i.community_id::int AS id, coalesce(sum(h.hours), 0)::float AS hours
           FROM item_hours h JOIN item i ON i.id = h.item_id WHERE h.posted GROUP BY i.community_id ORDER BY 1`;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function expectRollupExact() {
  const truth = await t.ds.query(`SELECT community_id::int AS id, status, count(*)::int AS items, count(rating)::int AS rated, coalesce(sum(rating), 0)::int AS "ratingSum",
      count(*) FILTER (WHERE pledge AND unit_id IS NOT NULL)::int AS pledges FROM item GROUP BY 1, 2 ORDER BY 1, 2`);
  const roll = await t.ds.query(`SELECT community_id::int AS id, status, sum(items)::int AS items, sum(rated)::int AS rated, sum(rating_sum)::int AS "ratingSum",
      sum(pledges)::int AS pledges FROM item_community_rollup GROUP BY 1, 2
      HAVING sum(items) <> 0 OR sum(rated) <> 0 OR sum(rating_sum) <> 0 OR sum(pledges) <> 0 ORDER BY 1, 2`);
  expect(roll).toEqual(truth);
  expect(await t.ds.query(`SELECT community_id::int AS id, sum(hours)::float AS hours FROM item_hours_rollup GROUP BY 1 HAVING sum(hours) <> 0 ORDER BY 1`)).toEqual(await t.ds.query(OLD_HOURS));
  await expectOverviewsAsOldSql();
}

/** The county comparison (admin: the fixture's one county) and the community overview against the old SQL. */
async function expectOverviewsAsOldSql() {
  const [items, hours] = await Promise.all([t.ds.query(OLD_ITEMS), t.ds.query(OLD_HOURS)]);
  const sum = (rows: Record<string, number>[], k: string) => rows.reduce((s, r) => s + r[k], 0);
  const counties = await c.api().get('/api/volunteer/overview/counties').set(c.as('admin'));
  expect(counties.status).toBe(200);
  const rated = sum(items, 'rated');
  expect(counties.body.totals).toMatchObject({
    items: sum(items, 'items'), open: sum(items, 'open'), delivered: sum(items, 'delivered'), rated,
    deliveryRate: sum(items, 'live') ? round(sum(items, 'delivered') / sum(items, 'live'), 4) : null,
    averageRating: rated ? round(sum(items, 'ratingSum') / rated) : null, hours: round(sum(hours, 'hours')),
  });
  const overview = await c.api().get('/api/volunteer/overview').set(c.as('admin'));
  expect(overview.status).toBe(200);
  for (const row of overview.body.communities) {
    const i = items.find((x: { id: number }) => x.id === row.communityId);
    expect(row).toMatchObject({
      items: i?.items ?? 0, open: i?.open ?? 0, delivered: i?.delivered ?? 0, rated: i?.rated ?? 0, averageRating: i?.rated ? round(i.ratingSum / i.rated) : null,
      pledges: i?.pledges ?? 0, pledgesDelivered: i?.pledgesDelivered ?? 0, hours: round(hours.find((x: { id: number }) => x.id === row.communityId)?.hours ?? 0),
    });
  }
  const byStatus = await t.ds.query(`SELECT status, count(*)::int AS n FROM item GROUP BY status`);
  for (const s of byStatus) expect(overview.body.byStatus[s.status]).toBe(s.n);
}

describe('item rollups follow every write', () => {
  it('report, publish, claim, release, assign, schedule, start, complete with hours, confirm, reopen, cancel', async () => {
    await expectRollupExact();
    const a = await c.published({ pledge: true });
    await expectRollupExact();
    await c.run(a, [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ memberId: 1, name: '刘党员', hours: 2.5 }, { name: '王科长', hours: 2 }], note }, 'unit']]);
    await expectRollupExact();
    await c.run({ id: a.id, version: a.version + 4 }, [[{ action: 'confirm', rating: 4 }, 'clerk']]);
    await expectRollupExact();
    const b = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'release', reason: '人手不足' }, 'unit']]);
    await c.run(b, [[{ action: 'claim' }, 'unit2']]);
    await expectRollupExact();
    const e = await c.run(await c.published(), [[{ action: 'claim' }, 'unit'], [{ action: 'schedule' }, 'unit'], [{ action: 'start' }, 'unit'],
      [{ action: 'complete', hours: [{ name: '王科长', hours: 1 }], note }, 'unit']]);
    await expectRollupExact();
    await c.run(e, [[{ action: 'reopen', reason: '居民反映问题仍未解决' }, 'clerk']]);
    await expectRollupExact();
    const f = await c.published({ deadline: new Date(Date.now() + 60_000).toISOString() });
    await t.app.volunteer.items.escalateOverdue(new Date(Date.now() + 120_000));
    await c.run({ id: f.id, version: f.version + 1 }, [[{ action: 'assign', unitId: U.gongdian }, 'street']]);
    await expectRollupExact();
    const g = await c.report({ place: '御景小区5号楼' }, 'clerkCuiting');
    const jiaoyu = { ...USERS.unitOther, scopePaths: ['/1/12/', '/1/2/5/'] };
    await t.ds.query(`INSERT INTO unit_report (unit_id, community_id, contact_name, contact_phone, status) VALUES (12, 5, '孙老师', '0535-5213456', 'approved') ON CONFLICT DO NOTHING`);
    await c.run(g, [[{ action: 'publish' }, 'clerkCuiting'], [{ action: 'claim' }, jiaoyu], [{ action: 'schedule' }, jiaoyu], [{ action: 'start' }, jiaoyu],
      [{ action: 'complete', hours: [{ name: '孙老师', hours: 3 }], note }, jiaoyu], [{ action: 'confirm', rating: 2 }, 'clerkCuiting']]);
    await expectRollupExact();
    const r = await c.report();
    const cancelled = await c.api().post(`/api/volunteer/items/${r.id}/transitions`).set(c.as('clerk')).send({ action: 'cancel', version: r.version, reason: '重复上报' });
    expect([200, 409, 422]).toContain(cancelled.status);
    await expectRollupExact();
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM item_hours WHERE posted`))[0].n).toBeGreaterThan(0);
  });

  it('bulk SQL: many items in one statement, a move to another community with its hours, a delete', async () => {
    const [cat] = await t.ds.query(`SELECT id FROM service_category ORDER BY id LIMIT 1`);
    await t.ds.query(`INSERT INTO item (item_no, community_id, category_id, place, description, status, source, reported_by, rating, pledge, unit_id)
      SELECT 'RB-' || g, CASE WHEN g % 2 = 0 THEN ${C.longteng} ELSE ${C.wanda} END, $1, '某处', '批量', (ARRAY['REPORTED', 'CLOSED', 'CANCELLED', 'CLAIMED'])[1 + g % 4], 'grid', 'test',
             CASE WHEN g % 4 = 1 THEN 1 + g % 5 END, g % 3 = 0, CASE WHEN g % 4 IN (1, 3) THEN ${U.ziran} END
        FROM generate_series(1, 120) g`, [cat.id]);
    await t.ds.query(`INSERT INTO item_hours (item_id, person_name, hours, posted) SELECT id, '某人', 1.25, id % 2 = 0 FROM item WHERE item_no LIKE 'RB-%'`);
    await expectRollupExact();
    await t.ds.query(`UPDATE item SET community_id = ${C.cuiting} WHERE item_no LIKE 'RB-%' AND id % 3 = 0`);
    await t.ds.query(`UPDATE item_hours SET posted = NOT posted WHERE item_id IN (SELECT id FROM item WHERE item_no LIKE 'RB-%' AND id % 5 = 0)`);
    await expectRollupExact();
    await t.ds.query(`DELETE FROM item_hours WHERE item_id IN (SELECT id FROM item WHERE item_no LIKE 'RB-%' AND id % 7 = 0)`);
    await t.ds.query(`DELETE FROM item WHERE item_no LIKE 'RB-%' AND id % 7 = 0`);
    await expectRollupExact();
  });

  it('a rolled-back transaction leaves the rollups unchanged', async () => {
    const snap = async () => [await t.ds.query(`SELECT * FROM item_community_rollup ORDER BY community_id, status, shard`), await t.ds.query(`SELECT * FROM item_hours_rollup ORDER BY community_id, shard`)];
    const before = await snap();
    await t.ds
      .transaction(async (m) => {
        await m.query(`UPDATE item SET community_id = ${C.wanda}, rating = NULL`);
        await m.query(`UPDATE item_hours SET posted = true`);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(await snap()).toEqual(before);
  });

  it('concurrent transactions moving items of one community between the same statuses lose no update', async () => {
    const ids: number[] = (await t.ds.query(`SELECT id FROM item WHERE item_no LIKE 'RB-%' AND status = 'REPORTED' ORDER BY id`)).map((r: { id: string }) => Number(r.id));
    expect(ids.length).toBeGreaterThan(10);
    await Promise.all(
      ids.map((id) =>
        t.ds.transaction(async (m) => {
          await m.query(`UPDATE item SET status = 'PUBLISHED' WHERE id = $1`, [id]);
          await m.query('SELECT pg_sleep(0.02)');
        }),
      ),
    );
    await expectRollupExact();
  });
});
