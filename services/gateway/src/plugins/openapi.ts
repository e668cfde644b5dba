import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';

/**
 * The gateway's own OpenAPI document (GET /api/health, /api/openapi.json). Registered at the root
 * before any route so that @fastify/swagger sees every route; only tagged routes are documented,
 * which leaves out the proxy, SPA and CORS catch-alls (the services document their own routes).
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      hideUntagged: true,
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Red Heart Community API · 红心社区接口',
          version: '0.1.0',
          description: 'One origin for every service: the gateway routes /api/<service>/… to the service that owns it.',
        },
        tags: [{ name: 'gateway', description: 'Routes answered by the gateway itself' }],
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      },
    });
  },
  { name: 'gateway-openapi' },
);
