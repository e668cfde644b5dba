#!/usr/bin/env node
// Browser test of the city level (issue 13): the 烟台市 organisation department imports 海阳市 (370687) from the
// SPA — a dry run first, then the import as a job whose progress runs to done — and sees the counties in the org
// tree; a county admin may preview only their own county. Debian's Chromium driven by playwright-core against a
// running platform with the demo data (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots of
// failures go to test-results/.
import { BASE, api, browserSuite, expectNoRawText, input, login } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('city-browser', { failurePrefix: 'city-', nameLength: 80 });

const CODE = '370687';
const ids = {};
try {
  const city = await api('city.admin');
  const [root] = await city.get('/api/org/units/roots');
  if (root?.type !== 'city_committee') throw new Error(`city.admin's root is ${root?.type}, not the city committee`);
  ids.city = root.id;
  const admin = await api('admin');
  const [qixia] = await admin.get('/api/org/units/roots');
  ids.qixia = qixia.id;
  await city.dispose();
  await admin.dispose();
} catch (e) {
  fail('set-up from the demo data', e);
  await finish();
}

async function openImport(page) {
  await page.goto(`${BASE}/org/division-import`);
  await page.getByTestId('division-import-page').waitFor({ timeout: 15_000 });
}

async function previewCode(page, code) {
  await input(page, 'division-code').fill(code);
  await page.getByTestId('division-preview').click();
}

await test('the county admin (admin) may preview their own county but not 370687: the code\'s field says why', async (page) => {
  await login(page, 'admin');
  await openImport(page);
  await previewCode(page, CODE);
  // the refusal (403 outsideOwnDivision) stands on the code's field (browser-test-errors-apply checks its wording)
  const fieldError = page.getByTestId('division-code-item').locator('.el-form-item__error');
  await fieldError.waitFor({ timeout: 30_000 });
  const text = await fieldError.innerText();
  if (!text.trim()) throw new Error('the refusal shows no text');
  await previewCode(page, '370686');
  await page.getByTestId('division-preview-result').waitFor({ timeout: 60_000 });
  await expectNoRawText(page, 'the division import page');
});

await test('city.admin previews 370687 (dry run), imports it and watches the job run to done', async (page) => {
  await login(page, 'city.admin');
  await openImport(page);
  // the menu offers the page to the city admin
  await page.locator('.el-menu').getByText('区划导入').first().waitFor({ timeout: 10_000 });
  await previewCode(page, CODE);
  const result = page.getByTestId('division-preview-result');
  await result.waitFor({ timeout: 60_000 });
  const created = Number((await page.getByTestId('division-preview-created').locator('.el-statistic__number, .el-statistic__content').first().innerText()).replace(/\D/g, ''));
  const rows = await page.getByTestId('division-preview-table').locator('tbody tr').count();
  // first import on this platform: the county and its streets and communities; a re-run of the suite finds nothing to do
  if (created > 0 && rows === 0) throw new Error('the preview counts rows to create but lists none');
  await expectNoRawText(page, 'the preview');

  await page.getByTestId('division-run').click();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await page.getByTestId('division-job').waitFor({ timeout: 15_000 });
  await page.getByTestId('division-job-status-done').waitFor({ timeout: 180_000 });
  const percent = await page.getByTestId('division-job-progress').getAttribute('aria-valuenow');
  if (percent !== '100') throw new Error(`progress ends at ${percent}%, not 100%`);
  const done = Number((await page.getByTestId('division-result-created').locator('.el-statistic__number, .el-statistic__content').first().innerText()).replace(/\D/g, ''));
  if (done !== created) throw new Error(`the import created ${done}, the preview said ${created}`);
  await expectNoRawText(page, 'the import result');

  // idempotent: a second preview has nothing to do
  await previewCode(page, CODE);
  await page.reload();
  await page.getByTestId('division-import-page').waitFor();
  await previewCode(page, CODE);
  await page.getByTestId('division-preview-result').waitFor({ timeout: 60_000 });
  const again = Number((await page.getByTestId('division-preview-created').locator('.el-statistic__number, .el-statistic__content').first().innerText()).replace(/\D/g, ''));
  if (again !== 0) throw new Error(`a second import would create ${again}`);
});

await test('city.admin sees the counties (栖霞市, 海阳市) under 烟台市 in the org tree; admin still sees only Qixia', async (page) => {
  await login(page, 'city.admin');
  await page.goto(`${BASE}/org`);
  const cityNode = page.getByTestId(`org-node-${ids.city}`);
  await cityNode.waitFor({ timeout: 15_000 });
  // the city admin's root is the city committee; open it to list its counties
  await page.locator('.el-tree-node__content', { has: cityNode }).first().locator('.el-tree-node__expand-icon').click();
  await page.getByTestId('org-tree').getByText('中共栖霞市委员会').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('org-tree').getByText('中共海阳市委员会').first().waitFor({ timeout: 15_000 });
  await expectNoRawText(page, 'the org tree of the city');

  const admin = await api('admin');
  const roots = await admin.get('/api/org/units/roots');
  await admin.dispose();
  if (roots.length !== 1 || roots[0].id !== ids.qixia) throw new Error(`admin's roots changed: ${JSON.stringify(roots.map((r) => r.name))}`);
});

await test('city.admin compares the counties on the city overview: 栖霞市 and 海阳市 in the table and the chart, figures as the API answers them, CSV export', async (page) => {
  const city = await api('city.admin');
  const org = await city.get('/api/org/coverage/counties');
  const household = await city.get('/api/household/stats/counties');
  await city.dispose();
  const haiyang = org.counties.find((c) => c.divisionCode === CODE);
  if (!haiyang) throw new Error('the county comparison lists no 海阳市 after its import');
  await login(page, 'city.admin');
  await page.goto(`${BASE}/overview`);
  await page.getByTestId('county-comparison').waitFor({ timeout: 15_000 });
  const table = page.getByTestId('county-table');
  await table.getByText('栖霞市').first().waitFor({ timeout: 30_000 });
  await table.getByText('海阳市').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('county-chart').waitFor({ timeout: 15_000 });
  // the row of 海阳市 says how many communities it has, as the org service counts them
  const row = table.locator('tbody tr', { hasText: CODE }).first();
  const cells = await row.locator('td').allInnerTexts();
  if (!cells.some((c) => c.trim() === String(haiyang.communities))) throw new Error(`海阳市's row ${JSON.stringify(cells)} lacks its ${haiyang.communities} communities`);
  const qixia = household.counties.find((c) => c.countyId === ids.qixia);
  const qixiaRow = await table.locator('tbody tr', { hasText: '370686' }).first().locator('td').allInnerTexts();
  if (qixia && !qixiaRow.some((c) => c.trim() === String(qixia.households))) throw new Error(`栖霞市's row ${JSON.stringify(qixiaRow)} lacks its ${qixia.households} settled households`);
  // the city admin has no community figures of its own: no 403 warnings on the page
  if (await page.locator('.el-alert--warning').count()) throw new Error('the overview shows a load failure for the city admin');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('county-export').click()]);
  const csv = (await (await import('node:fs/promises')).readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
  const lines = csv.trim().split(/\r?\n/);
  if (lines.length !== org.counties.length + 1 || !lines.some((l) => l.includes(CODE))) throw new Error(`the CSV has ${lines.length} lines: ${lines.slice(0, 3).join(' | ')}`);
  await expectNoRawText(page, 'the county comparison');
});

await test('a county admin (admin) sees their own county only in the comparison, above their county\'s figures', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/overview`);
  const table = page.getByTestId('county-table');
  await table.getByText('栖霞市').first().waitFor({ timeout: 30_000 });
  const rows = await table.locator('tbody tr').count();
  if (rows !== 1) throw new Error(`the county admin sees ${rows} counties`);
  if (await table.getByText('海阳市').count()) throw new Error('the Qixia admin sees 海阳市');
  await page.getByTestId('ov-households').waitFor({ timeout: 15_000 });
  await expectNoRawText(page, 'the county admin\'s overview');
});

await finish();
