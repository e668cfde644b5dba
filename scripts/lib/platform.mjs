// Shared by npm start / dev / migrate / seed: where the database is, which services exist,
// how each is migrated and seeded. Each service owns its own database (<base>_<service>).
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shared = require(join(root, 'shared/dist/index.js'));

export const log = (msg) => process.stdout.write(`[redheart] ${msg}\n`);

/**
 * A seed's database writes its audit entries as the service's own do (streamAuditAsEvents): each with its
 * `<service>.audit.recorded` event in the outbox (relayed when the service starts; the org service's are copied into
 * the system log at once), so the seeded history is in the system log (系统日志) too.
 */
function auditStreamed(ds, file, name) {
  shared.streamAuditAsEvents(ds, require(join(root, file))[name]);
  return ds;
}

/** Backend services in start order; each exports migrate/seed from its dist. */
export const SERVICES = [
  {
    name: 'org',
    portEnv: 'ORG_PORT',
    defaultPort: 8081,
    server: 'services/org/dist/src/server.js',
    migrate: async (url, env) => require(join(root, 'services/org/dist/src/data-source.js')).migrateOrg(url, env),
    seed: async (url, logFn) => {
      const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
      const demo = require(join(root, 'services/org/dist/src/seed/demo.js'));
      const ds = auditStreamed(createOrgDataSource(url, { poolSize: 2 }), 'services/org/dist/src/modules/audit/routes.js', 'ORG_AUDIT_STREAM');
      await ds.initialize();
      try {
        return await demo.seedDemo(ds, { log: logFn });
      } finally {
        await ds.destroy();
      }
    },
    accounts: () => require(join(root, 'services/org/dist/src/seed/demo.js')).DEMO_ACCOUNTS,
  },
  {
    name: 'household',
    portEnv: 'HOUSEHOLD_PORT',
    defaultPort: 8082,
    server: 'services/household/dist/src/server.js',
    migrate: async (url, env) => require(join(root, 'services/household/dist/src/data-source.js')).migrateHousehold(url, env),
    // Runs after org is seeded and before the household server syncs its community list: this script,
    // not the household service, reads the org chart's communities and hands them to the seed, with
    // the same PII keys the server will use (so the demo's ID numbers decrypt and hash alike).
    seed: async (url, logFn) => {
      const demoFile = join(root, 'services/household/dist/src/seed/demo.js');
      if (!existsSync(demoFile)) return logFn('not built (npm run build -w services/household): no demo data');
      const orgDb = new URL(url);
      orgDb.pathname = orgDb.pathname.replace(/_household$/, '_org');
      const orgUrl = process.env.ORG_DATABASE_URL ?? orgDb.toString();
      if (orgUrl === url) return logFn('cannot tell where the org database is (set ORG_DATABASE_URL): no demo data');
      const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
      const org = createOrgDataSource(orgUrl, { poolSize: 1 });
      await org.initialize();
      let communities;
      let catalogue;
      try {
        communities = await org.query(`SELECT c.id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
          FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id WHERE c.type = 'community_committee' AND c.valid_to IS NULL`);
        // The service catalogue, for the 一网通办 demo applications.
        catalogue = await org.query(`SELECT id::int, code, name, category, materials, time_limit_days AS "timeLimitDays" FROM catalogue_service ORDER BY id`);
      } finally {
        await org.destroy();
      }
      const env = { ...process.env, ...secrets().env };
      const vault = new shared.PiiVault({
        encryptionKey: shared.readKeyFromEnv(env, 'PII_ENCRYPTION_KEY').trim(),
        hashKey: shared.readKeyFromEnv(env, 'PII_HASH_KEY').trim(),
      });
      const { createHouseholdDataSource } = require(join(root, 'services/household/dist/src/data-source.js'));
      const ds = auditStreamed(createHouseholdDataSource(url, { poolSize: 2 }), 'services/household/dist/src/modules/audit/routes.js', 'HOUSEHOLD_AUDIT_STREAM');
      await ds.initialize();
      try {
        const summary = await require(demoFile).seedDemo(ds, { log: logFn, vault, communities });
        await require(join(root, 'services/household/dist/src/seed/applications.js')).seedApplications(ds, { log: logFn, catalogue });
        return summary;
      } finally {
        await ds.destroy();
      }
    },
  },
  {
    name: 'volunteer',
    portEnv: 'VOLUNTEER_PORT',
    defaultPort: 8083,
    server: 'services/volunteer/dist/src/server.js',
    migrate: async (url, env) => require(join(root, 'services/volunteer/dist/src/data-source.js')).migrateVolunteer(url, env),
    // The org chart is the org service's (seeded first): this script, not the volunteer service, reads
    // its communities, work units, dual reports and demo accounts and hands them to the volunteer seed.
    seed: async (url, logFn) => {
      const demoFile = join(root, 'services/volunteer/dist/src/seed/demo.js');
      if (!existsSync(demoFile)) return logFn('not built (npm run build -w services/volunteer): no demo data');
      const orgDb = new URL(url);
      orgDb.pathname = orgDb.pathname.replace(/_volunteer$/, '_org');
      const orgUrl = process.env.ORG_DATABASE_URL ?? orgDb.toString();
      if (orgUrl === url) return logFn('cannot tell where the org database is (set ORG_DATABASE_URL): no demo data');
      const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
      const org = createOrgDataSource(orgUrl, { poolSize: 1 });
      await org.initialize();
      let chart;
      try {
        chart = {
          communities: await org.query(`SELECT c.id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
            FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id WHERE c.type = 'community_committee' AND c.valid_to IS NULL`),
          units: await org.query(`SELECT id, name, path, department FROM org_unit WHERE type = 'work_unit' AND valid_to IS NULL`),
          reports: await org.query(`SELECT unit_id, community_id, reported_on FROM unit_community_report WHERE ended_on IS NULL`),
          accounts: await org.query(`SELECT username, role, org_id AS "orgId", display_name AS "displayName" FROM account WHERE username = ANY($1)`,
            [require(join(root, 'services/org/dist/src/seed/demo.js')).DEMO_ACCOUNTS.map((a) => a.username)]),
        };
      } finally {
        await org.destroy();
      }
      if (!chart.communities.length) return logFn('the org chart has no communities yet: no demo data');
      const { createVolunteerDataSource } = require(join(root, 'services/volunteer/dist/src/data-source.js'));
      const ds = auditStreamed(createVolunteerDataSource(url, { poolSize: 2 }), 'services/volunteer/dist/src/modules/audit/routes.js', 'VOLUNTEER_AUDIT_STREAM');
      await ds.initialize();
      try {
        const pledges = process.env.SEED_PLEDGES ? Number(process.env.SEED_PLEDGES) : undefined;
        return await require(demoFile).seedDemo(ds, { log: logFn, ...chart, pledges });
      } finally {
        await ds.destroy();
      }
    },
  },
  {
    // notifications (通知): reads the other services' events; its demo data is the 公开信 announcement,
    // published by the county's organisation department (this script reads that account from the org chart)
    name: 'notify',
    portEnv: 'NOTIFY_PORT',
    defaultPort: 8084,
    server: 'services/notification/dist/src/server.js',
    migrate: async (url, env) => require(join(root, 'services/notification/dist/src/data-source.js')).migrateNotify(url, env),
    seed: async (url, logFn) => {
      const demoFile = join(root, 'services/notification/dist/src/seed/demo.js');
      if (!existsSync(demoFile)) return logFn('not built (npm run build -w services/notification): no demo data');
      const orgDb = new URL(url);
      orgDb.pathname = orgDb.pathname.replace(/_notify$/, '_org');
      const orgUrl = process.env.ORG_DATABASE_URL ?? orgDb.toString();
      if (orgUrl === url) return logFn('cannot tell where the org database is (set ORG_DATABASE_URL): no demo data');
      const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
      const org = createOrgDataSource(orgUrl, { poolSize: 1 });
      await org.initialize();
      let publisher;
      try {
        [publisher] = await org.query(`SELECT a.id::text AS account, a.username, a.role, o.id::int AS "orgId", o.path AS "orgPath", o.name AS "orgName"
          FROM account a JOIN org_unit o ON o.id = a.org_id WHERE a.username = 'admin'`);
      } finally {
        await org.destroy();
      }
      const { createNotifyDataSource } = require(join(root, 'services/notification/dist/src/data-source.js'));
      const ds = auditStreamed(createNotifyDataSource(url, { poolSize: 2 }), 'services/notification/dist/src/modules/announcements/repository.js', 'NOTIFY_AUDIT_STREAM');
      await ds.initialize();
      try {
        return await require(demoFile).seedDemo(ds, { log: logFn, publisher });
      } finally {
        await ds.destroy();
      }
    },
  },
].filter((s) => existsSync(join(root, s.server)));

/**
 * DATABASE_URL when set; otherwise an embedded PostgreSQL 18 whose data lives in .data/pg
 * (git-ignored) and is reused by the next start.
 */
export async function databaseServer({ reuseRunning = false } = {}) {
  if (process.env.DATABASE_URL) {
    log(`using DATABASE_URL (${process.env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})`);
    return { url: process.env.DATABASE_URL, stop: async () => undefined, embedded: false };
  }
  const dataDir = join(root, '.data', 'pg');
  // `reuseRunning` (audit:verify): when npm start is running, connect to its server rather than fail to start a second one on the folder.
  const running = reuseRunning && runningEmbeddedPort(dataDir);
  if (running) {
    log(`using the embedded PostgreSQL already running on 127.0.0.1:${running}`);
    return { url: `postgres://postgres:redheart@127.0.0.1:${running}/redheart`, stop: async () => undefined, embedded: true };
  }
  const first = !existsSync(join(dataDir, 'PG_VERSION'));
  const port = await shared.freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329));
  log(`${first ? 'initialising' : 'starting'} embedded PostgreSQL 18 in .data/pg on 127.0.0.1:${port} …`);
  const t = Date.now();
  const pg = await shared.startEmbeddedPostgres({ dataDir, port });
  log(`PostgreSQL ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { url: pg.url, stop: () => pg.stop(), embedded: true };
}

/** The port of the server running on `dataDir` (its postmaster.pid names a live process), if any. */
function runningEmbeddedPort(dataDir) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (e) {
    if (e.code !== 'EPERM') return undefined;
  }
  return Number(port) || undefined;
}

/**
 * Each service's database (created when missing) migrated as the owner, and the service's role
 * (rh_<service>) created or updated with its password and granted; the three side by side.
 */
export async function migrateAll(baseUrl) {
  const env = { ...process.env, ...dbPasswords() };
  await Promise.all(
    SERVICES.map(async (s) => {
      const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: baseUrl }, s.name);
      const created = await shared.ensureDatabase(url);
      const ran = await s.migrate(url, env);
      log(`${s.name}: database ${shared.databaseName(url)}${created ? ' created' : ''}; ${ran.length ? `applied ${ran.join(', ')}` : 'schema up to date'}`);
    }),
  );
}

export async function seedAll(baseUrl) {
  for (const s of SERVICES) {
    if (!s.seed) continue;
    const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: baseUrl }, s.name);
    const t = Date.now();
    await s.seed(url, (line) => log(`${s.name}: ${line}`));
    log(`${s.name}: demo data ready (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}

/**
 * Secrets every start shares: the ES256 token key pair (only org gets the private key), the
 * service-to-service token, and the keys that encrypt and hash ID numbers. Kept in .data/keys.
 */
export function secrets() {
  const dir = keysDir;
  const given = process.env.JWT_PRIVATE_KEY_FILE && process.env.JWT_PUBLIC_KEY_FILE;
  const keys = given
    ? { privateKeyFile: process.env.JWT_PRIVATE_KEY_FILE, publicKeyFile: process.env.JWT_PUBLIC_KEY_FILE }
    : shared.loadOrCreateKeys(dir);
  // A secret given as <NAME>_FILE in the environment wins over the generated one.
  const secret = (name, file) => process.env[`${name}_FILE`] ?? shared.loadOrCreateSecret(dir, file).file;
  return {
    keys,
    env: {
      JWT_PUBLIC_KEY_FILE: keys.publicKeyFile,
      INTERNAL_TOKEN_FILE: secret('INTERNAL_TOKEN', 'internal-token'),
      PII_ENCRYPTION_KEY_FILE: secret('PII_ENCRYPTION_KEY', 'pii-encryption-key'),
      PII_HASH_KEY_FILE: secret('PII_HASH_KEY', 'pii-hash-key'),
      ...dbPasswords(),
    },
  };
}

const keysDir = join(root, '.data', 'keys');

/**
 * The services' database role passwords: `<SERVICE>_DB_PASSWORD` (or `_FILE`) when given, otherwise
 * one generated and kept in .data/keys/<service>-db-password (handed over as `<SERVICE>_DB_PASSWORD_FILE`).
 */
export function dbPasswords() {
  const env = {};
  for (const name of ['org', 'household', 'volunteer', 'notify']) {
    const NAME = `${name.toUpperCase()}_DB_PASSWORD`;
    if (process.env[NAME] || process.env[`${NAME}_FILE`]) continue;
    env[`${NAME}_FILE`] = shared.loadOrCreateSecret(keysDir, `${name}-db-password`, 24).file;
  }
  return env;
}

/** The server URL for the services: no owner credentials (each service puts its own role's in). */
export function withoutCredentials(url) {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

export function demoAccounts() {
  return SERVICES.flatMap((s) => (s.accounts ? s.accounts() : []));
}
