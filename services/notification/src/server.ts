import './tracing';
import { loadConfig } from './config';
import { buildApp } from './app';
import { createNotifyDataSource } from './data-source';
import { httpRevocationFetch, PollingRevocationSource, runService, serveUntilSignal, serviceLogger } from '@redheart/shared';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    publicKey: config.publicKey,
    dataSource: createNotifyDataSource(config.databaseUrl),
    ownsDataSource: true,
    // NATS: durable consumers on the household and volunteer streams; without it the other services' relays POST here
    events: { natsUrl: config.events.natsUrl, prefix: config.events.prefix, internalToken: config.internalToken },
    logger: serviceLogger(config.logLevel),
    stream: { heartbeatMs: config.streamHeartbeatMs, ticketTtlSeconds: config.streamTicketSeconds },
    channels: config.channels,
    revocations: new PollingRevocationSource(httpRevocationFetch(config.orgUrls, config.internalToken), {
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, metrics: config.metrics });
}

runService('notification service', main);
