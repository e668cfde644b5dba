// First: the module compile cache (Node.js ≥ 22.1; off with COMPILE_CACHE=off), before anything else loads.
import '@redheart/shared/dist/enable-compile-cache';
import './tracing';
import { failoverFetch, type OrgCommunity, revocationSourceFor, runService, serveUntilSignal, serviceLogger } from '@redheart/shared';
import { loadConfig } from './config';
import { buildApp } from './app';
import type { CatalogueEntry } from './modules/applications/catalogue';
import { createHouseholdDataSource } from './data-source';

async function main() {
  const config = loadConfig();
  // every org replica (ORG_URLS): the next one when one cannot be reached
  const org = failoverFetch(config.orgUrls);
  const fetchCommunities = async (): Promise<OrgCommunity[]> => {
    const res = await org('/api/org/internal/communities', {
      headers: { 'x-internal-token': config.internalToken },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`org service answered ${res.status} for the community list`);
    return (await res.json()) as OrgCommunity[];
  };
  const fetchCatalogue = async (): Promise<CatalogueEntry[]> => {
    const res = await org('/api/org/internal/catalogue', {
      headers: { 'x-internal-token': config.internalToken },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`org service answered ${res.status} for the service catalogue`);
    return (await res.json()) as CatalogueEntry[];
  };
  const app = await buildApp({
    publicKey: config.publicKey,
    pii: { encryptionKey: config.piiEncryptionKey, hashKey: config.piiHashKey },
    dataSource: createHouseholdDataSource(config.databaseUrl),
    ...(config.databaseReadUrl ? { readDataSource: createHouseholdDataSource(config.databaseReadUrl) } : {}),
    ownsDataSource: true,
    fetchCommunities,
    events: {
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, internalToken: config.internalToken,
      // the HTTP fallback: the cases' events go to the notification service, the audit entries to the org service's system log
      httpTargets: [
        { name: 'org', url: config.orgUrls, types: ['household.audit.>'] },
        ...(config.events.notifyUrls ? [{ name: 'notify', url: config.events.notifyUrls, types: ['household.case.>', 'household.import.>'] }] : []),
      ],
    },
    fetchCatalogue,
    logger: serviceLogger(config.logLevel),
      jobs: config.jobs,
    reminders: config.reminders,
    // ended sessions: org's org.session.ended events with NATS (each replica follows them), else polling its feed
    revocations: revocationSourceFor({
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, orgUrl: config.orgUrls, internalToken: config.internalToken, name: 'household',
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
  });
  // Communities move between streets in the org chart: the whole list once at start, then its
  // org.unit.* events keep the copy (and so scope) current (app.ts).
  await app.communities.sync(app.db.manager).then(
    (n) => app.log.debug({ communities: n }, 'community list synced'),
    (err) => app.log.warn({ err }, 'reading the community list at start failed; keeping the last copy (events bring the changes)'),
  );
  // The service catalogue (一网通办 applications copy a service's materials and time limit from it): the whole list
  // once at start, then the org service's org.catalogue.* events keep the copy current (app.ts).
  await app.catalogue.sync(app.db.manager).then(
    (n) => app.log.debug({ services: n }, 'service catalogue synced'),
    (err) => app.log.warn({ err }, 'reading the service catalogue at start failed; keeping the last copy (events bring the changes)'),
  );
  await serveUntilSignal(app, { port: config.port, host: config.host, metrics: config.metrics });
}

runService('household service', main);
