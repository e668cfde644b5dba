import 'reflect-metadata';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import {
  type AuthUser, makeResidentId, PiiVault, startTestApp, TEST_COMMUNITIES, TEST_COMMUNITY, TEST_USERS, testTokens, workerTestDatabaseUrl,
} from '@redheart/shared';
import { type BuildOptions, buildApp } from '../src/app';
import { createHouseholdDataSource, migrateHousehold } from '../src/data-source';

export const testDatabaseUrl = (): string => workerTestDatabaseUrl('household');

/** The same shape as the org fixture: 栖霞(1) → 翠屏(2): 翠亭(5); 庄园(3): 龙腾(7), 万达(8). */
export const C = TEST_COMMUNITY;

export const USERS: Record<string, AuthUser> = {
  ...TEST_USERS,
  admin2: { sub: '10', username: 'admin2', role: 'admin', orgId: 1, scopePaths: ['/1/'] },
  street2: { sub: '11', username: 'street.zhuangyuan2', role: 'street_admin', orgId: 3, scopePaths: ['/1/3/'] },
  clerkWanda: { sub: '12', username: 'clerk.wanda', role: 'community_clerk', orgId: 8, scopePaths: ['/1/3/8/'] },
  streetCuiping: { sub: '13', username: 'street.cuiping', role: 'street_admin', orgId: 2, scopePaths: ['/1/2/'] },
};

export interface TestContext {
  app: FastifyInstance;
  ds: DataSource;
  vault: PiiVault;
  token: (who: keyof typeof USERS) => string;
  /** Signs tokens of a test's own accounts (testTokens). */
  privateKey: string;
  close(): Promise<void>;
}

/** `opts`: what the app reads from the org service (absent: the tests fill the copies themselves). */
export async function setup(opts: Pick<BuildOptions, 'fetchCatalogue'> = {}): Promise<TestContext> {
  const pii = PiiVault.generateKeys();
  const { app, ds, keys, close } = await startTestApp({
    url: testDatabaseUrl(),
    service: 'household',
    create: createHouseholdDataSource,
    migrate: migrateHousehold,
    poolSize: 30,
    build: (dataSource, keys) => buildApp({ publicKey: keys.publicKey, pii, dataSource, ...opts }),
  });
  await app.communities.upsert(ds.manager, TEST_COMMUNITIES);
  return { app, ds, vault: new PiiVault(pii), token: testTokens(keys.privateKey, USERS), privateKey: keys.privateKey, close };
}

/**
 * A test file's app: started before its tests, closed after them; `ctx()` the context, `as(who)` a user's
 * Authorization header, `api()` a supertest agent on the app.
 */
export function appForTests(opts: Pick<BuildOptions, 'fetchCatalogue'> = {}) {
  let t: TestContext | undefined;
  beforeAll(async () => {
    t = await setup(opts);
  });
  afterAll(async () => t?.close());
  const ctx = (): TestContext => t!;
  return { ctx, as: (who: keyof typeof USERS) => ({ Authorization: `Bearer ${ctx().token(who)}` }), api: () => request(ctx().app.server) };
}

let seq = 100;
/** A fresh valid resident ID number each call. */
export function newId(sex: 'M' | 'F' = 'M', birth = '1988-05-20'): string {
  seq += 2;
  return makeResidentId('370686', birth, seq, sex);
}
