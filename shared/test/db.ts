import { DataSource } from 'typeorm';
import { ensureDatabase } from '../src';

/** A database of its own for a test file (redheart_test_<name>_w<worker> on DATABASE_URL's server), emptied. */
export async function emptyTestDatabase(name: string): Promise<DataSource> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/redheart_test_${name}_w${process.env.JEST_WORKER_ID ?? '1'}`;
  await ensureDatabase(url.toString());
  const ds = new DataSource({ type: 'postgres', url: url.toString() });
  await ds.initialize();
  await ds.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  return ds;
}
