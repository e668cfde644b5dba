import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { authPlugin, genReqId, registerErrorHandler, type RevocationSource, revokedSessionsFor } from '@redheart/shared';
import type { GatewayConfig } from './config';
import requestIdPlugin from './plugins/request-id';
import securityPlugin from './plugins/security';
import proxyPlugin from './plugins/proxy';
import spaPlugin from './plugins/spa';
import openapiPlugin from './plugins/openapi';
import healthRoutes from './routes/health';
import docsRoutes from './routes/docs';

export interface BuildOptions {
  config: Pick<GatewayConfig, 'upstreams' | 'webDist' | 'publicKey' | 'upstreamTimeoutMs' | 'publicOrigin'> &
    Partial<Pick<GatewayConfig, 'healthTimeoutMs' | 'trustProxy'>>;
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
  registerErrorHandler(app);

  await app.register(requestIdPlugin);
  await app.register(securityPlugin, { publicOrigin: config.publicOrigin });
  await app.register(authPlugin, { publicKey: config.publicKey, revocations: revokedSessionsFor(app, opts.revocations) });
  await app.register(openapiPlugin);

  await app.register(healthRoutes, { upstreams: config.upstreams, timeoutMs: config.healthTimeoutMs ?? 1000 });
  await app.register(docsRoutes, { upstreams: config.upstreams, timeoutMs: Math.max(config.healthTimeoutMs ?? 1000, 2000) });
  await app.register(proxyPlugin, { upstreams: config.upstreams, upstreamTimeoutMs: config.upstreamTimeoutMs });
  await app.register(spaPlugin, { root: config.webDist });
  return app;
}
