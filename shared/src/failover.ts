/**
 * Calls to a service that runs as several replicas (e.g. ORG_URLS for the org service's internal
 * routes): the request goes to the replica that answered last, and when it cannot be reached at all
 * (connection refused, reset before an answer, DNS failure) to the next one, until each was tried once.
 * An answer of any status counts as reached (it is returned, never retried), and so does a timeout
 * (the request may have been processed): only failures before a request could reach a replica fail over.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  return [
    ...(typeof code === 'string' ? [code] : []),
    ...codesOf(cause, depth + 1),
    ...(Array.isArray(errors) ? errors.flatMap((e) => codesOf(e, depth + 1)) : []),
  ];
}

/** True when a fetch error means the request never reached the server. */
export function isUnreachable(err: unknown): boolean {
  return codesOf(err).some((c) => UNREACHABLE.has(c));
}

/** Base URLs from `<NAME>_URLS` (comma-separated) or else `<NAME>_URL`, else `dflt`; origins only. */
export function serviceUrlsFromEnv(env: NodeJS.ProcessEnv, name: string, dflt: string): string[] {
  const NAME = name.toUpperCase();
  const raw = env[`${NAME}_URLS`] || env[`${NAME}_URL`] || dflt;
  const list = raw.split(',').map((u) => u.trim()).filter(Boolean);
  if (!list.length) throw new Error(`${NAME}_URLS must list at least one URL`);
  return list.map((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`${NAME}_URLS / ${NAME}_URL must be http(s) URLs, got ${u}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${NAME}_URLS / ${NAME}_URL must be http(s) URLs, got ${u}`);
    return url.origin;
  });
}

export type FailoverFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** A fetch of `path` on one of `bases` (see above); `init.signal` applies to each attempt. */
export function failoverFetch(bases: string | readonly string[], fetchImpl: typeof fetch = fetch): FailoverFetch {
  const list = typeof bases === 'string' ? [bases] : [...bases];
  if (!list.length) throw new Error('failoverFetch needs at least one base URL');
  let current = 0;
  return async (path, init) => {
    let lastErr: unknown;
    for (let n = 0; n < list.length; n++) {
      const i = (current + n) % list.length;
      try {
        const res = await fetchImpl(`${list[i]}${path}`, init);
        current = i;
        return res;
      } catch (err) {
        if (!isUnreachable(err)) throw err;
        lastErr = err;
      }
    }
    throw lastErr;
  };
}

/**
 * A GET of another service's internal route (the `x-internal-token` secret) on one of `bases`, as JSON; an
 * answer other than 2xx throws naming `what`.
 */
export function internalGetJson(bases: string | readonly string[], internalToken: string, timeoutMs: number): <T>(path: string, what: string) => Promise<T> {
  const call = failoverFetch(bases);
  return async <T>(path: string, what: string): Promise<T> => {
    const res = await call(path, { headers: { 'x-internal-token': internalToken }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`the service at ${path.split('/')[2] ?? path} answered ${res.status} for ${what}`);
    }
    return (await res.json()) as T;
  };
}
