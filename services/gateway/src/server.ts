import { runService, serveUntilSignal, serviceLogger } from '@redheart/shared';
import { loadConfig } from './config';
import { buildApp } from './app';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    config,
    logger: serviceLogger(config.logLevel),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, logSignal: true });
  app.log.info({ upstreams: config.upstreams, webDist: config.webDist }, 'gateway ready');
}

runService('gateway', main);
