import { ShardedRollups1766200000008 } from './migrations/1766200000008-ShardedRollups';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditChainAtCommit1766200000007, AuditEntry, migrateDatabase, pgConnectionExtra } from '@redheart/shared';
import { InitHousehold1764300000000 } from './migrations/1764300000000-InitHousehold';
import { SeparationRollup1765910000000 } from './migrations/1765910000000-SeparationRollup';
import { SeparationFunnel1764400000000 } from './migrations/1764400000000-SeparationFunnel';
import { PersonNameSearchIndex1764600000000 } from './migrations/1764600000000-PersonNameSearchIndex';
import { RevealLogCommunity1764750000000 } from './migrations/1764750000000-RevealLogCommunity';
import { CaseCertificateIndex1764800000000 } from './migrations/1764800000000-CaseCertificateIndex';

import { AuditHashChain1765000000000 } from './migrations/1765000000000-AuditHashChain';
import { HouseholdAuditLogIndexes1765740000000 } from './migrations/1765740000000-AuditLogIndexes';
import { ImportExportJobs1765750000000 } from './migrations/1765750000000-ImportExportJobs';
import { EventTablesHousehold1765810000001 } from './migrations/1765810000001-EventTables';
import { PersonEmployer1765790000000 } from './migrations/1765790000000-PersonEmployer';
import { ServiceApplications1765840000000 } from './migrations/1765840000000-ServiceApplications';
import { CatalogueRefVersion1765870000000 } from './migrations/1765870000000-CatalogueRefVersion';
import { CaseLimitNotices1765890000000 } from './migrations/1765890000000-CaseLimitNotices';
import { SettledRollup1765900000000 } from './migrations/1765900000000-SettledRollup';
import { OpenCaseRollup1767400000000 } from './migrations/1767400000000-OpenCaseRollup';
import { CaseNameSearch1767500000000 } from './migrations/1767500000000-CaseNameSearch';

export const HOUSEHOLD_MIGRATIONS = [InitHousehold1764300000000, SeparationFunnel1764400000000, PersonNameSearchIndex1764600000000, RevealLogCommunity1764750000000, CaseCertificateIndex1764800000000, AuditHashChain1765000000000, HouseholdAuditLogIndexes1765740000000,
  ImportExportJobs1765750000000, PersonEmployer1765790000000, EventTablesHousehold1765810000001, ServiceApplications1765840000000,
  CatalogueRefVersion1765870000000, CaseLimitNotices1765890000000, SettledRollup1765900000000, SeparationRollup1765910000000, AuditChainAtCommit1766200000007, ShardedRollups1766200000008,
  OpenCaseRollup1767400000000, CaseNameSearch1767500000000];

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

/** Creates the database if missing and applies pending migrations. */
export const migrateHousehold = (url: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> => migrateDatabase(url, createHouseholdDataSource, 7712101, 'household', env);
