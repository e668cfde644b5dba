// First: the module compile cache (Node.js ≥ 22.1; off with COMPILE_CACHE=off), before anything else loads.
import '@redheart/shared/dist/enable-compile-cache';
import './tracing';
import { loadConfig } from './config';
import { buildApp, upsertUnitRefs } from './app';
import { createVolunteerDataSource } from './data-source';
import { failoverFetch, type OrgCommunity, revocationSourceFor, runService, serveUntilSignal, serviceLogger } from '@redheart/shared';
import type { DeskRef } from './modules/residents/service';

async function main() {
  const config = loadConfig();
  // every org replica (ORG_URLS): the next one when one cannot be reached
  const org = failoverFetch(config.orgUrls);
  const internal = async (path: string, init: RequestInit = {}) => {
    const res = await org(path, {
      ...init,
      headers: { 'x-internal-token': config.internalToken, 'content-type': 'application/json', ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`org service answered ${res.status} for ${path}`);
    return res.json();
  };
  const app = await buildApp({
    publicKey: config.publicKey,
    dataSource: createVolunteerDataSource(config.databaseUrl),
    ...(config.databaseReadUrl ? { readDataSource: createVolunteerDataSource(config.databaseReadUrl) } : {}),
    ownsDataSource: true,
    filesDir: config.filesDir,
    internalToken: config.internalToken,
    fetchCommunities: () => internal('/api/org/internal/communities') as Promise<OrgCommunity[]>,
    fetchDesk: async (code) => {
      const res = await org(`/api/org/internal/desks/${encodeURIComponent(code)}`, {
        headers: { 'x-internal-token': config.internalToken },
        signal: AbortSignal.timeout(5000),
      });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`org service answered ${res.status} for a desk`);
      return (await res.json()) as DeskRef;
    },
    events: {
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, internalToken: config.internalToken,
      // the HTTP fallback: dual-report decisions (the unit's scope) and audit entries (the system log) to org; items and reports to the notification service
      httpTargets: [
        { name: 'org', url: config.orgUrls, types: ['volunteer.report.>', 'volunteer.audit.>'] },
        ...(config.events.notifyUrls ? [{ name: 'notify', url: config.events.notifyUrls, types: ['volunteer.>'] }] : []),
      ],
    },
    logger: serviceLogger(config.logLevel),
    // ended sessions: org's org.session.ended events with NATS (each replica follows them), else polling its feed
    revocations: revocationSourceFor({
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, orgUrl: config.orgUrls, internalToken: config.internalToken, name: 'volunteer',
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
    // escalation on the job engine: once per cluster, whatever the number of replicas
    scheduled: { escalateCron: config.escalateCron, scorecardCron: config.scorecardCron, timezone: config.timezone },
  });
  // Communities and work units come from the org chart: the whole list once at start, then its
  // org.unit.* events keep the copies current (app.ts).
  try {
    await app.volunteer.communities.sync(app.db.manager);
    await upsertUnitRefs(app.db.manager, (await internal('/api/org/internal/work-units')) as { id: number; name: string; path: string; department?: boolean }[]);
  } catch (err) {
    app.log.warn({ err }, 'reading the org chart at start failed; keeping the last copy (events bring the changes)');
  }
  await serveUntilSignal(app, {
    port: config.port,
    host: config.host,
    metrics: config.metrics,
  });
}

runService('volunteer service', main);
