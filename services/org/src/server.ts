import './tracing';
import { runService, serveUntilSignal, serviceLogger } from '@redheart/shared';
import { loadConfig } from './config';
import { buildApp } from './app';
import { createOrgDataSource } from './data-source';
import { httpVolunteerWork } from './modules/meetings/volunteer-client';

async function main() {
  const config = loadConfig();
  const app = await buildApp({
    config,
    dataSource: createOrgDataSource(config.databaseUrl),
    ...(config.databaseReadUrl ? { readDataSource: createOrgDataSource(config.databaseReadUrl) } : {}),
    ownsDataSource: true,
    logger: serviceLogger(config.logLevel),
    volunteerWork: httpVolunteerWork(config.volunteerUrls, config.internalToken),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, logSignal: true, metrics: config.metrics });
}

runService('org service', main);
