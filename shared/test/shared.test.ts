import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { type DataSource, QueryFailedError } from 'typeorm';
import { AppError, businessToday, byCountySql, communitiesByCountySql, countyOfPath, countyOfPathSql, createAuditTable, preparedIn, scopeSql, sumBy, inScope, parseDto, parseId, parseQuery, rowsOf, serviceDatabaseUrl, writeAudit } from '../src';
import { emptyTestDatabase } from './db';

class Dto {
  @IsString() @Length(1, 10) name: string;
  @IsInt() @Min(1) version: number;
}

describe('parseDto', () => {
  it('returns a typed instance for valid input', async () => {
    const d = await parseDto(Dto, { name: 'a', version: 2 });
    expect(d).toBeInstanceOf(Dto);
    expect(d).toEqual({ name: 'a', version: 2 });
  });

  it('throws a 400 naming every bad and unknown field', async () => {
    const err = (await parseDto(Dto, { name: '', version: '1', extra: true }).catch((e) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.statusCode).toBe(400);
    const fields = (err.details as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['extra', 'name', 'version']);
  });

  it('refuses non-objects', async () => {
    await expect(parseDto(Dto, [1])).rejects.toMatchObject({ statusCode: 400 });
    await expect(parseDto(Dto, null)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses integers beyond 2^53 that @IsInt() lets through (PostgreSQL would fail on them as bigint)', async () => {
    const err = (await parseDto(Dto, { name: 'a', version: 1e20 }).catch((e) => e)) as AppError;
    expect(err).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', details: [{ field: 'version', errors: [expect.stringMatching(/at most 9007199254740991/)] }] });
    expect(await parseDto(Dto, { name: 'a', version: Number.MAX_SAFE_INTEGER })).toMatchObject({ version: Number.MAX_SAFE_INTEGER });
  });
});

class Query {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}

describe('businessToday', () => {
  // 17:30 UTC on the 6th is 01:30 on the 7th in Qixia (UTC+8) and 12:30 on the 6th in New York
  const at = new Date('2026-12-06T17:30:00Z');
  it('is the date where the programme runs, not UTC', () => {
    expect(businessToday(at, 'Asia/Shanghai')).toBe('2026-12-07');
    expect(businessToday(new Date('2026-12-06T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-12-06');
  });
  it('keeps each time zone apart (one formatter is made per zone and reused)', () => {
    const seen = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Asia/Shanghai', 'UTC'].map((tz) => businessToday(at, tz));
    expect(seen).toEqual(['2026-12-07', '2026-12-06', '2026-12-06', '2026-12-07', '2026-12-06']);
  });
});

describe('parseQuery', () => {
  it('converts query strings and refuses integers beyond 2^53 with a 400 naming the field', async () => {
    expect(await parseQuery(Query, { communityId: '7' })).toEqual({ communityId: 7 });
    const err = (await parseQuery(Query, { communityId: '99999999999999999999' }).catch((e) => e)) as AppError;
    expect(err).toMatchObject({ statusCode: 400, details: [{ field: 'communityId' }] });
  });
});

describe('parseId', () => {
  it('accepts positive integers only', () => {
    expect(parseId('42')).toBe(42);
    for (const bad of ['0', '-1', '1.5', 'abc', '99999999999999999999', '']) expect(() => parseId(bad)).toThrow(AppError);
  });
});

describe('inScope', () => {
  it('matches whole path segments, not digit prefixes', () => {
    expect(inScope('/1/4/17/', ['/1/4/'])).toBe(true);
    expect(inScope('/1/40/', ['/1/4/'])).toBe(false);
    expect(inScope('/1/', ['/1/4/'])).toBe(false);
  });
});

describe('serviceDatabaseUrl', () => {
  it('derives one database per service, with a per-service override', () => {
    expect(serviceDatabaseUrl({ DATABASE_URL: 'postgres://u:p@h:5432/redheart' }, 'org')).toBe('postgres://u:p@h:5432/redheart_org');
    expect(serviceDatabaseUrl({ DATABASE_URL: 'postgres://h/x', ORG_DATABASE_URL: 'postgres://h/own' }, 'org')).toBe('postgres://h/own');
    expect(() => serviceDatabaseUrl({}, 'org')).toThrow(/DATABASE_URL/);
  });
});

describe('rowsOf', () => {
  it('unwraps TypeORM UPDATE results and passes SELECT rows through', () => {
    expect(rowsOf([[{ id: 1 }], 1])).toEqual([{ id: 1 }]);
    expect(rowsOf([{ id: 1 }, { id: 2 }])).toEqual([{ id: 1 }, { id: 2 }]);
  });
});

describe('audit_entry (real PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await emptyTestDatabase('shared');
    const qr = ds.createQueryRunner();
    await createAuditTable(qr);
    await qr.release();
  });
  afterAll(async () => ds.destroy());

  it('stores entries and refuses UPDATE, DELETE and TRUNCATE', async () => {
    await writeAudit(ds.manager, {
      actor: { sub: '7', username: 'admin', role: 'admin' }, action: 'org.create', entityType: 'org_unit', entityId: 5,
      before: null, after: { name: '龙腾社区党委' }, reason: '测试', requestId: 'r-1',
    });
    const rows = await ds.query('SELECT actor_username, action, entity_id, after, reason FROM audit_entry');
    expect(rows).toEqual([{ actor_username: 'admin', action: 'org.create', entity_id: '5', after: { name: '龙腾社区党委' }, reason: '测试' }]);
    await expect(ds.query(`UPDATE audit_entry SET reason = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query('DELETE FROM audit_entry')).rejects.toThrow(/append-only/);
    await expect(ds.query('TRUNCATE audit_entry')).rejects.toThrow(/append-only/);
    expect((await ds.query('SELECT count(*)::int AS n FROM audit_entry'))[0].n).toBe(1);
  });

  it('rolls back with the caller’s transaction', async () => {
    await ds.transaction(async (m) => {
      await writeAudit(m, { actor: null, action: 'x', entityType: 'seed', entityId: 1 });
      throw new Error('abort');
    }).catch(() => undefined);
    expect((await ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'x'`))[0].n).toBe(0);
  });
});

describe('preparedIn (real PostgreSQL)', () => {
  let ds: DataSource;
  beforeAll(async () => {
    ds = await emptyTestDatabase('shared_prepared');
    await ds.query('CREATE TABLE thing (id int PRIMARY KEY, name text NOT NULL)');
  });
  afterAll(async () => ds.destroy());
  const SQL = 'INSERT INTO thing (id, name) VALUES ($1, $2) RETURNING id, name';
  const prepared = async (m: import('typeorm').EntityManager) =>
    (await m.query(`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1`, [SQL]))[0].n as number;

  it("runs in the caller's transaction, as a named statement of its connection: rolled back with it, kept when it commits", async () => {
    await expect(ds.transaction(async (m) => {
      expect(await preparedIn(m, SQL, [1, '龙腾'])).toEqual([{ id: 1, name: '龙腾' }]);
      // the transaction sees its own row; the statement is prepared on this connection
      expect(await m.query('SELECT name FROM thing WHERE id = 1')).toEqual([{ name: '龙腾' }]);
      expect(await prepared(m)).toBe(1);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(await ds.query('SELECT count(*)::int AS n FROM thing')).toEqual([{ n: 0 }]);
    await ds.transaction(async (m) => {
      await preparedIn(m, SQL, [2, '万达']);
      await preparedIn(m, SQL, [3, '翠屏']);
    });
    expect(await ds.query('SELECT id, name FROM thing ORDER BY id')).toEqual([{ id: 2, name: '万达' }, { id: 3, name: '翠屏' }]);
  });

  it("outside a transaction uses the pool; a refused statement is TypeORM's QueryFailedError with PostgreSQL's code", async () => {
    expect(await preparedIn(ds.manager, 'SELECT name FROM thing WHERE id = $1', [3])).toEqual([{ name: '翠屏' }]);
    const err = await preparedIn(ds.manager, SQL, [2, 'again']).catch((e) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect(err).toMatchObject({ code: '23505' });
  });
});

describe('countyOfPathSql and byCountySql (real PostgreSQL)', () => {
  let ds: DataSource;
  const PATHS = ['/1/2/3/7/', '/1/9/1000/', '/100/2/3/4/5/', '/1/2/', '/7/', '/', '/10/20/30/40/'];
  beforeAll(async () => {
    ds = await emptyTestDatabase('shared_county');
    await ds.query('CREATE TABLE community_ref (id bigint PRIMARY KEY, path text NOT NULL)');
    await ds.query('CREATE TABLE figure (community_id bigint NOT NULL, n int NOT NULL, h float8 NOT NULL)');
    await ds.query(`INSERT INTO community_ref SELECT i, p FROM unnest($1::text[]) WITH ORDINALITY AS x(p, i)`, [PATHS]);
    await ds.query(`INSERT INTO figure SELECT 1 + i % $1, i, i / 4.0 FROM generate_series(1, 40) i`, [PATHS.length]);
  });
  afterAll(async () => ds.destroy());

  it('reads the county from a path as countyOfPath does', async () => {
    const rows: { path: string; county: string | null }[] = await ds.query(`SELECT path, ${countyOfPathSql('path')} AS county FROM community_ref ORDER BY id`);
    expect(rows.map((r) => (r.county === null ? null : Number(r.county)))).toEqual(PATHS.map(countyOfPath));
    expect(rows.map((r) => (r.county === null ? null : Number(r.county)))).toEqual([2, 1, 3, null, null, null, 20]);
  });

  it('sums a per-community statement by county, over the scope, as sumBy over countyOfPath does', async () => {
    const perCommunity = (communities: string) => `SELECT community_id AS id, sum(n) AS n, sum(h) AS h FROM figure WHERE community_id ${communities} GROUP BY 1`;
    for (const scope of [['/1/'], ['/1/2/', '/10/'], ['/nowhere/'], []]) {
      const where = scopeSql('cr.path', scope, 1);
      const params = scope.map((p) => `${p}%`);
      const rows: { id: number | null; n: number; h: number }[] = await ds.query(byCountySql(perCommunity, { n: 'int', h: 'float8' }, where), params);
      const inScope = PATHS.map((p, i) => ({ id: i + 1, p })).filter(({ p }) => scope.some((s) => p.startsWith(s)));
      const figures: { id: number; n: string; h: number }[] = await ds.query(perCommunity('= ANY($1::bigint[])'), [inScope.map((c) => c.id)]);
      const expected = sumBy(figures.map((r) => ({ key: countyOfPath(PATHS[Number(r.id) - 1]), counts: { n: Number(r.n), h: r.h } })), () => ({ n: 0, h: 0 }));
      expect(new Map(rows.map((r) => [r.id === null ? null : Number(r.id), { n: r.n, h: r.h }]))).toEqual(expected);
      expect(rows.every((r) => typeof r.n === 'number' && typeof r.h === 'number')).toBe(true);
      // one row per county, in order of its id (the county-less last)
      expect(rows.map((r) => r.id)).toEqual([...expected.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b)));
      const communities: { id: number | null; communities: number }[] = await ds.query(communitiesByCountySql(where), params);
      expect(communities.reduce((n, r) => n + r.communities, 0)).toBe(inScope.length);
    }
  });
});
