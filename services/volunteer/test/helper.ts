import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import {
  type AuthUser, type KeyPair, signTestToken, startTestApp, TEST_COMMUNITIES, TEST_COMMUNITY, type TestApp, TEST_USERS, testTokens, workerTestDatabaseUrl,
} from '@redheart/shared';
import { buildApp } from '../src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../src/data-source';

export const testDatabaseUrl = (): string => workerTestDatabaseUrl('volunteer');

/** The org fixture's shape: 栖霞(1) → 翠屏(2): 翠亭(5); 庄园(3): 龙腾(7), 万达(8); work units 11 (reported to 龙腾), 12, 13. */
export const C = TEST_COMMUNITY;
export const U = { ziran: 11, jiaoyu: 12, gongdian: 13 } as const;

export const USERS: Record<string, AuthUser> = {
  ...TEST_USERS,
  streetCuiping: { sub: '13', username: 'street.cuiping', role: 'street_admin', orgId: 2, scopePaths: ['/1/2/'] },
  unit2: { sub: '9', username: 'unit2.staff', role: 'unit_staff', orgId: U.gongdian, scopePaths: ['/1/13/', '/1/3/7/'] },
  unitOther: { sub: '14', username: 'jiaoyu.staff', role: 'unit_staff', orgId: U.jiaoyu, scopePaths: ['/1/12/'] },
};

export interface TestContext {
  app: FastifyInstance;
  ds: DataSource;
  /** The app verifies tokens with keys.publicKey (a gateway in front of it needs it too). */
  keys: KeyPair;
  token: (who: keyof typeof USERS) => string;
  sign: (user: AuthUser) => string;
  category: number;
  /** The dual-report decisions written to the outbox (volunteer.report.*), oldest first. */
  reportEvents(): Promise<{ type: string; unitId: number; communityId: number }[]>;
  close(): Promise<void>;
}

/** A fresh migrated database and the app on it; its events stay in the outbox (no bus in these tests). */
async function start(url: string, poolSize: number): Promise<TestApp & Pick<TestContext, 'reportEvents' | 'sign' | 'token'>> {
  const t = await startTestApp({
    url,
    service: 'volunteer',
    create: createVolunteerDataSource,
    migrate: migrateVolunteer,
    poolSize,
    build: (dataSource, keys) => buildApp({
      publicKey: keys.publicKey,
      dataSource,
      filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
    }),
  });
  const reportEvents = async () =>
    (await t.ds.query(`SELECT type, (payload->>'unitId')::int AS "unitId", (payload->>'communityId')::int AS "communityId" FROM outbox_event WHERE type LIKE 'volunteer.report.%' ORDER BY seq`)) as { type: string; unitId: number; communityId: number }[];
  return { ...t, reportEvents, sign: (user) => signTestToken(t.keys.privateKey, user), token: testTokens(t.keys.privateKey, USERS) };
}

/** The fixture (communities, units, reports, categories, a member) on this worker's database, or on `url`. */
export async function setup(url = testDatabaseUrl()): Promise<TestContext> {
  const t = await start(url, 30);
  const { app, ds } = t;
  await app.volunteer.communities.upsert(ds.manager, TEST_COMMUNITIES);
  await ds.query(`INSERT INTO unit_ref (id, name, path) VALUES (11, '栖霞市自然资源和规划局党组', '/1/11/'), (12, '栖霞市教育和体育局党组', '/1/12/'), (13, '国网栖霞市供电公司党委', '/1/13/')`);
  await ds.query(`INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES
    (11, 7, '["道路硬化","政策宣讲"]', '王科长', '0535-5212345', 'approved'), (13, 7, '["电力维修"]', '李班长', '0535-5219876', 'approved')`);
  const cat = await ds.query(`INSERT INTO service_category (code, name, sort) VALUES ('C01', '环境整治', 1), ('C02', '助老服务', 2) RETURNING id`);
  await ds.query(`INSERT INTO member (username, name, phone, unit_id, community_id, status) VALUES ('member', '刘党员', '13805350001', 11, 7, 'approved')`);
  return { ...t, category: cat[0].id };
}

/**
 * A migrated database of its own with nothing in it (no fixture rows), and an app on it: for the
 * demo seed, which brings its own communities and units. `name` keeps it apart from setup()'s.
 */
export async function setupBlank(name: string): Promise<TestContext> {
  return { ...(await start(workerTestDatabaseUrl('volunteer', name), 10)), category: 0 };
}
