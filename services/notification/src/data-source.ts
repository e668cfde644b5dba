import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditChainAtCommit1766200000007, migrateDatabase, pgConnectionExtra } from '@redheart/shared';
import { InitNotification1765810000010 } from './migrations/1765810000010-InitNotification';
import { NotificationStream1765880000010 } from './migrations/1765880000010-NotificationStream';
import { Announcements1765950000010 } from './migrations/1765950000010-Announcements';

export const NOTIFY_MIGRATIONS = [InitNotification1765810000010, NotificationStream1765880000010, Announcements1765950000010, AuditChainAtCommit1766200000007];

/** The one DataSource shape used by the app, the CLI scripts and the tests. */
export function createNotifyDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [],
    migrations: NOTIFY_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pgConnectionExtra(opts.poolSize ?? 10),
  });
}

/** Creates the database if missing and applies pending migrations. */
export const migrateNotify = (url: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> => migrateDatabase(url, createNotifyDataSource, 7712301, 'notify', env);
