import 'reflect-metadata';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { DataSource } from 'typeorm';
import {
  type AppEventsOptions, authPlugin, dataSourcePlugin, DEFAULT_BODY_LIMIT, eventsPlugin, genReqId, metricsPlugin, registerErrorHandler, registerHealthRoute, registerInputGuard,
  type RevocationSource, revokedSessionsFor, dtoSwaggerTransform, markEmptyAnswers, registerErrorResponses, streamAuditAsEvents,
} from '@redheart/shared';
import { NotificationRepository } from './modules/notifications/repository';
import { NotificationService } from './modules/notifications/service';
import notificationRoutes from './modules/notifications/routes';
import { StreamHub, streamRoutes } from './modules/notifications/stream';
import { createChannels, type OutboundChannel } from './modules/notifications/channel';
import { AnnouncementRepository, NOTIFY_AUDIT_STREAM } from './modules/announcements/repository';
import { type AddressedCount, AnnouncementService } from './modules/announcements/service';
import announcementRoutes, { publicAnnouncementRoutes } from './modules/announcements/routes';

export interface BuildOptions {
  publicKey: string;
  dataSource: DataSource;
  ownsDataSource?: boolean;
  logger?: FastifyServerOptions['logger'];
  revocations?: RevocationSource;
  /** The event bus (NATS, or the HTTP fallback); absent: events arrive only through app.events.apply (tests). */
  events?: AppEventsOptions;
  /** Outbound channels (SMS, WeChat …) by name (NOTIFY_CHANNELS; channel.ts CHANNEL_FACTORIES), or built; default: the logging channel. */
  channels?: OutboundChannel[] | string[];
  /**
   * How many accounts an announcement's scope and roles reach (the org service's internal count, `orgAccountCount`):
   * its receipts say read N of M. Absent or failing: M is unknown (null) and the receipts say read N.
   */
  addressedCount?: AddressedCount;
  /** The live stream (/api/notify/stream): heartbeat period (15 s) and ticket lifetime (30 s). */
  stream?: { heartbeatMs?: number; ticketTtlSeconds?: number };
}

/** Builds the notification service (通知): rules over the other services' events → each person's notifications. */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, genReqId, trustProxy: true, bodyLimit: DEFAULT_BODY_LIMIT });
  await app.register(metricsPlugin, { service: 'notify' });
  registerErrorHandler(app);
  registerErrorResponses(app);
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Red Heart Community — notification service', version: '0.1.0', description: '通知：审批、退回、吹哨、派单、双报到结果等，发给与之相关的人' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: dtoSwaggerTransform,
    // a 204 is empty on purpose (x-empty)
    transformObject: (d) => ('openapiObject' in d ? markEmptyAnswers(d.openapiObject) : d.swaggerObject),
  });
  await app.register(dataSourcePlugin, { dataSource: opts.dataSource, owned: opts.ownsDataSource ?? false });
  const revocations = revokedSessionsFor(app, opts.revocations);
  await app.register(authPlugin, { publicKey: opts.publicKey, revocations });
  const given = opts.channels ?? ['log'];
  const channels = given.every((c) => typeof c === 'string') ? createChannels(given as string[], { log: (obj, msg) => app.log.info(obj, msg) }) : (given as OutboundChannel[]);
  const notificationRepo = new NotificationRepository(app.db);
  const notifications = new NotificationService(notificationRepo, channels, undefined, (obj, msg) => app.log.warn(obj, msg));
  app.decorate('notifications', notifications);
  // reads household.case.* and volunteer.* (no relay of its own to speak of: it emits nothing)
  await app.register(eventsPlugin, { ...opts.events, service: 'notify', consumers: notifications.consumers() });
  await app.register(notificationRoutes, { notifications });
  // its audit entries (announcements published and withdrawn) go out as notify.audit.recorded (the org service's system log)
  streamAuditAsEvents(app.db, NOTIFY_AUDIT_STREAM);
  const announcements = new AnnouncementService(app.db, new AnnouncementRepository(app.db), notifications, opts.addressedCount, (obj, msg) => app.log.warn(obj, msg));
  await app.register(announcementRoutes, { announcements });
  await app.register(publicAnnouncementRoutes, { announcements });
  const log = (obj: object, msg: string) => app.log.warn(obj, msg);
  const hub = new StreamHub(app.db, notifications, log);
  app.decorate('notificationStreams', hub);
  app.addHook('onReady', () => hub.start());
  // open streams never end by themselves: ended first, so the server can close
  app.addHook('preClose', () => hub.stop());
  await app.register(streamRoutes, {
    hub,
    repo: notificationRepo,
    heartbeatMs: opts.stream?.heartbeatMs ?? 15_000,
    ticketTtlSeconds: opts.stream?.ticketTtlSeconds ?? 30,
    revocations,
    muted: (u) => notifications.mutedKinds(u),
    log,
  });
  registerHealthRoute(app, 'notify');
  app.get('/api/notify/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: NotificationService;
    notificationStreams: StreamHub;
  }
}
