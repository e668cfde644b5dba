#!/usr/bin/env node
// Browser tests of the household-registration workspace (户籍业务): Debian's Chromium driven by
// playwright-core against a running platform (`npm start`; BASE_URL, default http://127.0.0.1:8080).
// One purchased-flat case goes the whole way: wizard → submit → one-time notice → supplement →
// accept → approval by the secretary (another browser context) → settle → household book.
// Screenshots go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, browserSuite, expectNoRawText, input, login, stepState } from './lib/browser.mjs';

const { test, finish } = await browserSuite('household-browser', { failurePrefix: 'household-', nameLength: 80 });

/* ─── GB 11643-1999 resident ID numbers, made up for this run ─── */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const checkChar = (first17) => CHECK[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];
/** A valid number: 370686 (栖霞市), the birth date, a random sequence whose parity gives the sex. */
function residentId(birth, sex) {
  let seq = randomInt(0, 1000);
  if ((seq % 2 === 1) !== (sex === 'M')) seq = (seq + 1) % 1000;
  const first17 = `370686${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}
const wrongCheck = (id) => id.slice(0, 17) + CHECK[(CHECK.indexOf(id[17]) + 1) % 11];

const run = randomInt(100000, 999999);
const pick = (list) => list[randomInt(0, list.length)];
const surname = pick(['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴']);
const family = [
  { name: `${surname}${pick(['建国', '志强', '海涛', '明远', '国栋'])}`, birth: `198${randomInt(0, 10)}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`, sex: 'M', relation: 'head' },
  { name: `${pick(['孙', '林', '郭', '何', '高'])}${pick(['丽娟', '秀英', '晓燕', '春梅', '静'])}`, birth: `198${randomInt(0, 10)}-1${randomInt(0, 3)}-0${randomInt(1, 10)}`, sex: 'F', relation: 'spouse' },
  { name: `${surname}${pick(['子涵', '浩然', '雨桐', '一诺', '梓萱'])}`, birth: `201${randomInt(0, 10)}-0${randomInt(1, 10)}-2${randomInt(0, 9)}`, sex: pick(['M', 'F']), relation: 'child' },
].map((p) => ({ ...p, id: residentId(p.birth, p.sex) }));
const certificateNo = `鲁(2020)栖霞市不动产权第${run}号`;
const approvalNo = `栖公准迁字〔2020〕${run % 10000}号`;

/** What the later steps need from the earlier ones. */
const { state, need } = stepState({ caseId: null, caseNo: null });

/* ─── helpers ─── */
async function expectStatus(page, status) {
  await page.locator(`[data-testid="case-status"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
}

async function openCase(page) {
  await page.goto(`${BASE}/household/cases/${need('caseId')}`);
  await page.getByTestId('case-no').filter({ hasText: state.caseNo }).waitFor({ timeout: 15_000 });
}

/** Clicks an action button, lets `fill` complete its dialog, submits and waits for the new status. */
async function act(page, action, to, fill = async () => undefined) {
  await page.getByTestId(`case-action-${action}`).click();
  const dialog = page.getByTestId('case-action-dialog');
  await dialog.waitFor();
  await fill(dialog);
  await dialog.getByTestId('action-submit').click();
  if (to) await expectStatus(page, to);
}

async function checkbox(scope, testid, checked) {
  const box = scope.getByTestId(testid);
  await box.waitFor();
  const isChecked = await box.evaluate((el) => el.classList.contains('is-checked') || !!el.querySelector('input:checked'));
  if (isChecked !== checked) await box.click();
}

async function selectOption(page, selectTestid, optionTestid) {
  await page.getByTestId(selectTestid).click();
  const option = page.getByTestId(optionTestid);
  await option.waitFor({ state: 'visible' });
  await option.click();
}

/* ─── the tests ─── */

await test('clerk.longteng sees the 户籍业务 menu and opens the wizard from the queue', async (page) => {
  await login(page, 'clerk.longteng');
  await page.getByTestId('menu-group-household').waitFor({ timeout: 10_000 });
  for (const id of ['menu-household-cases', 'menu-household-cases-new', 'menu-household-stats', 'menu-household-separation']) {
    if (!(await page.getByTestId(id).count())) throw new Error(`menu entry ${id} missing for the clerk`);
  }
  await page.getByTestId('menu-household-cases').click();
  await page.getByTestId('case-table').waitFor();
  await page.getByTestId('case-new').click();
  await page.waitForURL(/\/household\/cases\/new$/);
  await page.getByTestId('case-wizard').waitFor();
});

await test('clerk.longteng creates a purchased-flat case for a family of three, property certificate not handed in', async (page) => {
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/cases/new`);
  await page.getByTestId('wizard-type-purchased_flat').click();
  await page.getByTestId('wizard-next').click();

  // Persons: the GB 11643 check runs in the browser and shows sex and birth date.
  await page.getByTestId('wizard-add-person').click();
  await page.getByTestId('wizard-add-person').click();
  for (const [i, p] of family.entries()) {
    await input(page, `wizard-person-name-${i}`).fill(p.name);
    if (i === 0) {
      await input(page, `wizard-person-id-${i}`).fill(wrongCheck(p.id));
      await page.getByTestId(`wizard-person-derived-${i}`).filter({ hasText: `应为 ${p.id[17]}` }).waitFor({ timeout: 5_000 });
    }
    await input(page, `wizard-person-id-${i}`).fill(p.id);
    await page.getByTestId(`wizard-person-derived-${i}`).filter({ hasText: `${p.sex === 'M' ? '男' : '女'} · ${p.birth}` }).waitFor({ timeout: 5_000 });
    await selectOption(page, `wizard-person-relation-${i}`, `wizard-person-relation-${i}-option-${p.relation}`);
  }
  await page.getByTestId('wizard-next').click();

  // Target: a new household at the flat of the property certificate.
  await page.getByTestId('wizard-step-target').waitFor();
  await input(page, 'wizard-property-cert').fill(certificateNo);
  await page.getByTestId('wizard-target-new').click();
  await input(page, 'wizard-address').fill(`栖霞市庄园街道龙腾小区${run % 30 + 1}号楼`);
  await input(page, 'wizard-building').fill(String((run % 30) + 1));
  await input(page, 'wizard-unit').fill('2');
  await input(page, 'wizard-room').fill(String(run % 900 + 101));
  await page.getByTestId('wizard-next').click();

  // Checklist: everything but the property certificate.
  await page.getByTestId('wizard-step-checklist').waitFor();
  for (const item of ['id_card', 'hukou_booklet', 'purchase_contract', 'application_form']) await checkbox(page, `wizard-item-${item}`, true);
  await checkbox(page, 'wizard-item-property_certificate', false);
  await page.getByTestId('wizard-missing').filter({ hasText: '不动产权证书' }).waitFor();
  await page.getByTestId('wizard-next').click();

  await page.getByTestId('wizard-step-applicant').waitFor();
  if ((await input(page, 'wizard-applicant-name').inputValue()) !== family[0].name) throw new Error('the applicant is not prefilled with the head of household');
  await input(page, 'wizard-applicant-phone').fill(`1356${String(run).padStart(7, '0')}`);
  // A double click must not open two cases (one Idempotency-Key per create).
  await page.getByTestId('wizard-create').dblclick();
  await page.waitForURL(/\/household\/cases\/\d+$/, { timeout: 15_000 });
  state.caseId = Number(new URL(page.url()).pathname.split('/').pop());
  state.caseNo = (await page.getByTestId('case-no').innerText()).trim();
  await expectStatus(page, 'DRAFT');
  for (const p of family) await page.getByTestId('case-persons').getByText(p.name, { exact: true }).waitFor();
  const masked = await page.getByTestId('case-persons').innerText();
  if (family.some((p) => masked.includes(p.id))) throw new Error('a full ID number is shown on the case page');
  const provided = await page.locator('[data-testid="checklist-property_certificate"]').getAttribute('data-provided');
  if (provided !== 'false') throw new Error('the property certificate should be missing');

  // The queue finds it once (by case number and by an ID number).
  await page.goto(`${BASE}/household/cases`);
  await input(page, 'case-search').fill(state.caseNo);
  await page.getByTestId('case-search-submit').click();
  await page.getByTestId(`case-row-${state.caseNo}`).waitFor({ timeout: 10_000 });
  await input(page, 'case-search').fill(family[1].id);
  await page.getByTestId('case-search-submit').click();
  await page.waitForFunction((no) => {
    const rows = document.querySelectorAll('[data-testid="case-table"] .el-table__body tr');
    return rows.length === 1 && rows[0].textContent.includes(no);
  }, state.caseNo, { timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'household-case-created.png'), fullPage: true });
});

await test('clerk submits and requests a supplement; the printable one-time notice lists the property certificate', async (page) => {
  await login(page, 'clerk.longteng');
  await openCase(page);
  await act(page, 'submit', 'SUBMITTED', async (d) => {
    await d.getByTestId('action-provided-property_certificate').waitFor();
  });
  await act(page, 'request_supplement', null, async (d) => {
    // Pre-filled with every missing item.
    const on = await d.getByTestId('action-missing-property_certificate').evaluate((el) => el.classList.contains('is-checked'));
    if (!on) throw new Error('request_supplement is not pre-filled with the missing property certificate');
    await input(d, 'action-note').fill('请携带不动产权证书原件及复印件');
  });
  await page.waitForURL(/\/household\/cases\/\d+\/notices\/\d+$/, { timeout: 15_000 });
  const sheet = page.getByTestId('notice-sheet');
  await sheet.waitFor({ timeout: 10_000 });
  await sheet.getByTestId('notice-item-property_certificate').filter({ hasText: '不动产权证书' }).waitFor();
  const items = await sheet.locator('[data-testid="notice-items"] li').count();
  if (items !== 1) throw new Error(`the notice lists ${items} items, expected 1`);
  for (const p of family) await sheet.getByText(p.name, { exact: true }).waitFor();
  await sheet.getByText('龙腾社区').first().waitFor();
  await sheet.getByText(state.caseNo).first().waitFor();
  if (!(await sheet.getByTestId('notice-date').innerText()).match(/^\d{4}-\d{2}-\d{2}$/)) throw new Error('the notice has no date');
  await expectNoRawText(page, 'the one-time notice');
  // On paper only the sheet is printed: no menu, no buttons.
  await page.emulateMedia({ media: 'print' });
  if (await page.getByTestId('side-menu').isVisible()) throw new Error('the side menu would be printed');
  if (await page.getByTestId('print-button').isVisible()) throw new Error('the print button would be printed');
  if (!(await sheet.isVisible())) throw new Error('the notice would not be printed');
  await page.screenshot({ path: join(OUT, 'household-one-time-notice-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.getByTestId('print-back').click();
  await expectStatus(page, 'NEEDS_SUPPLEMENT');
});

await test('clerk supplements and accepts; a stale second tab gets a clear 409 with a reload', async (page, context) => {
  await login(page, 'clerk.longteng');
  await openCase(page);
  await expectStatus(page, 'NEEDS_SUPPLEMENT');
  await act(page, 'supplement', 'SUBMITTED', async (d) => {
    await checkbox(d, 'action-provided-property_certificate', true);
  });
  const provided = await page.locator('[data-testid="checklist-property_certificate"]').getAttribute('data-provided');
  if (provided !== 'true') throw new Error('the property certificate is still missing after the supplement');

  // A second tab sees the case as SUBMITTED too; the first one accepts, the second one is stale.
  const stale = await context.newPage();
  await stale.goto(`${BASE}/household/cases/${state.caseId}`);
  await expectStatus(stale, 'SUBMITTED');

  await act(page, 'accept', 'ACCEPTED', async (d) => {
    await checkbox(d, 'action-originals-verified', true);
  });
  await page.locator('[data-testid="checklist-property_certificate"][data-verified="true"]').waitFor();

  await act(stale, 'accept', null, async (d) => {
    await checkbox(d, 'action-originals-verified', true);
  });
  await stale.getByTestId('case-conflict').waitFor({ timeout: 10_000 });
  await stale.getByTestId('case-reload').click();
  await expectStatus(stale, 'ACCEPTED');
  await stale.close();

  // The receipt (受理回执) shows every material received.
  await page.getByTestId('case-receipt').click();
  const receipt = page.getByTestId('receipt-sheet');
  await receipt.waitFor({ timeout: 10_000 });
  const materials = await receipt.locator('[data-testid="receipt-materials"] li').count();
  if (materials !== 5) throw new Error(`the receipt lists ${materials} materials, expected 5`);
  await page.screenshot({ path: join(OUT, 'household-receipt.png'), fullPage: true });
});

await test('secretary.longteng (another session) approves with an approval number', async (page) => {
  await login(page, 'secretary.longteng');
  await openCase(page);
  await expectStatus(page, 'ACCEPTED');
  if (await page.getByTestId('case-action-settle').count()) throw new Error('settle is offered before approval');
  await act(page, 'approve', 'APPROVED', async (d) => {
    await input(d, 'action-approval-no').fill(approvalNo);
  });
  await page.getByTestId('case-approval-no').filter({ hasText: approvalNo }).waitFor();
  await page.getByTestId('case-timeline').getByText('secretary.longteng').first().waitFor();
});

await test('clerk settles; the household book shows the three new persons', async (page) => {
  await login(page, 'clerk.longteng');
  await openCase(page);
  await expectStatus(page, 'APPROVED');
  if (await page.getByTestId('case-action-approve').count()) throw new Error('a clerk is offered approve');
  await act(page, 'settle', 'SETTLED');
  const timeline = page.getByTestId('case-timeline');
  for (const a of ['create', 'submit', 'request_supplement', 'supplement', 'accept', 'approve', 'settle']) {
    if (!(await timeline.getByTestId(`timeline-${a}`).count())) throw new Error(`the timeline has no ${a}`);
  }
  await page.getByTestId('case-target-household').click();
  await page.waitForURL(/\/household\/households\/\d+$/);
  const book = page.getByTestId('book-current');
  await book.waitFor({ timeout: 10_000 });
  for (const p of family) await book.getByText(p.name, { exact: true }).waitFor();
  const rows = await book.locator('.el-table__body tr').count();
  if (rows !== 3) throw new Error(`the household book shows ${rows} members, expected 3`);
  await page.getByTestId('book-member-count').filter({ hasText: '3' }).waitFor();

  // The full ID number only after a stated reason (written to the access log).
  const reveal = book.locator('[data-testid^="member-reveal-"]').first();
  await reveal.click();
  const dialog = page.getByTestId('reveal-dialog');
  await input(dialog, 'reveal-reason').fill('核对户口簿登记信息');
  await dialog.getByTestId('reveal-submit').click();
  const shown = (await dialog.getByTestId('reveal-result').innerText()).trim();
  if (!family.some((p) => p.id === shown)) throw new Error(`revealed ${shown}, which is none of the family's ID numbers`);
  await page.screenshot({ path: join(OUT, 'household-book.png'), fullPage: true });
});

await test('grid.longteng reads the queue and the funnel, and may not open cases', async (page) => {
  await login(page, 'grid.longteng');
  await page.getByTestId('menu-group-household').waitFor({ timeout: 10_000 });
  if (!(await page.getByTestId('menu-household-separation').count())) throw new Error('no funnel entry for the grid worker');
  if (await page.getByTestId('menu-household-cases-new').count()) throw new Error('the grid worker is offered "new case"');
  if (await page.getByTestId('menu-household-stats').count()) throw new Error('the grid worker is offered statistics');
  await page.goto(`${BASE}/household/cases`);
  await page.getByTestId('case-table').waitFor();
  if (await page.getByTestId('case-new').count()) throw new Error('the queue offers "new case" to the grid worker');
  if (state.caseId) {
    await openCase(page);
    await page.getByTestId('case-no-actions').waitFor();
  }
  await page.goto(`${BASE}/household/separation`);
  await page.locator('[data-testid="chart-funnel"], [data-testid="funnel-empty"]').first().waitFor({ timeout: 10_000 });
  await page.getByTestId('task-table').waitFor();
  await page.screenshot({ path: join(OUT, 'household-separation.png'), fullPage: true });
});

await test('grid.longteng walks an outreach task from the funnel: contacted → applied (case linked) → settled with the case', async (page) => {
  // Set-up through the API: a flat in 龙腾 whose owner is registered nowhere, then the comparison.
  const clerk = await api('clerk.longteng');
  const secretary = await api('secretary.longteng');
  try {
    const owner = { name: `${pick(['宋', '唐', '韩', '冯'])}${pick(['立新', '卫东', '玉兰', '淑珍'])}`, id: residentId(`197${randomInt(0, 10)}-05-1${randomInt(0, 10)}`, 'M') };
    const grid = `T${run}`;
    const cert = `鲁(2020)栖霞市不动产权第${run}-2号`;
    const address = `栖霞市庄园街道龙腾小区${run % 30 + 1}号楼1单元${run % 9 + 1}01`;
    await clerk.post('/api/household/separation/properties', { properties: [{ certificateNo: cert, address, gridCode: grid, owners: [{ name: owner.name, idNumber: owner.id }] }] });
    await clerk.post('/api/household/separation/compare');
    const task = (await clerk.get(`/api/household/separation/tasks?gridCode=${encodeURIComponent(grid)}`)).items.find((x) => x.personName === owner.name);
    if (!task) throw new Error('the comparison opened no outreach task for the owner');
    const created = await clerk.post('/api/household/cases', {
      type: 'purchased_flat', applicantName: owner.name, persons: [{ name: owner.name, idNumber: owner.id, relation: 'head' }],
      newHousehold: { kind: 'family', address }, propertyCertificateNo: cert,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });

    await login(page, 'grid.longteng');
    await page.goto(`${BASE}/household/separation`);
    await selectOption(page, 'separation-grid', `separation-grid-option-${grid}`);
    await page.getByTestId(`task-${task.id}`).waitFor({ timeout: 10_000 });
    const step = async (action, status, fill = async () => undefined) => {
      await page.getByTestId(`task-action-${task.id}-${action}`).click();
      const dialog = page.getByTestId('task-dialog');
      await dialog.waitFor();
      await fill(dialog);
      await dialog.getByTestId('task-submit').click();
      await page.getByTestId(`task-status-${task.id}`).filter({ hasText: status }).waitFor({ timeout: 10_000 });
    };
    await step('contact', '已联系', (d) => input(d, 'task-note').fill('已上门走访，户主同意办理落户'));
    await step('apply', '已申请', (d) => input(d, 'task-case-no').fill(created.caseNo));

    // The case goes through (clerk and secretary); settling it settles the outreach task too.
    let c = await clerk.post(`/api/household/cases/${created.id}/transitions`, { action: 'submit', version: created.version });
    c = await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'accept', version: c.version, originalsVerified: true });
    c = await secretary.post(`/api/household/cases/${c.id}/transitions`, { action: 'approve', version: c.version, approvalNo: `栖准迁${run}` });
    await clerk.post(`/api/household/cases/${c.id}/transitions`, { action: 'settle', version: c.version });
    await page.reload();
    await selectOption(page, 'separation-grid', `separation-grid-option-${grid}`);
    await page.getByTestId(`task-status-${task.id}`).filter({ hasText: '已落户' }).waitFor({ timeout: 10_000 });
    await page.getByTestId(`funnel-grid-${grid}`).waitFor();
    const row = await page.getByTestId('funnel-grids').locator('.el-table__body tr').filter({ hasText: grid }).innerText();
    if (!/1\s+1\s+1\s+1\s+0\s+100%/.test(row)) throw new Error(`the funnel row of ${grid} reads "${row.replace(/\s+/g, ' ')}"`);
    await page.screenshot({ path: join(OUT, 'household-separation-walked.png'), fullPage: true });
  } finally {
    await clerk.dispose();
    await secretary.dispose();
  }
});

await test('unit.staff and member see no 户籍业务', async (page) => {
  for (const user of ['unit.staff', 'member']) {
    await login(page, user);
    await page.getByTestId('side-menu').waitFor();
    if (await page.getByTestId('menu-group-household').count()) throw new Error(`${user} sees the 户籍业务 menu`);
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
  }
});

await test('the statistics page shows the summary cards and charts', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/household/stats`);
  for (const id of ['hstat-households', 'hstat-persons', 'hstat-avgDays', 'hstat-overdue', 'chart-monthly', 'chart-community', 'chart-processing', 'chart-overdue', 'chart-separation']) {
    await page.getByTestId(id).waitFor({ timeout: 15_000 });
  }
  await page.locator('[data-testid="hstat-households"] .el-statistic__content').waitFor();
  const households = (await page.locator('[data-testid="hstat-households"] .el-statistic__number').innerText()).replace(/\D/g, '');
  const persons = (await page.locator('[data-testid="hstat-persons"] .el-statistic__number').innerText()).replace(/\D/g, '');
  process.stdout.write(`  statistics 2019-12..2020-06: ${households} households / ${persons} persons\n`);
  await page.screenshot({ path: join(OUT, 'household-stats.png'), fullPage: true });
});

await finish();
