import type { FastifyInstance } from 'fastify';
import { UPSTREAM_NAMES, type UpstreamName } from '../config';
import { probe } from '../upstreams';

export interface HealthOptions {
  upstreams: Record<UpstreamName, string>;
  timeoutMs: number;
}

const upstreamStatus = {
  type: 'object',
  required: ['status', 'latencyMs'],
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    latencyMs: { type: 'integer' },
    error: { type: 'string' },
  },
} as const;

const healthBody = {
  type: 'object',
  required: ['status', 'upstreams'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    upstreams: {
      type: 'object',
      required: [...UPSTREAM_NAMES],
      properties: Object.fromEntries(UPSTREAM_NAMES.map((n) => [n, upstreamStatus])),
    },
  },
} as const;

/**
 * GET /api/health asks every service's /api/<name>/health (1 s each, in parallel); each of them is
 * ready when its database answers `SELECT 1` within a second. All ready: 200 `ok`. Any not ready
 * (down, timed out, or its database unreachable): 503 `degraded` with the same body and Retry-After,
 * so that a load balancer takes this instance out of rotation until the services (and their
 * database) answer again, and a client is told to retry instead of seeing writes fail.
 */
export default async function healthRoutes(app: FastifyInstance, opts: HealthOptions) {
  app.get('/api/health', {
    schema: {
      tags: ['gateway'],
      summary: 'Health of the gateway and of each service behind it',
      security: [],
      response: {
        200: healthBody,
        503: healthBody,
      },
    },
    handler: async (request, reply) => {
      const results = await Promise.all(
        UPSTREAM_NAMES.map(async (name) => {
          const r = await probe(`${opts.upstreams[name]}/api/${name}/health`, opts.timeoutMs, request.id);
          return [
            name,
            { status: r.ok ? 'up' : 'down', latencyMs: r.latencyMs, ...(r.ok ? {} : { error: r.error ?? `HTTP ${r.status}` }) },
          ] as const;
        }),
      );
      const upstreams = Object.fromEntries(results);
      reply.header('cache-control', 'no-store');
      if (results.every(([, r]) => r.status === 'up')) return { status: 'ok', upstreams };
      return reply.status(503).header('retry-after', '5').send({ status: 'degraded', upstreams });
    },
  });
}
