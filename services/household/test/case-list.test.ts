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

/** The list's query before the change: the scope as `cr.path LIKE …` on the joined community_ref. */
async function before(who: keyof typeof USERS, limit: number, cursor: [string, number] | null) {
  const paths = USERS[who].scopePaths;
  const params: unknown[] = paths.map((p) => `${likeEscape(p)}%`);
  const where = [scopeSql('cr.path', paths, 1)];
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
