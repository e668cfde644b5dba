#!/usr/bin/env node
// Browser check of issue 9 item 5 (messages in the user's language): in zh-CN, the server's refusals reach the user
// worded by the SPA from the error's code and params — an import with bad rows (each row's problem by its code in the
// preview), a refused workflow transition (WRONG_STATE: the record, its state and the action in Chinese, not the
// API's English sentence), and forms whose fields the server refuses (a position's phone, an announcement's title and
// body: on those fields, worded from the field codes) — and nothing on screen is an untranslated English sentence or
// a raw i18n key. Debian's
// Chromium driven by playwright-core against a running platform with the demo data (`npm start`; BASE_URL, default
// http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { BASE, api, browserSuite, expectFieldError, expectNoEnglish, expectNoRawText, expectWordedInChinese, input, login, residentId } from './lib/browser.mjs';

const { test, finish } = await browserSuite('errors-browser', { failurePrefix: 'errors-', nameLength: 80 });

const run = randomInt(100000, 999999);
const csvCell = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows) => Buffer.from(`\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');

await test('zh-CN: an import with bad rows shows each row\'s problem in Chinese (worded from its code), no English, no raw key', async (page) => {
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/import`);
  await page.getByTestId('import-view').waitFor({ timeout: 15_000 });
  const head = residentId('1975-03-14', 'M');
  const header = ['户号', '社区', '户别', '楼号', '单元', '房号', '地址', '网格', '姓名', '身份证号', '与户主关系', '登记日期'];
  const row = (over) => {
    const v = { 户号: `ERR${run}`, 社区: '', 户别: '家庭户', 楼号: '6', 单元: '2', 房号: '402', 地址: `庄园街道龙腾小区6号楼2单元402（${run}）`, 网格: '', 姓名: '错误测试', 身份证号: head, 与户主关系: '户主', 登记日期: '2012-06-01', ...over };
    return header.map((h) => v[h]);
  };
  const body = csv([
    header,
    row({}),
    // a wrong check character, an unknown relation, a date in the future, an unknown community, a household kind
    row({ 姓名: '错误一', 身份证号: `${head.slice(0, 17)}${head[17] === '1' ? '2' : '1'}`, 与户主关系: '邻居' }),
    row({ 姓名: '错误二', 身份证号: residentId('1980-01-01', 'F'), 与户主关系: '配偶', 登记日期: '2999-01-01', 社区: '不存在社区', 户别: '大户' }),
    row({ 姓名: '错误三', 身份证号: head, 与户主关系: '子女' }),
  ]);
  await page.getByTestId('import-kind-households').click();
  await page.locator('[data-testid="import-file"] input[type="file"]').setInputFiles({ name: `errors-${run}.csv`, mimeType: 'text/csv', buffer: body });
  await page.getByTestId('import-start').click();
  await page.locator('[data-testid="import-job"][data-status="invalid"]').waitFor({ timeout: 60_000 });
  for (const r of [3, 4, 5]) {
    const text = await expectWordedInChinese(page, page.getByTestId(`import-row-errors-${r}`), `row ${r}'s errors`);
    if (r === 3 && !text.includes('校验码')) throw new Error(`row 3: ${text}`);
    if (r === 4 && !(text.includes('社区') && text.includes('日期'))) throw new Error(`row 4: ${text}`);
    if (r === 5 && !text.includes('第 2 行')) throw new Error(`row 5: ${text}`);
  }
  // A cell's tooltip carries the same words.
  const cell = page.getByTestId('import-cell-error-3-idNumber');
  await cell.hover();
  await expectWordedInChinese(page, page.locator('.el-popper:visible').filter({ hasText: '校验码' }).first(), 'the ID number cell\'s tooltip');
  await expectWordedInChinese(page, page.getByTestId('import-view'), 'the import page');
  await expectNoRawText(page, 'the import page');
});

/** A service item of 龙腾, reported by the clerk (through the API), and the clerk's API session. */
async function reportedItem() {
  const clerk = await api('clerk.longteng');
  const categories = (await clerk.get('/api/volunteer/categories')).filter((c) => c.active);
  const item = await clerk.post('/api/volunteer/items', { categoryId: categories[0].id, place: `龙腾小区${(run % 30) + 1}号楼${run}`, description: `楼道扶手松动，需要加固（错误测试 ${run}）` });
  return { clerk, item };
}

await test('zh-CN: a transition refused because the item changed meanwhile (409 WRONG_STATE) names the item, its state and the action in Chinese', async (page) => {
  const { clerk, item } = await reportedItem();
  try {
    await login(page, 'clerk.longteng');
    await page.goto(`${BASE}/volunteer/items/${item.id}`);
    await page.getByTestId('item-action-publish').waitFor({ timeout: 15_000 });
    // Behind the page's back (another clerk, another tab): the item is rejected.
    await clerk.post(`/api/volunteer/items/${item.id}/transitions`, { action: 'reject', version: item.version, reason: '不属于社区服务范围（错误测试）' });
    await page.getByTestId('item-action-publish').click();
    const dialog = page.getByTestId('item-action-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('action-submit').click();
    const banner = page.getByTestId('item-conflict');
    const text = await expectWordedInChinese(page, banner, 'the conflict banner');
    // "该服务事项当前为“…”，不能“发布”": the state and the action by their Chinese names.
    const detail = await page.getByTestId('item-conflict-detail').innerText();
    if (!detail.includes('发布') || !detail.includes('当前为')) throw new Error(`the conflict's particulars: "${detail}" (banner "${text}")`);
    await expectNoRawText(page, 'the item page with the conflict');
    expectNoEnglish(await page.locator('main, .el-main').first().innerText(), 'the item page with the conflict');
  } finally {
    await clerk.dispose();
  }
});

await test('zh-CN: a position whose phone the org service refuses shows why on the phone field, in Chinese', async (page) => {
  const admin = await api('admin');
  let longteng;
  try {
    longteng = (await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`))[0];
  } finally {
    await admin.dispose();
  }
  await login(page, 'admin', { timeout: 60_000 });
  await page.goto(`${BASE}/org?unit=${longteng.id}`);
  await page.getByTestId('node-tabs').waitFor({ timeout: 15_000 });
  await page.locator('#tab-positions').click();
  await page.getByTestId('position-add').click();
  await input(page, 'position-person').fill(`错误测试${run}`);
  // letters in a phone number: only the server checks it (digits, spaces, +, -, ( and ))
  await input(page, 'position-phone').fill('call me');
  await page.getByTestId('position-submit').click();
  const text = await expectFieldError(page, 'position-phone-item', 'the phone field\'s error');
  if (!text.includes('电话')) throw new Error(`the phone field says "${text}"`);
  expectNoEnglish(await page.locator('.el-dialog:visible').first().innerText(), 'the position dialog');
});

await test('zh-CN: an announcement with a blank title and a one-character body shows each refusal on its field, in Chinese', async (page) => {
  await login(page, 'admin', { timeout: 60_000 });
  await page.goto(`${BASE}/announcements`);
  await page.getByTestId('announcements-page').waitFor({ timeout: 60_000 });
  await page.getByTestId('announcements-publish').click();
  const dialog = page.getByTestId('announcement-publish-dialog');
  // nothing in the title and one character in the body: the form sends them, the notification service refuses both
  await input(dialog, 'announcement-title').fill('  ');
  await input(dialog, 'announcement-body').fill('测');
  await input(dialog, 'announcement-scope').fill('龙腾社区');
  const option = page.locator('[data-testid^="announcement-scope-option-"]').filter({ hasText: '龙腾社区' }).first();
  await option.waitFor({ timeout: 30_000 });
  await option.click();
  await dialog.getByTestId('announcement-publish-submit').click();
  const title = await expectFieldError(page, 'announcement-title-item', 'the title field\'s error');
  const body = await expectFieldError(page, 'announcement-body-item', 'the body field\'s error');
  if (!title.includes('2') || !body.includes('2')) throw new Error(`the limits are not named: title "${title}", body "${body}"`);
  if (!(await dialog.isVisible())) throw new Error('the dialog closed although nothing was published');
  expectNoEnglish(await dialog.innerText(), 'the publish dialog');
  await expectNoRawText(page, 'the publish dialog', dialog);
});

await finish();
