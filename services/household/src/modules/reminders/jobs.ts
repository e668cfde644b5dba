import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { scheduleJob } from '@redheart/shared';
import { CaseLimitReminders } from './service';

/** The pg-boss queue of the step time-limit notices: one job per cron slot for the whole cluster. */
export const CASE_LIMIT_QUEUE = 'household-case-limits';
/** Every 10 minutes (CASE_LIMIT_CRON): a yellow notice comes at most that late. */
export const DEFAULT_CASE_LIMIT_CRON = '*/10 * * * *';

export interface ReminderJobOptions {
  /** When the run happens (cron, 5 fields, in `timezone`); absent: the worker only, no schedule (tests run `app.caseLimits.run`). */
  cron?: string;
  timezone?: string;
}

/**
 * The step time-limit notices as scheduled work (`scheduleJob` on app.jobs, the engine the imports use): one
 * job per slot for the cluster, and the notice table's key keeps a run that overlaps anyway from telling anyone twice.
 */
async function reminderJobs(app: FastifyInstance, opts: ReminderJobOptions) {
  const reminders = new CaseLimitReminders(app.db);
  app.decorate('caseLimits', reminders);
  await scheduleJob(app.jobs, {
    queue: CASE_LIMIT_QUEUE,
    cron: opts.cron,
    timezone: opts.timezone,
    run: async (job) => {
      const notices = await reminders.run();
      if (notices.length) app.log.info({ job: job?.id, notices: notices.length }, 'case time limits: clerks told');
      return { notices: notices.length };
    },
  });
}

/** `app.caseLimits` and the job (visible to the whole app, hence fastify-plugin). */
export default fp(reminderJobs, { name: 'household-reminders' });

declare module 'fastify' {
  interface FastifyInstance {
    /** The step time-limit notices (modules/reminders). */
    caseLimits: CaseLimitReminders;
  }
}
