import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyCompress from '@fastify/compress';
import { Readable } from 'node:stream';
import { constants as zlib } from 'node:zlib';
// @redheart/shared's parts one by one, not its index: the index loads TypeORM, class-validator and the rest
// (≈1,200 modules) that the gateway, which has no database, never uses.
import { authPlugin } from '@redheart/shared/dist/auth';
import { genReqId } from '@redheart/shared/dist/request-id';
import { metricsPlugin } from '@redheart/shared/dist/metrics';
import { notFound, registerErrorHandler } from '@redheart/shared/dist/errors';
import { type RevocationSource, revokedSessionsFor } from '@redheart/shared/dist/sessions';
import { type Balancers, type CoreUpstreamName, UPSTREAM_NAMES, type GatewayConfig, type UpstreamName } from './config';
import { Balancer } from './balancer';
import requestIdPlugin from './plugins/request-id';
import securityPlugin from './plugins/security';
import proxyPlugin from './plugins/proxy';
import spaPlugin from './plugins/spa';
import openapiPlugin from './plugins/openapi';
import healthRoutes from './routes/health';
import docsRoutes from './routes/docs';
import { isMetricsPath } from './upstreams';

/** Answers from this size on are compressed (when the client accepts it). */
const COMPRESS_THRESHOLD = 1024;
/** A proxied answer that says it is smaller than this is sent from one buffer (see the onSend hook). */
const BUFFER_BELOW = 256 * 1024;

export interface BuildOptions {
  config: Pick<GatewayConfig, 'webDist' | 'publicKey' | 'upstreamTimeoutMs' | 'publicOrigin'> &
    Partial<Pick<GatewayConfig, 'healthTimeoutMs' | 'trustProxy' | 'longUpstreamTimeoutMs' | 'healthCheckIntervalMs'>> & {
      /** Each service's replicas (one base URL or several). */
      upstreams: Record<CoreUpstreamName, string | string[]> & Partial<Record<UpstreamName, string | string[]>>;
    };
  logger?: FastifyServerOptions['logger'];
  /** Where ended sessions come from (the org service's feed); without it, tokens are not checked for them. */
  revocations?: RevocationSource;
}

/**
 * The gateway: the one origin of the platform. It serves the SPA, checks access tokens and
 * proxies /api/<service>/… to the service that owns it, and answers /api/health,
 * /api/openapi.json and /api/docs itself. Builds the app; never listens (server.ts does).
 */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts;
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId,
    trustProxy: config.trustProxy ?? false,
    // the proxies stream bodies through; this only bounds what the gateway parses itself
    bodyLimit: 1024 * 1024,
  });
  // first, so every route (and every answer the hooks below give) is timed
  await app.register(metricsPlugin, { service: 'gateway' });
  registerErrorHandler(app);

  await app.register(requestIdPlugin);
  // Metrics live on each process's internal port (METRICS_PORT); from outside, such a path does not exist.
  app.addHook('onRequest', (request, _reply, done) => {
    if (isMetricsPath(request.url)) return done(notFound(`Route ${request.method} ${request.url.split('?', 1)[0]}`, 'ROUTE_NOT_FOUND'));
    done();
  });
  await app.register(securityPlugin, { publicOrigin: config.publicOrigin });
  await app.register(authPlugin, { publicKey: config.publicKey, revocations: revokedSessionsFor(app, opts.revocations) });
  await app.register(openapiPlugin);
  // JSON (and other text) answers of 1 KB or more go out compressed when the browser asks for it;
  // brotli at a middle quality, since it runs per response (the SPA's files are compressed once,
  // at build time, and served as they are — see plugins/spa.ts).
  // A service's answer arrives as a stream, which the compressor would take whatever its size: one
  // that says it is under the threshold is read into a buffer first, so small answers go out as they are.
  // Any answer of a known length up to BUFFER_BELOW is read into one buffer too: it then leaves in one
  // write (headers and body together) instead of a write for the headers and one per chunk.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!(payload instanceof Readable)) return done(null, payload);
    const length = Number(reply.getHeader('content-length'));
    if (!(Number.isFinite(length) && length < BUFFER_BELOW)) return done(null, payload);
    const chunks: Buffer[] = [];
    payload.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    payload.once('end', () => done(null, Buffer.concat(chunks)));
    payload.once('error', (err) => done(err));
  });
  await app.register(fastifyCompress, {
    threshold: COMPRESS_THRESHOLD,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });

  // One balancer per service over its replicas, health-checked from ready to close.
  const balancers = Object.fromEntries(
    UPSTREAM_NAMES.flatMap((name) => {
      const urls = config.upstreams[name];
      if (!urls) return [];
      return [[name, new Balancer(name, typeof urls === 'string' ? [urls] : urls, { intervalMs: config.healthCheckIntervalMs ?? 1000, timeoutMs: config.healthTimeoutMs ?? 1000 })]];
    }),
  ) as Balancers;
  app.addHook('onReady', async () => {
    for (const b of Object.values(balancers)) b.start();
  });
  app.addHook('onClose', async () => {
    for (const b of Object.values(balancers)) b.stop();
  });

  await app.register(healthRoutes, { balancers, timeoutMs: config.healthTimeoutMs ?? 1000 });
  await app.register(docsRoutes, { balancers, timeoutMs: Math.max(config.healthTimeoutMs ?? 1000, 2000) });
  await app.register(proxyPlugin, { balancers, upstreamTimeoutMs: config.upstreamTimeoutMs, longUpstreamTimeoutMs: config.longUpstreamTimeoutMs });
  await app.register(spaPlugin, { root: config.webDist });
  return app;
}
