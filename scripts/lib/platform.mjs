// Shared by npm start / dev / migrate / seed: where the database is, which services exist,
// how each is migrated and seeded. Each service owns its own database (<base>_<service>).
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shared = require(join(root, 'shared/dist/index.js'));

export const log = (msg) => process.stdout.write(`[redheart] ${msg}\n`);

/** Backend services in start order; each exports migrate/seed from its dist. */
export const SERVICES = [
  {
    name: 'org',
    portEnv: 'ORG_PORT',
    defaultPort: 8081,
    server: 'services/org/dist/src/server.js',
    migrate: async (url) => require(join(root, 'services/org/dist/src/data-source.js')).migrateOrg(url),
    seed: async (url, logFn) => {
      const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
      const demo = require(join(root, 'services/org/dist/src/seed/demo.js'));
      const ds = createOrgDataSource(url, { poolSize: 2 });
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
    migrate: async (url) => require(join(root, 'services/household/dist/src/data-source.js')).migrateHousehold(url),
  },
  {
    name: 'volunteer',
    portEnv: 'VOLUNTEER_PORT',
    defaultPort: 8083,
    server: 'services/volunteer/dist/src/server.js',
    migrate: async (url) => require(join(root, 'services/volunteer/dist/src/data-source.js')).migrateVolunteer(url),
  },
].filter((s) => existsSync(join(root, s.server)));

/**
 * DATABASE_URL when set; otherwise an embedded PostgreSQL 18 whose data lives in .data/pg
 * (git-ignored) and is reused by the next start.
 */
export async function databaseServer() {
  if (process.env.DATABASE_URL) {
    log(`using DATABASE_URL (${process.env.DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})`);
    return { url: process.env.DATABASE_URL, stop: async () => undefined, embedded: false };
  }
  const dataDir = join(root, '.data', 'pg');
  const first = !existsSync(join(dataDir, 'PG_VERSION'));
  const port = await shared.freePort(Number(process.env.EMBEDDED_PG_PORT ?? 54329));
  log(`${first ? 'initialising' : 'starting'} embedded PostgreSQL 18 in .data/pg on 127.0.0.1:${port} …`);
  const t = Date.now();
  const pg = await shared.startEmbeddedPostgres({ dataDir, port });
  log(`PostgreSQL ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return { url: pg.url, stop: () => pg.stop(), embedded: true };
}

export async function migrateAll(baseUrl) {
  for (const s of SERVICES) {
    const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: baseUrl }, s.name);
    const created = await shared.ensureDatabase(url);
    const ran = await s.migrate(url);
    log(`${s.name}: database ${shared.databaseName(url)}${created ? ' created' : ''}; ${ran.length ? `applied ${ran.join(', ')}` : 'schema up to date'}`);
  }
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
  const dir = join(root, '.data', 'keys');
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
    },
  };
}

export function demoAccounts() {
  return SERVICES.flatMap((s) => (s.accounts ? s.accounts() : []));
}
