#!/usr/bin/env node
// Browser check of the workspace's console conventions (issue 14): list pages in the query bar / toolbar /
// table / pager layout with 共 N 条 (or 约 N 条), page size and jump, filters and the page in the URL across a
// reload; the breadcrumb from the route table; the tabs bar of open pages (kept over a reload, closable); an
// accessible name on every visible input, select and textarea; an error state with 重试; no console error.
// Several demo roles. Debian's Chromium driven by playwright-core against a running platform with the demo data
// (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { BASE, api, browserSuite, input, login, unnamedControls } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('layout-browser', { failurePrefix: 'layout-', nameLength: 80 });

// The demo data has 8 accounts: enough clerks for the admin's list to need more than one page of 10
// (created once; a later run finds them).
try {
  const admin = await api('admin');
  const page = await admin.get('/api/org/accounts?page=1&limit=1');
  if (page.total < 14) {
    const [longteng] = await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`);
    for (let i = page.total; i < 14; i += 1) {
      await admin.postAllowing('/api/org/accounts', { username: `clerk.layout${i}`, displayName: `列表社工${i}`, role: 'community_clerk', orgId: longteng.id }, [409]);
    }
  }
  await admin.dispose();
} catch (e) {
  fail('set-up: accounts for the admin’s list', e);
}

/** Console errors after the login (the login page's own refresh probe is another issue's). */
function watchConsole(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return {
    reset: () => errors.splice(0),
    check: (what) => {
      if (errors.length) throw new Error(`console errors on ${what}: ${errors.join(' | ')}`);
    },
  };
}

/**
 * Every visible input, select and textarea has an accessible name of its own: aria-label, aria-labelledby
 * naming text, a <label>, or a title. A placeholder is not a name (it goes away as one types).
 */
async function expectNamedControls(page, what) {
  const unnamed = await unnamedControls(page);
  if (unnamed.length) throw new Error(`${what}: ${unnamed.length} control(s) without an accessible name:\n  ${unnamed.join('\n  ')}`);
  return page.locator('input:visible, textarea:visible').count();
}

const rowsOf = (page, table) => page.locator(`[data-testid="${table}"] .el-table__body tr`);

/** The list's state once it has loaded: its rows' first cell texts, the total label and whether it is exact. */
/** `rowKey`: the testid of each row's number (an audit entry's, a login attempt's): rows are compared by it. */
async function listState(page, { table, pager, rowKey }) {
  await page.getByTestId(`${pager}-total`).waitFor();
  await page.waitForFunction((t) => !document.querySelector(`[data-testid="${t}"] .el-loading-mask:not([style*="display: none"])`), table);
  const total = page.getByTestId(`${pager}-total`);
  const label = (await total.innerText()).trim();
  const exact = (await total.getAttribute('data-exact')) === 'true';
  const rows = await rowsOf(page, table).evaluateAll(
    (trs, key) => trs.map((tr) => ((key && tr.querySelector(`[data-testid="${key}"]`)) || tr).innerText.replace(/\s+/g, ' ').trim()),
    rowKey,
  );
  return { label, exact, n: Number(label.replace(/[^\d]/g, '')), rows };
}

const urlQuery = (page) => new URL(page.url()).searchParams;

/** A list page: total, page size, next page, jump, the page and filters in the URL over a reload, the names of its controls. */
async function exercisePaging(page, what, { path, table, pager, rowKey, filterQuery }) {
  await page.goto(`${BASE}${path}`);
  const first = await listState(page, { table, pager, rowKey });
  if (!/^(共|约) \d+ 条$/.test(first.label)) throw new Error(`${what}: total label is "${first.label}"`);
  if (first.exact !== first.label.startsWith('共')) throw new Error(`${what}: the label "${first.label}" does not say whether the total is exact (${first.exact})`);
  if (first.n < 11) throw new Error(`${what}: only ${first.n} rows in the demo data, too few to page through with 10 a page`);
  await expectNamedControls(page, what);

  // Page size 10: the URL says so, ten rows show.
  await page.locator(`[data-testid="${pager}"] .el-pagination__sizes .el-select`).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: '10条/页' }).click();
  await page.waitForURL((u) => new URL(u).searchParams.get('size') === '10');
  const p1 = await listState(page, { table, pager, rowKey });
  if (p1.rows.length !== 10) throw new Error(`${what}: ${p1.rows.length} rows at 10 a page`);

  // The next page: other rows, page=2 in the URL.
  await page.locator(`[data-testid="${pager}"] .btn-next`).click();
  await page.waitForURL((u) => new URL(u).searchParams.get('page') === '2');
  const p2 = await listState(page, { table, pager, rowKey });
  if (!p2.rows.length || p2.rows.some((r) => p1.rows.includes(r))) throw new Error(`${what}: page 2 repeats rows of page 1 or is empty`);

  // Jump to the last page (or page 1 when there are only two). An estimated total (约 N 条) is the planner's figure past
  // the 1,001 rows counted exactly: only the pages those rows fill (100 at 10 a page) are sure to hold rows.
  const last = Math.min(Math.ceil(p1.n / 10), p1.exact ? 1000 : 100);
  const target = last >= 3 ? last : 1;
  const jumper = page.locator(`[data-testid="${pager}"] .el-pagination__jump input`);
  await jumper.fill(String(target));
  await jumper.press('Enter');
  await page.waitForURL((u) => (new URL(u).searchParams.get('page') ?? '1') === String(target));
  const pj = await listState(page, { table, pager, rowKey });
  if (!pj.rows.length) throw new Error(`${what}: jumping to page ${target} shows no rows`);

  // Back to page 2, then a reload keeps the page and its size.
  await page.goto(`${BASE}${path}${path.includes('?') ? '&' : '?'}size=10&page=2`);
  const before = await listState(page, { table, pager, rowKey });
  await page.reload();
  const after = await listState(page, { table, pager, rowKey });
  if (JSON.stringify(before.rows) !== JSON.stringify(after.rows)) throw new Error(`${what}: a reload of page 2 shows other rows`);

  // A filter from the URL is applied, shown in the query bar and kept over a reload; the total follows it.
  if (filterQuery) {
    await page.goto(`${BASE}${path}?${filterQuery}`);
    const filtered = await listState(page, { table, pager, rowKey });
    await page.reload();
    const kept = urlQuery(page);
    for (const [k, v] of new URLSearchParams(filterQuery)) if (kept.get(k) !== v) throw new Error(`${what}: the filter ${k}=${v} is gone after a reload`);
    const again = await listState(page, { table, pager, rowKey });
    if (again.label !== filtered.label) throw new Error(`${what}: the filtered total changed over a reload (${filtered.label} → ${again.label})`);
    // (Two estimates need not be ordered: each is the planner's guess for its own statement.)
    if (filtered.exact && first.exact && filtered.n > first.n) throw new Error(`${what}: the filter ${filterQuery} grew the total (${first.label} → ${filtered.label})`);
    await expectNamedControls(page, `${what} (filtered)`);
  }
  return first;
}

await test('clerk.longteng: the case queue by numbered pages (total, page size, next, jump, reload), breadcrumb, named controls', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'clerk.longteng');
  logs.reset();
  await exercisePaging(page, 'the case queue', { path: '/household/cases', table: 'case-table', pager: 'case-pager', filterQuery: 'status=SUBMITTED' });
  // The breadcrumb: 首页 › 户籍业务 › 办件工作台, the home link goes home.
  const crumbs = (await page.getByTestId('breadcrumb').innerText()).replace(/\s+/g, ' ');
  if (!/首页.*户籍业务.*办件工作台/.test(crumbs)) throw new Error(`breadcrumb reads "${crumbs}"`);
  logs.check('the case queue');
});

await test('clerk.longteng: a case opened from the queue: breadcrumb chain, tabs kept over a reload, a tab closes', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'clerk.longteng');
  logs.reset();
  await page.goto(`${BASE}/household/cases?status=SUBMITTED`);
  await listState(page, { table: 'case-table', pager: 'case-pager' });
  const link = page.locator('[data-testid^="case-row-"]').first();
  await link.click();
  await page.waitForURL(/\/household\/cases\/\d+$/);
  const id = new URL(page.url()).pathname.split('/').pop();
  const crumbs = page.getByTestId('breadcrumb');
  await crumbs.getByTestId('crumb-household-cases').waitFor();
  const chain = (await crumbs.innerText()).replace(/\s+/g, ' ');
  if (!new RegExp(`首页.*户籍业务.*办件工作台.*#${id}`).test(chain)) throw new Error(`case breadcrumb reads "${chain}"`);
  // The receipt's parent is the case: 办件工作台 › 案件 #id › 受理回执.
  await page.goto(`${BASE}/household/cases/${id}/receipt`);
  await page.getByTestId('breadcrumb').getByTestId('crumb-household-case').waitFor();
  await page.goBack();
  await page.waitForURL(new RegExp(`/household/cases/${id}$`));

  const tabs = page.getByTestId('tabs-bar');
  for (const key of ['/', '/household/cases', `/household/cases/${id}`]) await tabs.getByTestId(`tab-${key}`).waitFor();
  await page.reload();
  for (const key of ['/', '/household/cases', `/household/cases/${id}`]) await tabs.getByTestId(`tab-${key}`).waitFor();
  // The queue's tab returns to the queue as it was left (its filter).
  await tabs.getByTestId('tab-/household/cases').click();
  await page.waitForURL((u) => new URL(u).pathname === '/household/cases' && new URL(u).searchParams.get('status') === 'SUBMITTED');
  // Close the case's tab (not shown): it goes, and stays gone over a reload; 首页 has no close button.
  await tabs.getByTestId(`tab-close-/household/cases/${id}`).click();
  await tabs.getByTestId(`tab-/household/cases/${id}`).waitFor({ state: 'detached' });
  await page.reload();
  await tabs.getByTestId('tab-/household/cases').waitFor();
  if (await tabs.getByTestId(`tab-/household/cases/${id}`).count()) throw new Error('a closed tab came back after a reload');
  if (await tabs.getByTestId('tab-close-/').count()) throw new Error('首页 can be closed');
  // Closing the tab being shown opens its neighbour.
  await tabs.getByTestId('tab-close-/household/cases').click();
  await page.waitForURL((u) => new URL(u).pathname !== '/household/cases');
  await expectNamedControls(page, 'the page after closing the tab');
  logs.check('the case page and the tabs bar');
});

/**
 * The list's API answers 503 once: the list shows the error and no rows, no empty state; 重试 loads it. The browser's
 * own line about the failed request is the only console error allowed.
 */
async function exerciseRetry(page, logs, { path, apiPath, prefix, table, pager }) {
  let failed = 0;
  await page.route(
    (u) => u.pathname === apiPath,
    async (route) => {
      if (failed === 0) {
        failed += 1;
        await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: '数据库暂时不可用' }) });
      } else await route.continue();
    },
  );
  logs.reset();
  await page.goto(`${BASE}${path}`);
  const error = page.getByTestId(`${prefix}-error`);
  await error.waitFor();
  if ((await rowsOf(page, table).count()) !== 0) throw new Error(`${path}: rows shown next to the error`);
  if (await page.getByTestId(`${prefix}-empty`).count()) throw new Error(`${path}: the empty state shows on a failed load`);
  await page.getByTestId(`${prefix}-error-retry`).click();
  await error.waitFor({ state: 'detached' });
  const loaded = await listState(page, { table, pager });
  if (!loaded.rows.length) throw new Error(`${path}: 重试 loaded no rows`);
  const others = logs.reset().filter((e) => !/Failed to load resource: the server responded with a status of 503/.test(e));
  if (others.length) throw new Error(`console errors: ${others.join(' | ')}`);
}

await test('clerk.longteng: a failed list load shows the error with 重试, which loads the list', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'clerk.longteng');
  await exerciseRetry(page, logs, { path: '/household/cases', apiPath: '/api/household/cases', prefix: 'case', table: 'case-table', pager: 'case-pager' });
});

await test('clerk.longteng: a filter nothing matches shows the empty state with 清除筛选', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'clerk.longteng');
  logs.reset();
  await page.goto(`${BASE}/household/cases?q=${encodeURIComponent('无此申请人姓名')}`);
  await page.getByTestId('case-empty').waitFor();
  const label = (await page.getByTestId('case-pager-total').innerText()).trim();
  if (label !== '共 0 条') throw new Error(`empty total reads "${label}"`);
  await page.getByTestId('case-empty-clear').click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('q'));
  const all = await listState(page, { table: 'case-table', pager: 'case-pager' });
  if (!all.rows.length) throw new Error('清除筛选 shows no rows');
  await expectNamedControls(page, 'the case queue');
  logs.check('the empty case queue');
});

await test('admin: accounts and service items by numbered pages; the city-wide case queue total labelled', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'admin');
  logs.reset();
  await exercisePaging(page, 'the accounts', { path: '/accounts', table: 'account-table', pager: 'account-pager', filterQuery: 'role=community_clerk' });
  const crumbs = (await page.getByTestId('breadcrumb').innerText()).replace(/\s+/g, ' ');
  if (!/首页.*账号管理/.test(crumbs)) throw new Error(`accounts breadcrumb reads "${crumbs}"`);
  await exercisePaging(page, 'the service items', { path: '/volunteer/items', table: 'items-table', pager: 'items-pager', filterQuery: 'status=CLOSED' });
  const cases = await exercisePaging(page, 'the city-wide case queue', { path: '/household/cases', table: 'case-table', pager: 'case-pager' });
  process.stdout.write(`  city-wide case queue: ${cases.label} (${cases.exact ? 'exact' : 'estimated'})\n`);
  // Every list page visited is in the tabs bar, and survives a reload.
  const tabs = page.getByTestId('tabs-bar');
  await page.reload();
  for (const key of ['/accounts', '/volunteer/items', '/household/cases']) await tabs.getByTestId(`tab-${key}`).waitFor();
  await tabs.getByTestId('tabs-close-others').click();
  await tabs.getByTestId('tab-/accounts').waitFor({ state: 'detached' });
  await tabs.getByTestId('tab-/household/cases').waitFor();
  logs.check('the admin lists');
});

await test('street.zhuangyuan and grid.longteng: their lists page, their controls are named, their tabs are their own', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'street.zhuangyuan');
  logs.reset();
  await exercisePaging(page, 'the street’s case queue', { path: '/household/cases', table: 'case-table', pager: 'case-pager', filterQuery: 'overdue=true' });
  await page.goto(`${BASE}/accounts`);
  const accounts = await listState(page, { table: 'account-table', pager: 'account-pager' });
  // The street's own accounts (38 worker clerks were added to the demo): an exact total, a full first page.
  if (!accounts.exact || !accounts.label.startsWith('共') || accounts.rows.length !== Math.min(accounts.n, 20)) {
    throw new Error(`the street's accounts: ${accounts.rows.length} rows under "${accounts.label}" (exact: ${accounts.exact})`);
  }
  await expectNamedControls(page, 'the street’s accounts');
  logs.check('the street lists');
  // Another user on the same browser: the street's tabs are not theirs.
  await page.getByTestId('logout').click();
  await page.waitForURL(/\/login/);
  await login(page, 'grid.longteng', { direct: false });
  logs.reset();
  await page.goto(`${BASE}/volunteer/items`);
  await listState(page, { table: 'items-table', pager: 'items-pager' });
  if (await page.getByTestId('tabs-bar').getByTestId('tab-/accounts').count()) throw new Error('the grid worker sees the street admin’s tabs');
  await expectNamedControls(page, 'the grid worker’s items');
  logs.check('the grid worker’s items');
});

// ── 系统监控 (one list shape: ConsoleList + useConsoleList), the separation tasks, the open items ──

// At least 11 live sessions and login-log rows beyond the admin's own: twelve worker clerks sign in through the API.
try {
  for (let i = 1; i <= 12; i += 1) await (await api(`worker.${String(i).padStart(2, '0')}`)).dispose();
} catch (e) {
  fail('set-up: sessions and login-log rows for the 系统监控 lists', e);
}

await test('admin: 操作日志, 登录日志 and 在线用户 by numbered pages (total, page size, next, jump, reload, filter in the URL)', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'admin');
  logs.reset();
  const operlog = await exercisePaging(page, 'the operation log', { path: '/system/operlog', table: 'operlog-table', pager: 'operlog-pager', rowKey: 'operlog-row-id', filterQuery: 'service=org&action=account.' });
  const loginlog = await exercisePaging(page, 'the login log', { path: '/system/loginlog', table: 'loginlog-table', pager: 'loginlog-pager', rowKey: 'loginlog-row-id', filterQuery: 'result=success' });
  const online = await exercisePaging(page, 'the online users', { path: '/system/online', table: 'online-table', pager: 'online-pager', filterQuery: 'q=worker.01' });
  process.stdout.write(`  operation log ${operlog.label}, login log ${loginlog.label}, online ${online.label}\n`);
  // The query bar's 搜索 applies the draft to the URL and goes back to page 1.
  await page.goto(`${BASE}/system/loginlog?size=10&page=2`);
  await listState(page, { table: 'loginlog-table', pager: 'loginlog-pager' });
  await input(page, 'loginlog-username').fill('worker.02');
  await page.getByTestId('loginlog-search').click();
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === 'worker.02' && !new URL(u).searchParams.has('page'));
  const searched = await listState(page, { table: 'loginlog-table', pager: 'loginlog-pager' });
  if (!searched.rows.length || searched.rows.some((r) => !r.includes('worker.02'))) throw new Error(`搜索 worker.02 shows ${JSON.stringify(searched.rows)}`);
  if (urlQuery(page).get('size') !== '10') throw new Error('搜索 lost the page size');
  const crumbs = (await page.getByTestId('breadcrumb').innerText()).replace(/\s+/g, ' ');
  if (!/首页.*系统监控.*登录日志/.test(crumbs)) throw new Error(`login-log breadcrumb reads "${crumbs}"`);
  logs.check('the 系统监控 lists');
});

await test('admin: a 系统监控 list that fails shows the error with 重试; nothing matching shows the empty state with 清除筛选', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'admin');
  await exerciseRetry(page, logs, { path: '/system/operlog', apiPath: '/api/org/audit', prefix: 'operlog', table: 'operlog-table', pager: 'operlog-pager' });

  await page.goto(`${BASE}/system/loginlog?q=${encodeURIComponent('no.such.user')}`);
  await page.getByTestId('loginlog-empty').waitFor();
  const label = (await page.getByTestId('loginlog-pager-total').innerText()).trim();
  if (label !== '共 0 条') throw new Error(`empty total reads "${label}"`);
  await page.getByTestId('loginlog-empty-clear').click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('q'));
  if (!(await listState(page, { table: 'loginlog-table', pager: 'loginlog-pager' })).rows.length) throw new Error('清除筛选 shows no rows');
  await expectNamedControls(page, 'the login log');
  logs.check('the failed and the empty 系统监控 lists');
});

await test('clerk.longteng: the outreach tasks of 人户分离 by numbered pages, the status filter in the URL over a reload', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'clerk.longteng');
  logs.reset();
  await page.goto(`${BASE}/household/separation`);
  const all = await listState(page, { table: 'task-table', pager: 'task-pager' });
  if (!/^(共|约) \d+ 条$/.test(all.label)) throw new Error(`tasks total label is "${all.label}"`);
  if (all.rows.length !== Math.min(all.n, 20) && all.exact) throw new Error(`${all.rows.length} task rows under "${all.label}"`);
  await expectNamedControls(page, 'the separation page');
  await page.goto(`${BASE}/household/separation?status=identified`);
  const filtered = await listState(page, { table: 'task-table', pager: 'task-pager' });
  await page.reload();
  if (urlQuery(page).get('status') !== 'identified') throw new Error('the status filter is gone after a reload');
  const again = await listState(page, { table: 'task-table', pager: 'task-pager' });
  if (again.label !== filtered.label) throw new Error(`the filtered total changed over a reload (${filtered.label} → ${again.label})`);
  if (filtered.exact && all.exact && filtered.n > all.n) throw new Error(`the status filter grew the total (${all.label} → ${filtered.label})`);
  if (!filtered.n) await page.getByTestId('task-empty').waitFor();
  logs.check('the separation tasks');
});

await test('unit.staff: 待认领 by numbered pages, the pledge filter in the URL over a reload, named controls', async (page) => {
  const logs = watchConsole(page);
  await login(page, 'unit.staff');
  logs.reset();
  await page.goto(`${BASE}/volunteer/open`);
  const all = await listState(page, { table: 'open-table', pager: 'open-pager' });
  if (!/^(共|约) \d+ 条$/.test(all.label)) throw new Error(`open items total label is "${all.label}"`);
  if (all.exact && all.rows.length !== Math.min(all.n, 20)) throw new Error(`${all.rows.length} rows under "${all.label}"`);
  await expectNamedControls(page, 'the open items');
  await page.getByTestId('open-pledge-only').click();
  await page.waitForURL((u) => new URL(u).searchParams.get('pledge') === 'true');
  const pledged = await listState(page, { table: 'open-table', pager: 'open-pager' });
  await page.reload();
  const again = await listState(page, { table: 'open-table', pager: 'open-pager' });
  if (again.label !== pledged.label) throw new Error(`the pledge filter's total changed over a reload (${pledged.label} → ${again.label})`);
  if (pledged.exact && all.exact && pledged.n > all.n) throw new Error(`the pledge filter grew the total (${all.label} → ${pledged.label})`);
  logs.check('the open items');
});

// ── rough edges (issue 14, item 4) ──

await test('clerk.longteng: the case wizard’s type cards are even (one height per row, one width)', async (page) => {
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/cases/new`);
  const cards = page.locator('[data-testid^="wizard-type-"]');
  await cards.first().waitFor();
  const boxes = await cards.evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => ({ top: Math.round(r.top), height: Math.round(r.height), width: Math.round(r.width) })));
  if (boxes.length < 2) throw new Error(`${boxes.length} type cards`);
  const rows = new Map();
  for (const b of boxes) rows.set(b.top, [...(rows.get(b.top) ?? []), b]);
  for (const [top, row] of rows) {
    const heights = new Set(row.map((b) => b.height));
    if (heights.size > 1) throw new Error(`the type cards at y=${top} have heights ${[...heights].join(', ')}`);
  }
  const widths = boxes.map((b) => b.width);
  if (Math.max(...widths) - Math.min(...widths) > 1) throw new Error(`the type cards have widths ${widths.join(', ')}`);
});

await finish();
