import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { type AuditInput, ensureDatabase, freshTestDataSource, serviceRoleName, serviceTestDataSource, type TestDatabase, verifyAuditChain, workerTestDatabaseUrl, writeAudit } from '@redheart/shared';
import { createOrgDataSource, migrateOrg, ORG_MIGRATIONS } from '../../services/org/src/data-source';
import { createHouseholdDataSource, migrateHousehold } from '../../services/household/src/data-source';
import { createVolunteerDataSource, migrateVolunteer } from '../../services/volunteer/src/data-source';

// Issue 11 items 4: each service serves as its own role, which cannot rewrite the audit trail by
// any of the ways that worked as the superuser; and what the owner can still do is detected by the
// hash chain's verifier (npm run audit:verify), which names the first broken link.

const SERVICES: Record<string, TestDatabase> = {
  org: { service: 'org', create: createOrgDataSource, migrate: migrateOrg },
  household: { service: 'household', create: createHouseholdDataSource, migrate: migrateHousehold },
  volunteer: { service: 'volunteer', create: createVolunteerDataSource, migrate: migrateVolunteer },
};
const url = (service: string) => workerTestDatabaseUrl(`priv_${service}`);
const owner: Record<string, DataSource> = {};
const role: Record<string, DataSource> = {};

beforeAll(async () => {
  for (const [name, db] of Object.entries(SERVICES)) {
    owner[name] = await freshTestDataSource(url(name), db, 4);
    role[name] = await serviceTestDataSource(url(name), db, 25);
  }
});
afterAll(async () => {
  for (const ds of [...Object.values(role), ...Object.values(owner)]) await ds?.destroy();
});

const entry = (i: number): AuditInput => ({
  actor: { sub: String(i), username: `user${i}`, role: 'community_clerk' as const },
  action: 'update', entityType: 'member', entityId: i, before: { n: i, 名: '旧' }, after: { n: i + 1, 名: '新\n"quoted"' }, reason: `reason ${i}`,
});
const ids = async (ds: DataSource) => (await ds.query('SELECT id::text AS id FROM audit_entry ORDER BY seq')).map((r: { id: string }) => r.id) as string[];
const verify = (ds: DataSource) => verifyAuditChain((sql, params) => ds.query(sql, params));
/** The error code PostgreSQL answers `sql` with on `ds` (a transaction, rolled back). */
async function refusal(ds: DataSource, sqls: string[]): Promise<string> {
  const qr = ds.createQueryRunner();
  await qr.connect();
  try {
    await qr.startTransaction();
    for (const sql of sqls) await qr.query(sql);
    return 'accepted';
  } catch (e) {
    return `${(e as { code?: string }).code}`;
  } finally {
    if (qr.isTransactionActive) await qr.rollbackTransaction();
    await qr.release();
  }
}

describe.each(Object.keys(SERVICES))('%s: the service role and the audit chain', (name) => {
  test('the app connects as its own role, which is no superuser and owns nothing', async () => {
    const [me] = await role[name].query(`SELECT current_user AS who, r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb
      FROM pg_roles r WHERE r.rolname = current_user`);
    expect(me).toEqual({ who: serviceRoleName(name), rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    const owned = await role[name].query(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user`);
    expect(owned).toEqual([]);
  });

  test('concurrent inserts through the role make one unbroken chain', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => role[name].transaction((m) => writeAudit(m, entry(i)))));
    const rows = await owner[name].query('SELECT seq::int AS seq FROM audit_entry ORDER BY seq');
    expect(rows.map((r: { seq: number }) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await verify(role[name])).toEqual({ entries: 20 });
  });

  test.each([
    ['UPDATE of an entry', ['UPDATE audit_entry SET reason = \'rewritten\' WHERE seq = 3']],
    ['DELETE of an entry', ['DELETE FROM audit_entry WHERE seq = 3']],
    ['session_replication_role = replica (triggers off)', ['SET LOCAL session_replication_role = replica']],
    ['ALTER TABLE … DISABLE TRIGGER', ['ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change']],
    ['DROP TRIGGER', ['DROP TRIGGER audit_entry_chain ON audit_entry']],
    ['TRUNCATE', ['TRUNCATE audit_entry']],
    ['a table of its own in public', ['CREATE TABLE audit_shadow (id int)']],
  ])('as the role, %s is refused', async (_what, sqls) => {
    expect(await refusal(role[name], sqls)).toBe('42501');
  });

  test('the role still reads and writes its own tables (sequences too)', async () => {
    const table = { org: 'org_unit', household: 'household', volunteer: 'service_category' }[name]!;
    const [priv] = await role[name].query(`SELECT has_table_privilege($1, 'SELECT, INSERT, UPDATE, DELETE') AS rw,
      has_table_privilege('audit_entry', 'INSERT') AND has_table_privilege('audit_entry', 'SELECT') AS audit_append,
      has_table_privilege('audit_entry', 'UPDATE') OR has_table_privilege('audit_entry', 'DELETE') OR has_table_privilege('audit_entry', 'TRUNCATE') AS audit_change,
      has_table_privilege('migrations', 'SELECT') AS migrations`, [table]);
    expect(priv).toEqual({ rw: true, audit_append: true, audit_change: false, migrations: false });
  });
});

describe('tampering as the owner is detected by the verifier', () => {
  test('an entry rewritten with triggers off: the first broken link is that entry', async () => {
    const ds = owner.org;
    const [, , third] = await ids(ds);
    await ds.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(`UPDATE audit_entry SET reason = 'nothing happened' WHERE id = $1`, [third]);
    });
    expect(await verify(ds)).toEqual({ entries: 2, broken: { id: third, seq: '3', reason: 'hash does not match the entry\'s content' } });
  });

  test('an entry rewritten with its own hash recomputed: the link of the next entry breaks', async () => {
    const ds = owner.volunteer;
    const [, , third, fourth] = await ids(ds);
    await ds.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(`UPDATE audit_entry SET reason = 'nothing happened' WHERE id = $1`, [third]);
      await m.query(`UPDATE audit_entry a SET hash = audit_entry_link(a, a.prev_hash) WHERE id = $1`, [third]);
    });
    expect(await verify(ds)).toEqual({ entries: 3, broken: { id: fourth, seq: '4', reason: 'prev_hash is not the hash of the entry before it' } });
  });

  test('an entry deleted: the entry after the gap is reported', async () => {
    const ds = owner.household;
    const [, , third, fourth] = await ids(ds);
    await ds.transaction(async (m) => {
      await m.query('ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change');
      await m.query('DELETE FROM audit_entry WHERE id = $1', [third]);
      await m.query('ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change');
    });
    expect(await verify(ds)).toEqual({ entries: 2, broken: { id: fourth, seq: '4', reason: 'position 4 follows 2: an entry before it is missing' } });
  });

  test('npm run audit:verify names each broken table and entry and exits non-zero', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ORG_DATABASE_URL: url('org'), HOUSEHOLD_DATABASE_URL: url('household'), VOLUNTEER_DATABASE_URL: url('volunteer') };
    const run = spawnSync(process.execPath, [join(__dirname, '../../scripts/audit-verify.mjs')], { env, encoding: 'utf8' });
    expect(run.status).toBe(1);
    for (const service of ['org', 'household', 'volunteer']) expect(run.stdout).toMatch(new RegExp(`redheart_test_priv_${service}_w\\d+\\.audit_entry: BROKEN at id \\d+ \\(position [34]\\)`));
  });
});

test('entries written before the chain existed are chained in id order by its migration', async () => {
  const target = workerTestDatabaseUrl('priv_backfill');
  await ensureDatabase(target);
  const before = createOrgDataSource(target, { poolSize: 1 });
  const old = new DataSource({ ...before.options, migrations: ORG_MIGRATIONS.filter((m) => !['AuditHashChain1765000000000', 'AuditChainAtCommit1766200000007'].includes(m.name)) });
  await old.initialize();
  try {
    await old.query('DROP SCHEMA public CASCADE');
    await old.query('CREATE SCHEMA public');
    await old.runMigrations({ transaction: 'each' });
    for (let i = 0; i < 3; i++) await old.transaction((m) => writeAudit(m, entry(i)));
  } finally {
    await old.destroy();
  }
  await migrateOrg(target);
  const ds = createOrgDataSource(target, { poolSize: 1 });
  await ds.initialize();
  try {
    expect(await ds.query('SELECT id::int AS id, seq::int AS seq FROM audit_entry ORDER BY id')).toEqual([{ id: 1, seq: 1 }, { id: 2, seq: 2 }, { id: 3, seq: 3 }]);
    await ds.transaction((m) => writeAudit(m, entry(3)));
    expect(await verify(ds)).toEqual({ entries: 4 });
  } finally {
    await ds.destroy();
  }
});
