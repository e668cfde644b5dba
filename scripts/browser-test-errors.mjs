#!/usr/bin/env node
// Browser check of issue 9 item 5 (messages in the user's language): in zh-CN, the server's refusals reach the user
// worded by the SPA from the error's code and params — an import with bad rows (each row's problem by its code in the
// preview), a refused workflow transition (WRONG_STATE: the record, its state and the action in Chinese, not the
// API's English sentence), and forms whose fields the server refuses (a position's phone, an announcement's title and
// body: on those fields, worded from the field codes) — and nothing on screen is an untranslated English sentence or
// a raw i18n key. Debian's
// Chromium driven by playwright-core against a running platform with the demo data (`npm start`; BASE_URL, default
// http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { BASE, api, browserSuite, expectFieldError, expectNoEnglish, expectNoRawText, expectWordedInChinese, input, login, openSubmittedCase, residentId } from './lib/browser.mjs';

const { test, finish } = await browserSuite('errors-browser', { failurePrefix: 'errors-', nameLength: 80 });

const run = randomInt(100000, 999999);
const csvCell = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows) => Buffer.from(`\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`, 'utf8');

await test('zh-CN: an import with bad rows shows each row\'s problem in Chinese (worded from its code), no English, no raw key', async (page) => {
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/import`);
  await page.getByTestId('import-view').waitFor({ timeout: 60_000 });
  const head = residentId('1975-03-14', 'M');
  const header = ['户号', '社区', '户别', '楼号', '单元', '房号', '地址', '网格', '姓名', '身份证号', '与户主关系', '登记日期'];
  const row = (over) => {
    const v = { 户号: `ERR${run}`, 社区: '', 户别: '家庭户', 楼号: '6', 单元: '2', 房号: '402', 地址: `庄园街道龙腾小区6号楼2单元402（${run}）`, 网格: '', 姓名: '错误测试', 身份证号: head, 与户主关系: '户主', 登记日期: '2012-06-01', ...over };
    return header.map((h) => v[h]);
  };
  const body = csv([
    header,
    row({}),
    // a wrong check character, an unknown relation, a date in the future, an unknown community, a household kind
    row({ 姓名: '错误一', 身份证号: `${head.slice(0, 17)}${head[17] === '1' ? '2' : '1'}`, 与户主关系: '邻居' }),
    row({ 姓名: '错误二', 身份证号: residentId('1980-01-01', 'F'), 与户主关系: '配偶', 登记日期: '2999-01-01', 社区: '不存在社区', 户别: '大户' }),
    row({ 姓名: '错误三', 身份证号: head, 与户主关系: '子女' }),
  ]);
  await page.getByTestId('import-kind-households').click();
  await page.locator('[data-testid="import-file"] input[type="file"]').setInputFiles({ name: `errors-${run}.csv`, mimeType: 'text/csv', buffer: body });
  await page.getByTestId('import-start').click();
  await page.locator('[data-testid="import-job"][data-status="invalid"]').waitFor({ timeout: 60_000 });
  for (const r of [3, 4, 5]) {
    const text = await expectWordedInChinese(page, page.getByTestId(`import-row-errors-${r}`), `row ${r}'s errors`);
    if (r === 3 && !text.includes('校验码')) throw new Error(`row 3: ${text}`);
    if (r === 4 && !(text.includes('社区') && text.includes('日期'))) throw new Error(`row 4: ${text}`);
    if (r === 5 && !text.includes('第 2 行')) throw new Error(`row 5: ${text}`);
  }
  // A cell's tooltip carries the same words.
  const cell = page.getByTestId('import-cell-error-3-idNumber');
  await cell.hover();
  await expectWordedInChinese(page, page.locator('.el-popper:visible').filter({ hasText: '校验码' }).first(), 'the ID number cell\'s tooltip');
  await expectWordedInChinese(page, page.getByTestId('import-view'), 'the import page');
  await expectNoRawText(page, 'the import page');
});

/** A service item of 龙腾, reported by the clerk (through the API), and the clerk's API session. */
async function reportedItem() {
  const clerk = await api('clerk.longteng');
  const categories = (await clerk.get('/api/volunteer/categories')).filter((c) => c.active);
  const item = await clerk.post('/api/volunteer/items', { categoryId: categories[0].id, place: `龙腾小区${(run % 30) + 1}号楼${run}`, description: `楼道扶手松动，需要加固（错误测试 ${run}）` });
  return { clerk, item };
}

await test('zh-CN: a transition refused because the item changed meanwhile (409 WRONG_STATE) names the item, its state and the action in Chinese', async (page) => {
  const { clerk, item } = await reportedItem();
  try {
    await login(page, 'clerk.longteng');
    await page.goto(`${BASE}/volunteer/items/${item.id}`);
    await page.getByTestId('item-action-publish').waitFor({ timeout: 60_000 });
    // Behind the page's back (another clerk, another tab): the item is rejected.
    await clerk.post(`/api/volunteer/items/${item.id}/transitions`, { action: 'reject', version: item.version, reason: '不属于社区服务范围（错误测试）' });
    await page.getByTestId('item-action-publish').click();
    const dialog = page.getByTestId('item-action-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('action-submit').click();
    const banner = page.getByTestId('item-conflict');
    const text = await expectWordedInChinese(page, banner, 'the conflict banner');
    // "该服务事项当前为“…”，不能“发布”": the state and the action by their Chinese names.
    const detail = await page.getByTestId('item-conflict-detail').innerText();
    if (!detail.includes('发布') || !detail.includes('当前为')) throw new Error(`the conflict's particulars: "${detail}" (banner "${text}")`);
    await expectNoRawText(page, 'the item page with the conflict');
    expectNoEnglish(await page.locator('main, .el-main').first().innerText(), 'the item page with the conflict');
  } finally {
    await clerk.dispose();
  }
});

await test('zh-CN: a position whose phone the org service refuses shows why on the phone field, in Chinese', async (page) => {
  const admin = await api('admin');
  let longteng;
  try {
    longteng = (await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`))[0];
  } finally {
    await admin.dispose();
  }
  await login(page, 'admin', { timeout: 60_000 });
  await page.goto(`${BASE}/org?unit=${longteng.id}`);
  await page.getByTestId('node-tabs').waitFor({ timeout: 60_000 });
  await page.locator('#tab-positions').click();
  await page.getByTestId('position-add').click();
  await input(page, 'position-person').fill(`错误测试${run}`);
  // letters in a phone number: only the server checks it (digits, spaces, +, -, ( and ))
  await input(page, 'position-phone').fill('call me');
  await page.getByTestId('position-submit').click();
  const text = await expectFieldError(page, 'position-phone-item', 'the phone field\'s error');
  if (!text.includes('电话')) throw new Error(`the phone field says "${text}"`);
  expectNoEnglish(await page.locator('.el-dialog:visible').first().innerText(), 'the position dialog');
});

await test('zh-CN: an announcement with a blank title and a one-character body shows each refusal on its field, in Chinese', async (page) => {
  await login(page, 'admin', { timeout: 60_000 });
  await page.goto(`${BASE}/announcements`);
  await page.getByTestId('announcements-page').waitFor({ timeout: 60_000 });
  await page.getByTestId('announcements-publish').click();
  const dialog = page.getByTestId('announcement-publish-dialog');
  // nothing in the title and one character in the body: the form sends them, the notification service refuses both
  await input(dialog, 'announcement-title').fill('  ');
  await input(dialog, 'announcement-body').fill('测');
  await input(dialog, 'announcement-scope').fill('龙腾社区');
  const option = page.locator('[data-testid^="announcement-scope-option-"]').filter({ hasText: '龙腾社区' }).first();
  await option.waitFor({ timeout: 30_000 });
  await option.click();
  await dialog.getByTestId('announcement-publish-submit').click();
  const title = await expectFieldError(page, 'announcement-title-item', 'the title field\'s error');
  const body = await expectFieldError(page, 'announcement-body-item', 'the body field\'s error');
  if (!title.includes('2') || !body.includes('2')) throw new Error(`the limits are not named: title "${title}", body "${body}"`);
  if (!(await dialog.isVisible())) throw new Error('the dialog closed although nothing was published');
  expectNoEnglish(await dialog.innerText(), 'the publish dialog');
  await expectNoRawText(page, 'the publish dialog', dialog);
});

// ── The forms of org, accounts, household, divisions, login and password: one row per form and server refusal ──
// Each row opens its form in the browser as `user`, fills it with what the client's own rules let through but the
// server refuses (a date before the organisation existed, a taken username, a wrong current password, a reason that
// is too short once trimmed, a case of another person…), submits it and expects the refusal on `field` (the
// el-form-item's data-testid; `errorAt` where the form lists refusals without a form item; `confirm` where the form asks
// first), worded in Chinese from the error's code and naming what `says` holds; the whole page then shows no English
// sentence and no raw i18n key.

/** What the rows share, made once through the API: the org units they work on, a task, a household, cases. */
let fixtures;
async function setUp() {
  if (fixtures) return fixtures;
  const admin = await api('admin');
  const clerk = await api('clerk.longteng');
  const grid = await api('grid.longteng');
  try {
    const longteng = (await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`))[0];
    // two compound branches founded today, a building group under the first: what the org rows move and archive
    const branch = await admin.post('/api/org/units', { parentId: longteng.id, type: 'compound_branch', name: `错误测试甲小区党支部${run}` });
    const other = await admin.post('/api/org/units', { parentId: longteng.id, type: 'compound_branch', name: `错误测试乙小区党支部${run}` });
    const group = await admin.post('/api/org/units', { parentId: branch.id, type: 'building_group', name: `错误测试${run}号楼党小组` });
    // an outreach task (a flat whose owner is registered nowhere), contacted, and a case of somebody else
    const owner = { name: '错误测试业主', id: residentId('1976-04-12', 'M') };
    const gridCode = `E${run}`;
    await clerk.post('/api/household/separation/properties', {
      properties: [{ certificateNo: `鲁(2021)栖霞市不动产权第${run}-7号`, address: `栖霞市庄园街道龙腾小区${(run % 30) + 1}号楼3单元${(run % 9) + 1}02`, gridCode, owners: [{ name: owner.name, idNumber: owner.id }] }],
    });
    await clerk.post('/api/household/separation/compare');
    const task = (await clerk.get(`/api/household/separation/tasks?gridCode=${encodeURIComponent(gridCode)}`)).items.find((x) => x.personName === owner.name);
    if (!task) throw new Error('the comparison opened no outreach task');
    await grid.post(`/api/household/separation/tasks/${task.id}/transitions`, { action: 'contact', version: task.version, note: '已上门走访（错误测试）' });
    const stranger = await openSubmittedCase(clerk, { name: '错误测试他人', birth: '1981-09-09', run, building: 5 });
    const households = await clerk.get('/api/household/households?limit=1');
    const household = (Array.isArray(households) ? households : households.items)[0];
    fixtures = { longteng, branch, other, group, task, stranger, household };
    return fixtures;
  } finally {
    await Promise.all([admin.dispose(), clerk.dispose(), grid.dispose()]);
  }
}

/** Types a date into an Element Plus date picker (its input carries `testid`) and leaves it with Enter. */
async function typeDate(scope, testid, date) {
  const box = input(scope, testid);
  await box.fill(date);
  await box.press('Enter');
}

/** Picks an organisation in an OrgUnitPicker (`testid`) by its name. */
async function pickOrg(page, scope, testid, unit) {
  await input(scope, testid).fill(unit.name);
  const option = page.getByTestId(`org-option-${unit.id}`);
  await option.waitFor({ timeout: 30_000 });
  await option.click();
}

/**
 * Opens a form: goes to `path` (if given), clicks through `clicks` (testids, or functions of the page answering a
 * locator) and answers the form (`form`, a testid) once it shows.
 */
async function openForm(page, { path, clicks = [], form }) {
  if (path) await page.goto(`${BASE}${path}`);
  for (const c of clicks) await (typeof c === 'string' ? page.getByTestId(c) : c(page)).click({ timeout: 30_000 });
  const d = page.getByTestId(form);
  await d.waitFor({ timeout: 60_000 });
  return d;
}

/** Opens the org page at `unit` and one of its actions' dialogs. */
async function openOrgAction(page, unit, action, dialog) {
  await page.goto(`${BASE}/org?unit=${unit.id}`);
  await page.getByTestId('node-title').filter({ hasText: unit.name }).waitFor({ timeout: 30_000 });
  return openForm(page, { clicks: [action], form: dialog });
}

const FORM_ROWS = [
  {
    form: 'org: a new sub-organisation founded before its parent', user: 'admin', field: 'create-child-valid-from-item', says: '成立日期',
    open: (page, f) => openOrgAction(page, f.branch, 'action-create-child', 'create-child-dialog'),
    fill: async (page, d) => {
      await d.getByTestId('create-child-type').click();
      await page.getByTestId('create-child-type-option-building_group').click();
      await input(d, 'create-child-name').fill(`错误测试新党小组${run}`);
      await typeDate(d, 'create-child-valid-from', '2001-01-01');
    },
    submit: 'create-child-submit',
  },
  {
    form: 'org: editing a unit\'s phone to letters', user: 'admin', field: 'edit-contact-phone-item', says: '电话',
    open: (page, f) => openOrgAction(page, f.group, 'action-edit', 'edit-dialog'),
    fill: async (page, d) => input(d, 'edit-contact-phone').fill('call me'),
    submit: 'edit-submit',
  },
  {
    form: 'org: moving a unit under the parent it already has', user: 'admin', field: 'move-parent-item', says: '相同',
    open: (page, f) => openOrgAction(page, f.group, 'action-move', 'move-dialog'),
    fill: async (page, d, f) => {
      await pickOrg(page, d, 'move-parent', f.branch);
      await input(d, 'move-reason').fill('错误测试：调整隶属关系');
    },
    submit: 'move-submit',
  },
  {
    form: 'org: a move effective before the unit existed', user: 'admin', field: 'move-effective-date-item', says: '成立日期',
    open: (page, f) => openOrgAction(page, f.group, 'action-move', 'move-dialog'),
    fill: async (page, d, f) => {
      await pickOrg(page, d, 'move-parent', f.other);
      await typeDate(d, 'move-effective-date', '2001-01-01');
      await input(d, 'move-reason').fill('错误测试：调整隶属关系');
    },
    submit: 'move-submit',
  },
  {
    form: 'org: archiving with an end date before the unit was founded', user: 'admin', field: 'archive-valid-to-item', says: '之间',
    open: (page, f) => openOrgAction(page, f.group, 'action-archive', 'archive-dialog'),
    fill: async (page, d) => {
      await typeDate(d, 'archive-valid-to', '2001-01-01');
      await input(d, 'archive-reason').fill('错误测试：撤销党小组');
    },
    submit: 'archive-submit',
    confirm: true,
  },
  {
    form: 'accounts: a new account with a username that is taken', user: 'admin', field: 'account-form-username-item', says: '用户名',
    open: (page) => openForm(page, { path: '/accounts', clicks: ['account-new'], form: 'account-dialog' }),
    fill: async (page, d) => {
      await input(d, 'account-form-username').fill('clerk.longteng');
      await input(d, 'account-form-display-name').fill('错误测试社工');
      await d.getByTestId('account-form-role').click();
      await page.getByTestId('account-form-role-option-community_clerk').click();
      await input(d, 'account-form-org').fill('龙腾');
      const option = page.locator('[data-testid^="account-form-org-option-"]:visible').filter({ hasText: '龙腾社区' }).first();
      await option.waitFor({ timeout: 30_000 });
      await option.click();
    },
    submit: 'account-submit',
  },
  {
    form: 'password: a wrong current password', user: 'clerk.cuiting', field: 'password-current-item', says: '当前密码',
    open: (page) => openForm(page, { clicks: ['current-user', 'menu-change-password'], form: 'password-dialog' }),
    fill: async (page, d) => {
      await input(d, 'password-current').fill('Wrong2020pass');
      await input(d, 'password-new').fill('Longteng2026x');
      await input(d, 'password-repeat').fill('Longteng2026x');
    },
    submit: 'password-submit',
  },
  {
    form: 'household: revealing an ID number with a reason too short once trimmed', user: 'clerk.longteng', field: 'reveal-reason-item', says: '4',
    open: (page, f) => openForm(page, { path: `/household/households/${f.household.id}`, clicks: [(p) => p.locator('[data-testid^="member-reveal-"]').first()], form: 'reveal-dialog' }),
    fill: async (page, d) => input(d, 'reveal-reason').fill('核对    '),
    submit: 'reveal-submit',
  },
  {
    form: 'household: an outreach task linked to somebody else\'s case', user: 'grid.longteng', field: 'task-case-no-item', says: '不是此人',
    open: (page, f) => openForm(page, { path: `/household/separation?grid=${encodeURIComponent(`${f.task.communityId}:${f.task.gridCode}`)}`, clicks: [`task-action-${f.task.id}-apply`], form: 'task-dialog' }),
    fill: async (page, d, f) => input(d, 'task-case-no').fill(f.stranger.caseNo),
    submit: 'task-submit',
  },
  {
    // the persons step has no form item per person: the server's refusals are listed there (wizard-server-errors)
    form: 'household: a move-out of somebody not registered in the source household', user: 'clerk.longteng', errorAt: 'wizard-server-errors', says: '错误测试迁出人',
    open: (page) => openForm(page, { path: '/household/cases/new', form: 'case-wizard' }),
    fill: async (page, d, f) => {
      await d.getByTestId('wizard-type-move_out').click();
      await d.getByTestId('wizard-next').click();
      await input(d, 'wizard-person-name-0').fill('错误测试迁出人');
      await input(d, 'wizard-person-id-0').fill(residentId('1979-07-07', 'F'));
      await d.getByTestId('wizard-next').click();
      await d.getByTestId('wizard-step-target').waitFor();
      await d.getByTestId('wizard-source-household').click();
      const option = page.getByTestId(`wizard-household-option-${f.household.id}`);
      await option.waitFor({ state: 'visible', timeout: 30_000 });
      await option.click();
      await input(d, 'wizard-destination').fill('烟台市芝罘区');
      await d.getByTestId('wizard-next').click();
      await d.getByTestId('wizard-step-checklist').waitFor();
      await d.getByTestId('wizard-next').click();
      await d.getByTestId('wizard-step-applicant').waitFor();
    },
    submit: 'wizard-create',
  },
  {
    form: 'divisions: importing a six-digit code that names no county', user: 'admin', field: 'division-code-item', says: '区划代码',
    open: (page) => openForm(page, { path: '/org/division-import', form: 'division-import-page' }),
    fill: async (page, d) => input(d, 'division-code').fill('999999'),
    submit: 'division-preview',
  },
];

for (const row of FORM_ROWS) {
  await test(`zh-CN: ${row.form} — the server's refusal on its field, in Chinese`, async (page) => {
    const f = await setUp();
    await login(page, row.user, { timeout: 60_000 });
    const dialog = await row.open(page, f);
    await row.fill(page, dialog, f);
    await dialog.getByTestId(row.submit).click();
    // a form that asks first (归档): the confirmation's button
    if (row.confirm) await page.locator('.el-message-box__btns .el-button--danger, .el-message-box__btns .el-button--primary').last().click();
    const what = `${row.form}: the ${row.field ? 'field\'s error' : 'form\'s list of refusals'}`;
    const text = row.field ? await expectFieldError(page, row.field, what) : await expectWordedInChinese(page, page.getByTestId(row.errorAt), what);
    if (!text.includes(row.says)) throw new Error(`${row.form}: the field says "${text}", expected it to name "${row.says}"`);
    if (!(await dialog.isVisible())) throw new Error(`${row.form}: the form closed although the server refused it`);
    expectNoEnglish(await page.locator('body').innerText(), `${row.form}: the page`);
    await expectNoRawText(page, `${row.form}: the page`);
  });
}

await test('zh-CN: a login with a wrong password says so in Chinese, no English, no raw key', async (page) => {
  await page.goto(`${BASE}/login`);
  await input(page, 'login-username').fill('clerk.longteng');
  await input(page, 'login-password').fill('Wrong2020pass');
  await page.getByTestId('login-submit').click();
  await expectWordedInChinese(page, page.getByTestId('login-error'), 'the login error');
  expectNoEnglish(await page.locator('body').innerText(), 'the login page');
  await expectNoRawText(page, 'the login page');
});

await finish();
