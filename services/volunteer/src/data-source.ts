import { ShardedRollups1766200000008 } from './migrations/1766200000008-ShardedRollups';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditChainAtCommit1766200000007, AuditEntry, migrateDatabase, pgConnectionExtra } from '@redheart/shared';
import { InitVolunteer1764400000000 } from './migrations/1764400000000-InitVolunteer';
import { ScorecardCoveringIndexes1764500000000 } from './migrations/1764500000000-ScorecardCoveringIndexes';
import { PublicBoardIndexes1764600000000 } from './migrations/1764600000000-PublicBoardIndexes';

import { AuditHashChain1765000000000 } from './migrations/1765000000000-AuditHashChain';
import { MeetingWork1765860000001 } from './migrations/1765860000001-MeetingWork';
import { VolunteerAuditLogIndexes1765740000000 } from './migrations/1765740000000-AuditLogIndexes';
import { ResidentNeedsAndRatings1765770000000 } from './migrations/1765770000000-ResidentNeedsAndRatings';
import { EventTablesVolunteer1765810000002 } from './migrations/1765810000002-EventTables';
import { Whistles1765850000001 } from './migrations/1765850000001-Whistles';
import { ItemCommunityListIndex1765870000000 } from './migrations/1765870000000-ItemCommunityListIndex';
import { MemberGroups1765880000001 } from './migrations/1765880000001-MemberGroups';
import { MemberAccount1765890000000 } from './migrations/1765890000000-MemberAccount';
import { ScorecardNotices1765890000001 } from './migrations/1765890000001-ScorecardNotices';
import { ItemRollup1765900000002 } from './migrations/1765900000002-ItemRollup';

export const VOLUNTEER_MIGRATIONS = [InitVolunteer1764400000000, ScorecardCoveringIndexes1764500000000, PublicBoardIndexes1764600000000, AuditHashChain1765000000000,
  VolunteerAuditLogIndexes1765740000000, ResidentNeedsAndRatings1765770000000, EventTablesVolunteer1765810000002, Whistles1765850000001, MeetingWork1765860000001,
  ItemCommunityListIndex1765870000000, MemberGroups1765880000001, MemberAccount1765890000000, ScorecardNotices1765890000001, ItemRollup1765900000002, AuditChainAtCommit1766200000007, ShardedRollups1766200000008];

/** The one DataSource shape used by the app, the CLI scripts, the benches and the tests. */
export function createVolunteerDataSource(url: string, opts: { poolSize?: number } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: [AuditEntry],
    migrations: VOLUNTEER_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: pgConnectionExtra(opts.poolSize ?? 10),
  });
}

/** Creates the database if missing and applies pending migrations. */
export const migrateVolunteer = (url: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> => migrateDatabase(url, createVolunteerDataSource, 7712201, 'volunteer', env);
