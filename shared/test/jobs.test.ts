import { DataSource } from 'typeorm';
import { installJobSchema, JOB_SCHEMA, startJobEngine, type JobEngine } from '../src';
import { emptyTestDatabase } from './db';

// pg-boss on a real database: the schema installed by the owner step, two engines (two replicas)
// sharing one queue, each job done exactly once.
describe('job engine (pg-boss)', () => {
  let ds: DataSource;
  const engines: JobEngine[] = [];
  beforeAll(async () => {
    ds = await emptyTestDatabase('jobs');
    await ds.query(`DROP SCHEMA IF EXISTS ${JOB_SCHEMA} CASCADE`);
    await installJobSchema(ds);
    await installJobSchema(ds); // idempotent
  }, 120_000);
  afterAll(async () => {
    for (const e of engines) await e.stop({ graceful: false, wait: true, close: false });
    await ds.destroy();
  });

  it('two engines on one queue: every job is done once, by one of them', async () => {
    const a = await startJobEngine(ds, { pollingIntervalSeconds: 0.5 });
    const b = await startJobEngine(ds, { schedule: false, pollingIntervalSeconds: 0.5 });
    engines.push(a, b);
    await a.createQueue('test-work');
    const done: { n: number; by: string }[] = [];
    for (const [name, e] of [['a', a], ['b', b]] as const) {
      await e.work<{ n: number }>('test-work', { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
        done.push({ n: job.data.n, by: name });
      });
    }
    for (let n = 0; n < 20; n++) await a.send('test-work', { n });
    for (let i = 0; i < 600 && done.length < 20; i++) await new Promise((r) => setTimeout(r, 100));
    expect(done.map((d) => d.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM ${JOB_SCHEMA}.job WHERE name = 'test-work' AND state = 'completed'`);
    expect(count).toBe(20);
  }, 120_000);
});
