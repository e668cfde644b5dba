import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { FastifyInstance } from 'fastify';
import type { DataSource } from 'typeorm';
import { JOB_SCHEMA, serviceTestDataSource } from '@redheart/shared';
import { buildApp } from '../src/app';
import { createVolunteerDataSource, migrateVolunteer } from '../src/data-source';
import { ESCALATE_QUEUE } from '../src/modules/escalation/jobs';
import { setup, testDatabaseUrl, type TestContext, USERS } from './helper';

// Two replicas of the volunteer service on one database, both running the scheduled work with a
// clock that looks every second: each cron slot of the escalation is run once, by one of them.
let t: TestContext;
const replicas: { app: FastifyInstance; ds: DataSource; runs: string[] }[] = [];
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => {
  for (const r of replicas) {
    await r.app.close();
    await r.ds.destroy();
  }
  await t.close();
});

async function replica(name: string) {
  const ds = await serviceTestDataSource(testDatabaseUrl(), { service: 'volunteer', create: createVolunteerDataSource, migrate: migrateVolunteer }, 5);
  const runs: string[] = [];
  const app = await buildApp({
    publicKey: t.keys.publicKey,
    dataSource: ds,
    filesDir: mkdtempSync(join(tmpdir(), 'redheart-evidence-')),
    logger: {
      level: 'info',
      stream: {
        write: (line: string) => {
          const { msg, escalated } = JSON.parse(line) as { msg: string; escalated?: number[] };
          if (msg.startsWith('escalat')) runs.push(`${name}:${(escalated ?? []).join(',')}`);
        },
      },
    },
    scheduled: { escalateCron: '* * * * *', cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1, pollingIntervalSeconds: 0.5 },
  });
  await app.ready();
  replicas.push({ app, ds, runs });
  return { app, runs };
}

const until = async (what: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 250));
  }
};

it('runs the escalation once per cron slot for the cluster, not once per replica', async () => {
  const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
  const reported = await request(t.app.server).post('/api/volunteer/items').set(as('grid'))
    .send({ categoryId: t.category, place: '龙腾小区9号楼', description: '楼道照明损坏，老人夜间出行不便' });
  expect(reported.status).toBe(201);
  const published = await request(t.app.server).post(`/api/volunteer/items/${reported.body.id}/transitions`).set(as('clerk'))
    .send({ action: 'publish', version: reported.body.version, deadline: new Date(Date.now() + 60_000).toISOString() });
  expect(published.status).toBe(200);
  // its deadline has passed
  await t.ds.query(`UPDATE item SET deadline = now() - interval '1 hour' WHERE id = $1`, [reported.body.id]);

  const a = await replica('a');
  const b = await replica('b');
  const jobs = async () => (await t.ds.query(`SELECT id, state FROM ${JOB_SCHEMA}.job WHERE name = $1 ORDER BY created_on`, [ESCALATE_QUEUE])) as { id: string; state: string }[];
  // the first slot (a schedule of every minute is due at once), then the next minute's
  await until(async () => (await jobs()).some((j) => j.state === 'completed'), 60_000);
  await until(async () => (await jobs()).filter((j) => j.state === 'completed').length >= 2, 75_000);
  // both clocks kept looking each second in the meantime; a few more ticks
  await new Promise((r) => setTimeout(r, 3000));

  const all = await jobs();
  const slots = await t.ds.query(`SELECT DISTINCT singleton_on FROM ${JOB_SCHEMA}.job WHERE name = '__pgboss__send-it' AND singleton_key = $1`, [ESCALATE_QUEUE]);
  // one job per slot, each run by exactly one replica
  expect(all.length).toBe(slots.length);
  expect(all.length).toBeGreaterThanOrEqual(2);
  const runs = [...a.runs, ...b.runs];
  expect(runs.length).toBe(all.filter((j) => j.state === 'completed').length);
  // the overdue item was escalated by the first run only, with one event
  expect(runs.filter((r) => r.endsWith(`:${reported.body.id}`))).toHaveLength(1);
  const events = await t.ds.query(`SELECT count(*)::int AS n FROM item_event WHERE item_id = $1 AND action = 'escalate'`, [reported.body.id]);
  expect(events[0].n).toBe(1);
  const item = await request(t.app.server).get(`/api/volunteer/items/${reported.body.id}`).set(as('admin'));
  expect(item.body.status).toBe('ESCALATED');
}, 180_000);
