import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditEntry, ensureDatabase, pgConnectionExtra } from '@redheart/shared';
import { InitHousehold1764300000000 } from './migrations/1764300000000-InitHousehold';

export const HOUSEHOLD_MIGRATIONS = [InitHousehold1764300000000];

/** The one DataSource shape used by the app, the CLI scripts, the benches and the tests. */
export function createHouseholdDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [AuditEntry],
    migrations: HOUSEHOLD_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pgConnectionExtra(opts.poolSize ?? 10),
  });
}

export async function migrateHousehold(url: string): Promise<string[]> {
  await ensureDatabase(url);
  const ds = createHouseholdDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.query('SELECT pg_advisory_lock(7712101)');
      const ran = await ds.runMigrations({ transaction: 'each' });
      return ran.map((m) => m.name);
    } finally {
      await qr.query('SELECT pg_advisory_unlock(7712101)').catch(() => undefined);
      await qr.release();
    }
  } finally {
    await ds.destroy();
  }
}
