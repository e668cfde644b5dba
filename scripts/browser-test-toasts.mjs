#!/usr/bin/env node
// Browser check of the SPA's messages (issue 14, rough edges): one toast per failure. With the session gone, opening a
// page the role may not see used to show two contradicting toasts ("您的角色无权访问该页面" from the router guard, then
// "登录已过期" from the next page's calls); now the guard asks /me first and a 401 says only that the session expired.
// A page the role may not see with a live session still says so, once. And a clean visit to the login page logs no
// console error and no failed request. Debian's Chromium driven by playwright-core against a running platform
// (`npm start`; BASE_URL, default http://127.0.0.1:8080); screenshots of failures go to test-results/.
import { BASE, browserSuite, endSessionBehindPage, endSessionWhileAway, expectOneToast as expectOne, input, login, recordToasts, settledToasts, toasts } from './lib/browser.mjs';

const { test, finish } = await browserSuite('toasts-browser', { failurePrefix: 'toasts-' });

const EXPIRED = '登录已过期';
const FORBIDDEN = '无权访问';
/** A page a community clerk may not open (the division import: city and county admins only). */
const FORBIDDEN_PAGE = '/org/division-import';


await test('the session gone, a link to a page the role may not open: one toast (登录已过期), then the login page', async (page, context) => {
  await recordToasts(context);
  await login(page, 'clerk.longteng');
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
  // Signed out behind the page's back (another tab, an admin's forced logout): a dead access token, no refresh cookie.
  // The tab is away meanwhile (the SPA would otherwise notice by itself and tell the user before the link is opened).
  await endSessionWhileAway(page);
  await page.goto(`${BASE}${FORBIDDEN_PAGE}`);
  await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
  expectOne(await settledToasts(page), EXPIRED);
});

await test('the session gone, in-app navigation to a page the role may not open: one toast (登录已过期)', async (page, context) => {
  await recordToasts(context);
  await login(page, 'clerk.longteng');
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
  await endSessionBehindPage(page);
  // The address changes without a reload (as the browser's back and forward buttons do): the router navigates.
  await page.evaluate((path) => {
    history.pushState({ ...history.state, current: path, back: location.pathname, forward: null, position: (history.state?.position ?? 0) + 1 }, '', path);
    history.back();
  }, FORBIDDEN_PAGE);
  await page.waitForTimeout(500);
  await page.evaluate(() => history.forward());
  await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
  expectOne(await settledToasts(page), EXPIRED);
});

await test('a live session on a page the role may not open: one toast (无权访问), back on the home page', async (page, context) => {
  await recordToasts(context);
  await login(page, 'clerk.longteng');
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
  await page.goto(`${BASE}${FORBIDDEN_PAGE}`);
  const list = await settledToasts(page);
  expectOne(list, FORBIDDEN);
  if (new URL(page.url()).pathname !== '/') throw new Error(`expected the home page, at ${page.url()}`);
  // Still signed in: the session was only asked, not ended.
  await page.getByTestId('current-user').waitFor({ timeout: 15_000 });
});

await test('a clean visit to the login page: no console error, no failed request, no toast', async (page, context) => {
  await recordToasts(context);
  const consoleErrors = [];
  const failed = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`));
  page.on('requestfailed', (r) => failed.push(`failed ${r.method()} ${new URL(r.url()).pathname}: ${r.failure()?.errorText}`));
  for (const path of ['/login', '/']) {
    await page.goto(`${BASE}${path}`);
    await page.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
    await input(page, 'login-username').waitFor();
    await page.waitForLoadState('networkidle');
  }
  if (consoleErrors.length) throw new Error(`console errors on the login page: ${consoleErrors.join(' | ')}`);
  if (failed.length) throw new Error(`failed requests on the login page: ${failed.join(' | ')}`);
  const list = await toasts(page);
  if (list.length) throw new Error(`toasts on a clean login page: ${list.map((x) => x.text).join(' | ')}`);
});

await finish();
