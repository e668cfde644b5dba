import 'reflect-metadata';
import { type AppEventsOptions, CommunityDirectory, communityRefConsumer, eventsPlugin, type OrgCommunity, metricsPlugin, dtoSwaggerTransform, registerErrorResponses } from '@redheart/shared';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { DataSource } from 'typeorm';
import { authPlugin, dataSourcePlugin, jobsPlugin, genReqId, PiiVault, publicRateLimit, type PublicRateLimitOptions, DEFAULT_BODY_LIMIT, registerErrorHandler, registerHealthRoute, registerInputGuard, type RevocationSource, revokedSessionsFor } from '@redheart/shared';
import { CaseService } from './modules/cases/service';
import { type CatalogueEntry, CatalogueDirectory, catalogueRefConsumer } from './modules/applications/catalogue';
import { ApplicationRepository } from './modules/applications/repository';
import { ApplicationService } from './modules/applications/service';
import applicationRoutes from './modules/applications/routes';
import caseRoutes from './modules/cases/routes';
import { RegisterRepository } from './modules/register/repository';
import registerRoutes from './modules/register/routes';
import { RegisterService } from './modules/register/service';
import { SeparationService } from './modules/separation/service';
import { PropertyRegister } from './modules/separation/properties';
import { SeparationRepository } from './modules/separation/repository';
import separationRoutes from './modules/separation/routes';
import { StatsRepository } from './modules/stats/repository';
import { CountyStatsService, StatsService } from './modules/stats/service';
import statsRoutes from './modules/stats/routes';
import auditRoutes from './modules/audit/routes';
import { BulkRepository } from './modules/bulk/repository';
import bulkRoutes from './modules/bulk/routes';
import { BulkService, Exporter, RegisterImport } from './modules/bulk/service';
import { PublicCaseRepository } from './modules/public/repository';
import { PublicCaseService } from './modules/public/service';
import publicCaseRoutes from './modules/public/routes';
import { DEFAULT_TABLE_WORKERS, TableReaderPool } from './modules/bulk/table-pool';
import { JobRepository } from './modules/jobs/repository';
import jobRoutes from './modules/jobs/routes';
import { DEFAULT_JOB_SETTINGS, ExportJobService, ImportJobService, type JobSettings, startJobWorkers } from './modules/jobs/service';
import reminderJobs, { type ReminderJobOptions } from './modules/reminders/jobs';

export interface BuildOptions {
  publicKey: string;
  pii: { encryptionKey: string; hashKey: string };
  dataSource: DataSource;
  /** A replica for reads that tolerate lag (app.dbRead); absent → the primary. */
  readDataSource?: DataSource;
  ownsDataSource?: boolean;
  /** How to read the org service's community list (absent in tests, which fill community_ref themselves). */
  fetchCommunities?: () => Promise<OrgCommunity[]>;
  /** How to read the org service's service catalogue (absent in tests, which fill catalogue_ref themselves). */
  fetchCatalogue?: () => Promise<CatalogueEntry[]>;
  logger?: FastifyServerOptions['logger'];
  /** Worker threads that parse uploaded spreadsheets (default 2); 0 parses on the event loop. */
  tableWorkers?: number;
  /** Where ended sessions come from (the org service's feed); without it, tokens are not checked for them. */
  revocations?: RevocationSource;
  /** The case look-up without login: tries per address and window (default 10 a minute). */
  publicLimit?: Partial<PublicRateLimitOptions>;
  /** Import and export jobs: file lifetimes, stale-job limit, polling (DEFAULT_JOB_SETTINGS). */
  jobs?: Partial<JobSettings>;
  /** The step time-limit notices' schedule (CASE_LIMIT_CRON); absent: the worker without a schedule (tests run app.caseLimits.run). */
  reminders?: ReminderJobOptions;
  /** The event bus (NATS, or the HTTP fallback); absent: events only fill the outbox (tests). */
  events?: AppEventsOptions;
}

/** A resident may try 10 case look-ups a minute from one address. */
export const PUBLIC_LOOKUP_LIMIT: PublicRateLimitOptions = { max: 10, windowMs: 60_000 };

/** Builds the household service as a plugin tree; never listens (server.ts does). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, genReqId, trustProxy: true, bodyLimit: DEFAULT_BODY_LIMIT });
  // first, so every route (and every answer the hooks below give) is timed
  await app.register(metricsPlugin, { service: 'household' });
  registerErrorHandler(app);
  registerErrorResponses(app);
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Red Heart Community — household registration service', version: '0.1.0', description: '户籍进社区：户籍登记、迁入/迁出案件、人户分离' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: dtoSwaggerTransform,
  });
  await app.register(dataSourcePlugin, { dataSource: opts.dataSource, readDataSource: opts.readDataSource, owned: opts.ownsDataSource ?? false });
  await app.register(authPlugin, { publicKey: opts.publicKey, revocations: revokedSessionsFor(app, opts.revocations) });
  const vault = new PiiVault({ encryptionKey: opts.pii.encryptionKey, hashKey: opts.pii.hashKey });
  const communities = new CommunityDirectory(opts.fetchCommunities);
  app.decorate('communities', communities);
  const catalogue = new CatalogueDirectory(opts.fetchCatalogue);
  app.decorate('catalogue', catalogue);
  // The org chart's and the service catalogue's changes reach their copies as events (the full lists are read at start).
  await app.register(eventsPlugin, { ...opts.events, service: 'household', consumers: [communityRefConsumer('household', communities), catalogueRefConsumer(catalogue)] });
  // Reads that tolerate a little lag go to the replica (app.dbRead; docs/architecture.md lists them).
  const cases = new CaseService(app.db, vault, communities, app.dbRead);
  await app.register(caseRoutes, { cases });
  await app.register(applicationRoutes, { applications: new ApplicationService(app.db, new ApplicationRepository(app.dbRead), communities, catalogue, app.dbRead) });
  await app.register(registerRoutes, { register: new RegisterService(app.db, new RegisterRepository(app.db), vault, communities) });
  const separationRepo = new SeparationRepository(app.db);
  const separation = new SeparationService(app.db, communities, separationRepo);
  const properties = new PropertyRegister(vault, separationRepo);
  await app.register(separationRoutes, { separation, properties });
  const statsRepo = new StatsRepository(app.dbRead);
  await app.register(statsRoutes, { stats: new StatsService(app.dbRead, separation, statsRepo), counties: new CountyStatsService(app.dbRead, statsRepo) });
  const tables = new TableReaderPool(opts.tableWorkers ?? DEFAULT_TABLE_WORKERS);
  app.addHook('onClose', async () => tables.close());
  const bulkRepo = new BulkRepository(app.db);
  const registerImport = new RegisterImport(vault, bulkRepo);
  const exporter = new Exporter(app.db, bulkRepo, cases, separation);
  await app.register(bulkRoutes, { bulk: new BulkService(app.db, tables, registerImport, properties), exporter });
  // Imports and exports as jobs with progress (pg-boss on this service's database).
  await app.register(jobsPlugin);
  const jobSettings = { ...DEFAULT_JOB_SETTINGS, ...opts.jobs };
  const jobRepo = new JobRepository(app.db);
  const importJobs = new ImportJobService(app.db, jobRepo, tables, registerImport, properties, jobSettings);
  const exportJobs = new ExportJobService(jobRepo, exporter, jobSettings);
  await startJobWorkers(app.jobs, { imports: importJobs, exports: exportJobs, repo: jobRepo, settings: jobSettings, log: app.log });
  await app.register(jobRoutes, { imports: importJobs, exports: exportJobs });
  // The clerks told of cases about to pass (and past) their step's time limit, once per cluster.
  await app.register(reminderJobs, opts.reminders ?? {});
  await app.register(publicCaseRoutes, { cases: new PublicCaseService(new PublicCaseRepository(app.db)), limit: publicRateLimit({ ...PUBLIC_LOOKUP_LIMIT, ...opts.publicLimit }) });
  await app.register(auditRoutes);
  registerHealthRoute(app, 'household');
  app.get('/api/household/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    communities: CommunityDirectory;
    catalogue: CatalogueDirectory;
  }
}
