import './tracing';
import { loadConfig } from './config';
import { buildApp } from './app';
import { createVolunteerDataSource } from './data-source';
import { failoverFetch, httpRevocationFetch, PollingRevocationSource, type OrgCommunity, runService, serveUntilSignal, serviceLogger } from '@redheart/shared';
import type { DeskRef } from './modules/residents/service';

const SYNC_EVERY_MS = 60_000;

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
    notifyOrg: async (unitId, communityId, active) => {
      await internal('/api/org/internal/unit-reports', { method: 'POST', body: JSON.stringify({ unitId, communityId, active }) });
    },
    fetchDesk: async (code) => {
      const res = await org(`/api/org/internal/desks/${encodeURIComponent(code)}`, {
        headers: { 'x-internal-token': config.internalToken },
        signal: AbortSignal.timeout(5000),
      });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`org service answered ${res.status} for a desk`);
      return (await res.json()) as DeskRef;
    },
    logger: serviceLogger(config.logLevel),
    revocations: new PollingRevocationSource(httpRevocationFetch(config.orgUrls, config.internalToken), {
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
    // escalation on the job engine: once per cluster, whatever the number of replicas
    scheduled: { escalateCron: config.escalateCron, timezone: config.timezone },
  });
  // Communities and work units come from the org chart; keep the copies current. Per process: each
  // replica refreshes its own directory (the upserts are idempotent).
  const sync = async () => {
    try {
      await app.volunteer.communities.sync(app.db.manager);
      const units = (await internal('/api/org/internal/work-units')) as { id: number; name: string; path: string }[];
      if (units.length) {
        await app.db.query(
          `INSERT INTO unit_ref (id, name, path) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, path = EXCLUDED.path, synced_at = now()`,
          [units.map((u) => u.id), units.map((u) => u.name), units.map((u) => u.path)],
        );
      }
    } catch (err) {
      app.log.warn({ err }, 'sync with the org service failed; keeping the last copy');
    }
  };
  await sync();
  const syncTimer = setInterval(() => void sync(), SYNC_EVERY_MS);
  syncTimer.unref();
  await serveUntilSignal(app, {
    port: config.port,
    host: config.host,
    metrics: config.metrics,
    beforeClose: () => {
      clearInterval(syncTimer);
    },
  });
}

runService('volunteer service', main);
