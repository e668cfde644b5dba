import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';

export interface HouseholdConfig extends ServiceConfig {
  piiEncryptionKey: string;
  piiHashKey: string;
  jobs: { exportTtlHours: number; staleSeconds: number; importTtlHours: number };
  /** When the step time-limit notices run (CASE_LIMIT_CRON, every 10 minutes) and in which time zone (BUSINESS_TIMEZONE). */
  reminders: { cron: string; timezone: string };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HouseholdConfig {
  return {
    ...loadServiceConfig(env, 'household', 8082, { piiEncryptionKey: 'PII_ENCRYPTION_KEY', piiHashKey: 'PII_HASH_KEY' }),
    jobs: {
      exportTtlHours: positive(env, 'EXPORT_TTL_HOURS', 24),
      staleSeconds: positive(env, 'JOB_STALE_SECONDS', 300),
      importTtlHours: positive(env, 'IMPORT_TTL_HOURS', 72),
    },
    reminders: { cron: env.CASE_LIMIT_CRON || '*/10 * * * *', timezone: env.BUSINESS_TIMEZONE || 'Asia/Shanghai' },
  };
}
