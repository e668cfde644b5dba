// First: the module compile cache (Node.js ≥ 22.1; off with COMPILE_CACHE=off), before anything else loads.
import '@redheart/shared/dist/enable-compile-cache';
import './tracing';
import { loadConfig } from './config';
import { buildApp } from './app';
import { createNotifyDataSource } from './data-source';
import { orgAccountCount } from './modules/announcements/service';
import { revocationSourceFor, runService, serveUntilSignal, serviceLogger } from '@redheart/shared';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    publicKey: config.publicKey,
    dataSource: createNotifyDataSource(config.databaseUrl),
    ownsDataSource: true,
    // NATS: durable consumers on the household and volunteer streams; without it the other services' relays POST here
    // its own audit entries go to the org service's system log (over HTTP without NATS)
    events: { natsUrl: config.events.natsUrl, prefix: config.events.prefix, internalToken: config.internalToken, httpTargets: [{ name: 'org', url: config.orgUrls, types: ['notify.audit.>'] }] },
    logger: serviceLogger(config.logLevel),
    stream: { heartbeatMs: config.streamHeartbeatMs, ticketTtlSeconds: config.streamTicketSeconds },
    channels: config.channels,
    // an announcement's receipts: read N of the M accounts it reaches (the org service counts them)
    addressedCount: orgAccountCount(config.orgUrls, config.internalToken),
    // ended sessions: org's org.session.ended events with NATS (each replica follows them), else polling its feed
    revocations: revocationSourceFor({
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, orgUrl: config.orgUrls, internalToken: config.internalToken, name: 'notify',
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, metrics: config.metrics });
}

runService('notification service', main);
