import 'reflect-metadata';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { DataSource } from 'typeorm';
import { type AppEventsOptions, authPlugin, dataSourcePlugin, eventsPlugin, jobsPlugin, genReqId, DEFAULT_BODY_LIMIT, PollingRevocationSource, registerErrorHandler, registerHealthRoute, registerInputGuard, revokedSessionsFor, metricsPlugin, dtoSwaggerTransform, markEmptyAnswers, registerErrorResponses } from '@redheart/shared';
import { readRevocations } from './modules/auth/sessions';

import authRoutes from './modules/auth/routes';
import unitRoutes from './modules/units/routes';
import positionRoutes from './modules/positions/routes';
import gridRoutes from './modules/grids/routes';
import cadreRoutes from './modules/cadres/routes';
import deskRoutes, { publicDeskRoutes } from './modules/desks/routes';
import catalogueRoutes from './modules/catalogue/routes';
import compoundRoutes from './modules/compounds/routes';
import coverageRoutes from './modules/coverage/routes';
import statsRoutes from './modules/stats/routes';
import auditRoutes from './modules/audit/routes';
import internalRoutes from './modules/internal/routes';
import { unitReportConsumer } from './modules/internal/unit-reports';
import systemLogRoutes from './modules/system-log/routes';
import { systemLogConsumers } from './modules/system-log/service';
import meetingRoutes from './modules/meetings/routes';
import { httpVolunteerWork, type VolunteerWork } from './modules/meetings/volunteer-client';
import accountRoutes from './modules/accounts/routes';
import divisionImportRoutes from './modules/divisions/routes';
import monitorRoutes from './modules/monitor/routes';
import type { OrgConfig } from './config';

export interface BuildOptions {
  config: Pick<OrgConfig, 'privateKey' | 'publicKey' | 'secureCookies' | 'refreshTokenDays' | 'loginThrottle' | 'loginLogDays'> & { internalToken?: string };
  dataSource: DataSource;
  /** A replica for reads that tolerate lag (app.dbRead); absent → the primary. */
  readDataSource?: DataSource;
  /** Close the DataSource with the app (true for the server; tests share one). */
  ownsDataSource?: boolean;
  logger?: FastifyServerOptions['logger'];
  /**
   * Creates a meeting decision's work in the volunteer service (over HTTP, `httpVolunteerWork`); absent → the
   * volunteer service counts as unreachable (503) for that one route.
   */
  volunteerWork?: VolunteerWork;
  /** The job engine's options (tests: a short polling interval). */
  jobs?: import('@redheart/shared').JobEngineOptions;
  /** The event bus (NATS, or the HTTP fallback); absent: events only fill the outbox (tests). */
  events?: AppEventsOptions;
}

/** Builds the org service as a plugin tree; never listens (server.ts does). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId,
    trustProxy: true,
    bodyLimit: DEFAULT_BODY_LIMIT,
  });
  // first, so every route (and every answer the hooks below give) is timed
  await app.register(metricsPlugin, { service: 'org' });
  registerErrorHandler(app);
  registerErrorResponses(app);
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Red Heart Community — organisation service', version: '0.1.0', description: '组织架构、网格、服务目录、便民服务台与账号' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: dtoSwaggerTransform,
    transformObject: (d) => ('openapiObject' in d ? markEmptyAnswers(d.openapiObject) : d.swaggerObject),
  });
  await app.register(dataSourcePlugin, { dataSource: opts.dataSource, readDataSource: opts.readDataSource, owned: opts.ownsDataSource ?? false });
  await app.register(cookie);
  // org.unit.* go out (the communities' copies elsewhere); dual-report decisions and the other services' audit (系统日志) come in.
  await app.register(eventsPlugin, { ...opts.events, service: 'org', consumers: [unitReportConsumer(), ...systemLogConsumers()] });
  // Ended sessions: this service reads its own feed table (every 250 ms, and at once after it ends
  // sessions itself); the other services and the gateway poll it over the internal route.
  const feed = new PollingRevocationSource((after) => readRevocations(app.db, after), {
    onError: (err) => app.log.warn({ err }, 'reading the session revocations failed; keeping what is known'),
  });
  const revoked = revokedSessionsFor(app, feed);
  const onSessionsEnded = () => feed.sync().catch((err) => app.log.warn({ err }, 'reading the session revocations failed'));
  await app.register(authPlugin, { publicKey: opts.config.publicKey, privateKey: opts.config.privateKey, revocations: revoked });

  await app.register(authRoutes, { ...opts.config, onSessionsEnded });
  await app.register(unitRoutes);
  // what hangs off the org chart, one module each (modules/<name>/{routes,schemas,service,repository}.ts)
  for (const records of [positionRoutes, gridRoutes, cadreRoutes, deskRoutes, catalogueRoutes, compoundRoutes, coverageRoutes, statsRoutes, auditRoutes]) {
    await app.register(records);
  }
  await app.register(accountRoutes, { onSessionsEnded });
  // Background jobs (pg-boss in this database): the division imports.
  await app.register(jobsPlugin, opts.jobs ?? {});
  await app.register(divisionImportRoutes);
  await app.register(meetingRoutes, { volunteerWork: opts.volunteerWork ?? httpVolunteerWork([], undefined) });
  await app.register(monitorRoutes, { onSessionsEnded });
  await app.register(systemLogRoutes);
  // readable without login (the desk a QR code opens): beside, not inside, the authenticated plugins
  await app.register(publicDeskRoutes);
  await app.register(internalRoutes, { internalToken: opts.config.internalToken });

  registerHealthRoute(app, 'org');
  app.get('/api/org/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
