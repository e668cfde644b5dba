import type { FastifyInstance } from 'fastify';
import { jobsPlugin, scheduleJob } from '@redheart/shared';
import { MonthlyScorecards } from '../scorecards/monthly';

/** The pg-boss queue of the escalation job (吹哨): one job per cron slot for the whole cluster. */
export const ESCALATE_QUEUE = 'volunteer-escalate';
/** The overdue whistles (街呼县应): answers owed past their deadline go up to the county; same clock. */
export const WHISTLE_OVERDUE_QUEUE = 'volunteer-whistle-overdue';
/** The monthly scorecards sent to the units (积分卡月报): on the 1st, for the month before. */
export const SCORECARD_QUEUE = 'volunteer-scorecard-monthly';
/** 08:00 on the 1st (SCORECARD_CRON). */
export const DEFAULT_SCORECARD_CRON = '0 8 1 * *';
/** Every minute (ESCALATE_CRON). */
export const DEFAULT_ESCALATE_CRON = '* * * * *';

export interface ScheduledJobsOptions {
  /** When the escalation runs (cron, 5 fields, in `timezone`): ESCALATE_CRON. */
  escalateCron: string;
  /** When the monthly scorecards go out (cron, in `timezone`): SCORECARD_CRON, default DEFAULT_SCORECARD_CRON. */
  scorecardCron?: string;
  /** The cron's time zone (BUSINESS_TIMEZONE, Asia/Shanghai). */
  timezone?: string;
  /** The clock's and the workers' polling (seconds; tests shorten them). */
  cronMonitorIntervalSeconds?: number;
  cronWorkerIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

/**
 * The service's scheduled work, once per cluster however many replicas run (`scheduleJob`, @redheart/shared
 * jobs.ts: one job per cron slot, fetched by exactly one worker of one replica, a slow run never overlapping
 * the next). The work itself is the modules' services'; this module only says when.
 */
export default async function scheduledJobs(app: FastifyInstance, opts: ScheduledJobsOptions) {
  await app.register(jobsPlugin, {
    cronMonitorIntervalSeconds: opts.cronMonitorIntervalSeconds,
    cronWorkerIntervalSeconds: opts.cronWorkerIntervalSeconds,
  });
  const every = { timezone: opts.timezone, pollingIntervalSeconds: opts.pollingIntervalSeconds };
  await scheduleJob(app.jobs, {
    ...every,
    queue: ESCALATE_QUEUE,
    cron: opts.escalateCron,
    run: async (job) => {
      const ids = await app.volunteer.items.escalateOverdue();
      app.log.info({ job: job?.id, escalated: ids }, ids.length ? 'escalated unclaimed items' : 'escalation: nothing overdue');
      return { escalated: ids };
    },
  });
  await scheduleJob(app.jobs, {
    ...every,
    queue: WHISTLE_OVERDUE_QUEUE,
    cron: opts.escalateCron,
    run: async (job) => {
      const overdue = await app.volunteer.whistles.escalateOverdue();
      app.log.info({ job: job?.id, overdue }, overdue.length ? 'whistles: answers overdue, up to the county' : 'whistles: nothing overdue');
      return { overdue };
    },
  });
  const scorecards = new MonthlyScorecards(app.db);
  await scheduleJob(app.jobs, {
    ...every,
    queue: SCORECARD_QUEUE,
    cron: opts.scorecardCron ?? DEFAULT_SCORECARD_CRON,
    retryLimit: 2,
    expireInSeconds: 900,
    run: async (job) => {
      const sent = await scorecards.run();
      app.log.info({ job: job?.id, units: sent.length }, 'monthly scorecards sent to the units');
      return { units: sent.length };
    },
  });
}
