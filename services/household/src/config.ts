import { readKeyFromEnv, serviceDatabaseUrl } from '@redheart/shared';

export interface HouseholdConfig {
  port: number;
  host: string;
  databaseUrl: string;
  publicKey: string;
  /** Where the org service is, and the secret for its internal community list. */
  orgUrl: string;
  internalToken: string;
  piiEncryptionKey: string;
  piiHashKey: string;
  logLevel: string;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HouseholdConfig {
  const publicKey = readKeyFromEnv(env, 'JWT_PUBLIC_KEY');
  if (!publicKey) throw new Error('JWT_PUBLIC_KEY(_FILE) must be set (npm start creates it in .data/keys)');
  const piiEncryptionKey = readKeyFromEnv(env, 'PII_ENCRYPTION_KEY');
  const piiHashKey = readKeyFromEnv(env, 'PII_HASH_KEY');
  if (!piiEncryptionKey || !piiHashKey) throw new Error('PII_ENCRYPTION_KEY(_FILE) and PII_HASH_KEY(_FILE) must be set (npm start creates them in .data/keys)');
  const internalToken = readKeyFromEnv(env, 'INTERNAL_TOKEN');
  if (!internalToken) throw new Error('INTERNAL_TOKEN(_FILE) must be set (npm start creates it in .data/keys)');
  const port = Number(env.HOUSEHOLD_PORT ?? 8082);
  if (!Number.isInteger(port) || port <= 0) throw new Error('HOUSEHOLD_PORT must be a port number');
  return {
    port,
    host: env.HOUSEHOLD_HOST ?? '127.0.0.1',
    databaseUrl: serviceDatabaseUrl(env, 'household'),
    publicKey,
    orgUrl: env.ORG_URL ?? 'http://127.0.0.1:8081',
    internalToken: internalToken.trim(),
    piiEncryptionKey: piiEncryptionKey.trim(),
    piiHashKey: piiHashKey.trim(),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
