#!/usr/bin/env node
// Browser check of issue 9 ("one contract") for the dual-report and list forms and the meeting page: in zh-CN, each
// form is filled with what it offers and the server then refuses, because something changed behind the form's back
// (another of the unit's staff reported to that community, a service category was withdrawn, a unit's report was
// ended); the refusal lands on its field, worded by the SPA from the field's code, with no English sentence and no raw
// i18n key; the form keeps what was entered, and once corrected it is accepted. One row per form and refusal.
// Debian's Chromium driven by playwright-core against a running platform with the demo data (`npm start`; BASE_URL,
// default http://127.0.0.1:8080). Screenshots of failures go to test-results/.
import { randomInt } from 'node:crypto';
import { BASE, api, browserSuite, expectNoEnglish, expectNoRawText, expectWordedInChinese, input, login } from './lib/browser.mjs';

const { test, finish } = await browserSuite('errors-forms-browser', { failurePrefix: 'errors-forms-', nameLength: 80 });

const run = randomInt(100000, 999999);

/** Runs `fn` with `username`'s API session, then ends it. */
async function as(username, fn) {
  const client = await api(username);
  try {
    return await fn(client);
  } finally {
    await client.dispose();
  }
}

/** A new service category (so the forms list it once they load) and how to withdraw it behind the form's back. */
async function newCategory() {
  const c = await as('admin', (admin) => admin.post('/api/volunteer/categories', { code: `F${run}${randomInt(100, 999)}`, name: `停用测试类别${run}${randomInt(10, 99)}` }));
  const withdraw = () => as('admin', (admin) => admin.patch(`/api/volunteer/categories/${c.id}`, { version: c.version, active: false }));
  return { ...c, withdraw };
}

/** Another category still in use, for the corrected submission. */
const activeCategory = (exceptId) => as('admin', async (admin) => (await admin.get('/api/volunteer/categories')).find((c) => c.active && c.id !== exceptId));

/** Picks the option `optionTestid` of the select `selectTestid` in `scope`, waiting for it to be offered. */
async function choose(page, scope, selectTestid, optionTestid) {
  await scope.getByTestId(selectTestid).click();
  const option = page.getByTestId(optionTestid);
  await option.waitFor({ state: 'visible', timeout: 30_000 });
  await option.click();
}

/** What a select shows as chosen (its label) — kept after the refusal. */
const shown = (scope, testid) => scope.getByTestId(testid).innerText();

async function expectKept(what, actual, expected) {
  if (!String(await actual).includes(expected)) throw new Error(`${what}: the form lost what was entered ("${expected}" → "${await actual}")`);
}

/** The report (in one of `statuses`) of the unit of `client`'s unit staff to `communityId`, or undefined. */
const reportOf = (client, communityId, statuses = ['pending', 'approved']) =>
  client.get(`/api/volunteer/reports?communityId=${communityId}`).then((rows) => rows.find((r) => r.communityId === communityId && statuses.includes(r.status)));

/**
 * What the rows of a category withdrawn behind the form's back (400 inactiveCategory) share: the form's category select
 * `select` (its options `<select>-option-<id>`) offers `f.category`, withdrawn before the submit, and `f.other` for the
 * corrected one; the text input `text` holds `f[key]`.
 */
const categoryWithdrawn = (select, text, key) => ({
  fill: async (page, dialog, f) => {
    await input(dialog, text).fill(f[key]);
    await choose(page, dialog, select, `${select}-option-${f.category.id}`);
  },
  behind: (f) => f.category.withdraw(),
  field: select, says: '停用',
  kept: async (page, dialog, f) => {
    await expectKept(`the ${key}`, input(dialog, text).inputValue(), f[key]);
    await expectKept('the category', shown(dialog, select), f.category.name);
  },
  correct: (page, dialog, f) => choose(page, dialog, select, `${select}-option-${f.other.id}`),
});

/** A new category to withdraw and one in use, with `extra`. */
async function categories(extra) {
  const category = await newCategory();
  return { category, other: await activeCategory(category.id), ...extra };
}

/**
 * One row per form and refusal: `user` opens `path`, `open` (a testid, or the locator a function of the page answers) brings up the form `dialog`; `prepare` makes what the row
 * works on (given to the others), `fill` enters what the form offers and `behind` changes the world behind the form's
 * back; `submit` is the button's testid. The refusal must show on the form item holding `field` and include `says` (a
409 of a stale copy: the conflict message, holding `conflict`);
 * `kept` checks the entries survived, `correct` fixes the form, after which the dialog closes and `saved` finds the
 * result; `cleanUp` puts the world back for the next run.
 */
const ROWS = [
  {
    name: '双报到: a report to a community the unit reported to since the form opened (409 ALREADY_REPORTED on communityId)',
    user: 'unit.staff', path: '/volunteer/my-reports', open: 'report-new', dialog: 'report-dialog',
    prepare: () => as('unit.staff', async (staff) => {
      const live = new Set((await staff.get('/api/volunteer/reports')).filter((r) => r.status === 'pending' || r.status === 'approved').map((r) => r.communityId));
      const free = (await staff.get('/api/volunteer/public/communities')).filter((c) => !live.has(c.id));
      if (free.length < 2) throw new Error('unit.staff has reported to nearly every community');
      const [taken, other] = free.slice(-2);
      return { taken, other, unitId: staff.user.orgId, phone: `0535-52${String(run).slice(0, 5)}` };
    }),
    fill: async (page, dialog, f) => {
      await choose(page, dialog, 'report-community', `report-community-option-${f.taken.id}`);
      await input(dialog, 'report-contact-phone').fill(f.phone);
    },
    // another of the unit's staff (another tab) reports to the same community
    behind: (f) => as('unit.staff', (staff) => staff.post('/api/volunteer/reports', { communityId: f.taken.id, resources: ['政策咨询'], contactName: '同事', contactPhone: '0535-5210000' })),
    submit: 'report-submit', field: 'report-community', says: '已向该社区报到',
    kept: async (page, dialog, f) => {
      await expectKept('the community', shown(dialog, 'report-community'), f.taken.name);
      await expectKept('the phone', input(dialog, 'report-contact-phone').inputValue(), f.phone);
    },
    correct: (page, dialog, f) => choose(page, dialog, 'report-community', `report-community-option-${f.other.id}`),
    saved: (f) => as('unit.staff', async (staff) => !!(await reportOf(staff, f.other.id, ['pending']))),
    // the community turns both reports down: the unit may report there again next run
    cleanUp: (f) => as('admin', async (admin) => {
      for (const c of [f.taken, f.other]) {
        const r = (await admin.get(`/api/volunteer/reports?communityId=${c.id}`)).find((x) => x.status === 'pending' && x.unitId === f.unitId);
        if (r) await admin.post(`/api/volunteer/reports/${r.id}/decision`, { decision: 'reject', version: r.version, reason: '错误测试：退回重复报到' });
      }
    }),
  },
  {
    name: '资源清单: a resource in a category withdrawn since the form opened (400 inactiveCategory on categoryId)',
    user: 'unit.staff', path: '/volunteer/lists?tab=resources', open: 'resource-new', dialog: 'resource-dialog',
    prepare: () => categories({ title: `停用类别资源${run}` }),
    ...categoryWithdrawn('resource-category', 'resource-title', 'title'),
    submit: 'resource-submit',
    saved: (f) => as('unit.staff', async (staff) => (await staff.get('/api/volunteer/resources')).some((r) => r.title === f.title && r.categoryId === f.other.id)),
  },
  {
    name: '项目清单: a project with a unit whose report was ended since the form opened (400 UNIT_NOT_REPORTED on unitId)',
    user: 'clerk.cuiting', path: '/volunteer/lists?tab=projects', open: 'project-new', dialog: 'project-dialog',
    // unit.staff's unit reports to 翠亭 and the community approves: the form offers it
    prepare: async () => {
      const clerk = await as('clerk.cuiting', async (c) => c.user);
      const communityId = clerk.orgId;
      const unitId = await as('unit.staff', async (staff) => {
        if (!(await reportOf(staff, communityId))) await staff.post('/api/volunteer/reports', { communityId, resources: ['政策咨询'], contactName: '错误测试联系人', contactPhone: '0535-5210001' });
        return staff.user.orgId;
      });
      await as('clerk.cuiting', async (c) => {
        const r = (await c.get(`/api/volunteer/reports?communityId=${communityId}`)).find((x) => x.unitId === unitId && (x.status === 'pending' || x.status === 'approved'));
        if (r.status === 'pending') await c.post(`/api/volunteer/reports/${r.id}/decision`, { decision: 'approve', version: r.version });
      });
      return { communityId, unitId, name: `翠亭楼道亮灯改造${run}` };
    },
    fill: async (page, dialog, f) => {
      await input(dialog, 'project-name').fill(f.name);
      await choose(page, dialog, 'project-unit', `project-unit-option-${f.unitId}`);
    },
    // the community ends the unit's report (another clerk, another tab)
    behind: (f) => as('clerk.cuiting', async (c) => {
      const r = (await c.get(`/api/volunteer/reports?communityId=${f.communityId}`)).find((x) => x.unitId === f.unitId && x.status === 'approved');
      await c.post(`/api/volunteer/reports/${r.id}/decision`, { decision: 'end', version: r.version, reason: '错误测试：结束报到' });
    }),
    submit: 'project-submit', field: 'project-unit', says: '尚未向本社区报到',
    kept: async (page, dialog, f) => {
      await expectKept('the name', input(dialog, 'project-name').inputValue(), f.name);
      const unit = await shown(dialog, 'project-unit');
      if (!unit.trim() || /^\d+$/.test(unit.trim())) throw new Error(`the unit: the form lost what was chosen ("${unit}")`);
    },
    // the project without that unit
    correct: async (page, dialog) => {
      await dialog.getByTestId('project-unit').hover();
      await dialog.getByTestId('project-unit').locator('.el-select__clear, .el-icon.el-select__caret').first().click();
    },
    saved: (f) => as('clerk.cuiting', async (c) => (await c.get('/api/volunteer/projects')).some((p) => p.name === f.name && p.unitId === null)),
  },
  {
    name: '项目清单: editing a project another clerk saved since the dialog opened (409 STALE_VERSION: the conflict explained)',
    user: 'clerk.longteng', path: '/volunteer/lists?tab=projects', dialog: 'project-edit-dialog',
    prepare: () => as('clerk.longteng', async (c) => {
      const made = await c.post('/api/volunteer/projects', { communityId: c.user.orgId, name: `龙腾楼道扶手加固${run}`, budgetYuan: 1000 });
      return { ...made, budget: 23000 };
    }),
    open: (page, f) => page.locator(`[data-testid="project-edit-${f.id}"]:visible`).first(),
    fill: async (page, dialog, f) => {
      await dialog.getByTestId('project-edit-status-ongoing').click();
      await input(dialog, 'project-edit-budget').fill(String(f.budget));
    },
    // another clerk (another tab) marks it done meanwhile
    behind: (f) => as('clerk.longteng', (c) => c.patch(`/api/volunteer/projects/${f.id}`, { version: f.version, status: 'done' })),
    submit: 'project-edit-submit', conflict: '数据已被他人修改',
    kept: async (page, dialog, f) => {
      await expectKept('the budget', input(dialog, 'project-edit-budget').inputValue(), String(f.budget));
      const checked = await dialog.getByTestId('project-edit-status-ongoing').getAttribute('class');
      if (!checked.includes('is-active')) throw new Error('the status: the form lost what was chosen');
    },
    // the conflict explained, the clerk saves the form's entries (unchanged) over the current version
    correct: async () => {},
    saved: (f) => as('clerk.longteng', async (c) => (await c.get('/api/volunteer/projects')).some((p) => p.id === f.id && p.status === 'ongoing' && p.budgetYuan === f.budget)),
  },
  {
    name: '联席会议: a decision made into a service item in a category withdrawn since the dialog opened (400 inactiveCategory on categoryId)',
    user: 'clerk.longteng', dialog: 'work-dialog',
    // the decision's button in the table's body (its hidden copy sits in the table's layout)
    open: (page) => page.getByTestId('meeting-decisions').locator('.el-table__body [data-testid="decision-to-item"]').last(),
    prepare: async () => {
      const meeting = await as('clerk.longteng', async (c) => {
        const m = await c.post(`/api/org/units/${c.user.orgId}/meetings`, { title: `错误测试联席会议${run}`, heldAt: new Date(Date.now() - 86400_000).toISOString(), agenda: ['楼道照明'] });
        return c.post(`/api/org/meetings/${m.id}/decisions`, { version: m.version, text: `为龙腾小区${run % 30 + 1}号楼更换楼道灯（错误测试）` });
      });
      return categories({ meeting, place: `龙腾小区${run % 30 + 1}号楼` });
    },
    path: (f) => `/meetings/${f.meeting.id}`,
    ...categoryWithdrawn('work-category', 'work-place', 'place'),
    submit: 'work-submit',
    saved: (f) => as('clerk.longteng', async (c) => (await c.get(`/api/org/meetings/${f.meeting.id}`)).decisions.some((d) => d.workKind === 'item')),
  },
];

for (const row of ROWS) {
  await test(`zh-CN: ${row.name} — said ${row.conflict ? 'as a conflict' : 'on its field'}, input kept, corrected and saved`, async (page) => {
    const f = await row.prepare();
    try {
      await login(page, row.user, { timeout: 60_000 });
      await page.goto(`${BASE}${typeof row.path === 'function' ? row.path(f) : row.path}`);
      const open = typeof row.open === 'function' ? row.open(page, f) : page.getByTestId(row.open);
      await open.waitFor({ timeout: 60_000 });
      await open.click();
      const dialog = page.getByTestId(row.dialog);
      await dialog.waitFor({ state: 'visible' });
      await row.fill(page, dialog, f);
      await row.behind(f);
      await dialog.getByTestId(row.submit).click();
      if (row.conflict) {
        // a stale copy: the conflict said (the form's entries stay), the list reloaded on 刷新
        const box = page.locator('.el-message-box:visible');
        const text = await expectWordedInChinese(page, box, 'the conflict message');
        if (!text.includes(row.conflict)) throw new Error(`the conflict message does not say "${row.conflict}": "${text}"`);
        await box.locator('.el-message-box__btns .el-button--primary').click();
        await box.waitFor({ state: 'hidden' });
      } else {
        const item = dialog.locator('.el-form-item').filter({ has: page.getByTestId(row.field) }).last();
        const text = await expectWordedInChinese(page, item.locator('.el-form-item__error'), `the error on ${row.field}`);
        if (!text.includes(row.says)) throw new Error(`the error on ${row.field} does not say "${row.says}": "${text}"`);
      }
      if (!(await dialog.isVisible())) throw new Error('the form closed although the server refused it');
      expectNoEnglish(await dialog.innerText(), `the form of ${row.name}`);
      await expectNoRawText(page, `the page of ${row.name}`);
      await row.kept(page, dialog, f);
      // corrected, the same form is accepted: it closes, and the server holds the result
      await row.correct(page, dialog, f);
      await dialog.getByTestId(row.submit).click();
      await dialog.waitFor({ state: 'hidden', timeout: 60_000 });
      if (!(await row.saved(f))) throw new Error('the corrected form closed, but the server does not hold what it sent');
      await expectNoRawText(page, `the page of ${row.name} after saving`);
    } finally {
      if (row.cleanUp) await row.cleanUp(f);
    }
  });
}

await finish();
