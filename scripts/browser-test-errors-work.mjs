#!/usr/bin/env node
// Browser check of issue 9 item 5 (messages in the user's language) for the work forms — the volunteer lists, whistles,
// meetings and the residents' pages: in zh-CN, each form sends what its own rules let through and the server refuses
// (a code taken, a name taken, a deadline too far ahead, too many agenda items, a tracking number of the wrong length);
// the refusal lands on its field, worded by the SPA from the field's code, and nothing on screen is an untranslated
// English sentence or a raw i18n key. One row per form and error. Debian's Chromium driven by playwright-core against
// a running platform with the demo data (`npm start`; BASE_URL, default http://127.0.0.1:8080). Screenshots of
// failures go to test-results/.
import { randomInt } from 'node:crypto';
import { BASE, api, browserSuite, expectNoEnglish, expectNoRawText, expectWordedInChinese, input, login } from './lib/browser.mjs';

const { test, finish } = await browserSuite('errors-work-browser', { failurePrefix: 'errors-work-', nameLength: 80 });

const run = randomInt(100000, 999999);

/** A value the API holds already (read as `username`), for the form to collide with. */
async function existing(username, path, pick) {
  const client = await api(username);
  try {
    return pick(await client.get(path));
  } finally {
    await client.dispose();
  }
}

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

/**
 * A new service category (so the forms list it) and how to withdraw it behind the form's back: the form still offers it,
 * the service refuses it (400 inactiveCategory on categoryId).
 */
async function categoryToWithdraw() {
  const admin = await api('admin');
  try {
    const c = await admin.post('/api/volunteer/categories', { code: `W${run}${randomInt(100, 999)}`, name: `停用测试类别${run}` });
    return {
      ...c,
      withdraw: async () => {
        const again = await api('admin');
        try {
          await again.patch(`/api/volunteer/categories/${c.id}`, { version: c.version, active: false });
        } finally {
          await again.dispose();
        }
      },
    };
  } finally {
    await admin.dispose();
  }
}

/** The code of 龙腾's first convenience desk (its QR page is the residents' need form). */
async function deskPath() {
  const admin = await api('admin');
  try {
    const [longteng] = await admin.get(`/api/org/units/search?q=${encodeURIComponent('龙腾社区')}&type=community_committee`);
    const desks = await admin.get(`/api/org/units/${longteng.id}/desks`);
    if (!desks.length) throw new Error('龙腾 has no convenience desk');
    return `/desk/${desks[0].code}`;
  } finally {
    await admin.dispose();
  }
}

/**
 * A row of a volunteer list whose new entry takes a code (`prefix`-code, `prefix`-name, `prefix`-new, `prefix`-submit):
 * the admin enters a code `apiPath` lists already, the service answers 409 CODE_TAKEN on the code field.
 */
const codeTaken = (what, tab, prefix, apiPath) => ({
  name: `${what} whose code exists (409 CODE_TAKEN on code)`,
  user: 'admin',
  path: `/volunteer/lists?tab=${tab}`,
  open: `${prefix}-new`,
  fill: async (page) => {
    const code = await existing('admin', apiPath, (rows) => rows[0].code);
    await input(page, `${prefix}-code`).fill(code);
    await input(page, `${prefix}-name`).fill(`重复编号${run}`);
  },
  submit: `${prefix}-submit`,
  field: `${prefix}-code`,
  says: '编号',
});

/**
 * One row per form and error: `user` opens `path`, `open` brings up the form (in `dialog`, when it has a testid of its
 * own; `prepare` readies what `fill` is given), `fill` enters what the form lets through and the server refuses, `submit` is the button's testid; the error
 * must show on the form item holding `field` (an input's testid; or the form item `item`) and include `says`.
 */
const ROWS = [
  codeTaken('a service category', 'categories', 'category', '/api/volunteer/categories'),
  codeTaken('a practical project', 'practical', 'practical', '/api/volunteer/practical-projects'),
  {
    name: 'a need reported in a category withdrawn since the dialog opened (400 inactiveCategory on categoryId)',
    user: 'clerk.longteng', path: '/volunteer/items', open: 'item-new', dialog: 'new-item-dialog', prepare: categoryToWithdraw,
    fill: async (page, dialog, category) => {
      await dialog.getByTestId('new-item-category').click();
      const option = page.getByTestId(`new-item-category-option-${category.id}`);
      await option.waitFor({ timeout: 15_000 });
      await category.withdraw();
      await option.click();
      await input(dialog, 'new-item-place').fill(`龙腾小区${run % 30}号楼`);
      await input(dialog, 'new-item-description').fill('楼道灯不亮，需要维修（错误测试）');
    },
    submit: 'new-item-submit', field: 'new-item-category', says: '停用',
  },
  {
    name: 'a resident’s need in a category withdrawn since the form opened (400 inactiveCategory on categoryId)',
    user: null, path: deskPath, open: 'need-open', prepare: categoryToWithdraw,
    fill: async (page, _form, category) => {
      await page.getByTestId('need-category').click();
      const option = page.locator('.el-select-dropdown__item').filter({ hasText: category.name }).first();
      await option.waitFor({ timeout: 15_000 });
      await category.withdraw();
      await option.click();
      await input(page, 'need-description').fill('楼道灯不亮，晚上出门不方便（错误测试）');
      await input(page, 'need-phone').fill('13800001234');
    },
    submit: 'need-submit', field: 'need-category', says: '停用',
  },
  {
    name: 'a member group whose name exists (400 DUPLICATE_NAME on name)',
    user: 'admin', path: '/volunteer/lists?tab=groups', open: 'group-new',
    fill: async (page) => {
      const name = await existing('admin', '/api/volunteer/member-groups', (rows) => rows[0].name);
      await input(page, 'group-name').fill(name);
    },
    submit: 'group-submit', field: 'group-name', says: '名称',
  },
  {
    name: 'a whistle whose deadline lies more than 90 days ahead (400 tooFarAhead on deadline)',
    user: 'street.zhuangyuan', path: '/volunteer/whistles', open: 'whistle-raise', dialog: 'whistle-raise-dialog',
    fill: async (page, dialog) => {
      await input(dialog, 'whistle-title').fill(`期限过远的街呼县应（错误测试 ${run}）`);
      await input(dialog, 'whistle-description').fill('路灯杆倾斜，需要相关部门现场核查（错误测试）');
      await dialog.getByTestId('whistle-departments').click();
      await page.locator('[data-testid^="whistle-dept-"]:visible').first().click();
      // close the options (Escape would close the dialog)
      await dialog.getByTestId('whistle-title').click();
      // the picker offers any future day; the service takes at most 90 days
      await fillPicker(dialog, pickerTime(120));
    },
    // the picker's testid goes to its popper, the form item has its own
    submit: 'whistle-submit', item: 'whistle-deadline-item', says: '90',
  },
  {
    name: 'a meeting with 21 agenda items (400 arrayMaxSize on agenda)',
    user: 'clerk.longteng', path: '/meetings', open: 'meetings-convene', dialog: 'convene-dialog',
    fill: async (page, dialog) => {
      await input(dialog, 'convene-title').fill(`议程过多的联席会议（错误测试 ${run}）`);
      await fillPicker(dialog, pickerTime(3));
      await input(dialog, 'convene-agenda').fill(Array.from({ length: 21 }, (_, i) => `议题${i + 1}`).join('\n'));
    },
    submit: 'convene-submit', field: 'convene-agenda', says: '20',
  },
  {
    name: 'a tracking number of the wrong length on the public page (400 trackingNo on trackingNo)',
    user: null, path: '/public/needs',
    fill: async (page) => {
      await input(page, 'track-input').fill('ABC23');
    },
    submit: 'track-submit', field: 'track-input', says: '10',
  },
];

for (const row of ROWS) {
  await test(`zh-CN: ${row.name} — said on its field, in Chinese`, async (page) => {
    const prepared = row.prepare ? await row.prepare() : undefined;
    if (row.user) await login(page, row.user, { timeout: 60_000 });
    await page.goto(`${BASE}${typeof row.path === 'function' ? await row.path() : row.path}`);
    if (row.open) {
      const open = page.getByTestId(row.open);
      await open.waitFor({ timeout: 60_000 });
      await open.click();
    }
    const dialog = row.dialog ? page.getByTestId(row.dialog) : page;
    if (row.dialog) await dialog.waitFor({ state: 'visible' });
    await row.fill(page, dialog, prepared);
    await page.getByTestId(row.submit).click();
    const item = row.item ? page.getByTestId(row.item) : page.locator('.el-form-item').filter({ has: page.getByTestId(row.field) }).last();
    const text = await expectWordedInChinese(page, item.locator('.el-form-item__error'), `the error on ${row.item ?? row.field}`);
    if (!text.includes(row.says)) throw new Error(`the error on ${row.item ?? row.field} does not say "${row.says}": "${text}"`);
    // the form and the page around it: no English sentence, no raw key
    const open = page.locator('.el-dialog:visible');
    const scope = (await open.count()) ? open.first() : page.locator('body');
    expectNoEnglish(await scope.innerText(), `the form of ${row.name}`);
    await expectNoRawText(page, `the page of ${row.name}`);
  });
}

await finish();
