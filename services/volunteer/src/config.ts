import { join } from 'node:path';
import { loadServiceConfig, type ServiceConfig } from '@redheart/shared';
import { DEFAULT_ESCALATE_CRON, DEFAULT_SCORECARD_CRON } from './modules/escalation/jobs';

export interface VolunteerConfig extends ServiceConfig {
  /** Where evidence photos are stored (owned by this service). */
  filesDir: string;
  /** When the escalation job looks for unclaimed items past their deadline (cron, ESCALATE_CRON; every minute). */
  escalateCron: string;
  /** When the units are sent last month's scorecard (cron, SCORECARD_CRON; 08:00 on the 1st). */
  scorecardCron: string;
  /** The time zone of the cron (BUSINESS_TIMEZONE). */
  timezone: string;
}

/** The only reader of process.env in this service. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): VolunteerConfig {
  return {
    ...loadServiceConfig(env, 'volunteer', 8083),
    filesDir: env.VOLUNTEER_FILES_DIR ?? join(__dirname, '..', '..', '..', '..', '.data', 'volunteer-files'),
    escalateCron: env.ESCALATE_CRON || DEFAULT_ESCALATE_CRON,
    scorecardCron: env.SCORECARD_CRON || DEFAULT_SCORECARD_CRON,
    timezone: env.BUSINESS_TIMEZONE || 'Asia/Shanghai',
  };
}
