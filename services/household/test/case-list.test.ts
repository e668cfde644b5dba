import request from 'supertest';
import { cursorAtSql, encodeCursor, likeEscape, scopeSql } from '@redheart/shared';
import { C, setup, type TestContext, USERS } from './helper';

// The scope-only case list reads by community_id (resolved from the scope first) instead of a LIKE on
// the joined path. These tests hold it to the rows, the order and the cursors of the query it replaced.

let t: TestContext;
const EXTRA = 70; // more communities than PER_COMMUNITY_WALKS, so the admin's list takes the city-wide walk
beforeAll(async () => {
  t = await setup();
  await t.app.communities.upsert(t.ds.manager, Array.from({ length: EXTRA }, (_, i) => ({
    id: 1000 + i, name: `测试社区${i}`, path: `/1/9/${1000 + i}/`, streetName: '测试街道', divisionCode: `3706869${String(i).padStart(5, '0')}`,
  })));
  const communities = [C.longteng, C.longteng, C.wanda, C.cuiting, ...Array.from({ length: EXTRA }, (_, i) => 1000 + i)];
  // 400 cases; every fifth shares its created_at with the one before (ties broken by id).
  await t.ds.query(
    `INSERT INTO move_case (case_no, type, status, community_id, applicant_name, created_by, created_at, updated_at)
     SELECT 'HJ2024-' || lpad(i::text, 6, '0'), 'other', 'SUBMITTED', ($1::bigint[])[1 + (i * 7) % $2], '张伟', 'test',
            timestamptz '2024-01-01' + (i - (CASE WHEN i % 5 = 0 THEN 1 ELSE 0 END)) * interval '1 minute 0.000123 seconds',
            timestamptz '2024-01-01'
       FROM generate_series(1, 400) i`,
    [communities, communities.length],
  );
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });

/**
 * The list's query before the change: the scope as `cr.path LIKE …` on the joined community_ref; with `name`, the
 * name search's predicate before it read the (community_id, name) indexes (the applicant's or a person's name prefix).
 */
async function before(who: keyof typeof USERS, limit: number, cursor: [string, number] | null, name?: string) {
  const paths = USERS[who].scopePaths;
  const params: unknown[] = paths.map((p) => `${likeEscape(p)}%`);
  const where = [scopeSql('cr.path', paths, 1)];
  if (name !== undefined) {
    params.push(`${likeEscape(name)}%`);
    const n = params.length;
    where.push(`(c.applicant_name LIKE $${n} OR EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.name LIKE $${n}))`);
  }
  if (cursor) {
    params.push(...cursor);
    where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(limit + 1);
  const rows: { id: string; cursorAt: string }[] = await t.ds.query(
    `SELECT c.id, ${cursorAtSql('c.created_at')} AS "cursorAt" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
      WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { ids: page.map((r) => Number(r.id)), next: rows.length > limit && last ? ([last.cursorAt, Number(last.id)] as [string, number]) : null };
}

describe('GET /api/household/cases — scope-only list by community_id', () => {
  it.each([
    ['clerk', 'one community'],
    ['street', 'a street: one walk per community'],
    ['admin', 'the city: the newest-first walk'],
  ] as const)('gives the %s (%s) the same rows, order and cursors as the path-LIKE query', async (who: keyof typeof USERS, _what: string) => {
    let cursor: string | null = null;
    let ref: [string, number] | null = null;
    let pages = 0;
    let rows = 0;
    do {
      const res: request.Response = await request(t.app.server).get(`/api/household/cases?limit=4${cursor ? `&cursor=${cursor}` : ''}`).set(as(who));
      expect(res.status).toBe(200);
      const expected = await before(who, 4, ref);
      expect(res.body.items.map((c: { id: number }) => Number(c.id))).toEqual(expected.ids);
      expect(res.body.nextCursor).toBe(expected.next ? encodeCursor(...expected.next) : null);
      cursor = res.body.nextCursor;
      ref = expected.next;
      rows += expected.ids.length;
      pages += 1;
    } while (cursor);
    const total: { n: number }[] = await t.ds.query(
      `SELECT count(*)::int AS n FROM move_case c JOIN community_ref cr ON cr.id = c.community_id WHERE cr.path LIKE $1`,
      [`${USERS[who].scopePaths[0]}%`],
    );
    expect(rows).toBe(total[0].n);
    expect(pages).toBeGreaterThan(1);
  });

  it('gives an explicit communityId the same page as the scope-only list of that community', async () => {
    const scoped = await request(t.app.server).get('/api/household/cases?limit=20').set(as('clerk'));
    const explicit = await request(t.app.server).get(`/api/household/cases?limit=20&communityId=${C.longteng}`).set(as('street'));
    expect(explicit.status).toBe(200);
    expect(explicit.body.items.map((c: { id: number }) => c.id)).toEqual(scoped.body.items.map((c: { id: number }) => c.id));
    expect(explicit.body.nextCursor).toBe(scoped.body.nextCursor);
  });
});

describe('GET /api/household/cases?q=<name> — by the (community_id, name) indexes', () => {
  beforeAll(async () => {
    // applicants of several names, and 1–3 persons on most cases (some named like the applicant, some not)
    await t.ds.query(`UPDATE move_case SET applicant_name = (ARRAY['张伟', '王芳', '王芳华', '李娜', '50%王'])[1 + id % 5] WHERE case_no LIKE 'HJ2024-%'`);
    await t.ds.query(
      `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation)
       SELECT c.id, (ARRAY['王芳', '李娜娜', '赵军', '50%王五', '张伟'])[1 + (c.id * 3 + k) % 5], 'v1.t.' || c.id || '.' || k, 'name-search-' || c.id || '-' || k,
              '370686********' || lpad(k::text, 4, '0'), 'F', '1990-01-01', '本人'
         FROM move_case c CROSS JOIN LATERAL generate_series(0, c.id % 3) k WHERE c.case_no LIKE 'HJ2024-%' AND c.id % 4 <> 0`,
    );
  });

  it('copies each person\'s case community onto case_person, on insert and when the case moves', async () => {
    const differ = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM case_person cp JOIN move_case c ON c.id = cp.case_id WHERE cp.community_id <> c.community_id`))[0].n;
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM case_person`);
    expect(n).toBeGreaterThan(300);
    expect(await differ()).toBe(0);
    const [moved] = await t.ds.query(`SELECT c.id, c.community_id AS "communityId" FROM move_case c WHERE EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id) ORDER BY c.id LIMIT 1`);
    const to = Number(moved.communityId) === C.wanda ? C.longteng : C.wanda;
    await t.ds.query(`UPDATE move_case SET community_id = $2 WHERE id = $1`, [moved.id, to]);
    expect((await t.ds.query(`SELECT DISTINCT community_id::int AS c FROM case_person WHERE case_id = $1`, [moved.id])).map((r: { c: number }) => r.c)).toEqual([to]);
    expect(await differ()).toBe(0);
    await t.ds.query(`UPDATE move_case SET community_id = $2 WHERE id = $1`, [moved.id, moved.communityId]);
    expect(await differ()).toBe(0);
  });

  it.each([
    ['clerk', '王芳'], // applicants 王芳 and 王芳华, persons 王芳
    ['street', '王芳'], // several communities (the street's walks are not used for a name)
    ['admin', '李娜'], // the city: applicants 李娜, persons 李娜娜
    ['admin', '赵'], // persons only
    ['street', '50%'], // a LIKE wildcard in the name is literal
    ['clerk', '无此人'],
  ] as const)('gives the %s searching %s the same rows, order and cursors as the walk it replaced', async (who: keyof typeof USERS, name: string) => {
    let cursor: string | null = null;
    let ref: [string, number] | null = null;
    let rows = 0;
    do {
      const res: request.Response = await request(t.app.server).get(`/api/household/cases?limit=7&q=${encodeURIComponent(name)}${cursor ? `&cursor=${cursor}` : ''}`).set(as(who));
      expect(res.status).toBe(200);
      const expected = await before(who, 7, ref, name);
      expect(res.body.items.map((c: { id: number }) => Number(c.id))).toEqual(expected.ids);
      expect(res.body.nextCursor).toBe(expected.next ? encodeCursor(...expected.next) : null);
      cursor = res.body.nextCursor;
      ref = expected.next;
      rows += expected.ids.length;
    } while (cursor);
    if (name === '无此人') expect(rows).toBe(0);
    else expect(rows).toBeGreaterThan(0);
  });

  it('counts the same total on numbered pages', async () => {
    const res = await request(t.app.server).get(`/api/household/cases?page=1&limit=10&q=${encodeURIComponent('王芳')}`).set(as('street'));
    expect(res.status).toBe(200);
    const all = await before('street', 10_000, null, '王芳');
    expect(res.body.total).toBe(all.ids.length);
    expect(res.body.items.map((c: { id: number }) => Number(c.id))).toEqual(all.ids.slice(0, 10));
  });
});
