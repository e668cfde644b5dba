import type { FastifyInstance } from 'fastify';
import { type MetricsListen, serveMetrics } from './metrics';
import { awaitActivation } from './supervisor';
import { stopTracing } from './tracing';
import { flushCompileCache } from './compile-cache';

/** The services' Fastify logger: the level from LOG_LEVEL; tokens and cookies never reach the log. */
export function serviceLogger(level: string): { level: string; redact: string[] } {
  return { level, redact: ['req.headers.authorization', 'req.headers.cookie'] };
}

export interface ServeOptions {
  port: number;
  host: string;
  /** Log `closing` with the signal (info) when one arrives. */
  logSignal?: boolean;
  /** Runs first on the signal, before the app closes (stop timers here). */
  beforeClose?: () => void;
  /** Serve `GET /metrics` on this internal address first (metricsListenFromEnv); the app needs metricsPlugin. */
  metrics?: MetricsListen;
}

/**
 * Listens; on the first SIGTERM or SIGINT closes the app (its onClose hooks: the database pool,
 * in-flight requests) and exits 0. Signals that arrive while it closes are ignored: stopping a
 * process group (`kill -TERM -- -pgid`) reaches a service twice, directly and through `npm start`,
 * and the second one must not cut the graceful close short (a one-shot handler would leave Node's
 * default action, exit 143, for it).
 */
export async function serveUntilSignal(app: FastifyInstance, opts: ServeOptions): Promise<void> {
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    if (opts.logSignal) app.log.info({ signal }, 'closing');
    opts.beforeClose?.();
    await app.close();
    await stopTracing();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
  // a warm standby (npm start with WARM_STANDBY=1) is fully started but listens only once the
  // supervisor tells it to take over from a crashed process (same port)
  await awaitActivation();
  if (opts.metrics) await serveMetrics(app, opts.metrics);
  await app.listen({ port: opts.port, host: opts.host });
  // everything a request needs has loaded by now: keep it for the next start (compile-cache.ts)
  flushCompileCache();
}

/** Runs a server's main; when it fails, writes `<what> failed to start: <stack>` to stderr and exits 1. */
export function runService(what: string, main: () => Promise<void>): void {
  main().catch((err) => {
    process.stderr.write(`${what} failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
