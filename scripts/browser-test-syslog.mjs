#!/usr/bin/env node
// Browser check of 系统监控 (issue 14): the admin opens the operation log, the login log and the online
// users, searches each, and forces a logout of another session (a second browser context, logged in as
// a clerk), which is then sent to the login page at its next request. And 系统日志 (issue 10): the seeded
// history of every service, a change made in one tab reaching the log open in another (over the bus), a
// clerk turned away. Debian's Chromium driven by
// playwright-core against a running platform with the demo data (`npm start`; BASE_URL, default
// http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { BASE, api, browserSuite, expectNoRawText, input, login, PASSWORD } from './lib/browser.mjs';

const { browser, test, finish } = await browserSuite('syslog-browser', { failurePrefix: 'syslog-', nameLength: 80 });

/** A failed login from a named address, so the login log has a failure to find. */
async function failedLogin(username) {
  const res = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'not-the-password' }) });
  if (res.status !== 401) throw new Error(`a wrong password answered ${res.status}`);
}

/** Retries `check` (which throws while the page is not there yet) for up to 10 s; the last failure is the error. */
async function eventually(check) {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Rows of a table (its body), as text. */
const rows = async (page, testid) => page.getByTestId(testid).locator('.el-table__body tbody tr').allInnerTexts();

/** The admin opens a 系统监控 list from the menu (/system/<name>) and waits for its rows; no raw message key on its own texts. */
async function openAsAdmin(page, title, name) {
  await login(page, 'admin');
  await page.getByTestId('menu-group-system').click();
  await page.getByRole('menuitem', { name: title }).click();
  await page.waitForURL((u) => u.pathname === `/system/${name}`);
  await page.getByTestId(`${name}-table`).locator('.el-table__body tbody tr').first().waitFor({ timeout: 15_000 });
  // the page's own texts (the rows show action codes such as org.seed, which are data, not message keys)
  for (const part of ['.page-title', '.query-bar', '.el-table__header']) await expectNoRawText(page, `${title} (${part})`, page.getByTestId(`${name}-page`).locator(part).first());
}

await test('admin opens 操作日志 from the menu and searches by action and by who', async (page) => {
  // an entry to find: an account change by the admin (the demo's grid worker, its display name set to itself)
  const admin = await api('admin');
  const { items } = await admin.get('/api/org/accounts?q=grid.longteng');
  const acc = items[0];
  await admin.patch(`/api/org/accounts/${acc.id}`, { version: acc.version, displayName: acc.displayName });
  await admin.dispose();

  await openAsAdmin(page, '操作日志', 'operlog');
  await input(page, 'operlog-action').fill('account.update');
  await input(page, 'operlog-actor').fill('admin');
  const answered = page.waitForResponse((r) => r.url().includes('/api/org/audit?') && r.url().includes('action=account.update'));
  await page.getByTestId('operlog-search').click();
  await page.waitForURL((u) => u.searchParams.get('action') === 'account.update' && u.searchParams.get('q') === 'admin');
  if ((await answered).status() !== 200) throw new Error('the filtered operation log did not answer 200');
  await eventually(async () => {
    const actions = await page.getByTestId('operlog-row-action').allInnerTexts();
    if (!actions.length || actions.some((a) => a !== 'account.update')) throw new Error(`the actions shown: ${actions.join(', ')}`);
  });
  // another service's log: the household service
  await page.getByTestId('operlog-reset').click();
  await page.getByTestId('operlog-service').click();
  await page.getByTestId('operlog-service-household').click();
  await page.getByTestId('operlog-search').click();
  await page.waitForURL((u) => u.searchParams.get('service') === 'household');
  await page.getByTestId('operlog-table').waitFor();
  await page.waitForLoadState('networkidle');
  const text = (await rows(page, 'operlog-table')).join('\n');
  if (/\b[1-9]\d{5}(18|19|20)\d{9}[\dX]\b/.test(text)) throw new Error('a clear ID number is shown in the household log');
});

await test('admin opens 登录日志 and finds a failed login by username and result', async (page) => {
  await failedLogin('clerk.wanda');
  await login(page, 'admin');
  await page.goto(`${BASE}/system/loginlog`);
  await page.getByTestId('loginlog-table').locator('.el-table__body tbody tr').first().waitFor({ timeout: 15_000 });
  await expectNoRawText(page, 'the login log');
  await input(page, 'loginlog-username').fill('clerk.wanda');
  await page.getByTestId('loginlog-result').click();
  await page.getByTestId('loginlog-result-bad_password').click();
  const answered = page.waitForResponse((r) => r.url().includes('/api/org/login-log?') && r.url().includes('result=bad_password'));
  await page.getByTestId('loginlog-search').click();
  await page.waitForURL((u) => u.searchParams.get('q') === 'clerk.wanda' && u.searchParams.get('result') === 'bad_password');
  if ((await answered).status() !== 200) throw new Error('the filtered login log did not answer 200');
  await eventually(async () => {
    const results = await page.getByTestId('loginlog-row-result').allInnerTexts();
    const names = await page.getByTestId('loginlog-row-username').allInnerTexts();
    if (!results.length || results.some((r) => r.trim() !== '密码错误')) throw new Error(`results shown: ${results.join(', ')}`);
    if (names.some((n) => n !== 'clerk.wanda')) throw new Error(`usernames shown: ${names.join(', ')}`);
  });
});

await test('admin forces a logout of a clerk’s session in 在线用户; the clerk is sent to the login page', async (page) => {
  // the clerk, in another browser
  const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 800 } });
  try {
    const clerk = await other.newPage();
    await login(clerk, 'clerk.longteng');
    await clerk.goto(`${BASE}/household/cases`);
    await clerk.waitForLoadState('networkidle');
    if (new URL(clerk.url()).pathname.startsWith('/login')) throw new Error('the clerk was not logged in');

    await login(page, 'admin');
    await page.goto(`${BASE}/system/online`);
    await page.getByTestId('online-table').locator('.el-table__body tbody tr').first().waitFor({ timeout: 15_000 });
    await expectNoRawText(page, 'the online users');
    await input(page, 'online-username').fill('clerk.longteng');
    await page.getByTestId('online-search').click();
    await page.waitForURL((u) => u.searchParams.get('q') === 'clerk.longteng');
    const force = page.getByTestId('online-force-clerk.longteng');
    await force.first().waitFor();
    // the newest session of the clerk is the browser's (listed first); the clerk has many (every browser test logs in,
    // and older ones drop out of the list as they expire), so the ended one is followed by its id, not by the total
    const sessionId = await force.first().getAttribute('data-session-id');
    if (!sessionId) throw new Error('the force-logout button names no session');
    const listed = () => page.locator(`[data-testid="online-force-clerk.longteng"][data-session-id="${sessionId}"]`).count();
    await force.first().click();
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click();
    await page.locator('.el-message--success').first().waitFor();
    // the list reloads after the success message: wait for it (up to 15 s) rather than read it at once
    for (let i = 0; i < 30 && (await listed()) > 0; i++) await page.waitForTimeout(500);
    if ((await listed()) > 0) throw new Error(`the ended session ${sessionId} is still listed`);

    // the clerk's next request: its token is refused, its refresh too, and the SPA sends it to log in
    await clerk.goto(`${BASE}/household/cases`);
    await clerk.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
    // and it may log in again
    await input(clerk, 'login-username').fill('clerk.longteng');
    await input(clerk, 'login-password').fill(PASSWORD);
    await clerk.getByTestId('login-submit').click();
    await clerk.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
  } finally {
    await other.close();
  }
});

await test('a street admin sees 系统监控 with its street’s entries only; a clerk has no such menu', async (page) => {
  await login(page, 'street.zhuangyuan');
  await page.getByTestId('menu-group-system').waitFor();
  await page.goto(`${BASE}/system/loginlog`);
  await page.getByTestId('loginlog-table').waitFor();
  await page.waitForLoadState('networkidle');
  const names = await page.getByTestId('loginlog-row-username').allInnerTexts();
  if (names.includes('admin')) throw new Error('a street admin sees the admin’s logins');
  const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 800 } });
  try {
    const clerk = await other.newPage();
    await login(clerk, 'clerk.longteng');
    await clerk.waitForLoadState('networkidle');
    if (await clerk.getByTestId('menu-group-system').count()) throw new Error('a clerk sees 系统监控');
    await clerk.goto(`${BASE}/system/online`);
    await clerk.waitForLoadState('networkidle');
    if (await clerk.getByTestId('online-page').count()) throw new Error('a clerk opens 在线用户');
  } finally {
    await other.close();
  }
});

/** The system log's rows as { id, service, action, actor }, newest first. */
const syslogRows = (page) =>
  page.getByTestId('syslog-table').locator('.el-table__body tbody tr.el-table__row').evaluateAll((trs) =>
    trs.map((tr) => ({
      id: Number(tr.querySelector('[data-testid="syslog-row-id"]')?.textContent ?? 0),
      service: tr.querySelector('[data-testid="syslog-row-service"]')?.getAttribute('data-service') ?? '',
      action: tr.querySelector('[data-testid="syslog-row-action"]')?.textContent?.trim() ?? '',
      actor: tr.querySelector('[data-testid="syslog-row-actor"]')?.textContent?.trim() ?? '',
    })));

await test('系统日志: the seeded history is there; an admin’s change in 双报到 in one tab reaches the log in another', async (page) => {
  await openAsAdmin(page, '系统日志', 'syslog');

  // the demo seed's entries, from every service that seeds (they went out on the bus as the services' own do)
  for (const service of ['org', 'household', 'volunteer', 'notify']) {
    await page.goto(`${BASE}/system/syslog?service=${service}`);
    await eventually(async () => {
      const shown = await syslogRows(page);
      if (!shown.length || shown.some((r) => r.service !== service)) throw new Error(`the ${service} entries shown: ${JSON.stringify(shown.slice(0, 3))}`);
    });
  }
  // an entry with a page of its own links to it: a seeded 一网通办 application
  await page.goto(`${BASE}/system/syslog?service=household&action=service_application.`);
  const link = page.getByTestId('syslog-row-record-link').first();
  await link.waitFor({ timeout: 15_000 });
  const record = (await link.innerText()).trim();
  await link.click();
  await page.waitForURL((u) => u.pathname === `/services/applications/${record.split('#')[1]}`);

  // the log in a second tab, filtered by the filters in the query bar (service, who, action)
  const logTab = await page.context().newPage();
  await logTab.goto(`${BASE}/system/syslog`);
  await logTab.getByTestId('syslog-table').waitFor();
  await logTab.getByTestId('syslog-service').click();
  await logTab.getByTestId('syslog-service-volunteer').click();
  await input(logTab, 'syslog-actor').fill('admin');
  await input(logTab, 'syslog-action').fill('member_group.');
  await logTab.getByTestId('syslog-search').click();
  await logTab.waitForURL((u) => u.searchParams.get('service') === 'volunteer' && u.searchParams.get('q') === 'admin' && u.searchParams.get('action') === 'member_group.');
  await logTab.waitForLoadState('networkidle');
  const before = Math.max(0, ...(await syslogRows(logTab)).map((r) => r.id));

  // the change, in the first tab: 三个清单 → 服务队 → 新增
  await page.bringToFront();
  await page.goto(`${BASE}/volunteer/lists?tab=groups`);
  await page.getByTestId('groups-table').waitFor({ timeout: 15_000 });
  await page.getByTestId('group-new').click();
  const form = page.getByTestId('group-dialog');
  await form.waitFor({ state: 'visible' });
  await input(form, 'group-name').fill(`系统日志服务队${Date.now() % 100000}`);
  await input(form, 'group-color').fill('#3366cc');
  await form.getByTestId('group-submit').click();
  await form.waitFor({ state: 'hidden', timeout: 15_000 });

  // the log tab: 刷新 until the entry has come over the bus (no fixed wait)
  await logTab.bringToFront();
  const until = Date.now() + 60_000;
  for (;;) {
    await logTab.getByTestId('syslog-refresh').click();
    await logTab.waitForLoadState('networkidle');
    const fresh = (await syslogRows(logTab)).filter((r) => r.id > before);
    if (fresh.some((r) => r.service === 'volunteer' && r.actor === 'admin' && r.action.startsWith('member_group.'))) break;
    if (fresh.some((r) => r.service !== 'volunteer' || r.actor !== 'admin' || !r.action.startsWith('member_group.'))) throw new Error(`the filters let through ${JSON.stringify(fresh)}`);
    if (Date.now() > until) throw new Error('the new 服务队 never reached the system log');
    await logTab.getByTestId('syslog-table').waitFor();
  }
  await logTab.close();
});

await test('系统日志: a clerk has no such menu entry, is turned away from the page, and the API answers 403', async (page) => {
  await login(page, 'clerk.longteng');
  await page.getByTestId('side-menu').waitFor();
  if (await page.getByRole('menuitem', { name: '系统日志' }).count()) throw new Error('a clerk sees 系统日志');
  await page.goto(`${BASE}/system/syslog`);
  await page.waitForLoadState('networkidle');
  if (await page.getByTestId('syslog-page').count()) throw new Error('a clerk opens 系统日志');
  const loggedIn = await fetch(`${BASE}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clerk.longteng', password: PASSWORD }) });
  const token = (await loggedIn.json()).accessToken;
  const res = await fetch(`${BASE}/api/org/system-log`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 403) throw new Error(`a clerk's GET /api/org/system-log answered ${res.status}`);
});

await finish();
