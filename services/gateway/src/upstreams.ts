import type { UpstreamName } from './config';

/**
 * What the gateway knows about each service: where its routes live and which of them
 * need no login. Everything under a prefix that is not public is token-checked here
 * before it is proxied (and checked again by the service).
 */
export interface UpstreamRoute {
  /** Gateway path prefix; the service serves the same path (no rewriting). */
  prefix: string;
  service: UpstreamName;
  /**
   * Paths under `prefix` that need no token here; `true` = all of it. One ending in `/` is a prefix,
   * any other an exact path (the service checks what stands in for the token, e.g. a stream ticket).
   */
  publicPaths: string[] | true;
}

export const ROUTES: readonly UpstreamRoute[] = [
  // login, refresh and logout are public; /api/auth/me is checked by org itself
  { prefix: '/api/auth', service: 'org', publicPaths: true },
  { prefix: '/api/org', service: 'org', publicPaths: ['/api/org/public/'] },
  { prefix: '/api/household', service: 'household', publicPaths: ['/api/household/public/'] },
  { prefix: '/api/volunteer', service: 'volunteer', publicPaths: ['/api/volunteer/public/'] },
  // the live stream: an EventSource cannot send the token, so the service checks its single-use ?ticket=
  { prefix: '/api/notify', service: 'notify', publicPaths: ['/api/notify/stream', '/api/notify/public/'] },
];

/**
 * True when the raw request path needs no token. The test is on the raw, undecoded path:
 * anything unusual (`%70ublic`, `//public`, `PUBLIC`) is simply not public and needs a token,
 * and http-proxy refuses `..` segments, so a public prefix cannot be used to reach other routes.
 */
export function isPublicPath(route: UpstreamRoute, url: string): boolean {
  if (route.publicPaths === true) return true;
  const path = url.split('?', 1)[0];
  return route.publicPaths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
}

const INTERNAL_WORD = /internal/i;
const METRICS_WORD = /metrics/i;

/**
 * True for service-to-service routes (`/api/<service>/internal/…`, guarded by a shared secret in
 * the service), which the gateway never routes. Unlike the public test this one must not be fooled
 * by encodings the service's router would undo, so it looks at the decoded path with duplicate
 * slashes collapsed and case ignored; an undecodable path counts as internal (refused).
 */
export function isInternalPath(route: UpstreamRoute, url: string): boolean {
  // Nothing to decode and no "internal" in any case anywhere: not internal (the common case, no allocation).
  if (!url.includes('%') && !INTERNAL_WORD.test(url)) return false;
  let path: string;
  try {
    path = decodeURIComponent(url.split('?', 1)[0]);
  } catch {
    return true;
  }
  path = path.replace(/\/+/g, '/').toLowerCase();
  const internal = `${route.prefix.toLowerCase()}/internal`;
  return path === internal || path.startsWith(`${internal}/`);
}

/**
 * True for a metrics path (`/metrics`, `/api/<anything>/metrics`, with anything after it): metrics
 * are served on each process's internal port only, and the gateway never answers nor proxies such a
 * path from outside. Decoded, duplicate slashes collapsed, case ignored; undecodable counts as one.
 */
export function isMetricsPath(url: string): boolean {
  if (!url.includes('%') && !METRICS_WORD.test(url)) return false;
  let path: string;
  try {
    path = decodeURIComponent(url.split('?', 1)[0]);
  } catch {
    return true;
  }
  path = path.replace(/\/+/g, '/').toLowerCase();
  return /^\/(api\/[^/]+\/)?metrics(\/|\.|$)/.test(path) || /^\/api\/metrics(\/|\.|$)/.test(path);
}

export interface ProbeResult<T> {
  ok: boolean;
  status?: number;
  latencyMs: number;
  body?: T;
  error?: string;
}

/** One GET to a service with a hard deadline; never throws. */
export async function probe<T = unknown>(url: string, timeoutMs: number, requestId?: string): Promise<ProbeResult<T>> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
    });
    const body = res.ok ? ((await res.json()) as T) : undefined;
    if (!res.ok) await res.body?.cancel();
    return { ok: res.ok, status: res.status, latencyMs: Math.round(performance.now() - started), body };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return {
      ok: false,
      latencyMs: Math.round(performance.now() - started),
      error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message),
    };
  }
}
