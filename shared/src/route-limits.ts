import { AppError } from './errors';

const MB = 1024 * 1024;

/** The body limit of every route not in ROUTE_LIMITS (JSON requests are a few kilobytes). */
export const DEFAULT_BODY_LIMIT = 1 * MB;
/** A spreadsheet import (CSV or .xlsx). */
export const IMPORT_BODY_LIMIT = 10 * MB;
/** The property register sent as JSON. */
export const PROPERTIES_BODY_LIMIT = 5 * MB;
/** An evidence photo may be 5 MB; the multipart envelope (boundaries, the note field) gets a little on top. */
export const PHOTO_BODY_LIMIT = 5 * MB + 64 * 1024;

export interface RouteLimit {
  method: string;
  /** The path as the gateway and the service see it (no query string). */
  path: RegExp;
  /** Largest body accepted, in bytes. */
  bodyLimit?: number;
  /** Imports and exports: may take long, so the gateway waits for them longer than for a stalled service. */
  long?: boolean;
  /**
   * A Server-Sent Events stream: open for as long as the client keeps it. The gateway waits for its
   * headers as for any request, then lets it run without its request timeout (only a stream silent
   * for STREAM_IDLE_TIMEOUT_MS is cut: the service sends a heartbeat far more often), unbuffered,
   * on connections of its own so open streams never take the pool the other requests use.
   */
  stream?: boolean;
}

/**
 * The one table of routes whose bodies or durations differ from the default, read by the services
 * (Fastify `bodyLimit` per route) and by the gateway (413 before proxying, longer upstream timeout).
 */
export const ROUTE_LIMITS: readonly RouteLimit[] = [
  { method: 'POST', path: /^\/api\/household\/import\/(register|properties)$/, bodyLimit: IMPORT_BODY_LIMIT, long: true },
  { method: 'POST', path: /^\/api\/household\/separation\/properties$/, bodyLimit: PROPERTIES_BODY_LIMIT, long: true },
  { method: 'GET', path: /^\/api\/household\/export\/[^/]+\.xlsx$/, long: true },
  // An import job's upload: the file in a multipart envelope; its checks run as a job, but the upload itself may be slow.
  { method: 'POST', path: /^\/api\/household\/imports$/, bodyLimit: IMPORT_BODY_LIMIT + 64 * 1024, long: true },
  { method: 'GET', path: /^\/api\/household\/(exports\/[^/]+\/file|imports\/[^/]+\/report)$/, long: true },
  { method: 'POST', path: /^\/api\/volunteer\/items\/[^/]+\/evidence$/, bodyLimit: PHOTO_BODY_LIMIT },
  // the bell's live notifications (text/event-stream)
  { method: 'GET', path: /^\/api\/notify\/stream$/, stream: true },
];

/** How long an open event stream may stay silent before the gateway cuts it (its service heartbeats every 15 s). */
export const STREAM_IDLE_TIMEOUT_MS = 60_000;

function ruleFor(method: string, url: string): RouteLimit | undefined {
  const path = url.split('?', 1)[0];
  const m = method.toUpperCase();
  return ROUTE_LIMITS.find((r) => r.method === m && r.path.test(path));
}

/** The body limit of a route (the path may carry a query string). */
export function bodyLimitFor(method: string, url: string): number {
  return ruleFor(method, url)?.bodyLimit ?? DEFAULT_BODY_LIMIT;
}

/** True for imports and exports, which legitimately take longer than the proxy's stall timeout. */
export function isLongRunning(method: string, url: string): boolean {
  return ruleFor(method, url)?.long === true;
}

/** True for an event stream (ROUTE_LIMITS `stream`): no request timeout, no buffering, its own connections. */
export function isStreaming(method: string, url: string): boolean {
  return ruleFor(method, url)?.stream === true;
}

const megabytes = (n: number) => `${Math.round((n / MB) * 10) / 10} MB`;

/** 413 with the limit, as a JSON error. */
export const payloadTooLarge = (limit: number) =>
  new AppError(413, 'PAYLOAD_TOO_LARGE', `请求体过大：此接口最多接受 ${megabytes(limit)}`, { limit });
