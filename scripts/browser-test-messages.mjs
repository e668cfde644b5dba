#!/usr/bin/env node
// Browser check of what the zh-CN user reads: no raw i18n key (`household.sheet.title` was printed on the one-time
// notice) and no `[object Object]` (the org detail's staff attribute) on the pages that show the most server data —
// the case detail, its receipt and one-time notice, the org detail and a closed service item. Debian's Chromium
// driven by playwright-core against a running platform with the demo data (`npm start`; BASE_URL, default
// http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { BASE, api, browserSuite, expectNoRawText, input, login } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('messages-browser', { failurePrefix: 'messages-', nameLength: 80 });

/** The pages to read, found through the API in the demo data. */
const pages = {};
try {
  const clerk = await api('clerk.longteng');
  const first = async (path) => (await clerk.get(path)).items[0];
  const withNotice = await first('/api/household/cases?status=NEEDS_SUPPLEMENT&limit=1');
  const detail = withNotice && (await clerk.get(`/api/household/cases/${withNotice.id}`));
  if (!detail?.notices?.length) throw new Error('the demo data has no case with a one-time notice in 龙腾社区');
  pages.noticeCase = detail.id;
  pages.notice = detail.notices[0].id;
  const accepted = await first('/api/household/cases?status=ACCEPTED&limit=1');
  if (!accepted) throw new Error('the demo data has no ACCEPTED case in 龙腾社区');
  pages.acceptedCase = accepted.id;
  const closed = await first('/api/volunteer/items?status=CLOSED&limit=1');
  if (!closed) throw new Error('the demo data has no CLOSED service item in 龙腾社区');
  pages.item = closed.id;
  await clerk.dispose();
  const admin = await api('admin');
  const [longteng] = await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`);
  pages.community = longteng.id;
  await admin.dispose();
} catch (e) {
  fail('set-up from the demo data', e);
  await finish();
}

/** Opens `path`, waits for `testid` (the page's data) and for the network to settle, then reads the page. */
async function read(page, what, path, testid) {
  await page.goto(`${BASE}${path}`);
  await page.getByTestId(testid).first().waitFor({ timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await expectNoRawText(page, what);
}

await test('the check itself: a key missing from the messages and [object Object] are caught, ordinary dotted text is not', async (page) => {
  const caught = async (html) => {
    await page.setContent(`<body>${html}</body>`);
    return expectNoRawText(page, 'the sample').then(() => null, (e) => e.message);
  };
  if (!(await caught('<h1>household.sheet.title</h1>'))?.includes('household.sheet.title')) throw new Error('a key missing from the messages was not caught');
  if (!(await caught('<p>household.notice.title</p>'))?.includes('household.notice.title')) throw new Error('a key of the messages was not caught');
  if (!(await caught('<span>[object Object]、[object Object]</span>'))?.includes('[object Object]')) throw new Error('[object Object] was not caught');
  if (!(await caught('<input placeholder="volunteer.fields.place">'))?.includes('volunteer.fields.place')) throw new Error('a raw placeholder was not caught');
  const ok = await caught('<p>请访问 www.qixia.gov.cn，附件 after.png，版本 v1.2</p>');
  if (ok) throw new Error(`ordinary text was flagged: ${ok}`);
});

await test('clerk.longteng reads a case, its one-time notice and a receipt in zh-CN: no raw key, no [object Object]', async (page) => {
  await login(page, 'clerk.longteng');
  await read(page, 'the case detail', `/household/cases/${pages.noticeCase}`, 'case-no');
  await read(page, 'the one-time notice', `/household/cases/${pages.noticeCase}/notices/${pages.notice}`, 'notice-sheet');
  await page.getByTestId('notice-sheet').getByText('户籍业务一次性告知书').waitFor();
  await read(page, 'the accepted case', `/household/cases/${pages.acceptedCase}`, 'case-no');
  await read(page, 'the receipt', `/household/cases/${pages.acceptedCase}/receipt`, 'receipt-sheet');
});

await test('admin reads 龙腾社区 in the org chart: its staff are names, not [object Object]', async (page) => {
  await login(page, 'admin');
  await read(page, 'the org detail', `/org?unit=${pages.community}`, 'tab-overview');
  const staff = await page.getByTestId('overview-attribute-staff').innerText();
  if (!/（社区/.test(staff)) throw new Error(`the staff attribute reads "${staff.slice(0, 80)}"`);
});

await test('a server error reaches the zh-CN user in Chinese by its code: a control character in the org address (400 INVALID_CHARACTERS naming the field)', async (page) => {
  await login(page, 'admin');
  await read(page, 'the org detail', `/org?unit=${pages.community}`, 'tab-overview');
  const before = await page.getByTestId('node-title').innerText();
  await page.getByTestId('action-edit').click();
  await page.getByTestId('edit-dialog').waitFor();
  const address = input(page, 'edit-contact-address');
  await address.fill('栖霞市庄园街道\u0000龙腾社区');
  await page.getByTestId('edit-submit').click();
  const message = page.locator('.el-message--error').first();
  await message.waitFor({ timeout: 10_000 });
  const text = await message.innerText();
  if (!/字段 \S+ 含有不允许的控制字符/.test(text)) throw new Error(`the error reads "${text}"`);
  // The SPA's own text for the code, not the generic "invalid input" plus the server's words.
  if (text.includes('服务器提示')) throw new Error(`the error is the server's text: "${text}"`);
  await expectNoRawText(page, 'the refused edit');
  await page.keyboard.press('Escape');
  await page.reload();
  await page.getByTestId('node-title').filter({ hasText: before }).waitFor();
});

await test('clerk.longteng reads a closed service item (timeline with the system close): no raw key, no [object Object]', async (page) => {
  await login(page, 'clerk.longteng');
  await read(page, 'the item detail', `/volunteer/items/${pages.item}`, 'item-header');
});

await finish();
