import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError, badRequest } from './errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';

export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

/** Reads and checks the header: absent → undefined; present → 1–200 visible characters. */
export function idempotencyKey(headers: Record<string, unknown>): string | undefined {
  const raw = headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw badRequest('Idempotency-Key must be 1–200 visible ASCII characters', undefined, 'BAD_IDEMPOTENCY_KEY');
  }
  return key;
}

export interface Outcome<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/**
 * Runs `work` in one transaction together with the idempotency record (table idempotency_key
 * with columns actor_id, key, request_hash, status_code, body). A retry with the same key waits
 * for the first attempt to commit and gets its answer back without acting twice; the same key with
 * a different request is a 422. A failed attempt rolls its key back, so it may be retried.
 */
export async function runIdempotent<T>(
  ds: DataSource,
  actorId: string,
  key: string | undefined,
  hash: string,
  work: (m: EntityManager) => Promise<{ status: number; body: T }>,
): Promise<Outcome<T>> {
  return ds.transaction(async (m) => {
    if (key) {
      const inserted = await m.query(
        `INSERT INTO idempotency_key (actor_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
        [actorId, key, hash],
      );
      if (!inserted.length) {
        const prev: { request_hash: string; status_code: number; body: T }[] = await m.query(
          `SELECT request_hash, status_code, body FROM idempotency_key WHERE actor_id = $1 AND key = $2`,
          [actorId, key],
        );
        if (prev[0].request_hash !== hash) {
          throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
        }
        return { status: prev[0].status_code, body: prev[0].body, replayed: true };
      }
    }
    const res = await work(m);
    if (key) {
      await m.query(`UPDATE idempotency_key SET status_code = $3, body = $4 WHERE actor_id = $1 AND key = $2`, [actorId, key, res.status, JSON.stringify(res.body)]);
    }
    return { ...res, replayed: false };
  });
}

/** The route path with its parameters filled in: '/api/x/items/:id/transitions' → '/api/x/items/42/transitions'. */
export function routePath(req: Pick<FastifyRequest, 'url' | 'params' | 'routeOptions'>, params: Record<string, string | number> = {}): string {
  const route = req.routeOptions?.url ?? req.url.split('?')[0];
  const given = (req.params ?? {}) as Record<string, string | number | undefined>;
  return route.replace(/:(\w+)/g, (whole, name: string) => String(params[name] ?? given[name] ?? whole));
}

/**
 * The whole idempotent POST of a route handler: runs `work` through runIdempotent under the caller
 * and the Idempotency-Key header, with the request hashed from its method, the route path (route
 * parameters replaced by `params`, e.g. the parsed id, else as sent) and the body; then answers with
 * `status` (a replay: the first attempt's status and body, and the header idempotent-replay: true).
 */
export async function sendIdempotent<T>(
  ds: DataSource,
  req: Pick<FastifyRequest, 'method' | 'url' | 'params' | 'routeOptions' | 'headers' | 'body' | 'user'>,
  reply: FastifyReply,
  status: number,
  work: (m: EntityManager) => Promise<T>,
  params: Record<string, string | number> = {},
): Promise<FastifyReply> {
  const hash = requestHash(req.method, routePath(req, params), req.body);
  const out = await runIdempotent(ds, req.user.sub, idempotencyKey(req.headers), hash, async (m) => ({ status, body: await work(m) }));
  if (out.replayed) reply.header('idempotent-replay', 'true');
  return reply.status(out.status).send(out.body);
}
