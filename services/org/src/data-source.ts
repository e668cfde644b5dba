import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ensureDatabase, pgConnectionExtra } from '@redheart/shared';
import { ORG_ENTITIES } from './entities';
import { InitOrg1764200000000 } from './migrations/1764200000000-InitOrg';
import { OrgDetailRules1764210000000 } from './migrations/1764210000000-OrgDetailRules';

export const ORG_MIGRATIONS = [InitOrg1764200000000, OrgDetailRules1764210000000];

/** The one DataSource shape used by the app, the CLI scripts, the benches and the tests. */
export function createOrgDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ORG_ENTITIES,
    migrations: ORG_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pgConnectionExtra(opts.poolSize ?? 10),
  });
}

/** Creates the database if missing and applies pending migrations (serialised by TypeORM's lock-free table + our advisory lock). */
export async function migrateOrg(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const ds = createOrgDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query('SELECT pg_advisory_lock(7712001)');
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await qr.query('SELECT pg_advisory_unlock(7712001)').catch(() => undefined);
      await qr.release();
    }
  } finally {
    await ds.destroy();
  }
}
