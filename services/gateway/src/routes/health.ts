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

/**
 * GET /api/health asks every service's /api/<name>/health (1 s each, in parallel).
 * It answers 200 even when a service is down — `status: 'degraded'` says so — because the gateway
 * itself is healthy and still serves the SPA and the other services; a load balancer that took it
 * out of rotation for one missing service would turn a partial outage into a total one.
 */
export default async function healthRoutes(app: FastifyInstance, opts: HealthOptions) {
  app.get('/api/health', {
    schema: {
      tags: ['gateway'],
      summary: 'Health of the gateway and of each service behind it',
      security: [],
      response: {
        200: {
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
        },
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
      return { status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'degraded', upstreams };
    },
  });
}
