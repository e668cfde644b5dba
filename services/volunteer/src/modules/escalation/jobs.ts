import type { FastifyInstance } from 'fastify';
import { jobsPlugin } from '@redheart/shared';
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
 * The service's scheduled work, once per cluster however many replicas run: the job engine (pg-boss,
 * @redheart/shared jobs.ts) turns the schedule into one job per cron slot — every replica's clock may
 * try, the slot's singleton key lets one through — and exactly one worker of one replica fetches it
 * (`SKIP LOCKED`). The queue's `singleton` policy keeps a slow run from overlapping the next one.
 * Every replica registers the same schedule (an upsert) and a worker, so any of them can run it.
 */
export default async function scheduledJobs(app: FastifyInstance, opts: ScheduledJobsOptions) {
  await app.register(jobsPlugin, {
    cronMonitorIntervalSeconds: opts.cronMonitorIntervalSeconds,
    cronWorkerIntervalSeconds: opts.cronWorkerIntervalSeconds,
  });
  await app.jobs.createQueue(ESCALATE_QUEUE, { name: ESCALATE_QUEUE, policy: 'singleton', retryLimit: 0, expireInSeconds: 300 });
  await app.jobs.work(ESCALATE_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([job]) => {
    const ids = await app.volunteer.items.escalateOverdue();
    app.log.info({ job: job?.id, escalated: ids }, ids.length ? 'escalated unclaimed items' : 'escalation: nothing overdue');
    return { escalated: ids };
  });
  await app.jobs.schedule(ESCALATE_QUEUE, opts.escalateCron, {}, { tz: opts.timezone ?? 'Asia/Shanghai' });

  await app.jobs.createQueue(WHISTLE_OVERDUE_QUEUE, { name: WHISTLE_OVERDUE_QUEUE, policy: 'singleton', retryLimit: 0, expireInSeconds: 300 });
  await app.jobs.work(WHISTLE_OVERDUE_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([job]) => {
    const overdue = await app.volunteer.whistles.escalateOverdue();
    app.log.info({ job: job?.id, overdue }, overdue.length ? 'whistles: answers overdue, up to the county' : 'whistles: nothing overdue');
    return { overdue };
  });
  await app.jobs.schedule(WHISTLE_OVERDUE_QUEUE, opts.escalateCron, {}, { tz: opts.timezone ?? 'Asia/Shanghai' });

  await app.jobs.createQueue(SCORECARD_QUEUE, { name: SCORECARD_QUEUE, policy: 'singleton', retryLimit: 2, expireInSeconds: 900 });
  const scorecards = new MonthlyScorecards(app.db);
  await app.jobs.work(SCORECARD_QUEUE, { pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([job]) => {
    const sent = await scorecards.run();
    app.log.info({ job: job?.id, units: sent.length }, 'monthly scorecards sent to the units');
    return { units: sent.length };
  });
  await app.jobs.schedule(SCORECARD_QUEUE, opts.scorecardCron ?? DEFAULT_SCORECARD_CRON, {}, { tz: opts.timezone ?? 'Asia/Shanghai' });
}
