import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { trace } from '@opentelemetry/api';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { outboxStats } from './events/relay';
import type { DataSource } from 'typeorm';

/**
 * Prometheus metrics of one process (a service or the gateway), on a registry of its own (tests
 * build several apps in one process). Served on an INTERNAL port (`serveMetrics`), never on the
 * public one: the gateway also refuses `/metrics` paths from outside (404).
 *
 * - `http_request_duration_seconds{service,method,route,status_code}`: a histogram per Fastify
 *   route pattern (`/api/org/units/:id`, never the raw URL, so ids do not explode the series);
 *   requests that matched no route count as `route="unmatched"`.
 * - process and Node.js defaults (`process_*`, `nodejs_*`), among them the event-loop lag
 *   (`nodejs_eventloop_lag_seconds`, `…_p99_seconds`) and `eventloop_lag_max_seconds` per scrape.
 * - `db_pool_connections{service,pool,state}` for the pg pools under `app.db` / `app.dbRead`:
 *   state `total`, `idle`, `in_use` (total − idle), `waiting` (callers queued for a connection), `max`.
 * - `job_queue_depth{service,queue}`: jobs not yet started per pg-boss queue, where the service runs jobs.
 * - `outbox_events{service,state}` (`pending`, `dead_letter`) and `outbox_oldest_pending_seconds{service}`:
 *   the events' outbox (outboxStats), where the service runs the events plugin.
 */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface ServiceMetrics {
  registry: Registry;
  requestDuration: Histogram<'service' | 'method' | 'route' | 'status_code'>;
  /** Metrics servers started by serveMetrics; closed with the app. */
  servers: Set<Server>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's Prometheus registry and its request histogram (metrics.ts). */
    metrics: ServiceMetrics;
  }
}

/** The pg Pool under a TypeORM DataSource (undefined before initialize / after destroy). */
interface PgPoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}
function pgPoolOf(ds: DataSource | undefined): PgPoolStats | undefined {
  if (!ds?.isInitialized) return undefined;
  return (ds.driver as unknown as { master?: PgPoolStats }).master;
}

export interface MetricsPluginOptions {
  /** The `service` label of every series: org, household, volunteer, gateway. */
  service: string;
}

/**
 * `app.metrics` and the hooks that feed it. Register it first (before the routes) so every route
 * is timed; the database and job gauges read `app.db`, `app.dbRead` and `app.jobs` at scrape time,
 * so they appear whether those plugins come before or after.
 */
export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app, opts) => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: opts.service });
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

    const requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from the request arriving to the answer sent, per route pattern, method and status',
      labelNames: ['service', 'method', 'route', 'status_code'] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });

    const pools = (): [string, DataSource | undefined][] => {
      const primary = app.hasDecorator('db') ? (app.db as DataSource | undefined) : undefined;
      const read = app.hasDecorator('dbRead') ? (app.dbRead as DataSource | undefined) : undefined;
      return read && read !== primary ? [['primary', primary], ['read', read]] : [['primary', primary]];
    };
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the PostgreSQL pool: total, idle, in_use, waiting (callers queued for one), max',
      labelNames: ['service', 'pool', 'state'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [pool, ds] of pools()) {
          const p = pgPoolOf(ds);
          if (!p) continue;
          this.set({ pool, state: 'total' }, p.totalCount);
          this.set({ pool, state: 'idle' }, p.idleCount);
          this.set({ pool, state: 'in_use' }, p.totalCount - p.idleCount);
          this.set({ pool, state: 'waiting' }, p.waitingCount);
          if (p.options?.max !== undefined) this.set({ pool, state: 'max' }, p.options.max);
        }
      },
    });

    new Gauge({
      name: 'job_queue_depth',
      help: 'Jobs waiting to start (created or retry) per pg-boss queue',
      labelNames: ['service', 'queue'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        if (!app.hasDecorator('jobs') || !app.jobs) return;
        try {
          const queues = await app.jobs.getQueues();
          for (const q of queues) this.set({ queue: q.name }, await app.jobs.getQueueSize(q.name, { before: 'active' }));
        } catch {
          // the engine is stopping or the database is down: no depth this scrape (the pool gauges say why)
        }
      },
    });

    // The events' outbox (shared/src/events): depth, the oldest pending event's age, dead letters.
    const outbox = async () => {
      if (!app.hasDecorator('events') || !app.hasDecorator('db') || !app.db?.isInitialized) return undefined;
      try {
        return await outboxStats(app.db);
      } catch {
        return undefined; // the database is down: no figures this scrape (the pool gauges say why)
      }
    };
    new Gauge({
      name: 'outbox_events',
      help: 'Events in the outbox not yet published (pending) and parked dead letters (dead_letter)',
      labelNames: ['service', 'state'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const s = await outbox();
        if (!s) return;
        this.set({ state: 'pending' }, s.pending);
        this.set({ state: 'dead_letter' }, s.deadLetters);
      },
    });
    new Gauge({
      name: 'outbox_oldest_pending_seconds',
      help: 'Age of the oldest event not yet published (0 when none waits)',
      labelNames: ['service'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const s = await outbox();
        if (s) this.set(s.oldestPendingSeconds);
      },
    });

    // The worst event-loop delay since the last scrape (the defaults give mean and percentiles).
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    new Gauge({
      name: 'eventloop_lag_max_seconds',
      help: 'Largest event-loop delay since the previous scrape',
      labelNames: ['service'] as const,
      registers: [registry],
      collect() {
        this.set(lag.max / 1e9);
        lag.reset();
      },
    });
    const servers = new Set<Server>();
    app.addHook('onClose', async () => {
      lag.disable();
      await Promise.all([...servers].map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
    });

    // With tracing on (tracing.ts), the HTTP server span is named after the route pattern and
    // carries the request id, so a trace and the log lines of one request find each other.
    // Callback hooks, not async ones: they run on every request, and a promise each is measurable.
    app.addHook('onRequest', (request, _reply, done) => {
      const span = trace.getActiveSpan();
      if (span) {
        const route = request.routeOptions?.url;
        if (route) {
          span.updateName(`${request.method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.request_id', request.id);
      }
      done();
    });

    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions?.url ?? 'unmatched';
      requestDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });

    app.decorate('metrics', { registry, requestDuration, servers });
  },
  { name: 'redheart-metrics' },
);

export interface MetricsListen {
  port: number;
  host: string;
}

/**
 * Where this process serves its metrics: `<SERVICE>_METRICS_PORT`, else `METRICS_PORT`; host
 * `METRICS_HOST` (default 127.0.0.1). Unset → undefined: no metrics server.
 */
export function metricsListenFromEnv(env: NodeJS.ProcessEnv, service: string): MetricsListen | undefined {
  const name = `${service.toUpperCase()}_METRICS_PORT`;
  const raw = env[name] || env.METRICS_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${env[name] ? name : 'METRICS_PORT'} must be a port number, got ${raw}`);
  return { port, host: env.METRICS_HOST || '127.0.0.1' };
}

/**
 * A plain HTTP server on the internal port answering `GET /metrics` (Prometheus text format) and
 * nothing else (404); closed with the app (also when the app is already ready). Returns the server
 * (its address tells the port when 0).
 */
export async function serveMetrics(app: FastifyInstance, listen: MetricsListen): Promise<Server> {
  const { registry } = app.metrics;
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(text),
      (err: unknown) => {
        app.log.warn({ err }, 'collecting the metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting the metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  app.metrics.servers.add(server);
  const addr = server.address() as AddressInfo;
  app.log.info({ metrics: `http://${addr.address}:${addr.port}/metrics` }, 'metrics served');
  return server;
}
