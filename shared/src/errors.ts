import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, sendDatabaseUnavailable } from './db-outage';

/** A domain error that carries its HTTP status; the error handler turns it into `{statusCode, code, message}`. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    /** Headers of the answer (e.g. Retry-After on a 429). */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown, code = 'BAD_REQUEST') =>
  new AppError(400, code, message, details);
export const unauthorized = (message = 'Authentication required', code = 'UNAUTHORIZED') =>
  new AppError(401, code, message);
export const forbidden = (message = 'Your role may not do this', code = 'FORBIDDEN') =>
  new AppError(403, code, message);
export const notFound = (what = 'Resource', code = 'NOT_FOUND') => new AppError(404, code, `${what} not found`);
export const conflict = (message: string, code = 'CONFLICT') => new AppError(409, code, message);

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/**
 * One error handler for every service: typed errors keep their status, Fastify's own 4xx
 * (schema validation, JWT, rate limit) keep theirs, PostgreSQL constraint errors map to 409/400,
 * an unreachable database is a 503 with Retry-After (a fault, not a bug), and anything else is a
 * logged 500 whose message is not leaked.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & PgError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return reply.status(err.statusCode).send({
        statusCode: err.statusCode,
        code: err.code,
        message: err.message,
        ...(err.details !== undefined ? { details: err.details } : {}),
      });
    }
    if (typeof err.code === 'string' && /^FST_JWT_|^FAST_JWT_/.test(err.code)) {
      return reply.status(401).send({ statusCode: 401, code: 'INVALID_TOKEN', message: 'Invalid or expired token' });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply.status(413).send({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: `请求体过大：此接口最多接受 ${Math.round((limit / 1048576) * 10) / 10} MB`, details: { limit } });
    }
    if (err.validation) {
      return reply.status(400).send({ statusCode: 400, code: 'VALIDATION_FAILED', message: err.message });
    }
    if (err.code === '23505') {
      return reply.status(409).send({ statusCode: 409, code: 'DUPLICATE', message: 'A record with these values already exists' });
    }
    if (err.code === '23503' || err.code === '22P02' || err.code === '22007' || err.code === '22008') {
      return reply.status(400).send({ statusCode: 400, code: 'INVALID_REFERENCE', message: 'Invalid value or reference' });
    }
    if (isDatabaseUnavailable(err)) {
      request.log.warn({ err }, 'database unavailable');
      return sendDatabaseUnavailable(reply);
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      request.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ statusCode: 500, code: 'INTERNAL', message: 'Internal server error' });
    }
    return reply.status(status).send({ statusCode: status, code: err.code ?? 'ERROR', message: err.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found` });
  });
}
