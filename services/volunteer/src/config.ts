import { join } from 'node:path';
import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';

export interface VolunteerConfig extends ServiceConfig {
  /** Where evidence photos are stored (owned by this service). */
  filesDir: string;
  /** How often the escalation job looks for unclaimed items past their deadline. */
  escalateEveryMs: number;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VolunteerConfig {
  return {
    ...loadServiceConfig(env, 'volunteer', 8083),
    filesDir: env.VOLUNTEER_FILES_DIR ?? join(__dirname, '..', '..', '..', '..', '.data', 'volunteer-files'),
    escalateEveryMs: Number(env.ESCALATE_EVERY_MS ?? 60_000),
  };
}
