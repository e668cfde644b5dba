import PgBoss from 'pg-boss';
import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';

/**
 * Background jobs on pg-boss (a job queue in PostgreSQL): each service's jobs live in the schema
 * `pgboss` of its own database. One engine per process, on the service's own connection pool.
 *
 * - Scheduled work (cron) runs once per cluster, not once per replica: pg-boss turns a schedule
 *   into one job per slot and only one worker fetches it (`SKIP LOCKED`).
 * - The schema is installed by the migrate step (`installJobSchema`, as the database owner), so a
 *   service's own login role needs no CREATE right; the engine itself never migrates.
 */
export const JOB_SCHEMA = 'pgboss';

export type JobEngine = PgBoss;
export type Job<T = object> = PgBoss.Job<T>;

/** The pg pool under a TypeORM DataSource (pg-boss shares it: one connection budget per service). */
function poolOf(ds: DataSource): { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  const pool = (ds.driver as unknown as { master?: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } }).master;
  if (!pool) throw new Error('the DataSource is not initialised (no pg pool)');
  return pool;
}

function adapter(ds: DataSource): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const res = await poolOf(ds).query(text, values?.length ? values : undefined);
      // a multi-statement text answers an array of results
      return Array.isArray(res) ? (res[res.length - 1] as { rows: unknown[] }) : res;
    },
  };
}

/** Creates or upgrades the job schema (idempotent; run by the migrate step under its advisory lock). */
export async function installJobSchema(ds: DataSource): Promise<void> {
  const boss = new PgBoss({ db: adapter(ds), schema: JOB_SCHEMA, migrate: true, supervise: false, schedule: false });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.stop({ graceful: false, wait: true, close: false });
  // A queue is a partition of pgboss.job that create_queue makes on first use (DDL). Run as its owner,
  // a service's own login role (DML only) can still create a new queue; an existing one is a no-op.
  for (const fn of ['create_queue(text, json)', 'delete_queue(text)']) {
    await ds.query(`ALTER FUNCTION ${JOB_SCHEMA}.${fn} SECURITY DEFINER SET search_path = pg_catalog, ${JOB_SCHEMA}`);
  }
}

export interface JobEngineOptions {
  /** Run the cron clock and the maintenance (expiry, archiving) in this process. Default true. */
  schedule?: boolean;
  /** How often an idle worker polls for work, seconds (pg-boss default 2). */
  pollingIntervalSeconds?: number;
  /** How often the cron clock looks at the schedules, seconds (pg-boss default 30; 1–45). */
  cronMonitorIntervalSeconds?: number;
  /** How often scheduled jobs are moved to their queue, seconds (pg-boss default 5; 1–45). */
  cronWorkerIntervalSeconds?: number;
  onError?: (err: unknown) => void;
}

/** A started engine on the DataSource's pool (never installs the schema: `installJobSchema` does). */
export async function startJobEngine(ds: DataSource, opts: JobEngineOptions = {}): Promise<JobEngine> {
  const boss = new PgBoss({
    db: adapter(ds),
    schema: JOB_SCHEMA,
    migrate: false,
    supervise: opts.schedule ?? true,
    schedule: opts.schedule ?? true,
    ...(opts.cronMonitorIntervalSeconds ? { cronMonitorIntervalSeconds: opts.cronMonitorIntervalSeconds } : {}),
    ...(opts.cronWorkerIntervalSeconds ? { cronWorkerIntervalSeconds: opts.cronWorkerIntervalSeconds } : {}),
  });
  boss.on('error', (err) => opts.onError?.(err));
  await boss.start();
  return boss;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** pg-boss on the service's database (see @redheart/shared jobs.ts). */
    jobs: JobEngine;
  }
}

/**
 * `app.jobs`: the engine, started after the database plugin and stopped before the pool closes.
 * Register queues and workers in the service's own plugins (`app.jobs.createQueue`, `app.jobs.work`,
 * `app.jobs.schedule`) after this one.
 */
export const jobsPlugin = fp<JobEngineOptions>(
  async (app, opts) => {
    const boss = await startJobEngine(app.db, { ...opts, onError: opts.onError ?? ((err) => app.log.error({ err }, 'job engine error')) });
    app.decorate('jobs', boss);
    app.addHook('preClose', async () => {
      await boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
    });
  },
  { name: 'redheart-jobs', dependencies: ['redheart-db'] },
);

/** One piece of scheduled work (a cron) of a service. */
export interface ScheduledJob<R> {
  /** The pg-boss queue (and the schedule's name). */
  queue: string;
  /** When it runs (cron, 5 fields, in `timezone`); absent: the worker only, no schedule (tests call the work directly). */
  cron?: string;
  /** The cron's time zone (BUSINESS_TIMEZONE, Asia/Shanghai). */
  timezone?: string;
  /** Retries of a failed run (0: the next slot tries again). */
  retryLimit?: number;
  /** How long one run may take before pg-boss gives up on it. */
  expireInSeconds?: number;
  /** How often an idle worker polls (seconds; tests shorten it). */
  pollingIntervalSeconds?: number;
  /** The work; what it returns is kept as the job's output. */
  run: (job: Job<unknown> | undefined) => Promise<R>;
}

/**
 * Scheduled work once per cluster however many replicas run: a `singleton` queue (a slow run never overlaps the
 * next), a worker on every replica that fetches one job at a time (`SKIP LOCKED`: exactly one of them gets it), and
 * the schedule, which every replica upserts the same way (the slot's singleton key lets one job per slot through).
 */
export async function scheduleJob<R>(jobs: JobEngine, spec: ScheduledJob<R>): Promise<void> {
  await jobs.createQueue(spec.queue, { name: spec.queue, policy: 'singleton', retryLimit: spec.retryLimit ?? 0, expireInSeconds: spec.expireInSeconds ?? 300 });
  await jobs.work(spec.queue, { pollingIntervalSeconds: spec.pollingIntervalSeconds ?? 2, batchSize: 1 }, async ([job]) => spec.run(job));
  if (spec.cron) await jobs.schedule(spec.queue, spec.cron, {}, { tz: spec.timezone ?? 'Asia/Shanghai' });
}
