import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { type AuthUser, ensureDatabase, generateSigningKeys, signTestToken } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../src/data-source';

export function testDatabaseUrl(): string {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run the tests with `npm test` (it starts an embedded PostgreSQL)');
  const url = new URL(base);
  url.pathname = `/redheart_test_volunteer_w${process.env.JEST_WORKER_ID ?? '1'}`;
  return url.toString();
}

/** The org fixture's shape: 栖霞(1) → 翠屏(2): 翠亭(5); 庄园(3): 龙腾(7), 万达(8); work units 11 (reported to 龙腾), 12, 13. */
export const C = { cuiting: 5, longteng: 7, wanda: 8 } as const;
export const U = { ziran: 11, jiaoyu: 12, gongdian: 13 } as const;

export const USERS: Record<string, AuthUser> = {
  admin: { sub: '1', username: 'admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  street: { sub: '2', username: 'street.zhuangyuan', role: 'street_admin', orgId: 3, scopePaths: ['/1/3/'] },
  streetCuiping: { sub: '13', username: 'street.cuiping', role: 'street_admin', orgId: 2, scopePaths: ['/1/2/'] },
  secretary: { sub: '3', username: 'secretary.longteng', role: 'community_secretary', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerk: { sub: '4', username: 'clerk.longteng', role: 'community_clerk', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerkCuiting: { sub: '5', username: 'clerk.cuiting', role: 'community_clerk', orgId: 5, scopePaths: ['/1/2/5/'] },
  grid: { sub: '6', username: 'grid.longteng', role: 'grid_worker', orgId: 7, scopePaths: ['/1/3/7/'] },
  unit: { sub: '7', username: 'unit.staff', role: 'unit_staff', orgId: U.ziran, scopePaths: ['/1/11/', '/1/3/7/'] },
  unit2: { sub: '9', username: 'unit2.staff', role: 'unit_staff', orgId: U.gongdian, scopePaths: ['/1/13/', '/1/3/7/'] },
  unitOther: { sub: '14', username: 'jiaoyu.staff', role: 'unit_staff', orgId: U.jiaoyu, scopePaths: ['/1/12/'] },
  member: { sub: '8', username: 'member', role: 'member', orgId: 7, scopePaths: ['/1/3/7/'] },
};

export interface TestContext {
  app: FastifyInstance;
  ds: DataSource;
  token: (who: keyof typeof USERS) => string;
  sign: (user: AuthUser) => string;
  category: number;
  notified: { unitId: number; communityId: number; active: boolean }[];
  close(): Promise<void>;
}

export async function setup(): Promise<TestContext> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  const reset = createVolunteerDataSource(url, { poolSize: 1 });
  await reset.initialize();
  await reset.query('DROP SCHEMA public CASCADE');
  await reset.query('CREATE SCHEMA public');
  await reset.destroy();
  await migrateVolunteer(url);
  const ds = createVolunteerDataSource(url, { poolSize: 30 });
  await ds.initialize();
  const keys = generateSigningKeys();
  const notified: TestContext['notified'] = [];
  const app = await buildApp({
    publicKey: keys.publicKey,
    dataSource: ds,
    filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
    notifyOrg: async (unitId, communityId, active) => {
      notified.push({ unitId, communityId, active });
    },
  });
  await app.ready();
  await app.volunteer.communities.upsert(ds.manager, [
    { id: C.cuiting, name: '翠亭社区党委', path: '/1/2/5/', streetName: '翠屏街道党工委', divisionCode: '370686001001' },
    { id: C.longteng, name: '龙腾社区党委', path: '/1/3/7/', streetName: '庄园街道党工委', divisionCode: '370686002002' },
    { id: C.wanda, name: '万达社区党委', path: '/1/3/8/', streetName: '庄园街道党工委', divisionCode: '370686002001' },
  ]);
  await ds.query(`INSERT INTO unit_ref (id, name, path) VALUES (11, '栖霞市自然资源和规划局党组', '/1/11/'), (12, '栖霞市教育和体育局党组', '/1/12/'), (13, '国网栖霞市供电公司党委', '/1/13/')`);
  await ds.query(`INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES
    (11, 7, '["道路硬化","政策宣讲"]', '王科长', '0535-5212345', 'approved'), (13, 7, '["电力维修"]', '李班长', '0535-5219876', 'approved')`);
  const cat = await ds.query(`INSERT INTO service_category (code, name, sort) VALUES ('C01', '环境整治', 1), ('C02', '助老服务', 2) RETURNING id`);
  await ds.query(`INSERT INTO member (username, name, phone, unit_id, community_id, status) VALUES ('member', '刘党员', '13805350001', 11, 7, 'approved')`);
  const cache = new Map<string, string>();
  return {
    app,
    ds,
    category: cat[0].id,
    notified,
    sign: (user) => signTestToken(keys.privateKey, user),
    token: (who) => {
      if (!cache.has(who)) cache.set(who, signTestToken(keys.privateKey, USERS[who]));
      return cache.get(who)!;
    },
    close: async () => {
      await app.close();
      await ds.destroy();
    },
  };
}

/**
 * A migrated database of its own with nothing in it (no fixture rows), and an app on it: for the
 * demo seed, which brings its own communities and units. `name` keeps it apart from setup()'s.
 */
export async function setupBlank(name: string): Promise<TestContext> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname}_${name}`;
  await ensureDatabase(url.toString());
  const reset = createVolunteerDataSource(url.toString(), { poolSize: 1 });
  await reset.initialize();
  await reset.query('DROP SCHEMA public CASCADE');
  await reset.query('CREATE SCHEMA public');
  await reset.destroy();
  await migrateVolunteer(url.toString());
  const ds = createVolunteerDataSource(url.toString(), { poolSize: 10 });
  await ds.initialize();
  const keys = generateSigningKeys();
  const notified: TestContext['notified'] = [];
  const app = await buildApp({
    publicKey: keys.publicKey,
    dataSource: ds,
    filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
    notifyOrg: async (unitId, communityId, active) => {
      notified.push({ unitId, communityId, active });
    },
  });
  await app.ready();
  return {
    app,
    ds,
    category: 0,
    notified,
    sign: (user) => signTestToken(keys.privateKey, user),
    token: (who) => signTestToken(keys.privateKey, USERS[who]),
    close: async () => {
      await app.close();
      await ds.destroy();
    },
  };
}
