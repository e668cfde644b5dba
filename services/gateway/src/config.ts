import { join, resolve } from 'node:path';
import { type EventsConfig, loadEventsConfig } from '@redheart/shared/dist/service-config';
import { type MetricsListen, metricsListenFromEnv } from '@redheart/shared/dist/metrics';
import { readKeyFromEnv } from '@redheart/shared/dist/keys';
import { serviceUrlsFromEnv } from '@redheart/shared/dist/failover';

/** The services behind the gateway. Each serves its routes under `/api/<name>/…`. */
export const UPSTREAM_NAMES = ['org', 'household', 'volunteer', 'notify'] as const;
export type UpstreamName = (typeof UPSTREAM_NAMES)[number];
/** The services without which the platform is down; the others (notify) are routed and checked only when configured. */
export const CORE_UPSTREAMS = ['org', 'household', 'volunteer'] as const;
export type CoreUpstreamName = (typeof CORE_UPSTREAMS)[number];
/** Each configured service's replicas (its balancer). */
export type Balancers = Record<CoreUpstreamName, import('./balancer').Balancer> & Partial<Record<UpstreamName, import('./balancer').Balancer>>;

export interface GatewayConfig {
  port: number;
  host: string;
  /**
   * Base URLs (origin only) of each upstream service's replicas: `<NAME>_URLS` (comma-separated),
   * else `<NAME>_URL`. The gateway balances across them (balancer.ts).
   */
  upstreams: Record<UpstreamName, string[]>;
  /** How often each replica's health route is checked, ms (HEALTH_CHECK_INTERVAL_MS, 1000; 0 = never). */
  healthCheckIntervalMs: number;
  /** The built SPA (`npm run build -w web`). */
  webDist: string;
  /** ES256 public key of the org service: the gateway verifies tokens, it never signs. */
  publicKey: string;
  /** An upstream that has not answered (headers) within this time gets a 504. */
  upstreamTimeoutMs: number;
  /** Imports and exports (ROUTE_LIMITS `long` in @redheart/shared) wait this long instead. */
  longUpstreamTimeoutMs: number;
  /** Timeout of the upstream calls made by GET /api/health (one per service). */
  healthTimeoutMs: number;
  /** The one foreign origin allowed to call the API with CORS (e.g. a separately hosted SPA); same-origin always works. */
  publicOrigin?: string;
  /**
   * Fastify `trustProxy`: set it when a reverse proxy (nginx, a load balancer) sits in front of the
   * gateway. Then its X-Forwarded-For is the client's address and its X-Forwarded-Proto says whether
   * the browser came over TLS (→ HSTS, and a `Secure` refresh cookie from the org service).
   */
  trustProxy: boolean | string;
  /** The service-to-service secret: the gateway reads the org service's feed of ended sessions with it. */
  internalToken: string;
  /** NATS_URL and EVENTS_PREFIX: with NATS the gateway follows the org service's org.session.ended events instead of polling its feed. */
  events: Pick<EventsConfig, 'natsUrl' | 'prefix'>;
  logLevel: string;
  /** GATEWAY_METRICS_PORT / METRICS_PORT (+ METRICS_HOST): the internal /metrics server; unset → none. */
  metrics?: MetricsListen;
}

/** The only reader of process.env in the gateway. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const publicKey = readKeyFromEnv(env, 'JWT_PUBLIC_KEY');
  if (!publicKey) {
    throw new Error('JWT_PUBLIC_KEY(_FILE) must be set: the gateway checks access tokens before proxying (npm start creates the keys in .data/keys)');
  }
  const int = (name: string, dflt: number, min = 0) => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
    return n;
  };
  const url = (name: string, dflt: string) => {
    const raw = env[name] || dflt;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error(`${name} must be an http(s) URL, got ${raw}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL, got ${raw}`);
    // services serve /api/<name>/… themselves, so only the origin matters
    return u.origin;
  };
  const internalToken = readKeyFromEnv(env, 'INTERNAL_TOKEN')?.trim();
  if (!internalToken) {
    throw new Error('INTERNAL_TOKEN(_FILE) must be set: the gateway reads the ended sessions from the org service (npm start creates it in .data/keys)');
  }
  const publicOrigin = env.PUBLIC_ORIGIN ? url('PUBLIC_ORIGIN', env.PUBLIC_ORIGIN) : undefined;
  return {
    port: int('GATEWAY_PORT', int('PORT', 8080)),
    host: env.GATEWAY_HOST || '127.0.0.1',
    upstreams: {
      org: serviceUrlsFromEnv(env, 'org', 'http://127.0.0.1:8081'),
      household: serviceUrlsFromEnv(env, 'household', 'http://127.0.0.1:8082'),
      volunteer: serviceUrlsFromEnv(env, 'volunteer', 'http://127.0.0.1:8083'),
      notify: serviceUrlsFromEnv(env, 'notify', 'http://127.0.0.1:8084'),
    },
    healthCheckIntervalMs: int('HEALTH_CHECK_INTERVAL_MS', 1000),
    webDist: resolve(env.WEB_DIST || join(__dirname, '../../../web/dist')),
    publicKey,
    upstreamTimeoutMs: int('UPSTREAM_TIMEOUT_MS', 5000, 1),
    longUpstreamTimeoutMs: int('LONG_UPSTREAM_TIMEOUT_MS', 120_000, 1),
    healthTimeoutMs: int('HEALTH_TIMEOUT_MS', 1000, 1),
    publicOrigin,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    internalToken,
    events: loadEventsConfig(env),
    logLevel: env.LOG_LEVEL || 'info',
    metrics: metricsListenFromEnv(env, 'gateway'),
  };
}

function parseTrustProxy(v: string | undefined): boolean | string {
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return v; // comma-separated addresses / CIDRs of the proxies in front, as Fastify accepts
}
