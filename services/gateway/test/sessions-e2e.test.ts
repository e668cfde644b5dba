import request from 'supertest';
import { httpRevocationFetch, PiiVault, PollingRevocationSource, startTestApp, TEST_COMMUNITIES, workerTestDatabaseUrl, type TestApp } from '@redheart/shared';
// The real services, each on its own real PostgreSQL database, sharing the org service's keys, and
// the gateway in front: every one of them reads the ended sessions from the org service's feed.
import { INTERNAL_TOKEN, PASSWORD, seedFixture, setup, type Fixture, type TestContext } from '../../org/test/helper';
import { buildApp as buildHousehold } from '../../household/src/app';
import { createHouseholdDataSource, migrateHousehold } from '../../household/src/data-source';
import { buildApp as buildVolunteer } from '../../volunteer/src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../../volunteer/src/data-source';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGateway, type GatewayContext } from './helper';

let org: TestContext;
let f: Fixture;
let household: TestApp;
let volunteer: TestApp;
let gw: GatewayContext;
const sources: PollingRevocationSource[] = [];

const listen = async (app: TestApp['app']) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
};
const feed = (orgUrl: string) => {
  const s = new PollingRevocationSource(httpRevocationFetch(orgUrl, INTERNAL_TOKEN));
  sources.push(s);
  return s;
};

beforeAll(async () => {
  org = await setup();
  f = await seedFixture(org.ds);
  const orgUrl = await listen(org.app);
  household = await startTestApp({
    url: workerTestDatabaseUrl('household', 'e2e'),
    service: 'household',
    create: createHouseholdDataSource,
    migrate: migrateHousehold,
    poolSize: 5,
    build: (dataSource) => buildHousehold({ publicKey: org.keys.publicKey, pii: PiiVault.generateKeys(), dataSource, revocations: feed(orgUrl) }),
  });
  await (household.app as unknown as { communities: { upsert: (m: unknown, c: unknown) => Promise<void> } }).communities.upsert(household.ds.manager, TEST_COMMUNITIES);
  volunteer = await startTestApp({
    url: workerTestDatabaseUrl('volunteer', 'e2e'),
    service: 'volunteer',
    create: createVolunteerDataSource,
    migrate: migrateVolunteer,
    poolSize: 5,
    build: (dataSource) => buildVolunteer({
      publicKey: org.keys.publicKey, dataSource, filesDir: mkdtempSync(join(tmpdir(), 'redheart-e2e-')), revocations: feed(orgUrl),
    }),
  });
  const householdUrl = await listen(household.app);
  const volunteerUrl = await listen(volunteer.app);
  gw = await buildGateway({ upstreams: { org: orgUrl, household: householdUrl, volunteer: volunteerUrl }, publicKey: org.keys.publicKey }, { revocations: feed(orgUrl) });
  // One account per way a session ends.
  const hash = (await org.ds.query(`SELECT password_hash FROM account WHERE username = 'admin'`))[0].password_hash;
  for (const u of ['e2e.logout', 'e2e.password', 'e2e.disabled', 'e2e.everywhere', 'e2e.timer']) {
    await org.ds.query(`INSERT INTO account (username, display_name, password_hash, role, org_id) VALUES ($1, $1, $2, 'admin', $3)`, [u, hash, f.county]);
  }
});
afterAll(async () => {
  await gw?.close();
  await volunteer?.close();
  await household?.close();
  await org?.close();
});

const gateway = () => request(gw.app.server);
const session = async (username: string, password = PASSWORD) => {
  const res = await gateway().post('/api/auth/login').send({ username, password });
  expect(res.status).toBe(200);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('rh_refresh='))!.split(';')[0];
  return { token: res.body.accessToken as string, cookie };
};
/** Every process catches up with the feed now (the timers do it every 250 ms anyway). */
const caughtUp = () => Promise.all(sources.map((s) => s.sync()));

let n = 0;
/** A write in each service, sent to the service itself and through the gateway. */
const writes = (token: string) => {
  const auth = { Authorization: `Bearer ${token}` };
  const unit = (agent: ReturnType<typeof request>) =>
    agent.post('/api/org/units').set(auth).send({ parentId: f.longteng, type: 'compound_branch', name: `端到端支部${++n}` });
  return {
    'org (direct)': () => unit(request(org.app.server)),
    'org (gateway)': () => unit(gateway()),
    'household (direct)': () => request(household.app.server).post('/api/household/cases').set(auth).send({}),
    'household (gateway)': () => gateway().post('/api/household/cases').set(auth).send({}),
    'volunteer (direct)': () => request(volunteer.app.server).post('/api/volunteer/items').set(auth).send({}),
    'volunteer (gateway)': () => gateway().post('/api/volunteer/items').set(auth).send({}),
  };
};

/** Each write passes the token check (the org write succeeds, the others refuse the empty body). */
const expectAccepted = async (token: string) => {
  for (const [where, send] of Object.entries(writes(token))) {
    const res = await send();
    expect({ where, status: res.status }).toEqual({ where, status: where.startsWith('org') ? 201 : 400 });
  }
};
const expectEnded = async (token: string) => {
  for (const [where, send] of Object.entries(writes(token))) {
    const res = await send();
    expect({ where, status: res.status, code: res.body.code }).toEqual({ where, status: 401, code: 'SESSION_ENDED' });
  }
};

describe('a session that ends, ends: the old access token is refused by the gateway and by every service', () => {
  it('logout', async () => {
    const s = await session('e2e.logout');
    const other = await session('e2e.logout');
    await expectAccepted(s.token);
    expect((await gateway().post('/api/auth/logout').set('Cookie', s.cookie)).status).toBe(204);
    await caughtUp();
    await expectEnded(s.token);
    await expectAccepted(other.token);
    // The gateway refuses it itself: the service never sees the request.
    // Only this route counts: the gateway's balancer probes the service's health every second on its own.
    let hits = 0;
    const count = (req: { url?: string }) => { if (req.url?.startsWith('/api/household/cases')) hits++; };
    household.app.server.on('request', count);
    const res = await gateway().post('/api/household/cases').set('Authorization', `Bearer ${s.token}`).send({});
    household.app.server.off('request', count);
    expect([res.status, res.body.code, hits]).toEqual([401, 'SESSION_ENDED', 0]);
  });

  it('password change', async () => {
    const s = await session('e2e.password');
    const other = await session('e2e.password');
    const changed = await gateway().post('/api/auth/password').set('Authorization', `Bearer ${s.token}`).set('Cookie', s.cookie)
      .send({ currentPassword: PASSWORD, newPassword: 'E2eChanged2026' });
    expect(changed.status).toBe(200);
    await caughtUp();
    await expectEnded(s.token);
    await expectEnded(other.token);
    await expectAccepted(changed.body.accessToken);
  });

  it('account disabled', async () => {
    const s = await session('e2e.disabled');
    await expectAccepted(s.token);
    const admin = await session('admin');
    const id = Number((await org.ds.query(`SELECT id FROM account WHERE username = 'e2e.disabled'`))[0].id);
    const acc = await gateway().get(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`);
    expect((await gateway().patch(`/api/org/accounts/${id}`).set('Authorization', `Bearer ${admin.token}`).send({ version: acc.body.version, disabled: true })).status).toBe(200);
    await caughtUp();
    await expectEnded(s.token);
  });

  it('logout everywhere', async () => {
    const a = await session('e2e.everywhere');
    const b = await session('e2e.everywhere');
    expect((await gateway().post('/api/auth/logout-everywhere').set('Authorization', `Bearer ${a.token}`)).status).toBe(204);
    await caughtUp();
    await expectEnded(a.token);
    await expectEnded(b.token);
    expect((await gateway().post('/api/auth/refresh').set('Cookie', b.cookie)).status).toBe(401);
  });

  it('without an explicit catch-up too: the 250 ms polling brings it everywhere', async () => {
    const s = await session('e2e.timer');
    await expectAccepted(s.token);
    expect((await gateway().post('/api/auth/logout').set('Cookie', s.cookie)).status).toBe(204);
    const refusedEverywhere = async () => {
      for (const send of Object.values(writes(s.token))) if ((await send()).status !== 401) return false;
      return true;
    };
    let refused = await refusedEverywhere();
    while (!refused) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await refusedEverywhere();
    }
    await expectEnded(s.token);
  }, 30_000);
});
