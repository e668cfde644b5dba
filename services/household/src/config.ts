import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';

export interface HouseholdConfig extends ServiceConfig {
  piiEncryptionKey: string;
  piiHashKey: string;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HouseholdConfig {
  return loadServiceConfig(env, 'household', 8082, { piiEncryptionKey: 'PII_ENCRYPTION_KEY', piiHashKey: 'PII_HASH_KEY' });
}
