import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import type { DataSource } from 'typeorm';

/** Seconds a client is asked to wait (`Retry-After`) when the database cannot be reached. */
export const DB_RETRY_AFTER_SECONDS = 5;
/** How long the health route waits for `SELECT 1` before it says not-ready. */
export const HEALTH_QUERY_TIMEOUT_MS = 1000;

/** PostgreSQL error classes and codes that mean "the server is not there", not "the request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_SYSCALLS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i, // pg: the server went away (unexpectedly, or the connect timed out)
  /timeout exceeded when trying to connect/i, // pg-pool: connectionTimeoutMillis
  /Client has encountered a connection error and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * True when `err` says that the database server cannot be reached or is going away: a refused or
 * reset connection, a pool connect timeout, an administrator shutdown (57P01–57P03), too many
 * connections (53300) or any connection exception (class 08). TypeORM's QueryFailedError keeps the
 * driver's error in `driverError`; Node puts the per-address errors of a refused connect in
 * `errors` (AggregateError). Everything else (constraint violations, bad input, bugs) is not.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code) || UNAVAILABLE_SYSCALLS.has(e.code)) return true;
  }
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((re) => re.test(e.message as string))) return true;
  if (isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1));
}

/** The answer to a request that failed because the database is unreachable: 503 with Retry-After. */
export function sendDatabaseUnavailable(reply: FastifyReply): FastifyReply {
  return reply
    .status(503)
    .header('retry-after', String(DB_RETRY_AFTER_SECONDS))
    .header('cache-control', 'no-store')
    .send({ statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: `数据库暂时无法连接，请 ${DB_RETRY_AFTER_SECONDS} 秒后重试；本次操作未保存任何内容` });
}

/** `SELECT 1` on the pool, given up after `timeoutMs`; never throws. */
export async function databaseReady(ds: DataSource, timeoutMs = HEALTH_QUERY_TIMEOUT_MS): Promise<{ ready: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ ready: false; error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ready: false, error: 'timeout' }), timeoutMs);
  });
  const query = ds.query('SELECT 1').then(
    () => ({ ready: true }),
    (err: Error & { code?: string }) => ({ ready: false, error: err.code ?? err.message }),
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /api/<service>/health, the same in every service: 200 `{status: 'ready'}` when `SELECT 1`
 * answers within a second, else 503 NOT_READY, so that a load balancer takes the instance out while
 * its database is unreachable and puts it back as soon as the database answers again (the pool
 * opens a new connection on the next request; nothing to restart).
 */
export function registerHealthRoute(app: FastifyInstance, service: string): void {
  // `hide` (left out of the OpenAPI document) is @fastify/swagger's, which the services register.
  app.get(`/api/${service}/health`, { schema: { hide: true } as FastifySchema }, async (_request, reply) => {
    const db = await databaseReady(app.db);
    reply.header('cache-control', 'no-store');
    if (db.ready) return { status: 'ready', service };
    return reply
      .status(503)
      .header('retry-after', String(DB_RETRY_AFTER_SECONDS))
      .send({ statusCode: 503, code: 'NOT_READY', message: `${service} 服务暂不可用：数据库无法连接`, service, database: db.error });
  });
}
