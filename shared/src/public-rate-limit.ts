import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors';

export interface PublicRateLimitOptions {
  /** Requests allowed per window and client address. */
  max: number;
  /** The window in milliseconds (a fixed window per address, started by its first request). */
  windowMs: number;
  /** Keeps the table bounded: beyond this many addresses, expired windows are swept first and then the oldest. */
  maxClients?: number;
  /** The clock (tests). */
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
}

/**
 * Pages without login (a resident looking up a case, reporting a need, rating a service) are rate-limited per
 * client address so that a case number cannot be paired with all 10,000 phone endings, nor a desk flooded. The
 * address is `request.ip`: the services trust the gateway's X-Forwarded-For (it overwrites whatever the client
 * sent, see the gateway's proxy), so every resident is counted by their own address.
 *
 * A fixed window per address kept in memory: one table per route group (pass the same limiter to the routes that
 * share a budget). With several instances of a service each keeps its own count, so the effective limit is
 * max × instances; that is an accepted bound for these pages (the second factor still has to be right).
 * Over the limit: 429 RATE_LIMITED with Retry-After (seconds), in zh-CN.
 */
export function publicRateLimit(opts: PublicRateLimitOptions) {
  const now = opts.now ?? Date.now;
  const maxClients = opts.maxClients ?? 100_000;
  const windows = new Map<string, Window>();

  const sweep = (t: number) => {
    for (const [k, w] of windows) if (t - w.start >= opts.windowMs) windows.delete(k);
    while (windows.size >= maxClients) {
      const oldest = windows.keys().next().value;
      if (oldest === undefined) break;
      windows.delete(oldest);
    }
  };

  /** A Fastify onRequest/preHandler hook: counts the request, 429 once the address is over its budget. */
  const hook = async (request: FastifyRequest, reply: FastifyReply) => {
    const t = now();
    const key = request.ip;
    let w = windows.get(key);
    if (!w || t - w.start >= opts.windowMs) {
      if (!w && windows.size >= maxClients) sweep(t);
      w = { start: t, count: 0 };
      windows.delete(key);
      windows.set(key, w);
    }
    w.count += 1;
    const remaining = Math.max(0, opts.max - w.count);
    reply.header('x-ratelimit-limit', String(opts.max));
    reply.header('x-ratelimit-remaining', String(remaining));
    if (w.count > opts.max) {
      const retryAfter = Math.max(1, Math.ceil((w.start + opts.windowMs - t) / 1000));
      throw new AppError(429, 'RATE_LIMITED', `请求过于频繁，请 ${retryAfter} 秒后再试`, { retryAfter }, { 'retry-after': String(retryAfter) });
    }
  };
  return Object.assign(hook, {
    /** Forgets every address (tests). */
    reset: () => windows.clear(),
  });
}

export type PublicRateLimit = ReturnType<typeof publicRateLimit>;
