import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditChainAtCommit1766200000007, AuditEntry, migrateDatabase, pgConnectionExtra } from '@redheart/shared';
import { InitOrg1764200000000 } from './migrations/1764200000000-InitOrg';
import { OrgDetailRules1764210000000 } from './migrations/1764210000000-OrgDetailRules';
import { CurrentPathIndex1764500000000 } from './migrations/1764500000000-CurrentPathIndex';
import { AccountManagement1764700000000 } from './migrations/1764700000000-AccountManagement';
import { SessionsAndLoginThrottle1764910000000 } from './migrations/1764910000000-SessionsAndLoginThrottle';

import { AuditHashChain1765000000000 } from './migrations/1765000000000-AuditHashChain';
import { OrgConsoleLogs1765740000000 } from './migrations/1765740000000-ConsoleLogs';
import { CityLevel1765760000000 } from './migrations/1765760000000-CityLevel';
import { DivisionImports1765760000001 } from './migrations/1765760000001-DivisionImports';
import { WorkUnitDepartments1765850000000 } from './migrations/1765850000000-WorkUnitDepartments';
import { CommitteeMeetings1765860000000 } from './migrations/1765860000000-CommitteeMeetings';
import { CurrentTypePathIndex1765900000001 } from './migrations/1765900000001-CurrentTypePathIndex';
import { CoverageRollup1765910000000 } from './migrations/1765910000000-CoverageRollup';
import { SystemLog1766100000005 } from './migrations/1766100000005-SystemLog';
import { SystemLogFilterIndexes1766100000006 } from './migrations/1766100000006-SystemLogFilterIndexes';
import { CoverageRollupLockOrder1766100000007 } from './migrations/1766100000007-CoverageRollupLockOrder';
import { EventTablesOrg1765810000000 } from './migrations/1765810000000-EventTables';

export const ORG_MIGRATIONS = [InitOrg1764200000000, OrgDetailRules1764210000000, CurrentPathIndex1764500000000, AccountManagement1764700000000,
  SessionsAndLoginThrottle1764910000000, AuditHashChain1765000000000, OrgConsoleLogs1765740000000, CityLevel1765760000000,
  DivisionImports1765760000001, EventTablesOrg1765810000000, WorkUnitDepartments1765850000000, CommitteeMeetings1765860000000,
  CurrentTypePathIndex1765900000001, CoverageRollup1765910000000, SystemLog1766100000005,
  SystemLogFilterIndexes1766100000006, CoverageRollupLockOrder1766100000007,
  AuditChainAtCommit1766200000007];

/** The one DataSource shape used by the app, the CLI scripts, the benches and the tests. */
export function createOrgDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    // SQL repositories with typed rows read and write every table (modules/*/repository.ts); TypeORM gives the
    // pool, the transactions and the migrations. The one entity is the shared audit trail's, as in every service.
    entities: [AuditEntry],
    migrations: ORG_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pgConnectionExtra(opts.poolSize ?? 10),
  });
}

/** Creates the database if missing and applies pending migrations. */
export const migrateOrg = (url: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> => migrateDatabase(url, createOrgDataSource, 7712001, 'org', env);
