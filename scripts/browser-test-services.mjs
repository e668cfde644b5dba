#!/usr/bin/env node
// Browser test of 一网通办 (issue 15, item 1) against a running platform (`npm start`; BASE_URL, default
// http://127.0.0.1:8080): a community clerk takes a resident's application for a catalogue service on the
// new-application form (materials as a checklist, one missing), asks for the missing one, records it, accepts,
// hands the file over to the county department and records it done; the queue, the statistics and the resident's
// look-up by number and phone show it. Screenshots go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, browserSuite, expectNoRawText, input, login, stepState } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('services-browser', { failurePrefix: 'services-', nameLength: 80 });
const run = randomInt(100000, 999999);
const { state, need } = stepState();

try {
  const clerk = await api('clerk.longteng');
  try {
    // A service of the catalogue with at least two materials and a time limit (handed over to a department).
    const { items } = await clerk.get('/api/household/service-catalogue');
    const s = items.find((x) => x.materials.length >= 2 && x.timeLimitDays > 0);
    if (!s) throw new Error('no catalogue service with two materials and a time limit');
    state.service = s;
    state.phone = `1390535${String(run % 10000).padStart(4, '0')}`;
    state.applicant = `测试${run}`;
    process.stdout.write(`  set-up: service ${s.code} ${s.name} (${s.materials.length} materials, ${s.timeLimitDays} days)\n`);
  } finally {
    await clerk.dispose();
  }
} catch (e) {
  fail('set-up through the API', e);
}

/** No raw key of the core messages, nor of this feature's own module (services.*), on the page. */
async function noRawText(page, what) {
  await expectNoRawText(page, what);
  const raw = (await page.locator('body').innerText()).match(/\bservices\.[a-zA-Z.]+/);
  if (raw) throw new Error(`${what} shows raw text: ${raw[0]}`);
}

/** Clicks an action on the detail page and confirms its dialog (after `fill` fills it). */
async function act(page, action, fill = async () => undefined) {
  await page.getByTestId(`application-action-${action}`).click();
  const dialog = page.getByTestId('application-dialog');
  await dialog.waitFor({ state: 'visible' });
  await fill(dialog);
  await page.getByTestId('dialog-confirm').click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
}

async function statusIs(page, status) {
  await page.locator(`[data-testid="application-status"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
}

await test('a clerk takes a service application through supplement, acceptance and the county department to done', async (page) => {
  const service = need('service');
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/services/applications/new`);
  await page.getByTestId('form-service').click();
  await page.getByTestId(`form-service-option-${service.code}`).click();
  await page.getByTestId('form-service-limit').waitFor();
  await input(page, 'form-applicant').fill(need('applicant'));
  await input(page, 'form-phone').fill(need('phone'));
  // every material but the last one is handed in
  for (const m of service.materials.slice(0, -1)) await page.getByTestId(`form-material-${m}`).click();
  await page.screenshot({ path: join(OUT, 'services-new.png'), fullPage: true });
  await page.getByTestId('form-submit').click();
  await page.waitForURL((u) => /^\/services\/applications\/\d+$/.test(u.pathname), { timeout: 15_000 });
  await statusIs(page, 'SUBMITTED');
  state.applicationNo = (await page.getByTestId('application-no').innerText()).trim();
  if (!/^FW\d{4}-\d{6}$/.test(state.applicationNo)) throw new Error(`application number ${state.applicationNo}`);
  const last = service.materials.at(-1);
  if ((await page.getByTestId(`material-${last}`).getAttribute('data-provided')) !== 'false') throw new Error('the missing material is not marked missing');
  await noRawText(page, 'the application page');

  await act(page, 'request_supplement');
  await statusIs(page, 'NEEDS_SUPPLEMENT');
  await page.getByTestId('event-request_supplement').waitFor();
  await act(page, 'supplement', async (d) => d.getByTestId(`dialog-provided-${last}`).click());
  await statusIs(page, 'SUBMITTED');
  if ((await page.getByTestId(`material-${last}`).getAttribute('data-provided')) !== 'true') throw new Error('the supplemented material is not marked received');
  await act(page, 'accept');
  await statusIs(page, 'ACCEPTED');
  await page.locator('[data-testid="light-green"]').first().waitFor();
  // handing over needs the department: refused in the dialog without it
  await page.getByTestId('application-action-hand_over').click();
  await input(page, 'dialog-department').fill('');
  await page.getByTestId('dialog-confirm').click();
  await page.getByTestId('dialog-errors').waitFor();
  await input(page, 'dialog-department').fill('栖霞市人力资源和社会保障局');
  await page.getByTestId('dialog-confirm').click();
  await statusIs(page, 'HANDED_OVER');
  if (!(await page.getByTestId('application-department').innerText()).includes('栖霞市人力资源和社会保障局')) throw new Error('the department is not shown');
  await act(page, 'complete', async (d) => input(d, 'dialog-result').fill(`已办结（测试 ${run}）`));
  await statusIs(page, 'DONE');
  const events = await page.getByTestId('application-timeline').locator('.el-timeline-item').count();
  if (events !== 6) throw new Error(`expected 6 steps on the timeline, saw ${events}`);
  if (await page.locator('[data-testid^="application-action-"]').count()) throw new Error('a done application still offers actions');
  await page.screenshot({ path: join(OUT, 'services-done.png'), fullPage: true });

  // the queue finds it by its number, done
  await page.goto(`${BASE}/services/applications?q=${need('applicationNo')}`);
  await page.getByTestId(`application-row-${state.applicationNo}`).waitFor({ timeout: 15_000 });
  await page.getByTestId('application-table').locator('[data-testid="application-status-DONE"]').first().waitFor();
  await noRawText(page, 'the application queue');

  // the statistics count it for the service
  await page.goto(`${BASE}/services/stats`);
  await page.getByTestId('stats-card-done').waitFor({ timeout: 15_000 });
  const row = page.getByTestId('stats-by-service').locator('.el-table__row').filter({ hasText: service.name });
  await row.first().waitFor({ timeout: 15_000 });
  await noRawText(page, 'the statistics page');
  await page.screenshot({ path: join(OUT, 'services-stats.png'), fullPage: true });
});

await test('the resident looks the application up by its number and the last 4 digits of the phone', async (page) => {
  await page.goto(`${BASE}/public/case`);
  await input(page, 'case-number').fill(need('applicationNo'));
  await input(page, 'case-phone').fill(state.phone.slice(-4));
  await page.getByTestId('case-submit').click();
  await page.getByTestId('case-result').waitFor({ timeout: 15_000 });
  const kind = await page.getByTestId('case-kind').innerText();
  if (!kind.includes(state.service.name)) throw new Error(`the service is not named: ${kind}`);
  const status = await page.getByTestId('case-status').innerText();
  if (status.trim() !== '已办结') throw new Error(`status ${status}`);
  if ((await page.getByTestId('case-steps').locator('.el-timeline-item').count()) !== 6) throw new Error('expected 6 steps');
  const text = await page.locator('body').innerText();
  if (text.includes(state.applicant) || text.includes(state.phone)) throw new Error('the page shows personal data');
  await noRawText(page, 'the resident look-up');
  await page.screenshot({ path: join(OUT, 'services-resident-lookup.png'), fullPage: true });
}, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

await finish();
