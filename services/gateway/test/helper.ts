import Fastify, { type FastifyInstance } from 'fastify';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, generateSigningKeys, type KeyPair } from '@redheart/shared';
import { buildApp, type BuildOptions } from '../src/app';

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs a JWT the way an attacker or the org service would: any header, any claims, any key. */
export function signJwt(payload: Record<string, unknown>, privateKey: string | null, header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT' }): string {
  const data = `${b64url(header)}.${b64url(payload)}`;
  if (!privateKey) return `${data}.`;
  const sig = sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${data}.${sig.toString('base64url')}`;
}

/** A valid access token for `keys` (claims as the org service issues them). */
export function accessToken(keys: KeyPair, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    { sub: '1', username: 'admin', role: 'admin', orgId: 1, scopePaths: ['/1/'], iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, exp: now + 600, ...overrides },
    keys.privateKey,
  );
}

/** A URL on which nothing listens (a port taken from the OS and released). */
export async function closedPortUrl(): Promise<string> {
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const p = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(p));
    });
  });
  return `http://127.0.0.1:${port}`;
}

export interface FakeUpstream {
  app: FastifyInstance;
  url: string;
  /** Paths the service received, in order (health checks left out). */
  hits: string[];
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** How long /…/slow waits before answering. */
  slowMs?: number;
  healthStatus?: number;
  /** How long /…/health waits before answering. */
  healthDelayMs?: number;
  openapi?: Record<string, unknown> | null;
}

/**
 * A tiny real service on a random port serving `/api/<name>/…`: echo (what arrived),
 * slow (stalls), health, openapi.json, a 503, and a public path.
 */
export async function startUpstream(name: string, opts: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const app = Fastify({ forceCloseConnections: true });
  const hits: string[] = [];
  app.addHook('onRequest', async (req) => {
    // the gateway's health checks (each second, balancer.ts) are not requests the tests sent
    if (req.url === `/api/${name}/health`) return;
    hits.push(`${req.method} ${req.url}`);
  });
  const echo = async (req: import('fastify').FastifyRequest, reply: import('fastify').FastifyReply) => {
    reply.header('set-cookie', ['a=1; Path=/api; HttpOnly', 'b=2; Path=/api']);
    reply.header('x-upstream', name);
    reply.header('connection', 'keep-alive, x-secret-hop');
    return { method: req.method, url: req.url, headers: req.headers, body: req.body ?? null };
  };
  app.route({ method: ['GET', 'POST', 'PATCH', 'DELETE'], url: `/api/${name}/echo`, handler: echo });
  app.get(`/api/${name}/public/desk`, echo);
  app.get(`/api/${name}/internal/communities`, echo);
  app.get(`/api/${name}/slow`, async () => {
    await new Promise((r) => setTimeout(r, opts.slowMs ?? 2000).unref());
    return { late: true };
  });
  // an export that takes as long as /slow before its headers (the gateway's long deadline applies)
  app.get(`/api/${name}/export/late.xlsx`, async () => {
    await new Promise((r) => setTimeout(r, opts.slowMs ?? 2000).unref());
    return { late: true };
  });
  // an import: counts the bytes it received
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.post(`/api/${name}/import/register`, { bodyLimit: 20 * 1024 * 1024 }, async (req) => ({ bytes: Buffer.isBuffer(req.body) ? req.body.length : JSON.stringify(req.body).length }));
  // answers at once, then sends its body in 6 chunks over ~600 ms
  app.get(`/api/${name}/drip`, async (_req, reply) => {
    const stream = new PassThrough();
    let n = 0;
    const tick = setInterval(() => {
      stream.write(`chunk${n}\n`);
      if (++n === 6) {
        clearInterval(tick);
        stream.end();
      }
    }, 100);
    return reply.type('text/plain').send(stream);
  });
  app.get(`/api/${name}/unavailable`, async (_req, reply) => reply.code(503).send({ statusCode: 503, code: 'BUSY', message: 'busy' }));
  app.get(`/api/${name}/health`, async (_req, reply) => {
    if (opts.healthDelayMs) await new Promise((r) => setTimeout(r, opts.healthDelayMs).unref());
    return reply.code(opts.healthStatus ?? 200).send({ status: 'ok', service: name });
  });
  if (opts.openapi !== null) {
    app.get(`/api/${name}/openapi.json`, async () => opts.openapi ?? { openapi: '3.0.3', info: { title: name, version: '1' }, paths: {} });
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, hits, close: () => app.close() };
}

/** A temp web/dist with an index.html and one hashed asset. */
export function makeWebDist(withIndex = true): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gw-web-'));
  if (withIndex) writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><div id="app">SPA</div></body></html>');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("app")');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.env'), 'SECRET=1');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatewayContext {
  app: FastifyInstance;
  keys: KeyPair;
  close(): Promise<void>;
}

/** Builds the gateway (no listen; supertest drives app.server). Upstreams default to closed ports. */
export async function buildGateway(config: Partial<BuildOptions['config']> = {}, extra: Omit<BuildOptions, 'config'> = {}): Promise<GatewayContext> {
  const keys = generateSigningKeys();
  const closed = await closedPortUrl();
  const app = await buildApp({
    config: {
      upstreams: { org: closed, household: closed, volunteer: closed },
      webDist: join(tmpdir(), 'gw-no-such-dist'),
      publicKey: keys.publicKey,
      upstreamTimeoutMs: 5000,
      healthTimeoutMs: 1000,
      ...config,
    },
    ...extra,
  });
  await app.ready();
  return { app, keys, close: () => app.close() };
}
