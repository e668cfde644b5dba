// First: the module compile cache (Node.js ≥ 22.1; off with COMPILE_CACHE=off), before anything else loads.
import '@redheart/shared/dist/enable-compile-cache';
import './tracing';
import { revocationSourceFor } from '@redheart/shared/dist/sessions';
import { runService, serveUntilSignal, serviceLogger } from '@redheart/shared/dist/service-main';
import { loadConfig } from './config';
import { buildApp } from './app';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    config,
    logger: serviceLogger(config.logLevel),
    // ended sessions: org's org.session.ended events with NATS (each replica follows them), else polling its feed
    revocations: revocationSourceFor({
      natsUrl: config.events.natsUrl, prefix: config.events.prefix, orgUrl: config.upstreams.org, internalToken: config.internalToken, name: 'gateway',
      onError: (err) => app.log.warn({ err }, 'reading the ended sessions from the org service failed; retrying'),
    }),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, logSignal: true, metrics: config.metrics });
  app.log.info({ upstreams: config.upstreams, webDist: config.webDist }, 'gateway ready');
}

runService('gateway', main);
