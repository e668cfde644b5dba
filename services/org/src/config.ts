import { readKeyFromEnv, serviceDatabaseUrl } from '@redheart/shared';

export interface OrgConfig {
  port: number;
  host: string;
  databaseUrl: string;
  privateKey: string;
  publicKey: string;
  /** Set `Secure` on the refresh cookie (behind TLS in production). */
  secureCookies: boolean;
  refreshTokenDays: number;
  loginRateLimit: { max: number; timeWindow: string };
  lockout: { maxFailures: number; minutes: number };
  logLevel: string;
  /** Secret for the service-to-service community list; unset → that route does not exist. */
  internalToken?: string;
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
    databaseUrl: serviceDatabaseUrl(env, 'org'),
    privateKey,
    publicKey,
    secureCookies: env.COOKIE_SECURE === 'true',
    refreshTokenDays: int('REFRESH_TOKEN_DAYS', 7),
    loginRateLimit: { max: int('LOGIN_RATE_LIMIT', 20), timeWindow: '1 minute' },
    lockout: { maxFailures: int('LOGIN_MAX_FAILURES', 5), minutes: int('LOGIN_LOCK_MINUTES', 15) },
    logLevel: env.LOG_LEVEL ?? 'info',
    internalToken: readKeyFromEnv(env, 'INTERNAL_TOKEN')?.trim(),
  };
}
