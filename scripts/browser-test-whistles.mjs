#!/usr/bin/env node
// Browser tests of 街呼县应 (whistles): Debian's Chromium driven by playwright-core against a running platform
// (`npm start`; BASE_URL, default http://127.0.0.1:8080). street.zhuangyuan raises a whistle to unit.staff's
// department (栖霞市自然资源和规划局, a county department in the demo) in the SPA → unit.staff finds it in the
// department inbox, accepts it (报到) and reports the result → the street rates the answer, which closes the
// whistle → the department scorecards show the rating. Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { BASE, api, browserSuite, expectNoRawText, input, login, stepState } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('whistles-browser', { failurePrefix: 'whistles-', nameLength: 80 });
const run = randomInt(100000, 999999);
const { state, need } = stepState();

/* ─── set-up through the API: unit.staff's unit must be a county department (the demo marks it) ─── */
try {
  const admin = await api('admin');
  const street = await api('street.zhuangyuan');
  const unit = await api('unit.staff');
  try {
    state.unitId = Number(unit.user.orgId);
    let departments = await street.get('/api/volunteer/whistles/departments');
    if (!departments.some((d) => d.id === state.unitId)) {
      // A database seeded before departments were marked: the organisation department marks it, the volunteer
      // service picks it up with its next sync of the org chart (once a minute).
      const u = await admin.get(`/api/org/units/${state.unitId}`);
      await admin.patch(`/api/org/units/${state.unitId}`, { version: u.version, department: true });
      const end = Date.now() + 90_000;
      while (!departments.some((d) => d.id === state.unitId)) {
        if (Date.now() > end) throw new Error(`unit ${state.unitId} is not among the departments after marking it`);
        await new Promise((r) => setTimeout(r, 2000));
        departments = await street.get('/api/volunteer/whistles/departments');
      }
    }
    state.unitName = departments.find((d) => d.id === state.unitId).name;
    process.stdout.write(`  set-up: department ${state.unitName} (#${state.unitId}), ${departments.length} departments in all\n`);
  } finally {
    await Promise.all([admin.dispose(), street.dispose(), unit.dispose()]);
  }
} catch (e) {
  fail('set-up through the API', e);
}

/**
 * A loaded machine (CI shares its cores) can be slow to sign in and to load a route's chunk: generous timeouts, and a
 * second try of the login page when the first does not get through.
 */
async function signIn(page, username) {
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(120_000);
  try {
    await login(page, username);
  } catch {
    await login(page, username);
  }
}

const responseStatus = (page) => page.getByTestId(`whistle-response-status-${need('unitId')}`);

/** Clicks a response action; fills and submits its dialog when it has one. */
async function respond(page, action, fill) {
  await page.getByTestId(`response-action-${need('unitId')}-${action}`).click();
  if (!fill) return;
  const dialog = page.getByTestId('whistle-action-dialog');
  await dialog.waitFor({ state: 'visible' });
  await fill(dialog);
  await dialog.getByTestId('whistle-action-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
}

await test('the street raises a whistle to a county department', async (page) => {
  need('unitId');
  await signIn(page, 'street.zhuangyuan');
  await page.goto(`${BASE}/volunteer/whistles`);
  await page.getByTestId('whistles-table').waitFor();
  await page.getByTestId('whistle-raise').click();
  const dialog = page.getByTestId('whistle-raise-dialog');
  await dialog.waitFor({ state: 'visible' });
  // submitting empty names the first missing field
  await dialog.getByTestId('whistle-submit').click();
  await dialog.getByTestId('whistle-form-error').filter({ hasText: '事项' }).waitFor();
  state.title = `龙腾小区南门路灯杆倾斜（测试 ${run}）`;
  await input(dialog, 'whistle-title').fill(state.title);
  await input(dialog, 'whistle-description').fill('南门路灯杆因地基下沉倾斜，社区无法处置，请相关部门现场核查');
  await input(dialog, 'whistle-place').fill('龙腾社区南门');
  await dialog.getByTestId('whistle-departments').click();
  await page.getByTestId(`whistle-dept-${state.unitId}`).click();
  // close the options (Escape would close the dialog)
  await dialog.getByTestId('whistle-title').click();
  const deadline = new Date(Date.now() + 3 * 86400_000 + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
  const picker = dialog.locator('.el-date-editor input').first();
  await picker.fill(deadline);
  await picker.press('Enter');
  await dialog.getByTestId('whistle-submit').click();
  await page.waitForURL(/\/volunteer\/whistles\/\d+$/, { timeout: 60_000 });
  state.whistleId = Number(new URL(page.url()).pathname.split('/').at(-1));
  await page.getByTestId('whistle-status').filter({ hasText: '待部门报到' }).waitFor();
  await responseStatus(page).filter({ hasText: '待接单' }).waitFor();
  await expectNoRawText(page, 'the whistle page');
  // it is in the street's list
  await page.goto(`${BASE}/volunteer/whistles`);
  await page.getByTestId(`whistle-link-${state.whistleId}`).waitFor();
});

await test('the department finds it in its inbox, accepts it and reports the result', async (page) => {
  need('whistleId');
  await signIn(page, 'unit.staff');
  await page.goto(`${BASE}/volunteer/whistle-inbox`);
  await page.getByTestId(`whistle-mine-${state.whistleId}`).filter({ hasText: '待接单' }).waitFor({ timeout: 60_000 });
  await page.getByTestId(`whistle-link-${state.whistleId}`).click();
  await page.getByTestId('whistle-detail').getByText(state.title).waitFor();
  await respond(page, 'accept');
  await responseStatus(page).filter({ hasText: '已接单' }).waitFor({ timeout: 60_000 });
  // the report needs a result: empty is refused in the dialog
  await page.getByTestId(`response-action-${state.unitId}-report`).click();
  const dialog = page.getByTestId('whistle-action-dialog');
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByTestId('whistle-action-submit').click();
  await dialog.getByTestId('whistle-action-error').filter({ hasText: '处置结果' }).waitFor();
  await input(dialog, 'whistle-form-result').fill('已派技术人员现场核查，路灯杆已加固扶正，地基回填');
  await dialog.getByTestId('whistle-action-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
  await responseStatus(page).filter({ hasText: '已反馈' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('whistle-status').filter({ hasText: '待评价' }).waitFor();
  // the department cannot rate its own answer
  if (await page.getByTestId(`response-action-${state.unitId}-rate`).count()) throw new Error('the department is offered to rate its own answer');
});

await test('the street rates the answer, which closes the whistle; the department scorecards show it', async (page) => {
  need('whistleId');
  await signIn(page, 'street.zhuangyuan');
  await page.goto(`${BASE}/volunteer/whistles/${state.whistleId}`);
  await page.getByTestId('whistle-response-result').filter({ hasText: '路灯杆已加固' }).waitFor({ timeout: 60_000 });
  await respond(page, 'rate', async (dialog) => {
    await dialog.locator('[data-testid="whistle-form-rating"] .el-rate__item').nth(4).click();
    await input(dialog, 'whistle-form-reason').fill('响应及时，处置到位');
  });
  await responseStatus(page).filter({ hasText: '已评价' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('whistle-status').filter({ hasText: '已办结' }).waitFor();
  await page.getByTestId('whistle-timeline').getByText('评价').first().waitFor();
  await page.goto(`${BASE}/volunteer/scorecards/departments`);
  const rating = page.getByTestId(`dept-rating-${state.unitId}`);
  await rating.waitFor({ timeout: 60_000 });
  if (!/^\d(\.\d+)?$/.test((await rating.innerText()).trim())) throw new Error(`the department's average rating reads "${await rating.innerText()}"`);
  await expectNoRawText(page, 'the department scorecards');
});

await test('English: the inbox reads in English', async (page) => {
  need('whistleId');
  await signIn(page, 'unit.staff');
  await page.evaluate(() => localStorage.setItem('rh.locale', 'en'));
  await page.goto(`${BASE}/volunteer/whistle-inbox`);
  await page.getByRole('heading', { name: 'Department inbox' }).waitFor({ timeout: 60_000 });
  await page.getByTestId(`whistle-mine-${state.whistleId}`).filter({ hasText: 'Rated' }).waitFor();
});

await finish();
