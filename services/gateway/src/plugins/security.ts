import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import cors from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import { AppError } from '@redheart/shared/dist/errors';
import { REQUEST_ID_HEADER } from '@redheart/shared/dist/request-id';

export interface SecurityOptions {
  /** A foreign origin allowed to use the API through CORS; without it only same-origin calls work. */
  publicOrigin?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** 180 days. */
export const HSTS = 'max-age=15552000';

/** Runs helmet's middleware once against a recorder and keeps the headers it sets. */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed;
  return headers;
}

/** The origin the browser sees for this request (scheme + Host header). */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * Security headers and the CORS lock.
 *
 * HSTS: on every answer to a request that came over TLS, and only then.
 *
 * CSP: the SPA is self-hosted (scripts, styles, fonts); Element Plus sets inline styles, so
 * style-src needs 'unsafe-inline'; QR codes and charts use data:/blob: images. No inline scripts.
 * `upgrade-insecure-requests` is only sent when the public origin is https, since on a plain-http
 * deployment (dev, an intranet) it would make the browser request the SPA's own assets over https.
 *
 * CORS: the SPA and the API share one origin, so CORS is off unless PUBLIC_ORIGIN names a second
 * one. A preflight, or a state-changing request, from any other origin is refused with 403 before
 * it reaches a route or a service (a browser without CORS headers would only refuse to *read*
 * the answer; a POST would still have been executed).
 */
export default fp<SecurityOptions>(
  async (app, opts) => {
    const https = opts.publicOrigin?.startsWith('https:') ?? false;
    const options: HelmetOptions = {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          baseUri: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // HSTS is per request (below): only an answer that went over TLS may carry it
      strictTransportSecurity: false,
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'same-origin' },
    };

    // The headers never vary per request (no nonces): compute them once with helmet itself and set
    // them in one hook. @fastify/helmet rebuilds helmet on every request, which cost the gateway
    // about a quarter of its CPU per proxied call (docs/benchmarks.md, org tree).
    const headers = securityHeaders(options);
    // Callback hooks, not async ones: no promise per request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(headers);
      // Over TLS: the gateway's own TLS socket, or X-Forwarded-Proto: https from a trusted proxy
      // (TRUST_PROXY; without it the header is ignored and the protocol is the socket's).
      if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
      done();
    });

    const allowed = (request: FastifyRequest, origin: string) =>
      origin === ownOrigin(request) || (opts.publicOrigin !== undefined && origin === opts.publicOrigin);

    app.addHook('onRequest', (request, _reply, done) => {
      const origin = request.headers.origin;
      if (origin === undefined) return done(); // not a browser cross-origin call (curl, same-origin GET)
      const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
      if ((preflight || !SAFE_METHODS.has(request.method)) && !allowed(request, origin)) {
        return done(new AppError(403, 'CORS_ORIGIN_DENIED', `Origin ${origin} may not call this API`));
      }
      done();
    });

    if (opts.publicOrigin) {
      await app.register(cors, {
        origin: [opts.publicOrigin],
        credentials: true,
        methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Accept-Language', REQUEST_ID_HEADER],
        exposedHeaders: [REQUEST_ID_HEADER],
        maxAge: 600,
      });
    }
  },
  { name: 'gateway-security' },
);
