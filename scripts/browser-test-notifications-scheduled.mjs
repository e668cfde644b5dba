#!/usr/bin/env node
// Browser check of a scheduled notice (issue 10): the household service's step time-limit job
// (`household-case-limits` on pg-boss) tells the clerk who opened a case that its step is overdue, and the notice
// reaches the clerk's open page — the bell rises without a reload and the notifications page lists it, worded.
// The case is the clerk's own, opened through the API; as no real case falls due while a test runs, its submission is
// dated back 30 days in the household database (as the owner, the step's start only), and the job is queued on its
// pg-boss queue as the cron would (no notification row is written by the test). Against a running platform with the
// demo data (`npm start`, whose embedded PostgreSQL this script finds as `npm run audit:verify` does, or DATABASE_URL;
// BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { databaseServer, shared } from './lib/platform.mjs';
import { OUT, api, badge, browserSuite, expectNoRawText, login as loginAt, openSubmittedCase } from './lib/browser.mjs';

const { test, finish } = await browserSuite('notifications-scheduled-browser', { failurePrefix: 'notifications-scheduled-', nameLength: 80 });

const run = randomInt(100000, 999999);
const CASE_LIMIT_QUEUE = 'household-case-limits';
const login = (page, username) => loginAt(page, username, { timeout: 60_000 });

await test('the step time-limit job tells the clerk of an overdue case: the bell rises live, the list words it', async (page) => {
  await login(page, 'clerk.longteng');
  const before = await badge(page);
  // the clerk's case, opened and submitted through the API
  const clerk = await api('clerk.longteng');
  let c;
  try {
    c = await openSubmittedCase(clerk, { name: `时限通知${run % 1000}`, birth: '1987-05-06', run });
  } finally {
    await clerk.dispose();
  }
  const db = await databaseServer({ reuseRunning: true });
  const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: db.url }, 'household');
  const client = new pg.Client({ connectionString: url });
  const boss = new PgBoss({ connectionString: url, schema: shared.JOB_SCHEMA, migrate: false, supervise: false, schedule: false, max: 2 });
  try {
    await client.connect();
    // submitted 30 days ago: past its 3-day limit
    const moved = await client.query(`UPDATE move_case SET step_started_at = now() - interval '30 days' WHERE id = $1 AND status = 'SUBMITTED'`, [c.id]);
    if (moved.rowCount !== 1) throw new Error(`case ${c.id} is not submitted`);
    await boss.start();
    // the queue's singleton policy refuses a second job while one waits (the cron's): then that one runs it
    const queued = await boss.send(CASE_LIMIT_QUEUE, {});
    process.stdout.write(`  job ${queued ?? '(one was already queued)'} on ${CASE_LIMIT_QUEUE}\n`);
    // the job ran once its notice row exists (the job writes it with the event)
    const until = Date.now() + 120_000;
    for (;;) {
      const told = await client.query(`SELECT light FROM case_limit_notice WHERE case_id = $1`, [c.id]);
      if (told.rows.some((r) => r.light === 'red')) break;
      if (Date.now() > until) throw new Error(`the job told nobody of case ${c.caseNo} within 2 minutes`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await client.end().catch(() => undefined);
    await db.stop();
  }
  // no reload: the open page's bell takes it from the stream
  const end = Date.now() + 60_000;
  let n = await badge(page);
  while (n <= before) {
    if (Date.now() > end) throw new Error(`the bell shows ${n}; expected more than ${before}`);
    await page.waitForTimeout(500);
    n = await badge(page);
  }
  await page.getByTestId('notification-bell').click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const row = page.getByTestId('notification-row').filter({ hasText: c.caseNo }).first();
  await row.waitFor({ timeout: 60_000 });
  const kind = await row.getAttribute('data-kind');
  if (kind !== 'case_overdue') throw new Error(`the clerk's notice of ${c.caseNo} is ${kind}`);
  const text = await row.innerText();
  if (!text.includes('已超过办理时限')) throw new Error(`the notice reads ${text}`);
  await expectNoRawText(page, 'the notifications page', page.getByTestId('notifications-page'));
  await page.screenshot({ path: join(OUT, 'notifications-scheduled.png') });
});

await finish();
