import request from 'supertest';
import { newId, setup, type TestContext, USERS } from './helper';
import { CASE_LIMIT_QUEUE } from '../src/modules/reminders/jobs';

// 办理时限提醒 (modules/reminders): the job's handler run directly on real cases (no clock waits: the
// steps are started in the past, and the run is given a later clock), its events read from the outbox.
let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const DAY = 86400_000;

async function draft(daysAgo: number, greenChannel = false): Promise<number> {
  const res = await request(t.app.server).post('/api/household/cases').set(as('clerk')).send({
    type: 'collective', applicantName: '王芳', persons: [{ name: '王芳', idNumber: newId('F', '1990-01-01'), relation: 'head' }], greenChannel,
  });
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${JSON.stringify(res.body)}`);
  await t.ds.query(`UPDATE move_case SET step_started_at = now() - make_interval(secs => $2 * 86400.0) WHERE id = $1`, [res.body.id, daysAgo]);
  return res.body.id;
}

const limitEvents = async (ids: number[]) =>
  (await t.ds.query(
    `SELECT type, (payload->>'caseId')::int AS "caseId", payload->>'light' AS light, payload->>'createdBy' AS "createdBy", payload->>'status' AS status, org_path AS "orgPath"
       FROM outbox_event WHERE type IN ('household.case.due_soon', 'household.case.overdue') AND (payload->>'caseId')::int = ANY($1::int[]) ORDER BY seq`,
    [ids],
  )) as { type: string; caseId: number; light: string; createdBy: string; status: string; orgPath: string }[];

describe('step time-limit notices (the clerk told yellow, then red)', () => {
  test('yellow at 80 % of the step’s limit, red past it, green channel halving it; each case, step and colour once', async () => {
    // DRAFT has 5 days: 4.5 used is yellow, 6 is red, 1 is green; the green channel's 2.5 days: 2.2 used is yellow
    const [yellow, red, green, greenChannel] = [await draft(4.5), await draft(6), await draft(1), await draft(2.2, true)];
    const ids = [yellow, red, green, greenChannel];
    const first = await t.app.caseLimits.run();
    expect(first.filter((n) => ids.includes(n.caseId)).map((n) => [n.caseId, n.light]).sort()).toEqual([[greenChannel, 'yellow'], [red, 'red'], [yellow, 'yellow']].sort());
    const events = await limitEvents(ids);
    expect(events).toHaveLength(3);
    // addressed to the clerk who opened it (its account), in its community's path, with the step
    for (const e of events) expect(e).toMatchObject({ createdBy: USERS.clerk.sub, status: 'DRAFT', orgPath: '/1/3/7/' });
    expect(events.find((e) => e.caseId === red)?.type).toBe('household.case.overdue');

    // a second run (or a restart) tells nobody again
    expect((await t.app.caseLimits.run()).filter((n) => ids.includes(n.caseId))).toEqual([]);

    // two days on: the yellow ones go red, the green one turns yellow (4.5 + 2 > 5; 1 + 2 = 60 % stays green)
    const later = new Date(Date.now() + 2 * DAY);
    const second = await t.app.caseLimits.run(later);
    expect(second.filter((n) => ids.includes(n.caseId)).map((n) => [n.caseId, n.light]).sort()).toEqual([[greenChannel, 'red'], [yellow, 'red']].sort());
    expect(await t.app.caseLimits.run(later)).toEqual([]);
    expect(await limitEvents(ids)).toHaveLength(5);
  });

  test('replicas running at once tell each case once (the notice row’s key)', async () => {
    const ids = [await draft(4.6), await draft(4.7), await draft(7)];
    const runs = await Promise.all([t.app.caseLimits.run(), t.app.caseLimits.run(), t.app.caseLimits.run()]);
    expect(runs.flat().filter((n) => ids.includes(n.caseId))).toHaveLength(3);
    expect(await limitEvents(ids)).toHaveLength(3);
  });

  test('a new step starts its own count: a case returned to a status it had is told again', async () => {
    const id = await draft(6);
    await t.app.caseLimits.run();
    // the step restarts (as a transition does): a new step_started_at
    await t.ds.query(`UPDATE move_case SET step_started_at = now() - interval '4.5 days' WHERE id = $1`, [id]);
    expect((await t.app.caseLimits.run()).filter((n) => n.caseId === id).map((n) => n.light)).toEqual(['yellow']);
    expect((await limitEvents([id])).map((e) => e.light)).toEqual(['red', 'yellow']);
  });

  test('the job is on the job engine, and a job through its queue runs the same handler', async () => {
    const id = await draft(8);
    const jobId = await t.app.jobs.send(CASE_LIMIT_QUEUE, {});
    expect(jobId).toBeTruthy();
    // the worker polls every 2 s: wait for the job to complete (no clock assumption, a generous bound)
    for (let i = 0; i < 60; i++) {
      const job = await t.app.jobs.getJobById(CASE_LIMIT_QUEUE, jobId!);
      if (job?.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await limitEvents([id])).map((e) => e.type)).toEqual(['household.case.overdue']);
  });
});
