import proxy from '@fastify/http-proxy';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingHttpHeaders as Http2IncomingHttpHeaders } from 'node:http2';
import { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { AppError, notFound } from '@redheart/shared/dist/errors';
import { REQUEST_ID_HEADER } from '@redheart/shared/dist/request-id';
import { STREAM_IDLE_TIMEOUT_MS, bodyLimitFor, isLongRunning, isStreaming, payloadTooLarge } from '@redheart/shared/dist/route-limits';
import type { Balancers, UpstreamName } from '../config';
import { ROUTES, isInternalPath, isPublicPath, type UpstreamRoute } from '../upstreams';
import { balancedRequest, NO_UPSTREAM } from '../balancer';

export interface ProxyOptions {
  /** The replicas of each service and which of them are in rotation (app.ts). */
  balancers: Balancers;
  upstreamTimeoutMs: number;
  /** The deadline of imports and exports (ROUTE_LIMITS `long`), which legitimately take longer. */
  longUpstreamTimeoutMs?: number;
}

/** An oversize body up to this size is read and dropped after the 413 (so the client sees it); a larger one closes the connection. */
const DRAIN_AT = 64 * 1024 * 1024;

/** 2 minutes: a 10 MB import or a 50,000-row export finishes well within it even on a busy machine. */
export const LONG_UPSTREAM_TIMEOUT_MS = 120_000;

type Headers = IncomingHttpHeaders | Http2IncomingHttpHeaders;

// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and must not be copied across.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Error codes that mean "no connection could be made": the service is down or unreachable. */
const UNREACHABLE = new Set([NO_UPSTREAM, 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'FST_REPLY_FROM_SERVICE_UNAVAILABLE']);
const DEADLINE = 'GATEWAY_UPSTREAM_DEADLINE';
/** No answer in time (including a connection that could not be made in time). */
const TIMED_OUT = new Set([DEADLINE, 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'FST_REPLY_FROM_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT']);

/** reply-from wraps the client error (`cause`); Node may wrap per-address errors in an AggregateError. */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== 'object' || depth > 4) return;
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    visit(cause, depth + 1);
    if (Array.isArray(errors)) for (const x of errors) visit(x, depth + 1);
  };
  visit(err, 0);
  return codes;
}

/** The services' names in the users' language (zh-CN first). */
const SERVICE_LABEL: Record<UpstreamName, string> = { org: '组织', household: '住户', volunteer: '志愿服务', notify: '通知' };

export function upstreamError(service: UpstreamName, err: unknown): AppError {
  const codes = errorCodes(err);
  if (codes.some((c) => UNREACHABLE.has(c))) {
    return new AppError(503, 'UPSTREAM_UNAVAILABLE', `${SERVICE_LABEL[service]}服务暂不可用，请稍后重试`, undefined, { 'retry-after': '1' });
  }
  if (codes.some((c) => TIMED_OUT.has(c))) {
    return new AppError(504, 'UPSTREAM_TIMEOUT', `The ${service} service did not answer in time`);
  }
  return new AppError(502, 'UPSTREAM_ERROR', `The ${service} service sent no valid answer`);
}

/**
 * The keep-alive pool the gateway keeps to each replica (undici Agent: one Pool per origin).
 * - `connections`: at most 64 sockets per replica — more than the gateway's own concurrency on this
 *   machine ever needs, few enough that a burst cannot open hundreds of sockets to one service.
 * - `keepAliveTimeout` 30 s (undici's default is 4 s, after which a quiet connection is closed and the
 *   next request pays a new TCP handshake); below the services' own 72 s (Fastify's default), so the
 *   gateway always closes an idle socket first and never sends on one the service is closing.
 *   `keepAliveMaxTimeout` bounds what a service's Keep-Alive header may ask for.
 * - `pipelining` 1: one request at a time per socket (a slow answer never holds up another).
 */
export const UPSTREAM_POOL = (timeoutMs: number) => ({
  connect: { timeout: timeoutMs },
  headersTimeout: timeoutMs, // a backstop only: the deadline below fires first
  bodyTimeout: timeoutMs,
  connections: 64,
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 60_000,
  keepAliveTimeoutThreshold: 1_000,
});

const abortAfter = (deadline: AbortController, limit: number) =>
  deadline.abort(Object.assign(new Error(`No response headers within ${limit} ms`), { code: DEADLINE }));

/**
 * The HTTP client of the proxies: one undici Agent (a keep-alive pool per service) whose requests
 * carry a deadline for the response headers on a real timer. Undici's own headersTimeout runs on a
 * coarse clock (ticks of ~0.5 s), which would turn a 300 ms limit into up to a second and 5 s into
 * up to 6 s. The deadline is cleared as soon as the headers arrive: a long but flowing body is fine,
 * a stalled one is cut by bodyTimeout.
 *
 * The short deadline is for stalled services. Imports and exports (`isLongRunning`) get
 * `longTimeoutMs` for the headers and between body chunks: a 50,000-row export under load is slow,
 * not stalled.
 */
export function createUpstreamClient(timeoutMs: number, longTimeoutMs = Math.max(timeoutMs, LONG_UPSTREAM_TIMEOUT_MS), streamIdleMs = STREAM_IDLE_TIMEOUT_MS) {
  const agent = new Agent(UPSTREAM_POOL(timeoutMs));
  // Event streams (ROUTE_LIMITS `stream`) hold their connection as long as the browser keeps them:
  // on an agent of their own with no cap, so a thousand open bells never take the sockets the
  // other requests need, and no keep-alive reuse (a stream's socket ends with it).
  const streams = new Agent({ ...UPSTREAM_POOL(timeoutMs), connections: null, keepAliveTimeout: 1_000, bodyTimeout: streamIdleMs });
  const request = (options: Dispatcher.RequestOptions, callback: (err: Error | null, data?: Dispatcher.ResponseData) => void) => {
    const method = String(options.method);
    const stream = isStreaming(method, options.path);
    const limit = !stream && isLongRunning(method, options.path) ? longTimeoutMs : timeoutMs;
    const deadline = new AbortController();
    const timer = setTimeout(abortAfter, limit, deadline, limit);
    // reply-from builds `options` for this one request: set the deadline on it rather than copy it
    options.headersTimeout = limit;
    // a stream: no deadline for the whole body, only for silence between its chunks (heartbeats)
    options.bodyTimeout = stream ? streamIdleMs : limit;
    options.signal = deadline.signal;
    (stream ? streams : agent).request(options, (err, data) => {
      clearTimeout(timer);
      callback(err, data);
    });
  };
  return {
    request,
    dispatcher: { request: request as unknown as Dispatcher['request'] },
    /** Cuts the open event streams (they would hold a graceful close forever; the browsers reconnect elsewhere). */
    closeStreams: () => streams.destroy(),
    close: async () => {
      await Promise.all([agent.close(), streams.destroy()]);
    },
  };
}

/**
 * Reads a body sent without Content-Length (chunked) into memory while counting it, and refuses it
 * with a 413 once it passes the route's limit, so no oversize body reaches a service (a service that
 * refuses a body it is still being sent breaks the proxied stream: a 502). Returns undefined when it
 * is too large; the socket is then closed after the answer.
 */
function readCounted(body: Readable, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        body.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

/**
 * One @fastify/http-proxy registration per route prefix. Paths are passed on unchanged
 * (`/api/org/units` → ORG_URL/api/org/units): each service serves its own prefix.
 *
 * Before proxying, the access token is checked here (except on public paths), so an
 * anonymous or forged request never reaches a service; the services check again.
 * Authorization and Cookie go through; Set-Cookie comes back.
 */
export default async function proxyPlugin(app: FastifyInstance, opts: ProxyOptions) {
  const client = createUpstreamClient(opts.upstreamTimeoutMs, opts.longUpstreamTimeoutMs);
  app.addHook('preClose', async () => client.closeStreams());
  app.addHook('onClose', async () => client.close());
  for (const route of ROUTES) {
    const balancer = opts.balancers[route.service];
    // a service that is not configured (notify without NOTIFY_URL in a test) has no routes: 404
    if (!balancer) continue;
    const request = balancedRequest(balancer, client.request, (r) => app.log.warn({ service: route.service, ...r }, 'upstream replica unreachable; request sent to another'));
    const dispatcher = { request: request as unknown as Dispatcher['request'] };
    await app.register(async (scope) => registerRoute(scope, route, balancer.replicas[0].url, dispatcher));
  }
}

/** `upstream` only names the service to reply-from: the dispatcher picks the replica of each request. */
async function registerRoute(scope: FastifyInstance, route: UpstreamRoute, upstream: string, dispatcher: Pick<Dispatcher, 'request'>) {
  const { service } = route;

  // onRequest, not preHandler: an unauthenticated request is refused before its body is read.
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // service-to-service routes do not exist from the outside, token or not
    if (isInternalPath(route, request.url)) throw notFound(`Route ${request.method} ${request.url.split('?', 1)[0]}`, 'ROUTE_NOT_FOUND');
    if (!isPublicPath(route, request.url)) await scope.authenticate(request, reply);
    // Bodies are bounded here, by the same table the services use, before anything is proxied.
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      const limit = bodyLimitFor(request.method, request.url);
      if (Number(declared) > limit) {
        // Node reads and drops the unread body after the answer, so a client still sending it gets
        // the 413 rather than a broken pipe; past DRAIN_AT the connection is closed instead.
        if (!(Number(declared) <= DRAIN_AT)) reply.header('connection', 'close');
        throw payloadTooLarge(limit);
      }
    }
  });

  // A body without Content-Length is counted as it arrives (the proxy's parser hands the raw stream over).
  scope.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.headers['content-length'] !== undefined || !(request.body instanceof Readable)) return;
    const limit = bodyLimitFor(request.method, request.url);
    const buf = await readCounted(request.body, limit);
    if (!buf) {
      reply.header('connection', 'close');
      throw payloadTooLarge(limit);
    }
    request.body = Readable.from([buf]);
    delete request.headers['transfer-encoding'];
    request.headers['content-length'] = String(buf.length);
  });

  await scope.register(proxy, {
    upstream,
    prefix: route.prefix,
    rewritePrefix: route.prefix,
    undici: dispatcher,
    replyOptions: {
      // reply-from retries a GET that got a 503 up to 10 times by default; a gateway should not
      // multiply load on a struggling service, nor hide its answer.
      retryDelay: () => null,
      // reply-from hands both hooks a copy made for this one request (the request's headers, undici's
      // parsed response headers): they are edited in place, not copied again.
      rewriteRequestHeaders: (request, headers) => {
        const out: Headers = headers;
        out[REQUEST_ID_HEADER] = request.id;
        // the shared secret of service-to-service calls never comes from a browser
        for (const name in out) if (name.startsWith('x-internal-')) delete out[name];
        // The services trust X-Forwarded-* (they are only reachable through the gateway), so the
        // gateway replaces whatever the client sent with what it saw itself.
        delete out.forwarded;
        out['x-forwarded-for'] = request.ip;
        out['x-forwarded-proto'] = request.protocol;
        out['x-forwarded-host'] = request.host;
        return out;
      },
      rewriteHeaders: (headers, request) => {
        const out: Headers = headers;
        for (const h of HOP_BY_HOP) if (out[h] !== undefined) delete out[h];
        if (request) out[REQUEST_ID_HEADER] = request.id;
        return out;
      },
      onError: (reply, { error }) => {
        const err = upstreamError(service, error);
        reply.log.warn({ service, code: err.code, err: error }, 'upstream call failed');
        reply.send(err);
      },
    },
  });
}
