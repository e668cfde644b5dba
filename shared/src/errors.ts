import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable, sendDatabaseUnavailable } from './db-outage';

/** What a client words an error with besides its code: the values the message names (`{from, action, entity}`). */
export type ErrorParams = Record<string, string | number | boolean | null | readonly (string | number)[]>;

/**
 * A domain error that carries its HTTP status; the error handler turns it into `{statusCode, code, message, params?,
 * details?}`. `code` is stable (the SPA words the error from it and `params` in the user's language, the `message` is
 * the fallback for a code it does not know); `details` of a VALIDATION_FAILED is the list of bad fields
 * (`FieldError`: field, code, params, the English sentences).
 */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    /** Headers of the answer (e.g. Retry-After on a 429). */
    public readonly headers?: Record<string, string>,
    public readonly params?: ErrorParams,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown, code = 'BAD_REQUEST', params?: ErrorParams) =>
  new AppError(400, code, message, details, undefined, params);
export const unauthorized = (message = 'Authentication required', code = 'UNAUTHORIZED') =>
  new AppError(401, code, message);
export const forbidden = (message = 'Your role may not do this', code = 'FORBIDDEN', params?: ErrorParams) =>
  new AppError(403, code, message, undefined, undefined, params);
export const notFound = (what = 'Resource', code = 'NOT_FOUND') => new AppError(404, code, `${what} not found`);
export const conflict = (message: string, code = 'CONFLICT', params?: ErrorParams) => new AppError(409, code, message, undefined, undefined, params);

/**
 * 409 WRONG_STATE: `action` is not possible while the record (`entity`: case, application, item, whistle, answer,
 * report, memberReport, task) is `from`. The SPA says so from the three params in the user's language.
 */
export const wrongState = (message: string, params: { entity: string; from: string; action: string }) => conflict(message, 'WRONG_STATE', params);

/**
 * The error body as the routes' response schemas declare it (the one shape of every 4xx/5xx answer): without
 * `params` and `details` here, the schema-driven serialisation would drop them.
 */
export const errorResponseSchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    message: { type: 'string' },
    params: { type: 'object', additionalProperties: true },
    details: {},
  },
} as const;

const REQUIRED = /^(required|必填)/;

/**
 * Every entry of a field list (`details` of a 400 written by hand: `[{field, errors}]`) gets a machine `code`:
 * `required` when it says so, else the error's own code (WEAK_PASSWORD, TYPE_RULE…), `invalid` for a plain
 * VALIDATION_FAILED; parseDto's entries already carry theirs.
 */
function withFieldCodes(code: string, details: unknown): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((d: unknown) => {
    if (!d || typeof d !== 'object' || typeof (d as { field?: unknown }).field !== 'string' || typeof (d as { code?: unknown }).code === 'string') return d;
    const first = (d as { errors?: unknown[] }).errors?.[0];
    const fieldCode = typeof first === 'string' && REQUIRED.test(first) ? 'required' : code === 'VALIDATION_FAILED' ? 'invalid' : code;
    return { ...d, code: fieldCode };
  });
}

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
        ...(err.params !== undefined ? { params: err.params } : {}),
        ...(err.details !== undefined ? { details: withFieldCodes(err.code, err.details) } : {}),
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

/**
 * Every documented route answers its errors in the one shape (errorResponseSchema): this onRoute hook gives each route
 * `4xx` and `5xx` responses of that schema unless it names a status itself, so the OpenAPI document lists them and
 * the answer is serialised by the schema (fields it does not name stay out). Call it before the routes are registered.
 */
export function registerErrorResponses(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = (route.schema ?? {}) as { hide?: boolean; response?: Record<string, unknown> };
    if (schema.hide) return;
    route.schema = { ...schema, response: { '4xx': errorResponseSchema, '5xx': errorResponseSchema, ...schema.response } };
  });
}
