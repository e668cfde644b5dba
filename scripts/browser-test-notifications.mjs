#!/usr/bin/env node
// Browser check of the notifications (issue 10): the clerk's bell lights up when the secretary approves
// the clerk's case in another session (household.case.approved → the notification service → the bell),
// the secretary's bell shows the case waiting for approval, the notifications page lists both with their
// texts, opening one leads to the case and marks it read, and 全部标为已读 clears the bell. Debian's
// Chromium driven by playwright-core against a running platform with the demo data (`npm start`;
// BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, badge, browserSuite, expectNoRawText, login as loginAt, residentId, stepState } from './lib/browser.mjs';

const { test, finish } = await browserSuite('notifications-browser', { failurePrefix: 'notifications-', nameLength: 80 });
const { state, need } = stepState();

const run = randomInt(100000, 999999);

/** With a minute for the answer (a login hashes the password; a busy machine is slow). */
const login = (page, username) => loginAt(page, username, { timeout: 60_000 });

/** Waits until `pred(badge)` holds (the bell polls every 15 s and on each page change). */
async function badgeUntil(page, pred, what, timeoutMs = 40_000) {
  const until = Date.now() + timeoutMs;
  let n = await badge(page);
  while (!pred(n)) {
    if (Date.now() > until) throw new Error(`the bell shows ${n}; expected ${what}`);
    await page.waitForTimeout(500);
    n = await badge(page);
  }
  return n;
}

await test('the clerk’s bell lights up when the secretary approves the clerk’s case in another session', async (page) => {
  await login(page, 'clerk.longteng');
  const before = await badge(page);
  // the case: opened, submitted and accepted by the clerk, approved by the secretary (another session, through the API)
  const clerk = await api('clerk.longteng');
  const secretary = await api('secretary.longteng');
  try {
    const name = `通知测试${run % 1000}`;
    let c = await clerk.post('/api/household/cases', {
      type: 'purchased_flat', applicantName: name, persons: [{ name, idNumber: residentId('1985-03-12'), relation: 'head' }],
      newHousehold: { kind: 'family', address: `栖霞市庄园街道龙腾小区${run % 30 + 1}号楼2单元${run % 9 + 1}02` }, propertyCertificateNo: `鲁(2020)栖霞市不动产权第${run}-9号`,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    state.caseId = c.id;
    state.caseNo = c.caseNo;
    c = await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'submit', version: c.version });
    c = await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'accept', version: c.version, originalsVerified: true });
    await secretary.post(`/api/household/cases/${c.id}/transitions`, { action: 'approve', version: c.version, approvalNo: `栖准迁${run}` });
  } finally {
    await clerk.dispose();
    await secretary.dispose();
  }
  // no reload: the open page's bell picks it up
  const after = await badgeUntil(page, (n) => n > before, `more than ${before}`);
  const label = await page.getByTestId('notification-bell').getAttribute('aria-label');
  if (!label?.includes(String(after))) throw new Error(`the bell's accessible name does not give the count: ${label}`);
  await page.screenshot({ path: join(OUT, 'notifications-bell.png') });
});

await test('the secretary’s bell shows the case waiting for approval', async (page) => {
  const caseNo = need('caseNo');
  await login(page, 'secretary.longteng');
  await badgeUntil(page, (n) => n > 0, 'at least 1');
  await page.getByTestId('notification-bell').click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const row = page.getByTestId('notification-row').filter({ hasText: caseNo }).first();
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('data-kind')) !== 'case_awaiting_approval') throw new Error(`the secretary's notification is ${await row.getAttribute('data-kind')}`);
});

await test('the clerk’s notifications page: the approval with its text, opening it leads to the case and marks it read; 全部标为已读 clears the bell', async (page) => {
  const caseNo = need('caseNo');
  const caseId = need('caseId');
  await login(page, 'clerk.longteng');
  await page.getByTestId('notification-bell').click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  await expectNoRawText(page, 'the notifications page', page.getByTestId('notifications-page'));
  const row = page.getByTestId('notification-row').filter({ hasText: caseNo }).first();
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('data-kind')) !== 'case_approved') throw new Error(`the clerk's notification is ${await row.getAttribute('data-kind')}`);
  const text = await row.getByTestId('notification-text').innerText();
  if (!text.includes('审批通过') || !text.includes('龙腾社区')) throw new Error(`the notification reads: ${text}`);
  if ((await row.getAttribute('data-read')) !== 'false') throw new Error('the new notification is shown as read');
  await page.screenshot({ path: join(OUT, 'notifications-page.png'), fullPage: true });
  const before = await badge(page);
  await row.getByTestId('notification-open').click();
  await page.waitForURL((u) => u.pathname === `/household/cases/${caseId}`);
  await badgeUntil(page, (n) => n === before - 1, `${before - 1} after opening one`);
  // back on the list: that one is read; then everything
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const again = page.getByTestId('notification-row').filter({ hasText: caseNo }).first();
  await again.waitFor();
  if ((await again.getAttribute('data-read')) !== 'true') throw new Error('the opened notification is still unread');
  await page.getByTestId('notifications-read-all').click();
  await badgeUntil(page, (n) => n === 0, '0 after marking all read', 15_000);
  if (await page.locator('[data-testid="notification-row"][data-read="false"]').count()) throw new Error('unread rows remain after 全部标为已读');
  // the unread-only filter shows nothing now
  await page.getByTestId('notifications-unread-only').click();
  await page.getByTestId('notifications-list').locator('.el-empty').waitFor({ timeout: 10_000 });
});

await test('English: the page and the bell in the other language', async (page) => {
  await page.addInitScript(() => localStorage.setItem('rh.locale', 'en'));
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/notifications`);
  await page.getByRole('heading', { name: 'Notifications' }).waitFor({ timeout: 60_000 });
  const label = await page.getByTestId('notification-bell').getAttribute('aria-label');
  if (!label?.startsWith('Notifications')) throw new Error(`the bell's name in English: ${label}`);
});

await finish();
