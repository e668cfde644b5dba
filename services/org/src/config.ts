import { type EventsConfig, loadEventsConfig, type MetricsListen, metricsListenFromEnv, readKeyFromEnv, serviceDatabaseUrls } from '@redheart/shared';

export interface OrgConfig {
  port: number;
  host: string;
  /** The org database as the role rh_org (the primary). */
  databaseUrl: string;
  /** ORG_DATABASE_READ_URL as rh_org: a replica for reads that tolerate lag; unset → the primary. */
  databaseReadUrl?: string;
  privateKey: string;
  publicKey: string;
  /** Set `Secure` on the refresh cookie always (it is set anyway on requests that came over TLS). */
  secureCookies: boolean;
  refreshTokenDays: number;
  loginThrottle: { addressMaxFailures: number; maxFailures: number };
  /** Days the login log keeps an attempt (LOGIN_LOG_DAYS, 180 by default). */
  loginLogDays?: number;
  logLevel: string;
  /** ORG_METRICS_PORT / METRICS_PORT (+ METRICS_HOST): the internal /metrics server; unset → none. */
  metrics?: MetricsListen;
  /** Secret for the service-to-service routes (community list, session revocations); unset → they do not exist. */
  internalToken?: string;
  events: EventsConfig;
  /** VOLUNTEER_URLS (or VOLUNTEER_URL): the volunteer service's replicas, where a meeting decision's work is created. */
  volunteerUrls: string[];
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): OrgConfig {
  const privateKey = readKeyFromEnv(env, 'JWT_PRIVATE_KEY');
  const publicKey = readKeyFromEnv(env, 'JWT_PUBLIC_KEY');
  if (!privateKey || !publicKey) {
    throw new Error('JWT_PRIVATE_KEY(_FILE) and JWT_PUBLIC_KEY(_FILE) must be set (npm start creates them in .data/keys)');
  }
  const int = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
    return n;
  };
  return {
    port: int('ORG_PORT', 8081),
    host: env.ORG_HOST ?? '127.0.0.1',
    ...serviceDatabaseUrls(env, 'org'),
    privateKey,
    publicKey,
    secureCookies: env.COOKIE_SECURE === 'true',
    refreshTokenDays: int('REFRESH_TOKEN_DAYS', 7),
    loginThrottle: { addressMaxFailures: Math.max(1, int('LOGIN_ADDRESS_MAX_FAILURES', 20)), maxFailures: Math.max(1, int('LOGIN_MAX_FAILURES', 5)) },
    loginLogDays: Math.max(1, int('LOGIN_LOG_DAYS', 180)),
    logLevel: env.LOG_LEVEL ?? 'info',
    metrics: metricsListenFromEnv(env, 'org'),
    internalToken: readKeyFromEnv(env, 'INTERNAL_TOKEN')?.trim(),
    events: loadEventsConfig(env),
    volunteerUrls: (env.VOLUNTEER_URLS || env.VOLUNTEER_URL || 'http://127.0.0.1:8083').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean),
  };
}
