#!/usr/bin/env node
// Browser check that the server's refusals reach the zh-CN user in Chinese, worded by the SPA from the error's code
// and params: a field the server refuses is marked ON that field of the form (not only in a toast that vanishes), and a
// refused transition names the record, its state and the action in Chinese. Debian's Chromium driven by playwright-core
// against a running platform with the demo data (`npm start`; BASE_URL, default http://127.0.0.1:8080).
// Screenshots of failures go to test-results/.
import { BASE, api, browserSuite, expectNoRawText, input, login } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('i18n-browser', { failurePrefix: 'i18n-', nameLength: 80 });

/** An English sentence on the page: three or more English words in a row (ids, codes and units are not). */
const ENGLISH = /\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b/;
async function expectChinese(text, what) {
  if (!/[\u4e00-\u9fff]/.test(text) || ENGLISH.test(text)) throw new Error(`${what} is not worded in Chinese: "${text}"`);
}

/** A valid 18-digit resident ID (GB 11643 check character) born in 1990, random enough not to be registered. */
function residentId() {
  const body = `370686199001${String(10 + Math.floor(Math.random() * 18)).padStart(2, '0')}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const pages = {};
try {
  const admin = await api('admin');
  const [longteng] = await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`);
  pages.community = longteng.id;
  await admin.dispose();
} catch (e) {
  fail('set-up from the demo data', e);
  await finish();
}

await test('a phone the server refuses (400 VALIDATION_FAILED, code phone) is marked in Chinese on the phone field of the org edit form', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/org?unit=${pages.community}`);
  await page.getByTestId('tab-overview').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('action-edit').click();
  const dialog = page.getByTestId('edit-dialog');
  await dialog.waitFor();
  await input(dialog, 'edit-contact-phone').fill('call me maybe');
  await dialog.getByTestId('edit-submit').click();
  // The message sits on the form item that holds the phone input, and stays there.
  const item = dialog.locator('.el-form-item').filter({ has: page.getByTestId('edit-contact-phone') });
  const error = item.locator('.el-form-item__error');
  await error.waitFor({ timeout: 10_000 });
  const text = await error.innerText();
  if (!text.includes('电话号码只能包含数字')) throw new Error(`the phone field reads "${text}"`);
  await expectChinese(text, 'the phone field error');
  const toast = page.locator('.el-message--error').first();
  await toast.waitFor({ timeout: 10_000 });
  await expectChinese(await toast.innerText(), 'the toast');
  await expectNoRawText(page, 'the refused edit');
  // Another field's refusal does not linger: the name field carries none.
  const nameError = dialog.locator('.el-form-item').filter({ has: page.getByTestId('edit-name') }).locator('.el-form-item__error');
  if (await nameError.count()) throw new Error('the name field shows an error too');
  await page.keyboard.press('Escape');
});

await test('a refused transition (409 WRONG_STATE {entity, from, action}) says in Chinese what the case is and what cannot be done', async (page) => {
  const clerk = await api('clerk.longteng');
  const created = await clerk.post('/api/household/cases', {
    type: 'other', applicantName: '王测试', persons: [{ name: '王测试', idNumber: residentId(), relation: 'head' }],
    newHousehold: { kind: 'family', address: '栖霞市庄园街道龙腾小区 9 号楼 1 单元 101' },
  });
  if (!created?.id || created.status !== 'DRAFT') throw new Error(`the case was not created as a draft: ${JSON.stringify(created).slice(0, 200)}`);
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/cases/${created.id}`);
  await page.getByTestId('case-no').waitFor({ timeout: 60_000 });
  await page.getByTestId('case-action-submit').waitFor({ timeout: 60_000 });
  // Someone else withdraws it meanwhile: the page still offers 提交.
  await clerk.post(`/api/household/cases/${created.id}/transitions`, { action: 'withdraw', version: created.version, reason: '申请人撤回（浏览器测试）' });
  await clerk.dispose();
  await page.getByTestId('case-action-submit').click();
  const dialog = page.getByTestId('case-action-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('action-submit').click();
  const box = page.locator('.el-message-box');
  await box.waitFor({ timeout: 30_000 });
  const text = await box.locator('.el-message-box__message').innerText();
  if (!/该案件当前为“.+”，不能“.+”/.test(text) || !text.includes('已撤回')) throw new Error(`the refusal reads "${text}"`);
  await expectChinese(text, 'the refusal');
  if (/WITHDRAWN|submit/.test(text)) throw new Error(`the refusal names a raw state or action: "${text}"`);
  await expectNoRawText(page, 'the refused transition');
  await box.locator('.el-message-box__btns button').first().click();
});

await finish();
