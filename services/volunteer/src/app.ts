import 'reflect-metadata';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { DataSource, EntityManager } from 'typeorm';
import { type AppEventsOptions, authPlugin, CommunityDirectory, communityRefConsumer, eventsPlugin, type OrgWorkUnit, dataSourcePlugin, genReqId, type OrgCommunity, DEFAULT_BODY_LIMIT, registerErrorHandler, registerHealthRoute, registerInputGuard, type RevocationSource, revokedSessionsFor, metricsPlugin, dtoSwaggerTransform, registerErrorResponses } from '@redheart/shared';
import { ItemService } from './modules/items/service';
import itemRoutes from './modules/items/routes';
import reportRoutes from './modules/reports/routes';
import listRoutes from './modules/lists/routes';
import scorecardRoutes from './modules/scorecards/routes';
import serviceDayRoutes from './modules/servicedays/routes';
import publicRoutes from './modules/public/routes';
import { CountyOverviewService, OverviewService } from './modules/overview/service';
import overviewRoutes from './modules/overview/routes';
import scheduledJobs, { type ScheduledJobsOptions } from './modules/escalation/jobs';
import { type FetchDesk, ResidentService } from './modules/residents/service';
import residentRoutes, { type ResidentRouteOptions } from './modules/residents/routes';
import auditRoutes from './modules/audit/routes';
import { WhistleService } from './modules/whistles/service';
import whistleRoutes from './modules/whistles/routes';
import meetingWorkRoutes from './modules/meetingwork/routes';
import memberGroupRoutes from './modules/membergroups/routes';

export interface BuildOptions {
  publicKey: string;
  dataSource: DataSource;
  /** A replica for reads that tolerate lag (app.dbRead); absent → the primary. */
  readDataSource?: DataSource;
  ownsDataSource?: boolean;
  filesDir: string;
  fetchCommunities?: () => Promise<OrgCommunity[]>;
  /** The event bus (NATS, or the HTTP fallback); absent: events only fill the outbox (tests). */
  events?: AppEventsOptions;
  logger?: FastifyServerOptions['logger'];
  /** Where ended sessions come from (the org service's feed); without it, tokens are not checked for them. */
  revocations?: RevocationSource;
  /** Run the scheduled work (escalation of items and of overdue whistles) on the job engine, once per cluster; absent → no scheduled work (tests). */
  scheduled?: ScheduledJobsOptions;
  /** Reads a convenience desk by its QR code from the org service (a resident's need lands in its community). */
  fetchDesk?: FetchDesk;
  /** The rate limits of the pages without login (tests lower or raise them). */
  residentLimits?: ResidentRouteOptions['limits'];
  /** The secret of the service-to-service routes (the org service turning a meeting's decision into work); unset → none. */
  internalToken?: string;
}

/** Builds the dual-report (双报到) service; never listens (server.ts does). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, genReqId, trustProxy: true, bodyLimit: DEFAULT_BODY_LIMIT });
  // first, so every route (and every answer the hooks below give) is timed
  await app.register(metricsPlugin, { service: 'volunteer' });
  registerErrorHandler(app);
  registerErrorResponses(app);
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Red Heart Community — dual-report and volunteer service', version: '0.1.0', description: '双报到 · 我是党员我行动：需求、资源、项目，认领、服务、评价' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: dtoSwaggerTransform,
  });
  await app.register(dataSourcePlugin, { dataSource: opts.dataSource, readDataSource: opts.readDataSource, owned: opts.ownsDataSource ?? false });
  await app.register(authPlugin, { publicKey: opts.publicKey, revocations: revokedSessionsFor(app, opts.revocations) });
  const communities = new CommunityDirectory(opts.fetchCommunities);
  const items = new ItemService(app.db, communities);
  const whistles = new WhistleService(app.db, app.dbRead);
  app.decorate('volunteer', { communities, items, whistles });
  // The org chart's changes reach the community and work-unit copies as events (the full list is read at start).
  await app.register(eventsPlugin, {
    ...opts.events,
    service: 'volunteer',
    consumers: [communityRefConsumer('volunteer', communities, { workUnits: (m, units, asOf) => upsertUnitRefs(m, units, asOf) })],
  });
  await app.register(itemRoutes, { items, filesDir: opts.filesDir });
  await app.register(reportRoutes, { communities });
  await app.register(memberGroupRoutes);
  await app.register(listRoutes, { communities });
  await app.register(scorecardRoutes);
  await app.register(serviceDayRoutes);
  await app.register(publicRoutes, { filesDir: opts.filesDir });
  await app.register(residentRoutes, { residents: new ResidentService(app.db, opts.fetchDesk), limits: opts.residentLimits });
  await app.register(overviewRoutes, { overview: new OverviewService(app.dbRead), counties: new CountyOverviewService(app.dbRead) });
  await app.register(whistleRoutes, { whistles });
  if (opts.scheduled) await app.register(scheduledJobs, opts.scheduled);
  await app.register(auditRoutes);
  await app.register(meetingWorkRoutes, { items, internalToken: opts.internalToken });
  registerHealthRoute(app, 'volunteer');
  app.get('/api/volunteer/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** The work units' copy (unit_ref); `asOf` as CommunityDirectory.upsert. */
export async function upsertUnitRefs(m: EntityManager, units: OrgWorkUnit[], asOf?: Date): Promise<void> {
  if (!units.length) return;
  await m.query(
    `INSERT INTO unit_ref (id, name, path, department, synced_at) SELECT *, COALESCE($4::timestamptz, now()) FROM unnest($1::bigint[], $2::text[], $3::text[], $5::boolean[])
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, path = EXCLUDED.path, department = EXCLUDED.department, synced_at = EXCLUDED.synced_at
     WHERE $4::timestamptz IS NULL OR unit_ref.synced_at <= $4::timestamptz`,
    [units.map((u) => u.id), units.map((u) => u.name), units.map((u) => u.path), asOf ?? null, units.map((u) => u.department === true)],
  );
}

declare module 'fastify' {
  interface FastifyInstance {
    volunteer: { communities: CommunityDirectory; items: ItemService; whistles: WhistleService };
  }
}
