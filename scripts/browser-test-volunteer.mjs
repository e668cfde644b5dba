#!/usr/bin/env node
// Browser tests of the dual-report workspace (双报到 · 我是党员我行动): Debian's Chromium driven by
// playwright-core against a running platform (`npm start`; BASE_URL, default http://127.0.0.1:8080).
// One public pledge goes the whole way: clerk.longteng publishes it (set up through the API, so no
// seeded volunteer data is needed) → unit.staff claims it → schedules it on the next service day
// (15th/25th) → a member checks in on the phone page → start → complete with hours and a photo →
// the clerk confirms with a rating → the unit's scorecard, its printed report and the public
// pledge board (no login) show it. Triage, the street's overview and the menus are checked too. The member groups
// (服务队, 红色引航·众彩绽放): the member who checks in shows on the roster under their group's coloured tag, the unit's teams
// on the pledge board; an admin moves a member to another group on 报到审批 and adds a group on 三个清单.
// Screenshots go to test-results/.
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { BASE, OUT, api, browserSuite, input, login, stepState } from './lib/browser.mjs';

const { test, fail, finish } = await browserSuite('volunteer-browser', { failurePrefix: 'volunteer-', nameLength: 80 });
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/* ─── a small PNG made here (a red heart on white), so the upload needs no file on disk ─── */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function heartPng(size = 64) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      // (x² + y² − 1)³ − x²y³ ≤ 0 on a grid scaled to about [-1.3, 1.3]
      const u = ((x - size / 2) / size) * 2.6;
      const v = ((size / 2 - y) / size) * 2.6 + 0.2;
      const inside = (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0;
      row.set(inside ? [200, 22, 29] : [255, 255, 255], 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/* ─── helpers ─── */
const run = randomInt(100000, 999999);
const { state, need } = stepState();

async function expectItemStatus(page, status) {
  await page.locator(`[data-testid="item-status"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
}

async function openItem(page) {
  await page.goto(`${BASE}/volunteer/items/${need('itemId')}`);
  await page.getByTestId('item-no').filter({ hasText: state.itemNo }).waitFor({ timeout: 15_000 });
}

/** Clicks a list's action button for the item, lets `fill` complete the dialog, submits it. */
async function listAction(page, action, fill = async () => undefined) {
  const button = page.getByTestId(`vitem-action-${need('itemId')}-${action}`);
  await button.waitFor({ timeout: 15_000 });
  await button.click();
  const dialog = page.getByTestId('item-action-dialog');
  await dialog.waitFor({ state: 'visible' });
  await fill(dialog);
  await dialog.getByTestId('action-submit').click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
}

async function rowStatus(page, status) {
  await page.locator(`[data-testid="vitem-status-${need('itemId')}"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
}

const isServiceDay = (iso) => /^\d{4}-\d{2}-(15|25)$/.test(iso);

/* ─── set-up through the API: a published public pledge in 龙腾社区, unit.staff reported there ─── */
try {
  const admin = await api('admin');
  const clerk = await api('clerk.longteng');
  const unit = await api('unit.staff');
  try {
    state.communityId = Number(clerk.user.orgId);
    state.unitId = Number(unit.user.orgId);
    // A service category (the demo seed brings 41; without it the test makes one of its own).
    let categories = (await admin.get('/api/volunteer/categories')).filter((c) => c.active);
    if (!categories.length) {
      await admin.post('/api/volunteer/categories', { code: `T${run}`, name: '便民维修', nameEn: 'Repairs', sort: 99 });
      categories = (await admin.get('/api/volunteer/categories')).filter((c) => c.active);
    }
    state.categoryId = categories[0].id;
    state.categoryName = categories[0].name;
    // 双报到: the unit reports to 龙腾 unless an approved report exists; the clerk approves it.
    const mine = (await unit.get('/api/volunteer/reports')).filter((r) => r.communityId === state.communityId);
    if (!mine.some((r) => r.status === 'approved')) {
      if (!mine.some((r) => r.status === 'pending')) {
        await unit.post('/api/volunteer/reports', { communityId: state.communityId, resources: ['测绘服务', '法律咨询'], contactName: '王建军', contactPhone: '0535-5211234' });
      }
      const pending = (await clerk.get(`/api/volunteer/reports?status=pending&communityId=${state.communityId}`)).find((r) => r.unitId === state.unitId);
      if (!pending) throw new Error('the unit report to 龙腾 is not pending at the clerk');
      await clerk.post(`/api/volunteer/reports/${pending.id}/decision`, { decision: 'approve', version: pending.version });
    }
    // The item: reported and published by the clerk as a public pledge for a unit.
    state.place = `龙腾小区${(run % 30) + 1}号楼${run}`;
    const created = await clerk.post('/api/volunteer/items', { categoryId: state.categoryId, place: state.place, description: `楼道照明线路老化，需要检修更换（测试 ${run}）` });
    const published = await clerk.post(`/api/volunteer/items/${created.id}/transitions`, { action: 'publish', version: created.version, kind: 'unit', pledge: true });
    if (published.status !== 'PUBLISHED' || !published.pledge) throw new Error(`publish answered ${published.status}`);
    state.itemId = created.id;
    state.itemNo = created.itemNo;
    // The member who will check in serves in a member group (the demo seed puts them in one; made sure here).
    const groups = await admin.get('/api/volunteer/member-groups');
    const me = (await admin.get('/api/volunteer/members')).find((m) => m.username === 'member');
    if (groups.length && me) {
      const group = me.group ?? (await admin.put(`/api/volunteer/members/${me.id}/group`, { groupId: groups[0].id })).group;
      state.memberGroup = group;
      state.memberUnitId = me.unitId;
    }
    process.stdout.write(`  set-up: item ${state.itemNo} (#${state.itemId}) published as a public pledge in 龙腾社区 (community ${state.communityId}); unit ${state.unitId}\n`);
  } finally {
    await Promise.all([admin.dispose(), clerk.dispose(), unit.dispose()]);
  }
} catch (e) {
  fail('set-up through the API', e);
}

/* ─── the tests ─── */

await test('unit.staff sees the 双报到 menu of a unit and claims the published pledge in 待认领', async (page) => {
  await login(page, 'unit.staff');
  await page.getByTestId('menu-group-volunteer').waitFor({ timeout: 10_000 });
  for (const id of ['menu-volunteer-open', 'menu-volunteer-tasks', 'menu-volunteer-my-reports', 'menu-volunteer-scorecard', 'menu-volunteer-lists']) {
    if (!(await page.getByTestId(id).count())) throw new Error(`menu entry ${id} missing for unit staff`);
  }
  for (const id of ['menu-volunteer-triage', 'menu-volunteer-approvals', 'menu-volunteer-escalated', 'menu-overview']) {
    if (await page.getByTestId(id).count()) throw new Error(`unit staff are offered ${id}`);
  }
  await page.getByTestId('menu-volunteer-open').click();
  await page.getByTestId('open-table').waitFor();
  await rowStatus(page, 'PUBLISHED');
  await listAction(page, 'claim');
  // Claimed: it leaves the open list and the item page offers the unit's next steps only.
  await page.getByTestId(`vitem-action-${state.itemId}-claim`).waitFor({ state: 'detached', timeout: 10_000 });
  await openItem(page);
  await expectItemStatus(page, 'CLAIMED');
  await page.getByTestId('item-unit').waitFor();
  const offered = await page.locator('[data-testid^="item-action-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')).filter((x) => x !== 'item-action-dialog').sort());
  if (offered.join(',') !== 'item-action-release,item-action-schedule') throw new Error(`the claimed item offers ${offered.join(', ')}`);
  await page.screenshot({ path: join(OUT, 'volunteer-claimed.png'), fullPage: true });
});

await test('unit.staff schedules it in 我的任务: the default date is the next service day (15th or 25th)', async (page) => {
  await login(page, 'unit.staff');
  await page.goto(`${BASE}/volunteer/tasks`);
  await page.getByTestId('tasks-table').waitFor();
  await rowStatus(page, 'CLAIMED');
  await listAction(page, 'schedule', async (d) => {
    const date = await d.getByTestId('action-date').inputValue();
    if (!isServiceDay(date)) throw new Error(`the dialog proposes ${date}, not a 15th or 25th`);
    await d.locator('[data-testid="action-date-hint"][data-service-day="true"]').waitFor();
    state.proposed = date;
  });
  await rowStatus(page, 'SCHEDULED');
  const date = (await page.getByTestId(`vitem-date-${state.itemId}`).innerText()).trim();
  if (!isServiceDay(date) || date !== state.proposed) throw new Error(`scheduled for ${date}, proposed ${state.proposed}`);
  state.date = date;
  await openItem(page);
  await expectItemStatus(page, 'SCHEDULED');
  if ((await page.getByTestId('item-scheduled-date').innerText()).trim() !== date) throw new Error('the item page shows another date');
  await page.getByTestId('item-service-day').waitFor();
  // The check-in QR code links to this SPA's /checkin/<code>.
  const url = await page.getByTestId('item-checkin-qr').getAttribute('data-url');
  const m = /\/checkin\/([A-Za-z0-9_-]+)$/.exec(url ?? '');
  if (!m) throw new Error(`the QR code opens ${url}`);
  state.code = decodeURIComponent(m[1]);
  await page.screenshot({ path: join(OUT, 'volunteer-scheduled.png'), fullPage: true });
});

await test('a reported member opens the phone page /checkin/:code (login first): before the service day the big 签到 button waits', async (page) => {
  const code = need('code');
  // Set-up: the member reports to 龙腾 (once) and the clerk approves.
  const member = await api('member');
  const clerk = await api('clerk.longteng');
  try {
    state.memberName = member.user.displayName;
    await member.postAllowing('/api/volunteer/members', { name: state.memberName, phone: '13605351234' }, [409]);
    const pending = (await clerk.get('/api/volunteer/members?status=pending')).find((m) => m.username === 'member');
    if (pending) await clerk.post(`/api/volunteer/members/${pending.id}/decision`, { decision: 'approve', version: pending.version });
    const approved = (await clerk.get('/api/volunteer/members?status=approved')).find((m) => m.username === 'member');
    if (!approved) throw new Error('the member is not an approved reported member of 龙腾');
  } finally {
    await member.dispose();
    await clerk.dispose();
  }
  await page.goto(`${BASE}/checkin/${encodeURIComponent(code)}`);
  await page.waitForURL(/\/login\?redirect=/, { timeout: 10_000 });
  await login(page, 'member', { direct: false });
  await page.waitForURL(/\/checkin\//, { timeout: 10_000 });
  const card = page.getByTestId('checkin-item');
  await card.waitFor({ timeout: 10_000 });
  await card.getByText(state.place).waitFor();
  if ((await page.getByTestId('checkin-date').innerText()).trim() !== need('date')) throw new Error('the check-in page shows another date');
  const box = await page.getByTestId('checkin-submit').boundingBox();
  if (!box || box.width < 120 || box.height < 120) throw new Error('the 签到 button is not big on a phone');
  // Check-in opens on the scheduled day (business time); the next service day may be today (the 15th or 25th).
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  if (need('date') > today) {
    await page.getByTestId('checkin-not-yet').filter({ hasText: need('date') }).waitFor({ timeout: 10_000 });
    if (!(await page.getByTestId('checkin-submit').isDisabled())) throw new Error('the 签到 button is enabled before the service day');
  }
  await page.screenshot({ path: join(OUT, 'volunteer-checkin-waiting.png'), fullPage: true });
}, PHONE);

await test('on the service day unit.staff starts it from its task list', async (page) => {
  await login(page, 'unit.staff');
  await page.goto(`${BASE}/volunteer/tasks`);
  await rowStatus(page, 'SCHEDULED');
  await listAction(page, 'start');
  await rowStatus(page, 'IN_PROGRESS');
});

await test('the member checks in on the phone with the big 签到 button', async (page) => {
  const code = need('code');
  await login(page, 'member');
  await page.goto(`${BASE}/checkin/${encodeURIComponent(code)}`);
  const card = page.getByTestId('checkin-item');
  await card.waitFor({ timeout: 10_000 });
  if (await page.getByTestId('checkin-not-yet').count()) throw new Error('check-in is still closed after the unit started the item');
  await page.getByTestId('checkin-submit').click();
  await page.getByTestId('checkin-done').waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'volunteer-checkin-phone.png'), fullPage: true });
}, PHONE);

await test('unit.staff completes it with hours per person, a note and a photo (a wrong file type is refused)', async (page) => {
  await login(page, 'unit.staff');
  await page.goto(`${BASE}/volunteer/tasks`);
  await rowStatus(page, 'IN_PROGRESS');
  await listAction(page, 'complete', async (d) => {
    await input(d, 'action-hours-name-0').fill('王建军');
    await input(d, 'action-hours-hours-0').fill('2.5');
    await input(d, 'action-hours-hours-0').press('Tab');
    await d.getByTestId('action-hours-add').click();
    await input(d, 'action-hours-name-1').fill('李志强');
    await input(d, 'action-hours-hours-1').fill('1.5');
    await input(d, 'action-hours-hours-1').press('Tab');
    await d.getByTestId('action-hours-total').filter({ hasText: '4' }).waitFor();
    const file = d.locator('[data-testid="action-photo"] input[type=file]');
    // A text file is refused in the browser with a message, and nothing is uploaded.
    await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    await d.getByTestId('action-photo-error').filter({ hasText: 'notes.txt' }).waitFor({ timeout: 5_000 });
    await file.setInputFiles({ name: `现场照片-${run}.png`, mimeType: 'image/png', buffer: heartPng() });
    await d.locator('[data-testid="action-photo-count"][data-count="1"]').waitFor({ timeout: 15_000 });
    await input(d, 'action-note').fill('已更换楼道灯 6 盏，线路检测正常');
  });
  await rowStatus(page, 'DONE');
  await openItem(page);
  await expectItemStatus(page, 'DONE');
  await page.getByTestId('item-no-actions').waitFor();
  const hours = await page.getByTestId('item-hours').innerText();
  for (const name of ['王建军', '李志强']) if (!hours.includes(name)) throw new Error(`the hours table lacks ${name}`);
  await page.locator('[data-testid^="evidence-photo-"][data-loaded="true"]').first().waitFor({ timeout: 10_000 });
  await page.getByTestId('item-evidence').getByText('已更换楼道灯').waitFor();
  // The member's check-in shows among the sign-ups.
  const signups = await page.getByTestId('item-signups').innerText();
  if (!/\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*$/m.test(signups.trim())) throw new Error(`no check-in time among the sign-ups: ${signups}`);
  await page.screenshot({ path: join(OUT, 'volunteer-completed.png'), fullPage: true });
});

await test('clerk.longteng confirms it with 5 stars on the resident\'s behalf; the system closes it and posts the hours', async (page) => {
  await login(page, 'clerk.longteng');
  await page.getByTestId('menu-group-volunteer').waitFor();
  for (const id of ['menu-volunteer-triage', 'menu-volunteer-items', 'menu-volunteer-approvals', 'menu-volunteer-service-days', 'menu-volunteer-lists']) {
    if (!(await page.getByTestId(id).count())) throw new Error(`menu entry ${id} missing for the clerk`);
  }
  await openItem(page);
  await expectItemStatus(page, 'DONE');
  if (await page.getByTestId('item-action-claim').count()) throw new Error('the clerk is offered claim');
  await page.getByTestId('item-action-reopen').waitFor();
  await page.getByTestId('item-action-confirm').click();
  const dialog = page.getByTestId('item-action-dialog');
  await dialog.waitFor();
  await dialog.getByTestId('action-submit').click();
  await dialog.getByTestId('action-errors').waitFor(); // no rating yet
  await dialog.locator('[data-testid="action-rating"] .el-rate__item').nth(4).click();
  await dialog.getByTestId('action-submit').click();
  await expectItemStatus(page, 'CLOSED');
  await page.locator('[data-testid="item-rating"][data-rating="5"]').waitFor();
  const timeline = page.getByTestId('item-timeline');
  for (const a of ['report', 'publish', 'claim', 'schedule', 'checkin', 'start', 'complete', 'confirm', 'close']) {
    if (!(await timeline.getByTestId(`timeline-${a}`).count())) throw new Error(`the timeline has no ${a}`);
  }
  const posted = await page.getByTestId('item-hours').getByText('已记入').count();
  if (posted !== 2) throw new Error(`${posted} hour rows posted, expected 2`);
  await page.screenshot({ path: join(OUT, 'volunteer-closed.png'), fullPage: true });
});

await test('the unit\'s scorecard counts it, and its printable report lists it', async (page) => {
  await login(page, 'unit.staff');
  await page.getByTestId('menu-volunteer-scorecard').click();
  await page.getByTestId('scorecard').waitFor();
  await page.locator('[data-testid="score-completed"] .el-statistic__content').waitFor({ timeout: 10_000 });
  const completed = Number(await page.getByTestId('score-completed').getAttribute('data-value'));
  const hours = Number(await page.getByTestId('score-hours').getAttribute('data-value'));
  const claims = Number(await page.getByTestId('score-claims').getAttribute('data-value'));
  if (!(completed >= 1 && claims >= 1 && hours >= 4)) throw new Error(`scorecard: ${claims} claims, ${completed} completed, ${hours} hours`);
  await page.getByTestId('scorecard-items').getByTestId(`vitem-link-${state.itemId}`).waitFor({ timeout: 10_000 });
  for (const id of ['chart-score-record', 'chart-score-ontime', 'chart-score-monthly']) await page.getByTestId(id).waitFor();
  process.stdout.write(`  scorecard of unit ${state.unitId}: ${claims} claims, ${completed} completed, ${hours} hours\n`);
  await page.screenshot({ path: join(OUT, 'volunteer-scorecard.png'), fullPage: true });

  await page.getByTestId('scorecard-print').click();
  await page.waitForURL(/\/volunteer\/scorecard\/print/);
  const sheet = page.getByTestId('scorecard-sheet');
  await sheet.waitFor({ timeout: 10_000 });
  await sheet.getByTestId(`sheet-item-${state.itemId}`).filter({ hasText: state.itemNo }).waitFor({ timeout: 10_000 });
  await sheet.getByText('栖霞市自然资源和规划局党组').first().waitFor();
  await page.emulateMedia({ media: 'print' });
  if (await page.getByTestId('side-menu').isVisible()) throw new Error('the side menu would be printed');
  if (await page.getByTestId('print-button').isVisible()) throw new Error('the print button would be printed');
  if (!(await sheet.isVisible())) throw new Error('the report would not be printed');
  await page.screenshot({ path: join(OUT, 'volunteer-scorecard-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
});

await test('the public pledge board (no login, on a phone) shows the delivered pledge with its photo', async (page) => {
  await page.goto(`${BASE}/pledges`);
  await page.getByTestId('pledge-board').waitFor({ timeout: 10_000 });
  if (page.url().includes('/login')) throw new Error('the public board asks for a login');
  await page.locator('[data-testid="pledge-totals"][data-pledges]').waitFor({ timeout: 10_000 });
  const allPledges = Number(await page.getByTestId('pledge-totals').getAttribute('data-pledges'));
  // Only 龙腾 (the pledge's community), as a shared link would open it; units come 20 at a time.
  await page.goto(`${BASE}/pledges?communityId=${state.communityId}`);
  await page.getByTestId('pledge-filter').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="pledge-totals"][data-pledges]').waitFor({ timeout: 10_000 });
  const inCommunity = Number(await page.getByTestId('pledge-totals').getAttribute('data-pledges'));
  if (!(inCommunity >= 1 && inCommunity <= allPledges)) throw new Error(`龙腾 shows ${inCommunity} pledges of ${allPledges}`);
  const card = page.getByTestId(`pledge-unit-${state.unitId}`);
  const cards = page.locator('section.unit');
  await page.locator('section.unit, .el-empty').first().waitFor({ timeout: 10_000 });
  for (let i = 0; i < 50 && !(await card.isVisible()); i++) {
    const more = page.getByTestId('pledge-more-units');
    if (!(await more.isVisible())) throw new Error(`unit ${state.unitId} is not on 龙腾's board`);
    const before = await cards.count();
    await more.click();
    await page.waitForFunction((n) => document.querySelectorAll('section.unit').length > n, before, { timeout: 10_000 });
  }
  // The unit's newest pledge is among its latest three.
  const pledge = card.locator(`[data-testid="pledge-${state.itemId}"][data-status="CLOSED"]`);
  await pledge.waitFor({ timeout: 10_000 });
  await pledge.getByText('已更换楼道灯').waitFor();
  const progress = page.getByTestId(`pledge-progress-${state.unitId}`);
  if (Number(await progress.getAttribute('data-delivered')) < 1) throw new Error('the unit shows no delivered pledge');
  // The unit's members serve in colour-marked groups: their teams show on the card (counts, no names).
  if (state.memberGroup && state.memberUnitId === state.unitId) {
    const tag = page.getByTestId(`pledge-team-${state.unitId}-${state.memberGroup.id}`);
    await tag.waitFor({ timeout: 10_000 });
    if ((await tag.getAttribute('data-color')) !== state.memberGroup.color) throw new Error(`the team tag is not in ${state.memberGroup.color}`);
  } else {
    await page.getByTestId(`pledge-teams-${state.unitId}`).locator('.member-group-tag').first().waitFor({ timeout: 10_000 });
  }
  const photo = pledge.locator('[data-testid^="pledge-photo-"]').first();
  await photo.scrollIntoViewIfNeeded();
  await photo.locator('img').waitFor({ timeout: 10_000 });
  await page.waitForFunction((sel) => {
    const img = document.querySelector(sel);
    return img && img.complete && img.naturalWidth > 0;
  }, `[data-testid="pledge-${state.itemId}"] [data-testid^="pledge-photo-"] img`, { timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'volunteer-pledge-board-phone.png'), fullPage: true });
  // All of the unit's pledges (when it has more than the three shown): the list pages from the unit's own endpoint.
  const all = page.getByTestId(`pledge-all-${state.unitId}`);
  if (await all.isVisible()) {
    await all.click();
    await page.locator(`[data-testid="pledge-list-${state.unitId}"][data-mode="all"]`).waitFor({ timeout: 10_000 });
    await card.locator(`[data-testid="pledge-${state.itemId}"]`).waitFor({ timeout: 10_000 });
    const total = Number(await progress.getAttribute('data-total'));
    const shown = await card.locator('li.pledge').count();
    if (shown < Math.min(total, 10)) throw new Error(`the unit's list shows ${shown} of ${total} pledges`);
  }
  // Back to every community.
  await page.getByTestId('pledge-filter').locator('.el-tag__close').click();
  await page.waitForURL((u) => !u.search.includes('communityId'), { timeout: 10_000 });
  await page.getByTestId('pledge-filter').waitFor({ state: 'detached', timeout: 10_000 });
}, PHONE);

await test('clerk triage: a duplicate need is merged, the other is published through the dialog', async (page) => {
  const clerk = await api('clerk.longteng');
  let a;
  let b;
  try {
    const place = `龙腾小区${(run % 30) + 1}号楼东侧 ${run}`;
    a = await clerk.post('/api/volunteer/items', { categoryId: need('categoryId'), place, description: '小区东门路灯不亮，夜间出行不便' });
    b = await clerk.post('/api/volunteer/items', { categoryId: state.categoryId, place, description: '东门路灯坏了好几天了' });
    if (!b.possibleDuplicates.some((d) => d.id === a.id)) throw new Error('the service does not see the second need as a duplicate');
  } finally {
    await clerk.dispose();
  }
  await login(page, 'clerk.longteng');
  await page.getByTestId('menu-volunteer-triage').click();
  await page.getByTestId('triage-table').waitFor();
  await page.getByTestId(`triage-dup-${b.id}`).waitFor({ timeout: 10_000 });
  const act = async (id, action, fill) => {
    await page.getByTestId(`vitem-action-${id}-${action}`).click();
    const d = page.getByTestId('item-action-dialog');
    await d.waitFor({ state: 'visible' });
    await fill(d);
    await d.getByTestId('action-submit').click();
    await d.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.getByTestId(`vitem-link-${id}`).waitFor({ state: 'detached', timeout: 10_000 });
  };
  await act(b.id, 'merge', async (d) => {
    await d.getByTestId('action-merge-into').click();
    await page.getByTestId(`action-merge-option-${a.id}`).click();
  });
  await act(a.id, 'publish', async (d) => {
    await d.getByTestId('action-kind-unit').click();
    await d.getByTestId('action-pledge').click();
  });
  await page.goto(`${BASE}/volunteer/items/${b.id}`);
  await expectItemStatus(page, 'MERGED');
  await page.goto(`${BASE}/volunteer/items/${a.id}`);
  await expectItemStatus(page, 'PUBLISHED');
  await page.getByTestId('item-pledge').waitFor();
});

await test('street.zhuangyuan assigns an escalated item (吹哨) to a reported unit with a response deadline', async (page) => {
  const clerk = await api('clerk.longteng');
  const admin = await api('admin');
  let item;
  try {
    item = await clerk.post('/api/volunteer/items', { categoryId: need('categoryId'), place: `龙腾小区北门 ${run}`, description: '北门外人行道破损，雨天积水，需要修补' });
    // Published with a deadline a few seconds away; nobody claims it, the escalation job sends it to the street.
    item = await clerk.post(`/api/volunteer/items/${item.id}/transitions`, { action: 'publish', version: item.version, kind: 'unit', deadline: new Date(Date.now() + 3000).toISOString() });
    await new Promise((r) => setTimeout(r, 3500));
    await admin.post('/api/volunteer/jobs/escalate');
    const now = await clerk.get(`/api/volunteer/items/${item.id}`);
    if (now.status !== 'ESCALATED') throw new Error(`the unclaimed item is ${now.status}, not ESCALATED`);
  } finally {
    await clerk.dispose();
    await admin.dispose();
  }
  await login(page, 'street.zhuangyuan');
  await page.getByTestId('menu-volunteer-escalated').click();
  await page.getByTestId('escalated-table').waitFor();
  await page.getByTestId(`vitem-action-${item.id}-assign`).click();
  const d = page.getByTestId('item-action-dialog');
  await d.waitFor({ state: 'visible' });
  await d.getByTestId('action-unit').click();
  await page.getByTestId(`action-unit-option-${need('unitId')}`).click();
  await input(d, 'action-response-days').fill('2');
  await input(d, 'action-response-days').press('Tab');
  await d.getByTestId('action-submit').click();
  await d.waitFor({ state: 'hidden', timeout: 15_000 });
  // It leaves 待派单; 已派单待响应 (the other view of the numbered list, kept in the URL) has it.
  await page.getByTestId(`vitem-action-${item.id}-assign`).waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByTestId('escalated-tab-assigned').click();
  await page.waitForURL((u) => new URL(u).searchParams.get('tab') === 'assigned');
  await page.getByTestId('assigned-table').getByTestId(`vitem-link-${item.id}`).waitFor({ timeout: 10_000 });
  await page.getByTestId('escalated-pager-total').filter({ hasText: /^(共|约) \d+ 条$/ }).waitFor();
  await page.goto(`${BASE}/volunteer/items/${item.id}`);
  await expectItemStatus(page, 'CLAIMED');
  await page.getByTestId('item-timeline').getByTestId('timeline-escalate').waitFor();
  await page.getByTestId('item-timeline').getByTestId('timeline-assign').waitFor();
  const unit = await api('unit.staff');
  try {
    const seen = await unit.get(`/api/volunteer/items/${item.id}`);
    const days = (Date.parse(seen.responseDeadline) - Date.now()) / 86400_000;
    if (seen.unitId !== state.unitId || !(days > 1.9 && days <= 2)) throw new Error(`assigned to ${seen.unitId}, respond within ${days.toFixed(2)} days`);
    if (!seen.allowedActions.includes('schedule')) throw new Error('the assigned unit cannot schedule it');
  } finally {
    await unit.dispose();
  }
  await page.screenshot({ path: join(OUT, 'volunteer-assigned.png'), fullPage: true });
});

await test('street.zhuangyuan: the city overview and the service-day roster show the delivered item', async (page) => {
  await login(page, 'street.zhuangyuan');
  await page.getByTestId('menu-overview').click();
  await page.getByTestId('overview').waitFor();
  for (const id of ['ov-coverageRate', 'ov-households', 'ov-items', 'ov-delivered', 'chart-ov-items', 'chart-ov-status', 'chart-ov-days', 'chart-ov-coverage', 'chart-ov-household', 'overview-table']) {
    await page.getByTestId(id).waitFor({ timeout: 15_000 });
  }
  await page.getByTestId('overview-table').getByText('龙腾社区党委').waitFor({ timeout: 15_000 });
  const delivered = Number((await page.locator('[data-testid="ov-delivered"] .el-statistic__number').innerText()).replace(/\D/g, ''));
  if (delivered < 1) throw new Error(`the overview shows ${delivered} delivered items`);
  // Narrowed to 龙腾: the figures follow the filter.
  await page.getByTestId('overview-community').click();
  await page.getByTestId(`overview-community-option-${state.communityId}`).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="overview-table"] .el-table__body tr').length === 1, null, { timeout: 10_000 });
  await page.screenshot({ path: join(OUT, 'volunteer-overview.png'), fullPage: true });

  if (!(await page.getByTestId('menu-volunteer-escalated').count())) throw new Error('the street admin has no 吹哨派单 entry');
  await page.getByTestId('menu-volunteer-service-days').click();
  await page.getByTestId('service-calendar').waitFor();
  await page.getByTestId(`service-day-pick-${need('date')}`).click();
  await page.getByTestId(`roster-${state.date}`).getByTestId(`roster-item-${state.itemId}`).waitFor({ timeout: 10_000 });
  // The member who checked in, under their group's tag in its colour.
  const group = need('memberGroup');
  const tag = page.getByTestId(`roster-group-${state.itemId}-${group.id}`);
  await tag.waitFor({ timeout: 10_000 });
  if ((await tag.getAttribute('data-color')) !== group.color) throw new Error(`the roster's group tag is not in ${group.color}`);
  await page.screenshot({ path: join(OUT, 'volunteer-service-days.png'), fullPage: true });
});

await test('admin moves a member to another group (服务队) on 报到审批: the tag follows; and adds a group on 三个清单', async (page) => {
  const admin = await api('admin');
  try {
    const groups = await admin.get('/api/volunteer/member-groups');
    if (groups.length < 2) throw new Error('fewer than two member groups');
    const target = (await admin.get('/api/volunteer/members?status=approved')).find((m) => m.username && m.username !== 'member' && m.communityId === state.communityId);
    if (!target) throw new Error('no approved member in 龙腾 but the demo one');
    const next = groups.find((g) => g.id !== target.groupId);
    await login(page, 'admin');
    // 报到审批 pages its lists: the tab, the status and the name filter come in the URL.
    await page.goto(`${BASE}/volunteer/approvals?tab=members&status=approved&q=${encodeURIComponent(target.username)}`);
    await page.getByTestId('volunteer-approvals').waitFor();
    await page.getByTestId('approvals-members').locator('.el-loading-mask').waitFor({ state: 'hidden', timeout: 15_000 });
    const change = page.getByTestId(`member-group-change-${target.id}`);
    await change.waitFor({ timeout: 30_000 });
    await change.click();
    const dialog = page.getByTestId('member-group-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await dialog.getByTestId(`member-group-radio-${next.id}`).click();
    await dialog.getByTestId('member-group-submit').click();
    await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator(`[data-testid="member-group-tag-${target.id}"][data-group="${next.name}"]`).waitFor({ timeout: 10_000 });
    const after = (await admin.get('/api/volunteer/members?status=approved')).find((m) => m.id === target.id);
    if (after.groupId !== next.id) throw new Error(`the member's group is ${after.groupId}, not ${next.id}`);
    await page.screenshot({ path: join(OUT, 'volunteer-member-groups.png'), fullPage: true });
    // Back where the member was (the demo stays as seeded).
    await admin.put(`/api/volunteer/members/${target.id}/group`, { groupId: target.groupId });

    // 三个清单 → 服务队: the groups in their colours; an admin adds one.
    await page.goto(`${BASE}/volunteer/lists?tab=groups`);
    await page.getByTestId('groups-table').waitFor({ timeout: 15_000 });
    await page.getByTestId(`group-row-tag-${groups[0].id}`).waitFor();
    const name = `测试服务队${run}`;
    await page.getByTestId('group-new').click();
    const form = page.getByTestId('group-dialog');
    await form.waitFor({ state: 'visible' });
    await input(form, 'group-name').fill(name);
    await input(form, 'group-color').fill('#00a3a3');
    await form.getByTestId('group-submit').click();
    await form.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator(`[data-testid^="group-row-tag-"][data-group="${name}"][data-color="#00A3A3"]`).waitFor({ timeout: 10_000 });
  } finally {
    await admin.dispose();
  }
});

await test('报到审批: a unit\'s report is approved, then ended with a reason; each row offers the buttons its workflow table allows', async (page) => {
  // a new pending report of unit.staff's unit to a community it has no live report to (through the API)
  const staff = await api('unit.staff');
  let report;
  let communityId;
  try {
    const live = new Set((await staff.get('/api/volunteer/reports')).filter((r) => r.status === 'pending' || r.status === 'approved').map((r) => r.communityId));
    const free = (await staff.get('/api/volunteer/public/communities')).filter((c) => !live.has(c.id));
    if (!free.length) throw new Error('unit.staff has a live report to every community');
    communityId = free[0].id;
    report = await staff.post('/api/volunteer/reports', { communityId, resources: ['政策咨询'], contactName: '审批测试', contactPhone: '0535-5219876' });
  } finally {
    await staff.dispose();
  }
  await login(page, 'admin');
  await page.goto(`${BASE}/volunteer/approvals?communityId=${communityId}`);
  await page.getByTestId('volunteer-approvals').waitFor({ timeout: 60_000 });
  const buttons = async () => page.locator(`[data-testid^="approval-unit-${report.id}-"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid').split('-').pop()));
  // pending: the table's approve and reject (in its order), nothing to end yet
  await page.getByTestId(`approval-unit-${report.id}-approve`).waitFor({ timeout: 30_000 });
  const pendingButtons = await buttons();
  if (pendingButtons.join() !== 'approve,reject') throw new Error(`a pending report offers ${pendingButtons.join()}, not approve,reject`);
  // reject asks for a reason (the table's reasonRequired): the dialog opens; cancelled, nothing is decided
  await page.getByTestId(`approval-unit-${report.id}-reject`).click();
  const dialog = page.getByTestId('approval-reason-dialog');
  await dialog.getByTestId('approval-reason').waitFor({ timeout: 10_000 });
  await page.keyboard.press('Escape');
  await dialog.getByTestId('approval-reason').waitFor({ state: 'hidden', timeout: 10_000 });
  // approve needs none: decided at once; the row (status 全部 to keep it in view) then offers only end
  await page.getByTestId(`approval-unit-${report.id}-approve`).click();
  await page.getByTestId(`approval-unit-${report.id}-approve`).waitFor({ state: 'detached', timeout: 30_000 });
  await page.goto(`${BASE}/volunteer/approvals?communityId=${communityId}&status=all`);
  await page.getByTestId(`approval-unit-${report.id}-end`).waitFor({ timeout: 30_000 });
  const approvedButtons = await buttons();
  if (approvedButtons.join() !== 'end') throw new Error(`an approved report offers ${approvedButtons.join()}, not end`);
  // end asks for a reason, and is sent with it
  await page.getByTestId(`approval-unit-${report.id}-end`).click();
  await dialog.getByTestId('approval-reason').fill('审批测试：单位调整，结束报到');
  await dialog.getByTestId('approval-reason-submit').click();
  await page.getByTestId(`approval-unit-${report.id}-end`).waitFor({ state: 'detached', timeout: 30_000 });
  if ((await buttons()).length) throw new Error(`an ended report still offers ${(await buttons()).join()}`);
  const admin = await api('admin');
  try {
    const row = (await admin.get(`/api/volunteer/reports?communityId=${communityId}`)).find((r) => r.id === report.id);
    if (row?.status !== 'ended' || row.allowedActions.length) throw new Error(`the report is ${row?.status} with ${row?.allowedActions}, not ended with nothing left`);
  } finally {
    await admin.dispose();
  }
});

await finish();
