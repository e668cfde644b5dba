import 'reflect-metadata';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import type { DataSource } from 'typeorm';
import { authPlugin, dataSourcePlugin, genReqId, DEFAULT_BODY_LIMIT, registerErrorHandler, registerHealthRoute, registerInputGuard } from '@redheart/shared';

import authRoutes from './modules/auth/routes';
import unitRoutes from './modules/units/routes';
import detailRoutes from './modules/details/routes';
import publicRoutes from './modules/details/public-routes';
import internalRoutes from './modules/internal/routes';
import accountRoutes from './modules/accounts/routes';
import type { OrgConfig } from './config';

export interface BuildOptions {
  config: Pick<OrgConfig, 'privateKey' | 'publicKey' | 'secureCookies' | 'refreshTokenDays' | 'loginRateLimit' | 'lockout'> & { internalToken?: string };
  dataSource: DataSource;
  /** Close the DataSource with the app (true for the server; tests share one). */
  ownsDataSource?: boolean;
  logger?: FastifyServerOptions['logger'];
}

/** Builds the org service as a plugin tree; never listens (server.ts does). */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId,
    trustProxy: true,
    bodyLimit: DEFAULT_BODY_LIMIT,
  });
  registerErrorHandler(app);
  registerInputGuard(app);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Red Heart Community — organisation service', version: '0.1.0', description: '组织架构、网格、服务目录、便民服务台与账号' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(dataSourcePlugin, { dataSource: opts.dataSource, owned: opts.ownsDataSource ?? false });
  await app.register(cookie);
  await app.register(authPlugin, { publicKey: opts.config.publicKey, privateKey: opts.config.privateKey });

  await app.register(authRoutes, opts.config);
  await app.register(unitRoutes);
  await app.register(detailRoutes);
  await app.register(accountRoutes);
  await app.register(publicRoutes);
  await app.register(internalRoutes, { internalToken: opts.config.internalToken });

  registerHealthRoute(app, 'org');
  app.get('/api/org/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
