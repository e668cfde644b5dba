#!/usr/bin/env node
// Browser check of issue 9 ("one contract": every form's server-side refusal reaches the user at the right field, in
// zh-CN) for the application forms — 一网通办 applications (new and detail), the public case lookup, the county's
// 督办 of an overdue whistle answer, and the division import: in zh-CN, each form sends what its own rules let through
// and the server refuses for a reason the form cannot know beforehand (a material the catalogue stopped asking for
// since the form opened, an application whose state moved on behind the page, a number of the wrong shape or that
// names no case, a new deadline past the service's limit, a division code outside the admin's county); the refusal
// lands on its field (or as the form's own message where the server rightly names none), worded by the SPA, no English
// sentence, no raw i18n key, the input still there — and the corrected submission then goes through. One row per
// form and refusal. Debian's Chromium driven by playwright-core against a running platform with the demo data
// (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { databaseServer, shared } from './lib/platform.mjs';
import { BASE, api, browserSuite, expectFieldError, expectNoEnglish, expectNoRawText, expectWordedInChinese, input, login } from './lib/browser.mjs';

const { test, finish } = await browserSuite('errors-apply-browser', { failurePrefix: 'errors-apply-', nameLength: 80 });

const run = randomInt(100000, 999999);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` with `username`'s API client, disposed after. */
async function as(username, fn) {
  const client = await api(username);
  try {
    return await fn(client);
  } finally {
    await client.dispose();
  }
}

/** Polls `probe` (a function answering a truthy value when done) for up to `ms`; fails saying `what`. */
async function until(probe, what, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what} within ${ms / 1000} s`);
    await sleep(1000);
  }
}

/** The page around the form: no English sentence, no raw key. */
async function expectCleanPage(page, what) {
  expectNoEnglish(await page.locator('body').innerText(), what);
  await expectNoRawText(page, what);
}

/** The value of an input (by its testid) is still `value`: the form kept what the user typed. */
async function expectKept(scope, testid, value) {
  const now = await input(scope, testid).inputValue();
  if (now !== value) throw new Error(`the form lost ${testid}: "${now}" instead of "${value}"`);
}

/**
 * A catalogue service of its own (the county admin adds it) with three materials, as the 一网通办 screens see it once
 * the org service's event has reached the household service; `drop(material)` takes one out of the catalogue behind
 * the form's back and waits until the household service knows.
 */
async function catalogueService() {
  const materials = ['居民身份证原件及复印件', '申请表', `错误测试证明${run}`];
  const entry = await as('admin', (admin) => admin.post('/api/org/catalogue', {
    code: `ERR-${run}`, name: `错误测试服务${run}`, category: '错误测试', materials, timeLimitDays: 5,
  }));
  const seen = (list) => list.items.find((s) => s.code === entry.code);
  const known = () => as('clerk.longteng', async (clerk) => seen(await clerk.get(`/api/household/service-catalogue?q=${encodeURIComponent(entry.code)}`)));
  await until(known, `the household service did not learn of catalogue service ${entry.code}`);
  return {
    ...entry,
    materials,
    drop: async (material) => {
      await as('admin', (admin) => admin.patch(`/api/org/catalogue/${entry.id}`, { version: entry.version, materials: materials.filter((m) => m !== material), reason: '错误测试：不再要求此材料' }));
      await until(async () => !(await known())?.materials.includes(material), `the household service did not learn that ${entry.code} no longer asks for ${material}`);
    },
  };
}

await test('zh-CN: a new application ticking a material the catalogue stopped asking for (400 notRequiredMaterial on provided) — on its field, kept, then corrected', async (page) => {
  const service = await catalogueService();
  const extra = service.materials[2];
  await login(page, 'clerk.longteng', { timeout: 60_000 });
  await page.goto(`${BASE}/services/applications/new`);
  await page.getByTestId('application-new-page').waitFor({ timeout: 60_000 });
  await page.getByTestId('form-service').click();
  await page.getByTestId(`form-service-option-${service.code}`).click();
  const name = `错误测试申请人${run % 1000}`;
  await input(page, 'form-applicant').fill(name);
  await input(page, 'form-phone').fill('13800005678');
  await page.getByTestId(`form-material-${service.materials[0]}`).click();
  await page.getByTestId(`form-material-${extra}`).click();
  // behind the form's back the county takes the material out of the catalogue: the form still offers it
  await service.drop(extra);
  await page.getByTestId('form-submit').click();
  const text = await expectFieldError(page, 'form-materials-item', 'the materials field\'s error');
  if (!text.includes(extra)) throw new Error(`the materials field does not name ${extra}: "${text}"`);
  if (!page.url().endsWith('/services/applications/new')) throw new Error(`the form was left: ${page.url()}`);
  await expectKept(page, 'form-applicant', name);
  await expectCleanPage(page, 'the new application page');
  // corrected: the material unticked, the application is taken
  await page.getByTestId(`form-material-${extra}`).click();
  await page.getByTestId('form-submit').click();
  await page.waitForURL(/\/services\/applications\/\d+$/, { timeout: 60_000 });
  await page.getByTestId('application-no').waitFor({ timeout: 60_000 });
});

/** An application of 龙腾 taken through the API (all materials of the first catalogue service handed in). */
async function takenApplication(phone = '13900004321') {
  return as('clerk.longteng', async (clerk) => {
    const { items } = await clerk.get('/api/household/service-catalogue');
    const s = items.find((x) => x.materials.length) ?? items[0];
    return clerk.post('/api/household/service-applications', { serviceId: s.id, applicantName: `错误测试${run % 1000}`, applicantPhone: phone, provided: s.materials });
  });
}

await test('zh-CN: accepting an application that was sent back for materials meanwhile (409 WRONG_STATE) — the page says what changed, then the right action works', async (page) => {
  const a = await takenApplication();
  const missing = a.checklist[0].item;
  await login(page, 'clerk.longteng', { timeout: 60_000 });
  await page.goto(`${BASE}/services/applications/${a.id}`);
  await page.getByTestId('application-action-accept').waitFor({ timeout: 60_000 });
  await page.getByTestId('application-action-accept').click();
  const dialog = page.getByTestId('application-dialog');
  await dialog.waitFor({ state: 'visible' });
  await input(dialog, 'dialog-note').fill('材料已核对（错误测试）');
  // behind the page's back (another clerk at the window): a material is asked for again
  await as('clerk.longteng', (clerk) => clerk.post(`/api/household/service-applications/${a.id}/transitions`, { action: 'request_supplement', version: a.version, missingItems: [missing] }));
  await dialog.getByTestId('dialog-confirm').click();
  await expectWordedInChinese(page, page.getByTestId('application-conflict'), 'the conflict banner');
  const detail = await expectWordedInChinese(page, page.getByTestId('application-conflict-detail'), 'the conflict\'s particulars');
  if (!detail.includes('受理') || !detail.includes('当前为')) throw new Error(`the conflict's particulars: "${detail}"`);
  await expectCleanPage(page, 'the application page with the conflict');
  // corrected: reload, then hand in the missing material (补正), which the application now asks for
  await page.getByTestId('application-reload-conflict').click();
  await page.locator('[data-testid="application-status"][data-status="NEEDS_SUPPLEMENT"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('application-action-supplement').click();
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByTestId(`dialog-provided-${missing}`).click();
  await dialog.getByTestId('dialog-confirm').click();
  await page.locator('[data-testid="application-status"][data-status="SUBMITTED"]').waitFor({ timeout: 60_000 });
  if (await page.getByTestId('application-conflict').count()) throw new Error('the conflict banner stayed after the corrected action');
});

/** The public lookup page, filled with `number` and the phone's last 4 digits, submitted. */
async function lookUp(page, number, last4) {
  await input(page, 'case-number').fill(number);
  await input(page, 'case-phone').fill(last4);
  await page.getByTestId('case-submit').click();
}

await test('zh-CN: the public lookup with a number of the wrong shape (400 caseNumber on caseNumber) — on its field, kept, then corrected', async (page) => {
  const a = await takenApplication('13900002468');
  await page.goto(`${BASE}/public/case`);
  await page.getByTestId('case-lookup').waitFor({ timeout: 60_000 });
  // the page takes any number; only the server knows the numbering (HJ2026-000123, FW2026-000123)
  const wrong = a.applicationNo.replace(/^FW\d{2}/, 'FW');
  await lookUp(page, wrong, '2468');
  const text = await expectFieldError(page, 'case-number-item', 'the case number field\'s error');
  if (!text.includes('FW2026-000123')) throw new Error(`the case number field does not show the numbering: "${text}"`);
  if (await page.getByTestId('case-error').count()) throw new Error('the refusal of one field was also shown as the form\'s message');
  await expectKept(page, 'case-number', wrong);
  await expectCleanPage(page, 'the lookup page');
  await lookUp(page, a.applicationNo, '2468');
  await page.getByTestId('case-result').waitFor({ timeout: 60_000 });
});

await test('zh-CN: the public lookup of a number that names no case (404, number and phone alike: no oracle) — the form\'s message, kept, then corrected', async (page) => {
  const a = await takenApplication('13900001357');
  await page.goto(`${BASE}/public/case`);
  await page.getByTestId('case-lookup').waitFor({ timeout: 60_000 });
  const unknown = a.applicationNo.replace(/-(\d+)$/, (_, n) => `-${String(Number(n) + 900000).padStart(n.length, '0')}`);
  await lookUp(page, unknown, '1357');
  const text = await expectWordedInChinese(page, page.getByTestId('case-error'), 'the lookup\'s message');
  if (!text.includes('案件编号')) throw new Error(`the lookup's message does not point at the number: "${text}"`);
  await expectKept(page, 'case-number', unknown);
  await expectCleanPage(page, 'the lookup page');
  await lookUp(page, a.applicationNo, '1357');
  await page.getByTestId('case-result').waitFor({ timeout: 60_000 });
});

/** The local date-time a date picker takes, `days` from now. */
const pickerTime = (days) => {
  const d = new Date(Date.now() + days * 86400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:00`;
};

async function fillPicker(scope, value) {
  const picker = scope.locator('.el-date-editor input').first();
  await picker.click();
  await picker.fill(value);
  await picker.press('Enter');
}

/** The answer of department `unitId` to whistle `id`, as `username` reads it. */
const answerOf = (username, id, unitId) => as(username, async (c) => (await c.get(`/api/volunteer/whistles/${id}`)).responses.find((r) => r.unitId === unitId));

/** `username` moves department `unitId`'s answer to whistle `id` on (`action` and its fields), from the version it reads. */
const moveAnswer = (username, id, unitId, body) => as(username, async (c) => {
  const r = (await c.get(`/api/volunteer/whistles/${id}`)).responses.find((x) => x.unitId === unitId);
  return c.post(`/api/volunteer/whistles/${id}/responses/${unitId}/transitions`, { ...body, version: r.version });
});

/**
 * A whistle of 庄园街道 to unit.staff's department (a county department in the demo) whose answer is overdue: raised
 * through the API (and accepted by the department when `accepted`), its deadline put in the past in the volunteer
 * database, then the overdue job (its cron runs every minute; a job is queued too) marks the answer overdue and the
 * whistle goes up to the county.
 */
async function overdueWhistle({ accepted = false } = {}) {
  const unitId = await as('unit.staff', async (unit) => Number(unit.user.orgId));
  const w = await as('street.zhuangyuan', (street) => street.post('/api/volunteer/whistles', {
    title: `超期未答复的街呼县应（错误测试 ${run}）`, description: '背街小巷路灯损坏，需要相关部门维修（错误测试）',
    deadline: new Date(Date.now() + 2 * 3600_000).toISOString(), departmentIds: [unitId],
  }));
  if (accepted) await moveAnswer('unit.staff', w.id, unitId, { action: 'accept' });
  const db = await databaseServer({ reuseRunning: true });
  const url = shared.serviceDatabaseUrl({ ...process.env, DATABASE_URL: db.url }, 'volunteer');
  const client = new pg.Client({ connectionString: url });
  const boss = new PgBoss({ connectionString: url, schema: shared.JOB_SCHEMA, migrate: false, supervise: false, schedule: false, max: 2 });
  try {
    await client.connect();
    const moved = await client.query(`UPDATE whistle_response SET deadline = now() - interval '1 hour' WHERE whistle_id = $1`, [w.id]);
    if (moved.rowCount !== 1) throw new Error(`whistle ${w.id} has ${moved.rowCount} answers`);
    await boss.start();
    await boss.send('volunteer-whistle-overdue', {});
    await until(async () => (await client.query(`SELECT overdue FROM whistle_response WHERE whistle_id = $1`, [w.id])).rows[0]?.overdue, `the overdue job did not mark whistle ${w.id}'s answer`, 180_000);
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await client.end().catch(() => undefined);
    await db.stop();
  }
  return { id: w.id, unitId };
}

/** `username` opens whistle `w` and the dialog of `action` on its department's answer: the dialog. */
async function openAnswerAction(page, username, w, action) {
  await login(page, username, { timeout: 60_000 });
  await page.goto(`${BASE}/volunteer/whistles/${w.id}`);
  const button = page.getByTestId(`response-action-${w.unitId}-${action}`);
  await button.waitFor({ timeout: 60_000 });
  await button.click();
  const dialog = page.getByTestId('whistle-action-dialog');
  await dialog.waitFor({ state: 'visible' });
  return dialog;
}

await test('zh-CN: the county\'s 督办 of an overdue answer with a new deadline past 90 days (400 tooFarAhead on deadline) — on its field, kept, then corrected', async (page) => {
  const w = await overdueWhistle();
  const dialog = await openAnswerAction(page, 'admin', w, 'supervise');
  const reason = '超期未答复，县委组织部督办（错误测试）';
  await input(dialog, 'whistle-form-reason').fill(reason);
  // the picker offers any future day; the service gives at most 90 days
  await fillPicker(dialog, pickerTime(120));
  await dialog.getByTestId('whistle-action-submit').click();
  const text = await expectFieldError(page, 'whistle-form-deadline-item', 'the new deadline\'s error');
  if (!text.includes('90')) throw new Error(`the new deadline's error does not name the limit: "${text}"`);
  if (!(await dialog.isVisible())) throw new Error('the dialog closed although the server refused the deadline');
  await expectKept(dialog, 'whistle-form-reason', reason);
  expectNoEnglish(await dialog.innerText(), 'the 督办 dialog');
  await expectNoRawText(page, 'the 督办 dialog', dialog);
  // corrected: a week ahead
  await fillPicker(dialog, pickerTime(7));
  await dialog.getByTestId('whistle-action-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
  if ((await answerOf('admin', w.id, w.unitId)).overdue) throw new Error('the answer is still overdue after the 督办');
});

await test('zh-CN: the department\'s answer to its overdue whistle after the county\'s 督办 came in between (409 STALE_VERSION) — said in Chinese, kept, then sent again', async (page) => {
  const w = await overdueWhistle({ accepted: true });
  const dialog = await openAnswerAction(page, 'unit.staff', w, 'report');
  const result = '已安排维修，路灯恢复照明（错误测试）';
  await input(dialog, 'whistle-form-result').fill(result);
  // behind the page's back the county supervises the overdue answer (a new deadline): the page's copy is stale
  await moveAnswer('admin', w.id, w.unitId, { action: 'supervise', deadline: new Date(Date.now() + 7 * 86400_000).toISOString(), reason: '超期未答复，县委组织部督办（错误测试）' });
  await dialog.getByTestId('whistle-action-submit').click();
  // the conflict: said in Chinese, the page offers to reload it
  const box = page.locator('.el-message-box:visible');
  await expectWordedInChinese(page, box, 'the conflict notice');
  await box.locator('.el-message-box__btns .el-button--primary').click();
  await box.waitFor({ state: 'hidden' });
  await expectWordedInChinese(page, dialog.getByTestId('whistle-action-error'), 'the dialog\'s message');
  if (!(await dialog.isVisible())) throw new Error('the dialog closed although nothing was sent');
  await expectKept(dialog, 'whistle-form-result', result);
  expectNoEnglish(await dialog.innerText(), 'the answer dialog');
  await expectNoRawText(page, 'the answer dialog', dialog);
  // sent again (the page reloaded): the answer goes in on the new version
  await dialog.getByTestId('whistle-action-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
  const r = await answerOf('unit.staff', w.id, w.unitId);
  if (r.status !== 'REPORTED') throw new Error(`the answer is ${r.status} after sending it again`);
});

await test('zh-CN: a county admin importing another county\'s division code (403 outsideOwnDivision on code) — on its field, kept, then corrected', async (page) => {
  await login(page, 'admin', { timeout: 60_000 });
  await page.goto(`${BASE}/org/division-import`);
  await page.getByTestId('division-import-page').waitFor({ timeout: 60_000 });
  // 370687 (海阳市) is a county of the city, but not the admin's (栖霞市, 370686): only the server knows whose it is
  await input(page, 'division-code').fill('370687');
  await page.getByTestId('division-preview').click();
  const text = await expectFieldError(page, 'division-code-item', 'the division code field\'s error');
  if (!text.includes('370687') || !text.includes('370686')) throw new Error(`the division code field does not name both codes: "${text}"`);
  if (await page.getByTestId('division-preview-error').count()) throw new Error('the refusal was also shown as the page\'s alert');
  await expectKept(page, 'division-code', '370687');
  await expectCleanPage(page, 'the division import page');
  await input(page, 'division-code').fill('370686');
  await page.getByTestId('division-preview').click();
  await page.getByTestId('division-preview-result').waitFor({ timeout: 120_000 });
});

await finish();
