#!/usr/bin/env node
// Browser tests of the pages residents open without a login (issue 15, item 4), on a phone-sized viewport, against a
// running platform (`npm start`; BASE_URL, default http://127.0.0.1:8080):
// - a resident looks up a hukou case by its number and the last 4 digits of the applicant's phone (a wrong phone is
//   refused the same way as an unknown number; no ID number on the page);
// - a resident reports a need from a convenience desk's QR page, gets a tracking number and follows it; the clerk
//   finds it in triage as a resident's report;
// - the community prints the completion notice of a delivered item and a resident rates it once through its link.
// The case, the desk and the delivery are set up through the API. Screenshots go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BASE, OUT, api, browserSuite, input, login, stepState } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('resident-browser', { failurePrefix: 'resident-', nameLength: 80 });
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const run = randomInt(100000, 999999);
const { state, need } = stepState();

/** A valid resident ID number (GB 11643 check character). */
function residentId(birth, seq) {
  const first17 = `370686${birth.replace(/-/g, '')}${String(seq % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function pageText(page) {
  return page.locator('body').innerText();
}

/* ─── set-up through the API ─── */
try {
  const admin = await api('admin');
  const clerk = await api('clerk.longteng');
  const unit = await api('unit.staff');
  try {
    state.communityId = Number(clerk.user.orgId);
    state.unitId = Number(unit.user.orgId);
    // A hukou case with the applicant's phone, submitted.
    state.phone = `1380535${String(run % 10000).padStart(4, '0')}`;
    state.idNumber = residentId('1985-06-15', run);
    const created = await clerk.post('/api/household/cases', {
      type: 'purchased_flat', applicantName: '郝建国', applicantPhone: state.phone,
      persons: [{ name: '郝建国', idNumber: state.idNumber, relation: 'head' }],
      newHousehold: { kind: 'family', building: '7', unit: '1', room: '302', address: `庄园街道龙腾小区7号楼1单元302（测试 ${run}）` },
      propertyCertificateNo: `鲁(2020)栖霞市不动产权第${run}号`,
      provided: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
    });
    await clerk.post(`/api/household/cases/${created.id}/transitions`, { action: 'submit', version: created.version });
    state.caseNo = created.caseNo;
    // A convenience desk of 龙腾 (the demo has them; otherwise one is put up).
    let desks = await admin.get(`/api/org/units/${state.communityId}/desks`);
    if (!desks.length) {
      await admin.post(`/api/org/units/${state.communityId}/desks`, { building: `龙腾小区${run % 30}号楼`, workers: [], hotlines: [] });
      desks = await admin.get(`/api/org/units/${state.communityId}/desks`);
    }
    state.deskCode = desks[0].code;
    const categories = await (await fetch(`${BASE}/api/volunteer/public/categories`)).json();
    if (!categories.length) throw new Error('no active service category');
    state.categoryName = categories[0].name;
    // 双报到: unit.staff's unit reports to 龙腾 (approved), so it can deliver an item there.
    const mine = (await unit.get('/api/volunteer/reports')).filter((r) => r.communityId === state.communityId);
    if (!mine.some((r) => r.status === 'approved')) {
      if (!mine.some((r) => r.status === 'pending')) {
        await unit.post('/api/volunteer/reports', { communityId: state.communityId, resources: ['便民维修'], contactName: '王建军', contactPhone: '0535-5211234' });
      }
      const pending = (await clerk.get(`/api/volunteer/reports?status=pending&communityId=${state.communityId}`)).find((r) => r.unitId === state.unitId);
      if (!pending) throw new Error('the unit report to 龙腾 is not pending at the clerk');
      await clerk.post(`/api/volunteer/reports/${pending.id}/decision`, { decision: 'approve', version: pending.version });
    }
    process.stdout.write(`  set-up: case ${state.caseNo} (phone …${state.phone.slice(-4)}), desk ${state.deskCode}, category ${state.categoryName}\n`);
  } finally {
    await Promise.all([admin.dispose(), clerk.dispose(), unit.dispose()]);
  }
} catch (e) {
  fail('set-up through the API', e);
}

/* ─── the tests ─── */

await test('a resident looks up a hukou case on a phone: a wrong phone is refused, the right one shows the steps, never the ID number', async (page) => {
  await page.goto(`${BASE}/public/case`);
  await input(page, 'case-number').fill(need('caseNo'));
  await input(page, 'case-phone').fill(String((Number(state.phone.slice(-4)) + 1) % 10000).padStart(4, '0'));
  await page.getByTestId('case-submit').click();
  await page.getByTestId('case-error').waitFor({ timeout: 15_000 });
  await input(page, 'case-phone').fill(state.phone.slice(-4));
  await page.getByTestId('case-submit').click();
  await page.getByTestId('case-result').waitFor({ timeout: 15_000 });
  const status = await page.getByTestId('case-status').innerText();
  if (!status.trim()) throw new Error('no status shown');
  const steps = await page.getByTestId('case-steps').locator('.el-timeline-item').count();
  if (steps < 2) throw new Error(`expected the create and submit steps, saw ${steps}`);
  const applicant = await page.getByTestId('case-applicant').innerText();
  if (!applicant.startsWith('郝*')) throw new Error(`applicant not masked: ${applicant}`);
  const text = await pageText(page);
  if (text.includes(state.idNumber.slice(6, 14)) || text.includes('郝建国') || text.includes(state.phone)) throw new Error('the page shows personal data');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > 390) throw new Error(`the page scrolls sideways on a phone (${width}px)`);
  await page.screenshot({ path: join(OUT, 'resident-case-lookup.png'), fullPage: true });
}, PHONE);

await test('a resident reports a need from the desk QR page and follows it by its tracking number', async (page) => {
  await page.goto(`${BASE}/desk/${need('deskCode')}`);
  await page.getByTestId('need-open').click();
  await page.getByTestId('need-category').click();
  await page.locator('.el-select-dropdown__item').filter({ hasText: need('categoryName') }).first().click();
  state.description = `5号楼门口路灯不亮，晚上老人出门不方便（测试 ${run}），电话${state.phone}`;
  await input(page, 'need-description').fill(state.description);
  await input(page, 'need-name').fill('郝阿姨');
  await input(page, 'need-phone').fill(state.phone);
  await page.getByTestId('need-submit').click();
  const tracking = (await page.getByTestId('need-tracking').innerText({ timeout: 15_000 })).trim();
  if (!/^[A-HJ-NP-Z2-9]{10}$/.test(tracking)) throw new Error(`tracking number ${tracking}`);
  state.trackingNo = tracking;
  await page.screenshot({ path: join(OUT, 'resident-need-reported.png'), fullPage: true });
  await page.getByTestId('need-track').click();
  await page.waitForURL((u) => u.pathname === `/public/needs/${tracking}`, { timeout: 15_000 });
  await page.getByTestId('track-result').waitFor({ timeout: 15_000 });
  const description = await page.getByTestId('track-description').innerText();
  if (description.includes(state.phone) || !description.includes('****')) throw new Error(`the description is not masked: ${description}`);
  if ((await page.getByTestId('track-steps').locator('.el-timeline-item').count()) !== 1) throw new Error('expected the report step');
  if ((await pageText(page)).includes('郝阿姨')) throw new Error('the tracking page shows the reporter');
  // typed by hand, with a dash and in lower case, on the look-up page
  await page.goto(`${BASE}/public/needs`);
  await input(page, 'track-input').fill(`${tracking.slice(0, 5).toLowerCase()}-${tracking.slice(5)}`);
  await page.getByTestId('track-submit').click();
  await page.getByTestId('track-number').filter({ hasText: tracking }).waitFor({ timeout: 15_000 });
}, PHONE);

await test('the clerk finds the resident\'s need in triage, marked and filtered as a resident\'s report, with the phone to call back', async (page) => {
  const trackingNo = need('trackingNo');
  const clerk = await api('clerk.longteng');
  try {
    const items = (await clerk.get(`/api/volunteer/items?status=REPORTED&source=resident&limit=100`)).items;
    const item = items.find((i) => i.trackingNo === trackingNo);
    if (!item) throw new Error('the need is not in the clerk\'s triage');
    state.needItemId = item.id;
  } finally {
    await clerk.dispose();
  }
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/volunteer/triage`);
  await page.getByTestId('triage-resident-only').click();
  await page.getByTestId(`triage-resident-${state.needItemId}`).waitFor({ timeout: 15_000 });
  await page.goto(`${BASE}/volunteer/items/${state.needItemId}`);
  await page.locator('[data-testid="item-source"][data-source="resident"]').waitFor({ timeout: 15_000 });
  const callback = await page.getByTestId('item-callback').innerText();
  if (!callback.includes(state.phone)) throw new Error(`no phone to call back: ${callback}`);
});

await test('the community prints the completion notice of the delivered need and a resident rates it once through its link', async (page, context) => {
  const itemId = need('needItemId');
  const clerk = await api('clerk.longteng');
  const unit = await api('unit.staff');
  try {
    let item = await clerk.get(`/api/volunteer/items/${itemId}`);
    const step = async (who, body) => {
      item = await who.post(`/api/volunteer/items/${itemId}/transitions`, { version: item.version, ...body });
    };
    await step(clerk, { action: 'publish', kind: 'unit' });
    await step(unit, { action: 'claim' });
    await step(unit, { action: 'schedule' });
    await step(unit, { action: 'start' });
    await step(unit, { action: 'complete', hours: [{ name: '王建军', hours: 2 }], note: `更换路灯灯泡 2 个（测试 ${run}）` });
    await step(clerk, { action: 'confirm', rating: 5 });
  } finally {
    await Promise.all([clerk.dispose(), unit.dispose()]);
  }
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/volunteer/items/${itemId}`);
  await page.getByTestId('item-notice').click();
  await page.waitForURL((u) => u.pathname === `/volunteer/items/${itemId}/notice`, { timeout: 15_000 });
  const qr = page.getByTestId('item-notice-qr');
  await qr.locator('img').waitFor({ timeout: 15_000 });
  const url = await qr.getAttribute('data-url');
  if (!url || !/\/public\/rate\/[A-Za-z0-9_-]{20,}$/.test(url)) throw new Error(`rating link ${url}`);
  await page.screenshot({ path: join(OUT, 'resident-completion-notice.png'), fullPage: true });
  const path = new URL(url).pathname;

  // the resident, on a phone, without a login
  const phone = await context.browser().newContext({ locale: 'zh-CN', ...PHONE });
  try {
    const p = await phone.newPage();
    await p.goto(`${BASE}${path}`);
    await p.getByTestId('rate-form').waitFor({ timeout: 15_000 });
    await p.getByTestId('rate-stars').locator('.el-rate__item').nth(3).click();
    await input(p, 'rate-comment').fill('修得很快，谢谢！');
    await p.getByTestId('rate-submit').click();
    await p.getByTestId('rate-thanks').waitFor({ timeout: 15_000 });
    await p.screenshot({ path: join(OUT, 'resident-rated.png'), fullPage: true });
    // the link is used: opening it again says so
    await p.reload();
    await p.getByTestId('rate-already').waitFor({ timeout: 15_000 });
  } finally {
    await phone.close();
  }
  const clerk2 = await api('clerk.longteng');
  try {
    const item = await clerk2.get(`/api/volunteer/items/${itemId}`);
    const rated = item.timeline.find((e) => e.action === 'resident_rating');
    if (!rated || rated.data?.stars !== 4) throw new Error('the resident\'s 4 stars are not on the item\'s timeline');
    const card = await clerk2.get(`/api/volunteer/scorecards/units/${state.unitId}`);
    if (card.residentAverageRating === null || card.residentRated < 1) throw new Error('the unit scorecard has no resident rating');
  } finally {
    await clerk2.dispose();
  }
  // a reprinted notice now says the service was rated
  await page.goto(`${BASE}/volunteer/items/${itemId}/notice`);
  await page.getByTestId('item-notice-rated').waitFor({ timeout: 15_000 });
});

await finish();
