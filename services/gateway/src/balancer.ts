import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Dispatcher } from 'undici';
import type { UpstreamName } from './config';

/**
 * One health check: GET on a connection of its own (closed after the answer, so no idle socket to a
 * replica is kept between checks). The status when it answered; else the error code or 'timeout'.
 */
export function healthCheck(url: string, timeoutMs: number): Promise<{ status?: number; error?: string; latencyMs: number }> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'GET', agent: false, headers: { accept: 'application/json', connection: 'close' } }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode, latencyMs: ms() }));
      res.once('error', () => resolve({ status: res.statusCode, latencyMs: ms() }));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' }));
    });
    req.once('error', (err: Error & { code?: string }) => resolve({ error: err.code ?? err.message, latencyMs: ms() }));
    req.end();
  });
}

/**
 * The replicas of one service behind the gateway and which of them take requests.
 *
 * - Choice: the replica with the fewest requests in flight among those in rotation (ties go round
 *   the list), so a slow or busy replica gets less.
 * - Active health checks: `GET /api/<service>/health` on every replica each `intervalMs` (1 s).
 *   A replica that cannot be reached (refused, reset, timed out) leaves the rotation; one that
 *   answers — any status: a 503 for its database is the service's own answer to pass on — comes back.
 * - Passive ejection: a request that could not reach a replica takes it out at once, until the next
 *   successful check.
 * - Nothing in rotation ("panic"): every replica is tried again as if it were in — a check may
 *   have timed out on a busy machine, and a replica that is really gone refuses the connection at
 *   once — so the answer is the service's own or, when none can be reached, 503 UPSTREAM_UNAVAILABLE
 *   without waiting for any deadline.
 */
export type ReplicaState = 'up' | 'down';

export interface Replica {
  url: string;
  state: ReplicaState;
  /** Requests in flight through the gateway (headers sent … body read). */
  pending: number;
  /** Why it is out of rotation (an error code, 'timeout'). */
  error?: string;
  /** Latency of the last health check, ms. */
  latencyMs?: number;
  /** Last health answer's status. */
  status?: number;
  /** Health checks in a row that timed out (a busy replica is given two before it leaves the rotation). */
  timeouts: number;
}

export interface BalancerOptions {
  /** Health check period, ms (1000; 0 = no active checks). */
  intervalMs?: number;
  /** Deadline of one health check, ms (1000). */
  timeoutMs?: number;
}

export class Balancer {
  readonly replicas: Replica[];
  private next = 0;
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    readonly service: UpstreamName,
    urls: readonly string[],
    private readonly opts: BalancerOptions = {},
  ) {
    if (!urls.length) throw new Error(`no upstream address for ${service}`);
    // in rotation until a check or a request says otherwise
    this.replicas = urls.map((url) => ({ url, state: 'up', pending: 0, timeouts: 0 }));
  }

  /** Starts the active checks (the first one at once). */
  start(): void {
    const every = this.opts.intervalMs ?? 1000;
    if (this.timer || every <= 0) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round of health checks on every replica (in parallel). */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      await Promise.all(
        this.replicas.map(async (r) => {
          const p = await healthCheck(`${r.url}/api/${this.service}/health`, this.opts.timeoutMs ?? 1000);
          r.latencyMs = p.latencyMs;
          r.status = p.status;
          if (p.status !== undefined) {
            r.timeouts = 0;
            this.markUp(r);
          } else if (p.error === 'timeout' && ++r.timeouts < 2) {
            // a replica busy for one check stays in; a second one in a row takes it out
          } else {
            this.markDown(r, p.error ?? 'unreachable');
          }
        }),
      );
    } finally {
      this.checking = false;
    }
  }

  markUp(r: Replica): void {
    r.state = 'up';
    delete r.error;
  }

  markDown(r: Replica, error: string): void {
    r.state = 'down';
    r.error = error;
  }

  /**
   * The replica in rotation with the fewest requests in flight, leaving out `tried`; when none is in
   * rotation, the same among all of them (panic); undefined when every replica was tried.
   */
  pick(tried?: ReadonlySet<Replica>): Replica | undefined {
    const n = this.replicas.length;
    const panic = !this.replicas.some((r) => r.state === 'up');
    let best: Replica | undefined;
    for (let k = 0; k < n; k++) {
      const r = this.replicas[(this.next + k) % n];
      if ((r.state !== 'up' && !panic) || tried?.has(r)) continue;
      if (!best || r.pending < best.pending) best = r;
    }
    this.next = (this.next + 1) % n;
    return best;
  }

  /** A replica to read from outside the proxy (the merged OpenAPI document): one in rotation, else the first. */
  any(): Replica {
    return this.pick() ?? this.replicas[0];
  }
}

/** Methods a request may be sent again for: safe or idempotent (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Methods that change nothing: also sent again after a connection broke before an answer. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Failed before the request reached a replica: nothing was processed. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);
/** The connection broke before an answer: the replica may have processed the request. */
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** The error code of "no replica in rotation" (the proxy maps it to 503 UPSTREAM_UNAVAILABLE). */
export const NO_UPSTREAM = 'GATEWAY_NO_UPSTREAM';

function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, d = 0; e && d < 4; e = e.cause as typeof e, d++) {
    if (typeof e.code === 'string' && (NOT_CONNECTED.has(e.code) || BROKEN.has(e.code))) return e.code;
  }
  return undefined;
}

function header(headers: Dispatcher.RequestOptions['headers'], name: string): string | undefined {
  if (!headers || Array.isArray(headers) || typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') return undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** True when the request may be sent to another replica after `code`. */
export function retryable(method: string, headers: Dispatcher.RequestOptions['headers'], code: string): boolean {
  const m = method.toUpperCase();
  if (NOT_CONNECTED.has(code)) return IDEMPOTENT.has(m) || (m === 'POST' && !!header(headers, 'idempotency-key'));
  if (BROKEN.has(code)) return SAFE.has(m);
  return false;
}

async function buffer(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

type RequestFn = (options: Dispatcher.RequestOptions, callback: (err: Error | null, data?: Dispatcher.ResponseData) => void) => void;

/**
 * A dispatcher (what @fastify/reply-from calls) that sends each request to a replica the balancer
 * picks, whatever origin it was given. A request that could not reach its replica ejects it and is
 * sent to another one in rotation when that is safe (see `retryable`): GET/HEAD/OPTIONS/PUT/DELETE
 * and a POST with an Idempotency-Key after a refused connection, GET/HEAD/OPTIONS also after a
 * connection that broke before the answer. A body that may be sent twice is read into memory first
 * (bodies are bounded by the route limits before they get here).
 */
export function balancedRequest(balancer: Balancer, send: RequestFn, onRetry?: (info: { from: string; to: string; code: string }) => void): RequestFn {
  return (options, callback) => {
    const tried = new Set<Replica>();
    const method = String(options.method);
    const canRetry = balancer.replicas.length > 1 && (IDEMPOTENT.has(method.toUpperCase()) || (method.toUpperCase() === 'POST' && !!header(options.headers, 'idempotency-key')));
    const attempt = (body: Dispatcher.RequestOptions['body'], previous?: { replica: Replica; code: string }) => {
      const replica = balancer.pick(tried);
      if (!replica) {
        callback(Object.assign(new Error(`No ${balancer.service} replica is available`), { code: NO_UPSTREAM }));
        return;
      }
      if (previous) onRetry?.({ from: previous.replica.url, to: replica.url, code: previous.code });
      tried.add(replica);
      replica.pending++;
      let done = false;
      const release = () => {
        if (!done) {
          done = true;
          replica.pending--;
        }
      };
      send({ ...options, origin: replica.url, body }, (err, data) => {
        if (err) {
          release();
          const code = codeOf(err);
          if (code) {
            balancer.markDown(replica, code);
            if (canRetry && retryable(method, options.headers, code) && balancer.pick(tried)) return attempt(body, { replica, code });
          }
          callback(err);
          return;
        }
        const stream = data?.body;
        // an event stream stays open for as long as the browser keeps it: it is no request in flight,
        // and counting it would steer every other request away from the replica that serves the bells
        if (stream && String(data?.headers['content-type'] ?? '').startsWith('text/event-stream')) release();
        if (stream) {
          stream.once('close', release);
          stream.once('end', release);
          stream.once('error', release);
        } else release();
        callback(null, data);
      });
    };
    const body = options.body;
    if (canRetry && body && typeof body === 'object' && Symbol.asyncIterator in (body as object)) {
      buffer(body as AsyncIterable<unknown>).then((buf) => attempt(buf), (err: Error) => callback(err));
    } else {
      attempt(body);
    }
  };
}
