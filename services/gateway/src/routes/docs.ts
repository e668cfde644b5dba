import type { FastifyInstance, FastifyRequest } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';
import { errorResponseSchema } from '@redheart/shared/dist/errors';
import { type Balancers, UPSTREAM_NAMES } from '../config';
import { mergeOpenApi, type OpenApiDocument } from '../openapi-merge';
import { probe } from '../upstreams';

export interface DocsOptions {
  /** Each service's document is read from one of its replicas in rotation. */
  balancers: Balancers;
  timeoutMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The merged document, loaded by the Swagger UI hook for its /json and /yaml routes. */
    mergedOpenApi: OpenApiDocument | null;
  }
}

/**
 * GET /api/openapi.json is the whole public API: the gateway's own routes (plugins/openapi.ts)
 * merged with each service's /api/<name>/openapi.json, fetched on each call. A service that does
 * not answer is left out (and listed in `x-upstreams`).
 * GET /api/docs is Swagger UI over the same merged document.
 */
export default async function docsRoutes(app: FastifyInstance, opts: DocsOptions) {
  const merged = async (request: FastifyRequest): Promise<OpenApiDocument> => {
    const upstreams = await Promise.all(
      UPSTREAM_NAMES.filter((service) => opts.balancers[service]).map(async (service) => {
        const r = await probe<OpenApiDocument>(`${opts.balancers[service]!.any().url}/api/${service}/openapi.json`, opts.timeoutMs, request.id);
        if (!r.ok) request.log.warn({ service, status: r.status, error: r.error }, 'OpenAPI document of a service is unavailable');
        return { service, document: r.ok ? (r.body ?? null) : null };
      }),
    );
    const { document, conflicts } = mergeOpenApi(app.swagger() as OpenApiDocument, upstreams);
    if (conflicts.length) request.log.warn({ conflicts }, 'OpenAPI merge conflicts');
    return document;
  };

  app.get('/api/openapi.json', {
    schema: {
      tags: ['gateway'],
      summary: 'The merged OpenAPI document of the whole API',
      security: [],
      response: {
        200: {
          type: 'object',
          description: 'An OpenAPI 3.0 document: the gateway’s routes and every service’s that answered (`x-upstreams` names those that did not)',
          required: ['openapi', 'info', 'paths'],
          additionalProperties: true,
        },
        500: errorResponseSchema,
      },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return merged(request);
    },
  });

  app.decorateRequest('mergedOpenApi', null);
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { deepLinking: true, persistAuthorization: false },
    uiHooks: {
      onRequest: async (request) => {
        const path = request.url.split('?', 1)[0];
        if (path.endsWith('/json') || path.endsWith('/yaml')) request.mergedOpenApi = await merged(request);
      },
    },
    // Swagger UI reads ./json; give it the merged document instead of the gateway's own.
    transformSpecificationClone: false,
    transformSpecification: (own, request) => request.mergedOpenApi ?? own,
  });
}
