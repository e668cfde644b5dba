#!/usr/bin/env node
// Browser tests: Debian's Chromium driven by playwright-core against a running platform
// (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots go to test-results/.
import { join } from 'node:path';
import { BASE, OUT, PASSWORD, browserSuite, endSessionBehindPage, endSessionWhileAway, expectOneMessageOnLogin, holdRequests, input, login, recordToasts } from './lib/browser.mjs';

const { test, finish } = await browserSuite('browser');

const tree = (page) => page.getByTestId('org-tree');
const node = (page, text) => tree(page).locator('.el-tree-node__content').filter({ hasText: text }).first();
async function expand(page, text) {
  const n = node(page, text);
  await n.waitFor({ timeout: 15_000 });
  const item = n.locator('xpath=..');
  // A click that lands while the tree re-renders after a lazy load can be lost: check and retry.
  for (let attempt = 0; attempt < 3; attempt++) {
    if ((await item.getAttribute('aria-expanded')) === 'true') return;
    await n.locator('.el-tree-node__expand-icon').click();
    for (let i = 0; i < 30 && (await item.getAttribute('aria-expanded')) !== 'true'; i++) await page.waitForTimeout(100);
  }
  if ((await item.getAttribute('aria-expanded')) !== 'true') throw new Error(`could not expand ${text}`);
}

/** Expands `parent` until `child` shows (the children load lazily). */
async function expandTo(page, parent, child) {
  for (let attempt = 0; attempt < 3; attempt++) {
    await expand(page, parent);
    try {
      await node(page, child).waitFor({ timeout: 5_000 });
      return;
    } catch {
      const item = node(page, parent).locator('xpath=..');
      if ((await item.getAttribute('aria-expanded')) === 'true') await node(page, parent).locator('.el-tree-node__expand-icon').click();
    }
  }
  await node(page, child).waitFor({ timeout: 5_000 });
}

await test('admin sees 栖霞 → 翠屏/庄园/松山 → the 12 urban communities by their real names', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/org`);
  await expand(page, '栖霞');
  for (const street of ['翠屏街道', '庄园街道', '松山街道']) await node(page, street).waitFor();
  await expand(page, '翠屏街道');
  await expand(page, '庄园街道');
  const communities = ['翠亭', '迎宾', '涌泉', '东盛', '向阳', '万达', '龙腾', '文水', '英炜', '东山', '安泰', '果都'];
  for (const c of communities) await node(page, `${c}社区`).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'admin-tree.png') });
});

await test('admin opens 龙腾社区, adds a building group under a compound branch, reloads and sees it', async (page) => {
  await login(page, 'admin');
  // Which compound branch 龙腾社区 has comes from the demo data: ask the API, then use the UI.
  const token = await page.evaluate(() => sessionStorage.getItem('rh.accessToken'));
  const h = { Authorization: `Bearer ${token}` };
  const longteng = (await (await page.request.get(`${BASE}/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`, { headers: h })).json())[0];
  const kids = await (await page.request.get(`${BASE}/api/org/units/${longteng.id}/children`, { headers: h })).json();
  const branch = kids.find((k) => k.type === 'compound_branch');
  if (!branch) throw new Error('龙腾社区 has no compound branch in the demo data');
  await page.goto(`${BASE}/org`);
  await expand(page, '栖霞');
  await expand(page, '庄园街道');
  await expand(page, '龙腾社区');
  const row = page.getByTestId(`org-node-${branch.id}`);
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.getByTestId('node-title').filter({ hasText: branch.name }).waitFor();
  await page.getByTestId('action-create-child').click();
  await page.getByTestId('create-child-type').click();
  await page.getByTestId('create-child-type-option-building_group').click();
  const name = `浏览器测试${Date.now() % 100000}号楼党小组`;
  await page.locator('[data-testid="create-child-name"] input, input[data-testid="create-child-name"]').first().fill(name);
  await page.getByTestId('create-child-submit').click();
  await node(page, name).waitFor({ timeout: 10_000 });
  await page.reload();
  await expandTo(page, '栖霞', '庄园街道');
  await expandTo(page, '庄园街道', '龙腾社区');
  await expandTo(page, '龙腾社区', branch.name);
  await expandTo(page, branch.name, name);
  await page.screenshot({ path: join(OUT, 'building-group-added.png') });
});

await test('clerk.cuiting cannot see inside 龙腾社区', async (page) => {
  await login(page, 'clerk.cuiting');
  await page.goto(`${BASE}/org`);
  await node(page, '翠亭社区').waitFor();
  if (await tree(page).getByText('龙腾社区').count()) throw new Error('龙腾社区 is visible to clerk.cuiting');
  if (await tree(page).getByText('庄园街道').count()) throw new Error('庄园街道 is visible to clerk.cuiting');
  // Search does not find it either.
  await page.locator('[data-testid="org-search"] input, input[data-testid="org-search"]').first().fill('龙腾');
  await page.waitForTimeout(800);
  if (await page.locator('.el-autocomplete-suggestion li:visible, .el-select-dropdown__item:visible').filter({ hasText: '龙腾社区' }).count()) {
    throw new Error('search shows 龙腾社区 to clerk.cuiting');
  }
  // And the API refuses it by id, with the same token the SPA holds.
  const status = await page.evaluate(async () => {
    const token = sessionStorage.getItem('rh.accessToken') ?? Object.values(sessionStorage).find((v) => /^ey/.test(v));
    const admin = await fetch('/api/org/units/search?q=%E9%BE%99%E8%85%BE', { headers: { Authorization: `Bearer ${token}` } });
    return admin.status;
  });
  if (status !== 200) throw new Error(`search API answered ${status}`);
  await page.screenshot({ path: join(OUT, 'clerk-cuiting-tree.png') });
});

await test('the public desk page opens without login', async (page) => {
  const res = await page.request.post(`${BASE}/api/auth/login`, { data: { username: 'admin', password: PASSWORD } });
  const { accessToken } = await res.json();
  const h = { Authorization: `Bearer ${accessToken}` };
  const longteng = (await (await page.request.get(`${BASE}/api/org/units/search?q=${encodeURIComponent('龙腾社区')}`, { headers: h })).json())[0];
  const desks = await (await page.request.get(`${BASE}/api/org/units/${longteng.id}/desks`, { headers: h })).json();
  if (!desks.length) throw new Error('龙腾社区 has no desks in the demo data');
  await page.goto(`${BASE}/desk/${desks[0].code}`);
  await page.getByText(desks[0].building).first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'public-desk.png') });
});

await test('a first visit to the login page asks nothing of the server and logs no console error', async (page) => {
  const refreshes = [];
  const consoleErrors = [];
  page.context().on('request', (r) => r.url().includes('/api/auth/refresh') && refreshes.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(`${BASE}/`);
  await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
  await input(page, 'login-username').waitFor();
  await page.waitForLoadState('networkidle');
  if (refreshes.length) throw new Error(`the signed-out visit called ${refreshes.join(', ')}`);
  if (consoleErrors.length) throw new Error(`console errors on the login page: ${consoleErrors.join(' | ')}`);
  // After a login a reload keeps the session, and a new tab recovers it from the refresh cookie.
  await login(page, 'clerk.longteng', { direct: false });
  const tab = await page.context().newPage();
  await tab.goto(`${BASE}/household/cases`);
  await tab.getByTestId('case-refresh').waitFor({ timeout: 15_000 });
  if (!refreshes.length) throw new Error('the new tab did not recover the session with the refresh cookie');
});

// A session ended elsewhere, then the page opened again: the SPA starts with a dead token; the page's list call and
// the notification bell's ticket both get 401, both try the refresh (refused), and whichever notices first takes the
// page to the login. Exactly one message (登录已过期) in every ordering: each ordering is forced by holding the other
// call (or the refresh) until the first one has been answered.
const isPath = (path) => (url) => url.pathname === path;
const CASE_LIST = isPath('/api/household/cases');
const TICKET = isPath('/api/notify/stream/ticket');
const REFRESH = isPath('/api/auth/refresh');
for (const [order, hold, until] of [
  ['as it comes', null, null],
  ["the page's list first, the bell's ticket held", TICKET, CASE_LIST],
  ["the bell's ticket first, the page's list held", CASE_LIST, TICKET],
  ['both refused before the refresh answers', REFRESH, null],
]) {
  await test(`a session ended elsewhere, the page opened again (${order}): one message (登录已过期), then the login page`, async (page, context) => {
    await recordToasts(context);
    await login(page, 'clerk.longteng');
    await page.goto(`${BASE}/household/cases`);
    await page.getByTestId('case-refresh').waitFor({ timeout: 15_000 });
    // The session is signed out behind the page's back (as another tab or an admin would) …
    const back = await endSessionWhileAway(page);
    if (hold) {
      const answered = (match) => page.waitForResponse((r) => match(new URL(r.url())), { timeout: 30_000 });
      // Without `until`: the refresh is held until both calls have been refused.
      const release = until ? answered(until) : Promise.all([answered(CASE_LIST), answered(TICKET)]);
      await holdRequests(page, hold, release);
    }
    await page.goto(back);
    // … so the page's calls fail with 401, the refresh fails too, and the user gets one message.
    await expectOneMessageOnLogin(page, '登录已过期');
  });
}

// The page left open: it notices by itself — the notification stream of an ended session is closed at its next
// heartbeat (15 s), the reconnect's ticket is refused — and says so once. (A reload that came after this found no
// session and rightly no message: what the "no toast" runs of the step above were.)
await test('a session ended elsewhere while the page stays open: it notices by itself, one message (登录已过期)', async (page, context) => {
  await recordToasts(context);
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/cases`);
  await page.getByTestId('case-refresh').waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="notification-bell"]')?.getAttribute('data-live') === 'true', null, { timeout: 60_000 });
  await endSessionBehindPage(page);
  await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 60_000 });
  await expectOneMessageOnLogin(page, '登录已过期');
});

await test('logout everywhere from the user menu ends the session on another device too', async (page) => {
  // A second "device": its own browser context, signed in as the same account.
  const other = await page.context().browser().newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  try {
    const elsewhere = await other.newPage();
    await login(elsewhere, 'clerk.cuiting');
    await login(page, 'clerk.cuiting');
    await page.getByTestId('current-user').click();
    await page.getByTestId('menu-logout-everywhere').click();
    await page.locator('.el-message-box').getByRole('button', { name: /确定|OK/ }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
    await page.locator('.el-message').filter({ hasText: '已退出所有设备' }).first().waitFor({ timeout: 10_000 });
    // The other device's next page needs the API: its token is refused (SESSION_ENDED) and it lands on the login page.
    await elsewhere.goto(`${BASE}/household/cases`);
    await elsewhere.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
    // And its refresh cookie no longer opens a session.
    const refreshed = await elsewhere.evaluate(async () => (await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })).status);
    if (refreshed !== 401) throw new Error(`the other device's refresh answered ${refreshed}`);
  } finally {
    await other.close();
  }
});

await test('the change-password dialog (loaded when first opened) opens from the user menu, closes and opens again', async (page) => {
  await login(page, 'clerk.cuiting');
  for (let i = 0; i < 2; i++) {
    await page.getByTestId('current-user').click();
    await page.getByTestId('menu-change-password').click();
    const dialog = page.getByTestId('password-dialog');
    await dialog.waitFor({ timeout: 15_000 });
    await dialog.getByTestId('password-current').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  }
});

await test('the English case queue shows its time-limit header on one line', async (page) => {
  await login(page, 'clerk.longteng');
  await page.evaluate(() => localStorage.setItem('rh.locale', 'en'));
  await page.goto(`${BASE}/household/cases`);
  const header = page.locator('.el-table__header th').first();
  await header.waitFor({ timeout: 15_000 });
  const cell = header.locator('.cell');
  const text = (await cell.innerText()).trim();
  const { height, lineHeight } = await cell.evaluate((el) => ({ height: el.getBoundingClientRect().height, lineHeight: parseFloat(getComputedStyle(el).lineHeight) }));
  if (height > lineHeight * 1.5) throw new Error(`the header "${text}" wraps (${height}px for a ${lineHeight}px line)`);
});

// 账号管理: a new account's one-time password works once, must be replaced at the first login, and a reset replaces it again.
const run = String(Date.now() % 100_000_000);

/** Logs in with any password; the caller checks where that leads. */
async function submitLogin(page, username, password) {
  if (!page.url().includes('/login')) await page.goto(`${BASE}/login`);
  await input(page, 'login-username').fill(username);
  await input(page, 'login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Reads the one-time password from its dialog and closes the dialog. */
async function takeOneTimePassword(page) {
  const shown = page.getByTestId('account-initial-password');
  await shown.waitFor({ state: 'visible', timeout: 15_000 });
  await page.getByTestId('account-password-warning').waitFor();
  const password = (await shown.innerText()).trim();
  if (!/^\S{10,}$/.test(password)) throw new Error(`the one-time password reads "${password}"`);
  await page.getByTestId('account-password-done').click();
  await shown.waitFor({ state: 'hidden' });
  return password;
}

/** The forced dialog: it stays after Esc and a click beside it, and has no close button. */
async function expectForcedPasswordDialog(page) {
  const dialog = page.getByTestId('password-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  if ((await dialog.getAttribute('data-forced')) !== 'true') throw new Error('the password dialog is not the forced one');
  if (await page.getByTestId('side-menu').count()) throw new Error('the app shows behind the forced password dialog');
  await page.keyboard.press('Escape');
  await page.mouse.click(8, 450);
  const closed = await dialog.waitFor({ state: 'hidden', timeout: 1_500 }).then(() => true, () => false);
  if (closed) throw new Error('the forced password dialog could be dismissed');
  if (await dialog.locator('.el-dialog__headerbtn:visible').count()) throw new Error('the forced password dialog has a close button');
  return dialog;
}

await test('admin creates a 龙腾社区 clerk; the one-time password must be changed at the first login; a reset replaces the password', async (page) => {
  const username = `clerk.new${run}`;
  const ownPassword = `Longteng${run}x`;

  // admin opens 账号管理 and creates the account.
  await login(page, 'admin');
  await page.getByTestId('menu-accounts').click();
  await page.getByTestId('accounts-page').waitFor();
  await page.getByTestId('account-new').click();
  const form = page.getByTestId('account-dialog');
  await form.waitFor({ state: 'visible' });
  await input(form, 'account-form-username').fill(username);
  await input(form, 'account-form-display-name').fill(`新社工${run.slice(-4)}`);
  await form.getByTestId('account-form-role').click();
  await page.getByTestId('account-form-role-option-community_clerk').click();
  await form.getByTestId('account-form-org-hint').filter({ hasText: '社区党委' }).waitFor();
  await input(form, 'account-form-org').fill('龙腾');
  const option = page.locator('[data-testid^="account-form-org-option-"]:visible').filter({ hasText: '龙腾社区' }).first();
  await option.waitFor({ timeout: 10_000 });
  await option.click();
  await form.getByTestId('account-submit').click();
  const firstPassword = await takeOneTimePassword(page);
  const row = page.getByTestId(`account-status-${username}`);
  await row.filter({ hasText: '待修改初始密码' }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'accounts-created.png') });

  // The new clerk logs in with it and must set a password of their own first.
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login/);
  await submitLogin(page, username, firstPassword);
  let dialog = await expectForcedPasswordDialog(page);
  await page.screenshot({ path: join(OUT, 'accounts-forced-password.png') });
  await input(dialog, 'password-current').fill(firstPassword);
  await input(dialog, 'password-new').fill('onlyletterspassword');
  await input(dialog, 'password-repeat').fill('onlyletterspassword');
  await dialog.getByTestId('password-submit').click();
  await dialog.getByTestId('password-errors').waitFor();
  await input(dialog, 'password-new').fill(ownPassword);
  await input(dialog, 'password-repeat').fill(ownPassword);
  await dialog.getByTestId('password-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  // In the app as 龙腾's clerk.
  await page.getByTestId('menu-group-household').waitFor({ timeout: 15_000 });
  await page.getByTestId('current-role').filter({ hasText: '社区工作人员' }).waitFor();
  await page.getByTestId('current-user').filter({ hasText: '龙腾' }).waitFor();
  if (await page.getByTestId('menu-accounts').count()) throw new Error('a clerk sees 账号管理');

  // admin resets the password.
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login/);
  await login(page, 'admin', { direct: false });
  await page.goto(`${BASE}/accounts`);
  await input(page, 'account-search').fill(username);
  await page.getByTestId('account-search-submit').click();
  await page.getByTestId(`account-status-${username}`).filter({ hasNotText: '待修改初始密码' }).waitFor({ timeout: 10_000 });
  await page.getByTestId(`account-action-${username}-reset`).click();
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
  const resetPassword = await takeOneTimePassword(page);
  if (resetPassword === firstPassword) throw new Error('the reset gave the same one-time password');
  await page.getByTestId(`account-status-${username}`).filter({ hasText: '待修改初始密码' }).waitFor();

  // The clerk's own password no longer works; the reset one does, and must be replaced again.
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login/);
  await submitLogin(page, username, ownPassword);
  await page.getByTestId('login-error').waitFor({ timeout: 15_000 });
  if (!page.url().includes('/login')) throw new Error('the replaced password still logs in');
  await submitLogin(page, username, resetPassword);
  dialog = await expectForcedPasswordDialog(page);
  await input(dialog, 'password-current').fill(resetPassword);
  await input(dialog, 'password-new').fill(`${ownPassword}2`);
  await input(dialog, 'password-repeat').fill(`${ownPassword}2`);
  await dialog.getByTestId('password-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  await page.getByTestId('menu-group-household').waitFor({ timeout: 15_000 });
  await page.screenshot({ path: join(OUT, 'accounts-clerk-in.png') });
});

await finish();
