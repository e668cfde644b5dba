import { serviceDatabaseUrl } from './db';
import { serviceRoleUrlFromEnv } from './roles';
import { readKeyFromEnv } from './keys';
import { serviceUrlsFromEnv } from './failover';
import { type MetricsListen, metricsListenFromEnv } from './metrics';

/** What every service that works for the org chart (household, volunteer) reads from its environment. */
export interface ServiceConfig {
  port: number;
  host: string;
  /** The service's database as its own role (rh_<service>): the primary, for writes and read-your-write. */
  databaseUrl: string;
  /** `<SERVICE>_DATABASE_READ_URL` as the same role: a replica for reads that tolerate lag; unset → the primary. */
  databaseReadUrl?: string;
  publicKey: string;
  /** Where the org service is (the first of orgUrls), and the secret for its internal lists. */
  orgUrl: string;
  /** Every replica of the org service (ORG_URLS, comma-separated, else ORG_URL): internal calls fail over between them. */
  orgUrls: string[];
  internalToken: string;
  logLevel: string;
  /** `<SERVICE>_METRICS_PORT` / `METRICS_PORT` (+ `METRICS_HOST`): the internal /metrics server; unset → none. */
  metrics?: MetricsListen;
  events: EventsConfig;
}

/** Where events go (docs/architecture.md "Events"). */
export interface EventsConfig {
  /** NATS_URL: NATS with JetStream. Unset: the HTTP fallback between the services. */
  natsUrl?: string;
  /** EVENTS_PREFIX (default `redheart`): subjects `<prefix>.<service>.…`, streams `<PREFIX>_<SERVICE>`. */
  prefix: string;
  /** The fallback's consumers: HOUSEHOLD_URLS / HOUSEHOLD_URL and VOLUNTEER_URLS / VOLUNTEER_URL, every replica (the org service's events go there). */
  householdUrls?: string[];
  volunteerUrls?: string[];
  /** NOTIFY_URLS / NOTIFY_URL: the notification service's replicas (household's and volunteer's events go there too). */
  notifyUrls?: string[];
}

export function loadEventsConfig(env: NodeJS.ProcessEnv): EventsConfig {
  const prefix = env.EVENTS_PREFIX || 'redheart';
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) throw new Error('EVENTS_PREFIX must be lower-case letters, digits and _ (starting with a letter)');
  return {
    ...(env.NATS_URL ? { natsUrl: env.NATS_URL } : {}),
    prefix,
    ...(env.HOUSEHOLD_URLS || env.HOUSEHOLD_URL ? { householdUrls: serviceUrlsFromEnv(env, 'household', '') } : {}),
    ...(env.VOLUNTEER_URLS || env.VOLUNTEER_URL ? { volunteerUrls: serviceUrlsFromEnv(env, 'volunteer', '') } : {}),
    ...(env.NOTIFY_URLS || env.NOTIFY_URL ? { notifyUrls: serviceUrlsFromEnv(env, 'notify', '') } : {}),
  };
}

/**
 * Reads the common part of such a service's configuration: `<SERVICE>_PORT` (default
 * `defaultPort`) and `<SERVICE>_HOST`, its database (serviceDatabaseUrl), JWT_PUBLIC_KEY(_FILE),
 * INTERNAL_TOKEN(_FILE), ORG_URLS / ORG_URL and LOG_LEVEL. `secrets` names further required keys of the
 * service, field → env name (each given inline or as `<NAME>_FILE`, trimmed); they are checked
 * after the public key and before the internal token.
 */
export function loadServiceConfig<F extends string = never>(
  env: NodeJS.ProcessEnv,
  service: string,
  defaultPort: number,
  secrets: Record<F, string> = {} as Record<F, string>,
): ServiceConfig & Record<F, string> {
  const publicKey = readKeyFromEnv(env, 'JWT_PUBLIC_KEY');
  if (!publicKey) throw new Error('JWT_PUBLIC_KEY(_FILE) must be set (npm start creates it in .data/keys)');
  const entries = (Object.entries(secrets) as [F, string][]).map(([field, name]) => [field, readKeyFromEnv(env, name)] as const);
  if (entries.some(([, v]) => !v)) {
    const names = Object.values<string>(secrets).map((n) => `${n}(_FILE)`).join(' and ');
    throw new Error(`${names} must be set (npm start creates ${entries.length > 1 ? 'them' : 'it'} in .data/keys)`);
  }
  const internalToken = readKeyFromEnv(env, 'INTERNAL_TOKEN');
  if (!internalToken) throw new Error('INTERNAL_TOKEN(_FILE) must be set (npm start creates it in .data/keys)');
  const SERVICE = service.toUpperCase();
  const port = Number(env[`${SERVICE}_PORT`] ?? defaultPort);
  const orgUrls = serviceUrlsFromEnv(env, 'org', 'http://127.0.0.1:8081');
  if (!Number.isInteger(port) || port <= 0) throw new Error(`${SERVICE}_PORT must be a port number`);
  return {
    port,
    host: env[`${SERVICE}_HOST`] ?? '127.0.0.1',
    ...serviceDatabaseUrls(env, service),
    publicKey,
    orgUrl: orgUrls[0],
    orgUrls,
    internalToken: internalToken.trim(),
    logLevel: env.LOG_LEVEL ?? 'info',
    metrics: metricsListenFromEnv(env, service),
    events: loadEventsConfig(env),
    ...(Object.fromEntries(entries.map(([field, v]) => [field, (v as string).trim()])) as Record<F, string>),
  };
}

/**
 * Where a service serves from: its database (serviceDatabaseUrl) and, when
 * `<SERVICE>_DATABASE_READ_URL` is set, a replica of it; both as the service's own role with
 * `<SERVICE>_DB_PASSWORD(_FILE)`, whatever credentials the URLs carry.
 */
export function serviceDatabaseUrls(env: NodeJS.ProcessEnv, service: string): { databaseUrl: string; databaseReadUrl?: string } {
  const read = env[`${service.toUpperCase()}_DATABASE_READ_URL`];
  return {
    databaseUrl: serviceRoleUrlFromEnv(env, service, serviceDatabaseUrl(env, service)),
    ...(read ? { databaseReadUrl: serviceRoleUrlFromEnv(env, service, read) } : {}),
  };
}
