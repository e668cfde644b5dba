#!/usr/bin/env node
// Browser check of 通知公告 and the notification settings (issue 10): the admin publishes an announcement to
// 龙腾社区's clerks through the publish dialog, a clerk of that community sees it in the bell and opens it, the
// admin then sees 1 read receipt; a kind the clerk switched off in 通知设置 is not shown; the demo's 公开信 is on
// the public page without login. Debian's Chromium driven by playwright-core against a running platform with the
// demo data (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, badge, browserSuite, expectNoRawText, input, login as libLogin, stepState } from './lib/browser.mjs';

const { test, finish } = await browserSuite('announcements-browser', { failurePrefix: 'announcements-', nameLength: 80 });
const { state, need } = stepState();
const run = randomInt(100000, 999999);
const TITLE = `龙腾社区工作人员例会通知 ${run}`;

/** A login hashes the password: on a busy machine the answer takes a while. */
const login = (page, username) => libLogin(page, username, { timeout: 60_000 });

await test('the admin publishes an announcement to 龙腾社区’s clerks through the publish dialog', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/announcements`);
  await page.getByTestId('announcements-page').waitFor({ timeout: 60_000 });
  await expectNoRawText(page, 'the announcements page', page.getByTestId('announcements-page'));
  await page.getByTestId('announcements-publish').click();
  const dialog = page.getByTestId('announcement-publish-dialog');
  await input(dialog, 'announcement-title').fill(TITLE);
  await input(dialog, 'announcement-body').fill('请社区工作人员本周五下午三点到社区党群服务中心参加例会。');
  // the scope: search 龙腾 in the picker and take the community committee
  await input(dialog, 'announcement-scope').fill('龙腾社区');
  const option = page.locator('[data-testid^="announcement-scope-option-"]').filter({ hasText: '龙腾社区' }).first();
  await option.waitFor({ timeout: 30_000 });
  await option.click();
  await dialog.getByTestId('announcement-roles').click();
  await page.locator('.el-select-dropdown__item').filter({ hasText: '社区工作人员' }).first().click();
  await dialog.getByTestId('announcement-title').click();
  await dialog.getByTestId('announcement-publish-submit').click();
  const row = page.getByTestId('announcements-table').locator('tr').filter({ hasText: TITLE }).first();
  await row.waitFor({ timeout: 30_000 });
  const link = row.locator('[data-testid^="announcement-link-"]');
  state.id = Number((await link.getAttribute('data-testid')).replace('announcement-link-', ''));
  const count = (await page.getByTestId(`announcement-read-count-${state.id}`).innerText()).trim();
  if (count !== '0') throw new Error(`a fresh announcement shows ${count} reads`);
  await page.screenshot({ path: join(OUT, 'announcements-published.png'), fullPage: true });
});

await test('a clerk of 龙腾社区 sees it in the bell and opens it; a clerk of another community does not get it', async (page) => {
  const id = need('id');
  await login(page, 'clerk.longteng');
  // the bell reads its count after the page loaded
  const until = Date.now() + 40_000;
  while ((await badge(page)) < 1) {
    if (Date.now() > until) throw new Error('the clerk’s bell shows nothing');
    await page.waitForTimeout(500);
  }
  await page.getByTestId('notification-bell').click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const row = page.getByTestId('notification-row').filter({ hasText: TITLE }).first();
  await row.waitFor({ timeout: 60_000 });
  if ((await row.getAttribute('data-kind')) !== 'announcement') throw new Error(`the row is ${await row.getAttribute('data-kind')}`);
  await row.getByTestId('notification-open').click();
  await page.waitForURL((u) => u.pathname === `/announcements/${id}`);
  const title = await page.getByTestId('announcement-detail-title').innerText();
  if (title !== TITLE) throw new Error(`the read view shows ${title}`);
  const other = await api('clerk.cuiting');
  try {
    const page1 = await other.get('/api/notify/announcements?page=1&limit=100');
    if (page1.items.some((a) => a.id === id)) throw new Error('a clerk of another community received it');
  } finally {
    await other.dispose();
  }
});

await test('the admin sees 1 read receipt, by the clerk, of the accounts it reaches', async (page) => {
  const id = need('id');
  await login(page, 'admin');
  await page.goto(`${BASE}/announcements?view=managed`);
  const cell = page.getByTestId(`announcement-read-count-${id}`);
  await cell.waitFor({ timeout: 60_000 });
  const count = (await cell.innerText()).trim();
  if (count !== '1') throw new Error(`the admin sees ${count} reads`);
  await page.getByTestId(`announcement-receipts-${id}`).click();
  const dialog = page.getByTestId('announcement-receipts-dialog');
  await dialog.getByText('clerk.longteng').waitFor({ timeout: 30_000 });
  const text = await dialog.getByTestId('announcement-receipts-count').innerText();
  // read 1 of the M accounts it reaches (the org service counts the clerks of 龙腾)
  const m = /已读 1 人 \/ 共 (\d+) 人/.exec(text);
  if (!m || Number(m[1]) < 1) throw new Error(`the receipts say ${text}; expected 已读 1 人 / 共 M 人`);
  await page.screenshot({ path: join(OUT, 'announcements-receipts.png'), fullPage: true });
});

await test('a kind switched off in 通知设置 is not shown (and is shown again when switched back on)', async (page) => {
  await login(page, 'unit.staff');
  await page.goto(`${BASE}/notifications`);
  await page.getByTestId('notifications-page').waitFor({ timeout: 60_000 });
  // a notification of the kind, straight from the street: an item assigned to the unit
  const unitApi = await api('unit.staff');
  try {
    const kinds = (await unitApi.get('/api/notify/preferences')).items.map((p) => p.kind);
    if (!kinds.includes('item_assigned')) throw new Error(`the unit’s settings lack item_assigned: ${kinds}`);
    await page.getByTestId('notifications-settings').click();
    const dialog = page.getByTestId('notifications-settings-dialog');
    await dialog.getByTestId('notification-pref-item_assigned').click();
    await dialog.getByTestId('notifications-settings-save').click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    const muted = (await unitApi.get('/api/notify/preferences')).items.filter((p) => p.muted).map((p) => p.kind);
    if (muted.join() !== 'item_assigned') throw new Error(`muted after saving: ${muted}`);
    await page.goto(`${BASE}/notifications?kind=item_assigned`);
    await page.getByTestId('notifications-list').locator('.el-empty').waitFor({ timeout: 30_000 });
    if (await page.getByTestId('notification-row').count()) throw new Error('a muted kind is still listed');
  } finally {
    await unitApi.put('/api/notify/preferences', { muted: [] });
    await unitApi.dispose();
  }
});

await test('the 公开信 is on the public page, without login', async (page) => {
  await page.goto(`${BASE}/public/announcements`);
  const item = page.getByTestId('public-announcement-title').filter({ hasText: '公开信' }).first();
  await item.waitFor({ timeout: 60_000 });
  await expectNoRawText(page, 'the public announcements page', page.getByTestId('public-announcements'));
  if (await page.getByTestId('public-announcement-title').filter({ hasText: TITLE }).count()) throw new Error('a staff-only announcement is public');
  await page.screenshot({ path: join(OUT, 'announcements-public.png'), fullPage: true });
});

await finish();
