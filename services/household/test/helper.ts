import 'reflect-metadata';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { type AuthUser, ensureDatabase, generateSigningKeys, makeResidentId, PiiVault, signTestToken } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createHouseholdDataSource, migrateHousehold } from '../src/data-source';

export function testDatabaseUrl(): string {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is not set: run the tests with `npm test` (it starts an embedded PostgreSQL)');
  const url = new URL(base);
  url.pathname = `/redheart_test_household_w${process.env.JEST_WORKER_ID ?? '1'}`;
  return url.toString();
}

/** The same shape as the org fixture: 栖霞(1) → 翠屏(2): 翠亭(5); 庄园(3): 龙腾(7), 万达(8). */
export const C = { cuiting: 5, longteng: 7, wanda: 8 } as const;
const PATHS: Record<number, string> = { 5: '/1/2/5/', 7: '/1/3/7/', 8: '/1/3/8/' };

export const USERS: Record<string, AuthUser> = {
  admin: { sub: '1', username: 'admin', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  admin2: { sub: '10', username: 'admin2', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  street: { sub: '2', username: 'street.zhuangyuan', role: 'street_admin', orgId: 3, scopePaths: ['/1/3/'] },
  street2: { sub: '11', username: 'street.zhuangyuan2', role: 'street_admin', orgId: 3, scopePaths: ['/1/3/'] },
  secretary: { sub: '3', username: 'secretary.longteng', role: 'community_secretary', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerk: { sub: '4', username: 'clerk.longteng', role: 'community_clerk', orgId: 7, scopePaths: ['/1/3/7/'] },
  clerkWanda: { sub: '12', username: 'clerk.wanda', role: 'community_clerk', orgId: 8, scopePaths: ['/1/3/8/'] },
  clerkCuiting: { sub: '5', username: 'clerk.cuiting', role: 'community_clerk', orgId: 5, scopePaths: ['/1/2/5/'] },
  grid: { sub: '6', username: 'grid.longteng', role: 'grid_worker', orgId: 7, scopePaths: ['/1/3/7/'] },
  unit: { sub: '7', username: 'unit.staff', role: 'unit_staff', orgId: 11, scopePaths: ['/1/11/', '/1/3/7/'] },
  member: { sub: '8', username: 'member', role: 'member', orgId: 7, scopePaths: ['/1/3/7/'] },
};

export interface TestContext {
  app: FastifyInstance;
  ds: DataSource;
  vault: PiiVault;
  token: (who: keyof typeof USERS) => string;
  close(): Promise<void>;
}

export async function setup(): Promise<TestContext> {
  const url = testDatabaseUrl();
  await ensureDatabase(url);
  const reset = createHouseholdDataSource(url, { poolSize: 1 });
  await reset.initialize();
  await reset.query('DROP SCHEMA public CASCADE');
  await reset.query('CREATE SCHEMA public');
  await reset.destroy();
  await migrateHousehold(url);
  const ds = createHouseholdDataSource(url, { poolSize: 30 });
  await ds.initialize();
  const keys = generateSigningKeys();
  const pii = PiiVault.generateKeys();
  const app = await buildApp({ publicKey: keys.publicKey, pii, dataSource: ds });
  await app.ready();
  await app.communities.upsert(ds.manager, [
    { id: C.cuiting, name: '翠亭社区党委', path: PATHS[C.cuiting], streetName: '翠屏街道党工委', divisionCode: '370686001001' },
    { id: C.longteng, name: '龙腾社区党委', path: PATHS[C.longteng], streetName: '庄园街道党工委', divisionCode: '370686002002' },
    { id: C.wanda, name: '万达社区党委', path: PATHS[C.wanda], streetName: '庄园街道党工委', divisionCode: '370686002001' },
  ]);
  const cache = new Map<string, string>();
  return {
    app,
    ds,
    vault: new PiiVault(pii),
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

let seq = 100;
/** A fresh valid resident ID number each call. */
export function newId(sex: 'M' | 'F' = 'M', birth = '1988-05-20'): string {
  seq += 2;
  return makeResidentId('370686', birth, seq, sex);
}
