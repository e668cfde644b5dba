#!/usr/bin/env node
// Browser check of the live notifications (issue 10): the clerk's bell is on the stream (Server-Sent Events
// through the gateway, data-live="true"), and its count rises, without a reload, when the secretary approves
// the clerk's case in another browser context — the notification arriving on the stream (data-last-event
// moves to its id), not by the 15 s poll. Debian's Chromium driven by playwright-core against a running
// platform with the demo data (`npm start`; BASE_URL, default http://127.0.0.1:8080).
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, badge, browserSuite, input, login as loginAt, residentId } from './lib/browser.mjs';

const { browser, test, finish } = await browserSuite('notifications-live-browser', { failurePrefix: 'notifications-live-', nameLength: 80 });

const run = randomInt(100000, 999999);

/** With a minute for the answer (a login hashes the password; a busy machine is slow). */
const login = (page, username) => loginAt(page, username, { timeout: 60_000 });

await test('the clerk’s bell rises live when the secretary approves the clerk’s case in another browser context', async (page) => {
  // the case, opened, submitted and accepted by the clerk (through the API: another session of the clerk's)
  const clerk = await api('clerk.longteng');
  let c;
  try {
    const name = `实时通知${run % 1000}`;
    c = await clerk.post('/api/household/cases', {
      type: 'purchased_flat', applicantName: name, persons: [{ name, idNumber: residentId('1986-04-21'), relation: 'head' }],
      newHousehold: { kind: 'family', address: `栖霞市庄园街道龙腾小区${run % 30 + 1}号楼3单元${run % 9 + 1}01` }, propertyCertificateNo: `鲁(2021)栖霞市不动产权第${run}-7号`,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    c = await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'submit', version: c.version });
    c = await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'accept', version: c.version, originalsVerified: true });
  } finally {
    await clerk.dispose();
  }

  await login(page, 'clerk.longteng');
  const bell = page.getByTestId('notification-bell');
  // on the stream (not the 15 s poll)
  await page.waitForFunction(() => document.querySelector('[data-testid="notification-bell"]')?.getAttribute('data-live') === 'true', null, { timeout: 60_000 });
  const before = await badge(page);
  const lastBefore = (await bell.getAttribute('data-last-event')) ?? '';

  // the secretary approves in a browser context of their own, through the case page
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  try {
    const sec = await ctx.newPage();
    await login(sec, 'secretary.longteng');
    await sec.goto(`${BASE}/household/cases/${c.id}`);
    await sec.locator('[data-testid="case-status"][data-status="ACCEPTED"]').waitFor({ timeout: 60_000 });
    await sec.getByTestId('case-action-approve').click();
    const dialog = sec.getByTestId('case-action-dialog');
    await dialog.waitFor();
    await input(dialog, 'action-approval-no').fill(`栖准迁${run}`);
    await dialog.getByTestId('action-submit').click();
    await sec.locator('[data-testid="case-status"][data-status="APPROVED"]').waitFor({ timeout: 60_000 });
  } finally {
    await ctx.close();
  }

  // no reload, no navigation: the notification arrives on the stream (its id on the bell) and the count rises
  await page.waitForFunction((prev) => {
    const v = document.querySelector('[data-testid="notification-bell"]')?.getAttribute('data-last-event');
    return !!v && v !== prev;
  }, lastBefore, { timeout: 60_000 });
  const until = Date.now() + 30_000;
  let after = await badge(page);
  while (after <= before && Date.now() < until) {
    await page.waitForTimeout(250);
    after = await badge(page);
  }
  if (after <= before) throw new Error(`the bell shows ${after}; expected more than ${before}`);
  if ((await bell.getAttribute('data-live')) !== 'true') throw new Error('the bell left the stream');
  await page.screenshot({ path: join(OUT, 'notifications-live-bell.png') });
});

await finish();
