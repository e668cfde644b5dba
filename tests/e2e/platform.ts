import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { type AppEventsOptions, freshTestDataSource, generateSigningKeys, httpRevocationFetch, type HttpEventTarget, NatsRevocationSource, PollingRevocationSource, type RevocationEvent, type RevocationSource, serviceTestDataSource, type OrgCommunity, PiiVault, workerTestDatabaseUrl } from '@redheart/shared';
import { buildApp as buildOrg } from '../../services/org/src/app';
import { httpVolunteerWork } from '../../services/org/src/modules/meetings/volunteer-client';
import { createOrgDataSource, migrateOrg } from '../../services/org/src/data-source';
import { DEMO_ACCOUNTS, seedDemo as seedOrg } from '../../services/org/src/seed/demo';
import { buildApp as buildHousehold } from '../../services/household/src/app';
import { createHouseholdDataSource, migrateHousehold } from '../../services/household/src/data-source';
import { seedDemo as seedHousehold } from '../../services/household/src/seed/demo';
import { seedApplications } from '../../services/household/src/seed/applications';
import { buildApp as buildVolunteer } from '../../services/volunteer/src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../../services/volunteer/src/data-source';
import { seedDemo as seedVolunteer } from '../../services/volunteer/src/seed/demo';
import { buildApp as buildGateway } from '../../services/gateway/src/app';
import { buildApp as buildNotify } from '../../services/notification/src/app';
import { orgAccountCount } from '../../services/notification/src/modules/announcements/service';
import { createNotifyDataSource, migrateNotify } from '../../services/notification/src/data-source';

/** The demo accounts' password (README). */
export const DEMO_PASSWORD = 'Qixia@2020';
export const DEMO_USERNAMES = DEMO_ACCOUNTS.map((a) => a.username);

export interface Platform {
  /** The gateway's base URL (http://127.0.0.1:<port>). */
  url: string;
  db: { org: DataSource; household: DataSource; volunteer: DataSource; notify?: DataSource };
  /** The apps themselves (their events: app.events). */
  apps: { org: FastifyInstance; household: FastifyInstance; volunteer: FastifyInstance };
  /** The org service goes down (its consumers and relay with it) and comes back on the same port and database. */
  stopOrg(): Promise<void>;
  startOrg(): Promise<void>;
  /** The volunteer service itself (behind the gateway) and the service-to-service secret: tests of its internal routes. */
  volunteerUrl: string;
  /** Each service's own URL (behind the gateway). */
  services: Record<'org' | 'household' | 'volunteer', string> & { notify?: string };
  internalToken: string;
  /**
   * Where each process behind the gateway (and the gateway itself) learns of ended sessions: with NATS the org
   * service's org.session.ended events (`seen`: those that arrived over the bus), else polling org's feed.
   */
  revocations: { name: string; source: RevocationSource; seen: RevocationEvent[] }[];
  close(): Promise<void>;
}

const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
};

/**
 * The whole platform in this process, as `npm start` runs it, on fresh databases of its own
 * (`redheart_test_e2e_<service>_w<worker>` on DATABASE_URL's server) with the Qixia demo seed:
 * the org service (which signs tokens), household and volunteer (which read the org chart over
 * its internal routes), and the gateway in front of them, each listening on a free port. Events
 * between them go over NATS (`opts.nats`) or, as `npm start` without NATS, over the HTTP fallback.
 */
export interface PlatformOptions {
  /** Events over NATS JetStream at this URL with this prefix (one per test run); absent: the HTTP fallback. */
  nats?: { url: string; prefix: string };
  /** Run the notification service too (behind the gateway at /api/notify, reading household's and volunteer's events). */
  notify?: boolean;
}

export async function startPlatform(opts: PlatformOptions = {}): Promise<Platform> {
  const keys = generateSigningKeys();
  const internalToken = 'e2e-internal-token-0123456789abcdef';
  const pii = PiiVault.generateKeys();
  const filesDir = mkdtempSync(join(tmpdir(), 'rh-e2e-files-'));
  const url = (service: string) => workerTestDatabaseUrl(`e2e_${service}`);

  const dbs = {
    org: { service: 'org', create: createOrgDataSource, migrate: migrateOrg },
    household: { service: 'household', create: createHouseholdDataSource, migrate: migrateHousehold },
    volunteer: { service: 'volunteer', create: createVolunteerDataSource, migrate: migrateVolunteer },
  };
  // Migrated and seeded as the owner; each app serves through its own role, as npm start runs them.
  const orgDs = await freshTestDataSource(url('org'), dbs.org, 5);
  const householdDs = await freshTestDataSource(url('household'), dbs.household, 5);
  const volunteerDs = await freshTestDataSource(url('volunteer'), dbs.volunteer, 5);
  const served = {
    org: await serviceTestDataSource(url('org'), dbs.org, 10),
    household: await serviceTestDataSource(url('household'), dbs.household, 10),
    volunteer: await serviceTestDataSource(url('volunteer'), dbs.volunteer, 10),
  };

  // The demo data, handed from the org chart to the other two as scripts/lib/platform.mjs does.
  await seedOrg(orgDs, { desks: 40 });
  const communities: OrgCommunity[] = await orgDs.query(`SELECT c.id::int AS id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
    FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id WHERE c.type = 'community_committee' AND c.valid_to IS NULL`);
  await seedHousehold(householdDs, { vault: new PiiVault(pii), communities });
  await seedApplications(householdDs, {
    catalogue: await orgDs.query(`SELECT id::int, code, name, category, materials, time_limit_days AS "timeLimitDays" FROM catalogue_service ORDER BY id`),
  });
  await seedVolunteer(volunteerDs, {
    communities,
    units: await orgDs.query(`SELECT id::int AS id, name, path, department FROM org_unit WHERE type = 'work_unit' AND valid_to IS NULL`),
    reports: await orgDs.query(`SELECT unit_id, community_id, reported_on FROM unit_community_report WHERE ended_on IS NULL`),
    accounts: await orgDs.query(`SELECT username, role, org_id AS "orgId", display_name AS "displayName" FROM account WHERE username = ANY($1)`, [DEMO_USERNAMES]),
    pledges: 60,
  });

  // Ended sessions, as npm start wires them (revocationSourceFor): the events with NATS, else the feed polled.
  // The org URL is known only once it listens (after the notification service).
  const orgAt: { url?: string } = {};
  const revocations: Platform['revocations'] = [];
  const revocationSource = (name: string): RevocationSource => {
    const feed = (after: number | null) => {
      if (!orgAt.url) throw new Error('the org service does not listen yet');
      return httpRevocationFetch(orgAt.url, internalToken)(after);
    };
    const seen: RevocationEvent[] = [];
    const source = opts.nats
      ? new NatsRevocationSource({ bus: { url: opts.nats.url, prefix: opts.nats.prefix, name: `e2e-${name}-sessions` }, catchUp: feed, onEvent: (e) => seen.push(e) })
      : new PollingRevocationSource(feed);
    revocations.push({ name, source, seen });
    return source;
  };

  // Its audit entries go to org's system log (without NATS: filled in once org listens).
  const notifyAuditTargets: HttpEventTarget[] = [];
  // The notification service first (it reads what household and volunteer emit; without NATS they POST to it).
  let notify: { app: FastifyInstance; ds: DataSource; served: DataSource; url: string } | undefined;
  if (opts.notify) {
    const db = { service: 'notify', create: createNotifyDataSource, migrate: migrateNotify };
    const ds = await freshTestDataSource(url('notify'), db, 2);
    const servedNotify = await serviceTestDataSource(url('notify'), db, 5);
    const app = await buildNotify({
      publicKey: keys.publicKey, dataSource: servedNotify, revocations: revocationSource('notify'),
      addressedCount: (under, roles) => orgAccountCount(orgAt.url ?? [], internalToken)(under, roles),
      events: { internalToken, relayPollMs: 250, ...(opts.nats ? { natsUrl: opts.nats.url, prefix: opts.nats.prefix } : { httpTargets: notifyAuditTargets }) },
    });
    notify = { app, ds, served: servedNotify, url: await listen(app) };
  }
  const notifyTargets = (types: string[]): HttpEventTarget[] => (notify ? [{ name: 'notify', url: notify.url, types }] : []);
  // The fallback's targets are filled in once household and volunteer listen.
  const orgTargets: HttpEventTarget[] = [];
  const events = (targets: HttpEventTarget[]): AppEventsOptions => ({
    internalToken, relayPollMs: 250, ...(opts.nats ? { natsUrl: opts.nats.url, prefix: opts.nats.prefix } : { httpTargets: targets }),
  });
  // org creates a meeting decision's work in the volunteer service, which listens only after org (below)
  const later: { volunteerUrl?: string } = {};
  const makeOrg = () => buildOrg({
    dataSource: served.org,
    events: events(orgTargets),
    volunteerWork: httpVolunteerWork(() => (later.volunteerUrl ? [later.volunteerUrl] : []), internalToken),
    config: {
      ...keys, internalToken, secureCookies: false, refreshTokenDays: 7,
      loginThrottle: { addressMaxFailures: 10_000, maxFailures: 1000 },
    },
  });
  let org = await makeOrg();
  const orgUrl = await listen(org);
  orgAt.url = orgUrl;
  notifyAuditTargets.push({ name: 'org', url: orgUrl, types: ['notify.audit.>'] });
  const internal = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${orgUrl}${path}`, { ...init, headers: { 'x-internal-token': internalToken, 'content-type': 'application/json' } });
    if (!res.ok) throw new Error(`org service answered ${res.status} for ${path}`);
    return res.json();
  };
  const fetchCommunities = () => internal('/api/org/internal/communities') as Promise<OrgCommunity[]>;
  const household = await buildHousehold({ publicKey: keys.publicKey, pii, dataSource: served.household, fetchCommunities, revocations: revocationSource('household'), events: events([{ name: 'org', url: orgUrl, types: ['household.audit.>'] }, ...notifyTargets(['household.case.>', 'household.import.>'])]) });
  await household.communities.sync(served.household.manager);
  const volunteer = await buildVolunteer({
    publicKey: keys.publicKey, dataSource: served.volunteer, filesDir, fetchCommunities, internalToken, revocations: revocationSource('volunteer'),
    events: events([{ name: 'org', url: orgUrl, types: ['volunteer.report.>', 'volunteer.audit.>'] }, ...notifyTargets(['volunteer.>'])]),
  });
  await volunteer.volunteer.communities.sync(served.volunteer.manager);
  const upstreams = { org: orgUrl, household: await listen(household), volunteer: await listen(volunteer), ...(notify ? { notify: notify.url } : {}) };
  later.volunteerUrl = upstreams.volunteer;
  orgTargets.push({ name: 'household', url: upstreams.household, types: ['org.unit.>', 'org.catalogue.>'] }, { name: 'volunteer', url: upstreams.volunteer, types: ['org.unit.>'] }, ...notifyTargets(['org.import.>']));
  const gateway = await buildGateway({
    config: { upstreams, webDist: join(tmpdir(), 'rh-e2e-no-spa'), publicKey: keys.publicKey, upstreamTimeoutMs: 30_000, healthTimeoutMs: 5000 },
    revocations: revocationSource('gateway'),
  });
  const gatewayUrl = await listen(gateway);
  return {
    url: gatewayUrl,
    volunteerUrl: upstreams.volunteer,
    services: upstreams,
    internalToken,
    revocations,
    db: { org: orgDs, household: householdDs, volunteer: volunteerDs, ...(notify ? { notify: notify.ds } : {}) },
    apps: { get org() { return org; }, household, volunteer },
    stopOrg: async () => {
      await org.close();
    },
    startOrg: async () => {
      org = await makeOrg();
      await org.listen({ port: Number(new URL(orgUrl).port), host: '127.0.0.1' });
    },
    close: async () => {
      for (const app of [gateway, volunteer, household, org, ...(notify ? [notify.app] : [])]) if (app.server.listening) await app.close();
      for (const ds of [...Object.values(served), orgDs, householdDs, volunteerDs, ...(notify ? [notify.served, notify.ds] : [])]) await ds.destroy();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
