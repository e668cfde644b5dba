import 'reflect-metadata';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import request from 'supertest';
import { startTestApp, type TestApp, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createOrgDataSource, migrateOrg } from '../src/data-source';
import { hashPassword } from '../src/modules/auth/service';
import type { VolunteerWork } from '../src/modules/meetings/volunteer-client';

export const PASSWORD = 'Qixia@2020';

/** One database per jest worker, so files in parallel workers never see each other's rows. */
export const testDatabaseUrl = (): string => workerTestDatabaseUrl('org');

export type TestContext = TestApp;

/** The service-to-service secret of the test apps. */
export const INTERNAL_TOKEN = 'test-internal-token';

/** Fresh schema, migrated, with the app built on it (no listen: supertest drives app.server). */
/** The login throttle is relaxed per address (1000 failures) unless a test sets it. */
export function setup(overrides: { addressMaxFailures?: number; maxFailures?: number; secureCookies?: boolean; dbSuffix?: string; volunteerWork?: VolunteerWork } = {}): Promise<TestContext> {
  return startTestApp({
    url: workerTestDatabaseUrl('org', overrides.dbSuffix),
    service: 'org',
    create: createOrgDataSource,
    migrate: migrateOrg,
    poolSize: 20,
    build: (dataSource, keys) => buildApp({
      dataSource,
      config: {
        ...keys,
        internalToken: INTERNAL_TOKEN,
        secureCookies: overrides.secureCookies ?? false,
        refreshTokenDays: 7,
        loginThrottle: { addressMaxFailures: overrides.addressMaxFailures ?? 1000, maxFailures: overrides.maxFailures ?? 5 },
      },
      volunteerWork: overrides.volunteerWork,
    }),
  });
}

export interface Fixture {
  county: number;
  cuiping: number;
  zhuangyuan: number;
  songshan: number;
  cuiting: number;
  yingbin: number;
  longteng: number;
  wanda: number;
  yujingBranch: number;
  buildingGroup: number;
  workUnit: number;
  otherUnit: number;
}

let cachedHash: string | undefined;

/**
 * A small real tree: 栖霞 → 翠屏 (翠亭, 迎宾), 庄园 (龙腾, 万达), 松山; 龙腾 has 御景小区党支部 with a building
 * group; a work unit reported to 龙腾; and one account per role.
 */
export async function seedFixture(ds: DataSource): Promise<Fixture> {
  const ins = async (id: number, parent: number | null, type: string, name: string, code: string | null, validFrom = '2019-01-01') => {
    const parentPath = parent === null ? '/' : (await ds.query('SELECT path FROM org_unit WHERE id = $1', [parent]))[0].path;
    const depth = parent === null ? 0 : parentPath.split('/').filter(Boolean).length;
    await ds.query(
      `INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, valid_from) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [id, type, name, code, parent, `${parentPath}${id}/`, depth, validFrom],
    );
    await ds.query(`INSERT INTO org_unit_version (org_id, parent_id, name, type, effective_from) VALUES ($1,$2,$3,$4,$5)`, [id, parent, name, type, validFrom]);
    return id;
  };
  const f: Fixture = {
    county: await ins(1, null, 'county_committee', '中共栖霞市委', '370686'),
    cuiping: await ins(2, 1, 'street_committee', '翠屏街道党工委', '370686001'),
    zhuangyuan: await ins(3, 1, 'street_committee', '庄园街道党工委', '370686002'),
    songshan: await ins(4, 1, 'street_committee', '松山街道党工委', '370686003'),
    cuiting: await ins(5, 2, 'community_committee', '翠亭社区党委', '370686001001'),
    yingbin: await ins(6, 2, 'community_committee', '迎宾社区党委', '370686001002'),
    longteng: await ins(7, 3, 'community_committee', '龙腾社区党委', '370686002002'),
    wanda: await ins(8, 3, 'community_committee', '万达社区党委', '370686002001'),
    yujingBranch: await ins(9, 7, 'compound_branch', '御景小区党支部', null, '2020-03-20'),
    buildingGroup: await ins(10, 9, 'building_group', '御景小区1号楼党小组', null, '2020-04-01'),
    workUnit: await ins(11, 1, 'work_unit', '栖霞市自然资源和规划局党组', null),
    otherUnit: await ins(12, 1, 'work_unit', '栖霞市教育和体育局党组', null),
  };
  await ds.query(`SELECT setval(pg_get_serial_sequence('org_unit', 'id'), 100)`);
  await ds.query(`INSERT INTO unit_community_report (unit_id, community_id, reported_on) VALUES ($1, $2, '2020-01-10')`, [f.workUnit, f.longteng]);
  cachedHash ??= await hashPassword(PASSWORD);
  const accounts: [string, string, number][] = [
    ['admin', 'admin', f.county],
    ['street.zhuangyuan', 'street_admin', f.zhuangyuan],
    ['street.cuiping', 'street_admin', f.cuiping],
    ['secretary.longteng', 'community_secretary', f.longteng],
    ['clerk.longteng', 'community_clerk', f.longteng],
    ['clerk.cuiting', 'community_clerk', f.cuiting],
    ['grid.longteng', 'grid_worker', f.longteng],
    ['unit.staff', 'unit_staff', f.workUnit],
    ['member', 'member', f.longteng],
  ];
  for (const [username, role, org] of accounts) {
    await ds.query(`INSERT INTO account (username, display_name, password_hash, role, org_id) VALUES ($1,$1,$2,$3,$4)`, [username, cachedHash, role, org]);
  }
  return f;
}

export async function login(app: FastifyInstance, username: string, password = PASSWORD) {
  const res = await request(app.server).post('/api/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='));
  return { token: res.body.accessToken as string, cookie: cookie?.split(';')[0] ?? '', body: res.body };
}

export async function tokens(app: FastifyInstance, usernames: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const u of usernames) out[u] = (await login(app, u)).token;
  return out;
}

export const ALL_USERS = ['admin', 'street.zhuangyuan', 'street.cuiping', 'secretary.longteng', 'clerk.longteng', 'clerk.cuiting', 'grid.longteng', 'unit.staff', 'member'];
