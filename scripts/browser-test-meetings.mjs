#!/usr/bin/env node
// Browser check of the joint committee meetings (大党委 / 大工委, issue 15 item 3): a community clerk opens 联席会议
// from the menu, convenes a meeting of the community committee (its part-time members from stationed units invited),
// records attendance and minutes, records a decision and turns it into a service item, which then links back to the
// meeting. Debian's Chromium driven by playwright-core against a running platform with the demo data (`npm start`;
// BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { BASE, browserSuite, expectNoRawText, input, login } from './lib/browser.mjs';

const { test, finish } = await browserSuite('meetings-browser', { failurePrefix: 'meetings-', nameLength: 80 });
/** Where the SPA keeps the chosen language (web/src/i18n/index.ts). */
const LOCALE_KEY = 'rh.locale';
const title = `龙腾社区大党委专题会 ${Date.now().toString(36)}`;

await test('a clerk convenes a 大党委 meeting, records attendance, minutes and a decision that becomes a service item', async (page) => {
  await login(page, 'clerk.longteng');
  await page.getByRole('menuitem', { name: '联席会议' }).click();
  await page.waitForURL((u) => u.pathname === '/meetings');
  // the demo's first-quarter meeting of the community
  await page.getByTestId('meetings-table').locator('.el-table__body tbody tr').first().waitFor({ timeout: 15_000 });
  const listed = (await page.getByTestId('meetings-table').locator('.el-table__body tbody tr').allInnerTexts()).join('\n');
  if (!listed.includes('龙腾社区“大党委”第一季度联席会议')) throw new Error(`the demo meeting is not listed: ${listed}`);
  await expectNoRawText(page, 'the meetings list');

  // convene: the community's own committee is preselected
  await page.getByTestId('meetings-convene').click();
  const dialog = page.getByTestId('convene-dialog');
  await input(dialog, 'convene-title').fill(title);
  const when = dialog.locator('.el-date-editor input').first();
  await when.click();
  await when.fill('2026-01-15 09:00:00');
  await when.press('Enter');
  await input(dialog, 'convene-place').fill('龙腾社区党群服务中心');
  await input(dialog, 'convene-agenda').fill('通报双报到工作\n研究挡风玻璃厂小区道路硬化');
  await page.getByTestId('convene-submit').click();
  await page.waitForURL((u) => /^\/meetings\/\d+$/.test(u.pathname), { timeout: 15_000 });
  await page.getByTestId('meeting-title').filter({ hasText: title }).waitFor();
  await expectNoRawText(page, 'the meeting page');

  // the committee's seats are invited, part-time members with their unit
  const attendees = page.getByTestId('meeting-attendees').locator('.el-table__body tbody tr');
  const texts = await attendees.allInnerTexts();
  const partTime = texts.findIndex((r) => r.includes('兼职委员'));
  if (texts.length < 3 || partTime < 0) throw new Error(`the attendees: ${texts.join(' | ')}`);
  // the part-time member came; so did the secretary
  for (const i of [0, partTime]) {
    await attendees.nth(i).getByTestId('attendance-select').click();
    await page.locator('.el-select-dropdown:visible .el-select-dropdown__item', { hasText: '出席' }).first().click();
    // the dropdown fades out: the next select's option must not be looked for in this one's closing list
    await page.waitForFunction(() => ![...document.querySelectorAll('.el-select-dropdown')].some((e) => e.getClientRects().length > 0 && getComputedStyle(e.closest('.el-popper') ?? e).display !== 'none'), null, { timeout: 15_000 });
  }
  await input(page, 'meeting-minutes').fill('会议由书记主持，兼职委员通报了单位服务承诺，议定硬化挡风玻璃厂小区道路。');
  const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/api/org/meetings/'));
  await page.getByTestId('meeting-held').click();
  if ((await saved).status() !== 200) throw new Error('saving the minutes did not answer 200');
  await page.getByTestId('meeting-status').filter({ hasText: '已召开' }).waitFor();

  // a decision, turned into a service item
  await input(page, 'decision-text').fill('硬化挡风玻璃厂小区道路，驻区单位共同出资');
  await input(page, 'decision-owner').fill('栖霞市自然资源和规划局');
  await page.getByTestId('decision-add').click();
  const toItem = page.getByTestId('meeting-decisions').locator('.el-table__body [data-testid="decision-to-item"]').last();
  await toItem.waitFor();
  await toItem.click();
  const work = page.getByTestId('work-dialog');
  await work.getByTestId('work-category').click();
  await page.locator('.el-select-dropdown:visible .el-select-dropdown__item').first().click();
  await input(work, 'work-place').fill('挡风玻璃厂小区');
  const made = page.waitForResponse((r) => r.url().includes('/work') && r.request().method() === 'POST');
  await page.getByTestId('work-submit').click();
  const res = await made;
  if (res.status() !== 200) throw new Error(`turning the decision into an item answered ${res.status()}: ${await res.text()}`);
  const link = page.getByTestId('meeting-decisions').locator('.el-table__body [data-testid="decision-item-link"]').last();
  await link.waitFor();
  const itemText = await link.innerText();
  if (!/服务事项 FW\d{6}-\d{6}/.test(itemText)) throw new Error(`the decision shows: ${itemText}`);

  // the item is in the community's triage and points back at the meeting
  await link.click();
  await page.waitForURL((u) => /^\/volunteer\/items\/\d+$/.test(u.pathname), { timeout: 15_000 });
  const back = page.getByTestId('item-meeting-link');
  await back.waitFor({ timeout: 15_000 });
  if ((await back.innerText()).trim() !== title) throw new Error(`the item links back to: ${await back.innerText()}`);
  await back.click();
  await page.waitForURL((u) => /^\/meetings\/\d+$/.test(u.pathname));
  await page.getByTestId('meeting-title').filter({ hasText: title }).waitFor();
});

await test('the street sees its 大工委 meeting and its communities’; the page reads in English too', async (page) => {
  await login(page, 'street.zhuangyuan');
  await page.goto(`${BASE}/meetings`);
  await page.getByTestId('meetings-table').locator('.el-table__body tbody tr').first().waitFor({ timeout: 15_000 });
  const rows = (await page.getByTestId('meetings-table').locator('.el-table__body tbody tr').allInnerTexts()).join('\n');
  if (!rows.includes('庄园街道党工委') || !rows.includes('龙腾社区党委')) throw new Error(`the street's list: ${rows}`);
  await page.evaluate((key) => localStorage.setItem(key, 'en'), LOCALE_KEY);
  await page.reload();
  await page.getByRole('heading', { name: 'Joint committee meetings' }).waitFor({ timeout: 15_000 });
  await expectNoRawText(page, 'the meetings list (English)');
});

await test('a grid worker has no meetings menu', async (page) => {
  await login(page, 'grid.longteng');
  if (await page.getByRole('menuitem', { name: '联席会议' }).count()) throw new Error('a grid worker sees the meetings menu');
});

await finish();
