// First: the module compile cache (Node.js ≥ 22.1; off with COMPILE_CACHE=off), before anything else loads.
import '@redheart/shared/dist/enable-compile-cache';
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
    events: {
      natsUrl: config.events.natsUrl,
      prefix: config.events.prefix,
      internalToken: config.internalToken,
      // The HTTP fallback: the org chart's changes go to the services that copy it (household also copies the catalogue).
      httpTargets: [
        ...(config.events.householdUrls ? [{ name: 'household', url: config.events.householdUrls, types: ['org.unit.>', 'org.catalogue.>'] }] : []),
        ...(config.events.volunteerUrls ? [{ name: 'volunteer', url: config.events.volunteerUrls, types: ['org.unit.>'] }] : []),
        // the division imports' ends to the notification service (the admin who started one is told)
        ...(config.events.notifyUrls ? [{ name: 'notify', url: config.events.notifyUrls, types: ['org.import.>'] }] : []),
      ],
    },
    volunteerWork: httpVolunteerWork(config.volunteerUrls, config.internalToken),
  });
  await serveUntilSignal(app, { port: config.port, host: config.host, logSignal: true, metrics: config.metrics });
}

runService('org service', main);
