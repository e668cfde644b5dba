import { join } from 'node:path';
import { readKeyFromEnv, serviceDatabaseUrl } from '@redheart/shared';

export interface VolunteerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  publicKey: string;
  orgUrl: string;
  internalToken: string;
  /** Where evidence photos are stored (owned by this service). */
  filesDir: string;
  /** How often the escalation job looks for unclaimed items past their deadline. */
  escalateEveryMs: number;
  logLevel: string;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VolunteerConfig {
  const publicKey = readKeyFromEnv(env, 'JWT_PUBLIC_KEY');
  if (!publicKey) throw new Error('JWT_PUBLIC_KEY(_FILE) must be set (npm start creates it in .data/keys)');
  const internalToken = readKeyFromEnv(env, 'INTERNAL_TOKEN');
  if (!internalToken) throw new Error('INTERNAL_TOKEN(_FILE) must be set (npm start creates it in .data/keys)');
  const port = Number(env.VOLUNTEER_PORT ?? 8083);
  if (!Number.isInteger(port) || port <= 0) throw new Error('VOLUNTEER_PORT must be a port number');
  return {
    port,
    host: env.VOLUNTEER_HOST ?? '127.0.0.1',
    databaseUrl: serviceDatabaseUrl(env, 'volunteer'),
    publicKey,
    orgUrl: env.ORG_URL ?? 'http://127.0.0.1:8081',
    internalToken: internalToken.trim(),
    filesDir: env.VOLUNTEER_FILES_DIR ?? join(__dirname, '..', '..', '..', '..', '.data', 'volunteer-files'),
    escalateEveryMs: Number(env.ESCALATE_EVERY_MS ?? 60_000),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
