import type { FastifyInstance } from 'fastify';
import { type Balancers, CORE_UPSTREAMS, UPSTREAM_NAMES } from '../config';
import { probe } from '../upstreams';

export interface HealthOptions {
  balancers: Balancers;
  timeoutMs: number;
}

const replicaStatus = {
  type: 'object',
  required: ['index', 'status', 'latencyMs', 'inRotation', 'pending'],
  properties: {
    index: { type: 'integer', description: 'Position in <NAME>_URLS (0-based)' },
    status: { type: 'string', enum: ['up', 'down'] },
    latencyMs: { type: 'integer' },
    error: { type: 'string' },
    inRotation: { type: 'boolean', description: 'Whether the gateway sends it requests (active checks each second, passive ejection)' },
    pending: { type: 'integer', description: 'Requests in flight through this gateway' },
  },
} as const;

const upstreamStatus = {
  type: 'object',
  required: ['status', 'latencyMs', 'replicas'],
  properties: {
    status: { type: 'string', enum: ['up', 'down'], description: 'up when at least one replica is ready' },
    latencyMs: { type: 'integer' },
    error: { type: 'string' },
    replicas: { type: 'array', items: replicaStatus },
  },
} as const;

const healthBody = {
  type: 'object',
  required: ['status', 'upstreams'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    upstreams: {
      type: 'object',
      required: [...CORE_UPSTREAMS],
      properties: Object.fromEntries(UPSTREAM_NAMES.map((n) => [n, upstreamStatus])),
    },
  },
} as const;

/**
 * GET /api/health asks every replica of every service its /api/<name>/health (1 s each, in
 * parallel); each of them is ready when its database answers `SELECT 1` within a second. A service
 * is up when one of its replicas is (the body lists each replica, and whether the balancer has it
 * in rotation). All services up: 200 `ok`. Any not ready
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
        UPSTREAM_NAMES.filter((name) => opts.balancers[name]).map(async (name) => {
          const balancer = opts.balancers[name]!;
          const replicas = await Promise.all(
            balancer.replicas.map(async (replica, index) => {
              const r = await probe(`${replica.url}/api/${name}/health`, opts.timeoutMs, request.id);
              return {
                index,
                status: r.ok ? ('up' as const) : ('down' as const),
                latencyMs: r.latencyMs,
                ...(r.ok ? {} : { error: r.error ?? `HTTP ${r.status}` }),
                inRotation: replica.state === 'up',
                pending: replica.pending,
              };
            }),
          );
          const best = replicas.find((r) => r.status === 'up') ?? replicas[0];
          return [
            name,
            { status: best.status, latencyMs: best.latencyMs, ...(best.error ? { error: best.error } : {}), replicas },
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
