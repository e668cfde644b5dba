#!/usr/bin/env node
// Browser tests of the bulk import and export screens: Debian's Chromium driven by playwright-core
// against a running platform (`npm start`; BASE_URL, default http://127.0.0.1:8080).
// A clerk downloads the template, fills it in with one bad row, sees the row's error in Chinese,
// downloads the error report, uploads the fixed file, confirms and watches the job's progress to
// done; an admin exports the case queue as a job and downloads the file.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BASE, OUT, api, browserSuite, login } from './lib/browser.mjs';

const require = createRequire(import.meta.url);
const ExcelJS = require('exceljs');

const { test, finish } = await browserSuite('import-browser', { failurePrefix: 'import-', nameLength: 80 });

/* ─── GB 11643-1999 resident ID numbers, made up for this run ─── */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const checkChar = (first17) => CHECK[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];
function residentId(birth, sex) {
  let seq = randomInt(0, 1000);
  if ((seq % 2 === 1) !== (sex === 'M')) seq = (seq + 1) % 1000;
  const first17 = `370686${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkChar(first17);
}
const wrongCheck = (id) => id.slice(0, 17) + CHECK[(CHECK.indexOf(id[17]) + 1) % 11];

const run = randomInt(100000, 999999);
const householdNo = `IMP${run}`;
const head = residentId(`19${randomInt(50, 90)}-0${randomInt(1, 10)}-1${randomInt(0, 10)}`, 'M');
const spouse = residentId(`19${randomInt(50, 90)}-1${randomInt(0, 3)}-0${randomInt(1, 10)}`, 'F');

const csvCell = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The template's header row, read from the downloaded workbook. */
let templateHeader = null;

/** A CSV in the template's columns: the family's two rows, the spouse's ID number wrong when `bad`. */
function registerCsv(bad) {
  const values = (name, id, relation) => ({
    户号: householdNo, 社区: '', 户别: '家庭户', 楼号: '6', 单元: '2', 房号: '401', 地址: `庄园街道龙腾小区6号楼2单元401（${run}）`, 网格: '',
    姓名: name, 身份证号: id, 与户主关系: relation, 登记日期: '2012-06-01',
  });
  const rows = [values('浏览器测试户主', head, '户主'), values('浏览器测试配偶', bad ? wrongCheck(spouse) : spouse, '配偶')];
  const lines = [templateHeader.join(','), ...rows.map((r) => templateHeader.map((h) => csvCell(r[h] ?? '')).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function uploadFile(page, name, body) {
  await page.getByTestId('import-kind-households').click();
  await page.locator('[data-testid="import-file"] input[type="file"]').setInputFiles({ name, mimeType: 'text/csv', buffer: body });
  await page.getByTestId('import-start').click();
}

async function expectJob(page, status, timeout = 60_000) {
  await page.locator(`[data-testid="import-job"][data-status="${status}"]`).waitFor({ timeout });
}

await test('clerk.longteng downloads the template, uploads a file with one bad row and sees that row\'s error in Chinese', async (page) => {
  await login(page, 'clerk.longteng');
  await page.goto(`${BASE}/household/import`);
  await page.getByTestId('import-view').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-template').click()]);
  if (!download.suggestedFilename().endsWith('.xlsx')) throw new Error(`template file name ${download.suggestedFilename()}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await download.path());
  templateHeader = wb.worksheets[0].getRow(1).values.slice(1).map(String);
  for (const col of ['户号', '地址', '姓名', '身份证号', '与户主关系']) {
    if (!templateHeader.includes(col)) throw new Error(`the template has no ${col} column: ${templateHeader.join(',')}`);
  }

  await uploadFile(page, `户籍-${run}.csv`, registerCsv(true));
  await expectJob(page, 'invalid');
  const errors = page.getByTestId('import-row-errors-3');
  await errors.waitFor();
  const text = await errors.innerText();
  if (!text.includes('身份证号') || !text.includes('校验码')) throw new Error(`row 3's error: ${text}`);
  await page.getByTestId('import-cell-error-3-idNumber').waitFor();
  // Row 2 (the head) is fine: shown without an error, its ID number masked.
  const preview = await page.getByTestId('import-preview').innerText();
  if (preview.includes(head)) throw new Error('a good row shows its ID number unmasked');
  const invalid = await page.getByTestId('import-invalid').innerText();
  if (!/共 2 行，其中 1 行有错误/.test(invalid)) throw new Error(`summary: ${invalid}`);

  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-report').click()]);
  const rwb = new ExcelJS.Workbook();
  await rwb.xlsx.readFile(await report.path());
  const lastCell = rwb.worksheets[0].getRow(2).values.slice(-1)[0];
  if (!String(lastCell).includes('身份证号')) throw new Error(`error report row: ${lastCell}`);
  await page.screenshot({ path: join(OUT, 'import-invalid.png'), fullPage: true });

  // Fixed and uploaded again: the dry run passes, the clerk confirms, the progress runs to done.
  await page.getByTestId('import-again').click();
  await uploadFile(page, `户籍-${run}-fixed.csv`, registerCsv(false));
  await expectJob(page, 'validated');
  await page.getByTestId('import-confirm').click();
  await page.locator('.el-message-box__btns .el-button--primary').click();
  await expectJob(page, 'done');
  const bar = page.locator('[data-testid="import-progress"][role="progressbar"], [data-testid="import-progress"] [role="progressbar"]').first();
  const now = await bar.getAttribute('aria-valuenow');
  if (now !== '100') throw new Error(`progress at the end: ${now}`);
  const done = await page.getByTestId('import-done').innerText();
  if (!done.includes('1 户') || !done.includes('2 人')) throw new Error(`result: ${done}`);
  await page.screenshot({ path: join(OUT, 'import-done.png'), fullPage: true });

  // In the register now (the queue's household search), once.
  const clerk = await api('clerk.longteng');
  const found = await clerk.get(`/api/household/households?q=${householdNo}`);
  await clerk.dispose();
  const items = found.items ?? found;
  if (!Array.isArray(items) || items.filter((h) => h.householdNo === householdNo).length !== 1) throw new Error(`household ${householdNo}: ${JSON.stringify(found).slice(0, 300)}`);
});

await test('admin exports the case queue as a job, sees it finish and downloads the workbook', async (page) => {
  await login(page, 'admin');
  await page.goto(`${BASE}/household/cases`);
  await page.getByTestId('case-queue').waitFor();
  await page.getByTestId('case-export').click();
  await page.locator('[data-testid="case-export-job"][data-status="done"]').waitFor({ timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('case-export-download').click()]);
  const file = readFileSync(await download.path());
  if (file.subarray(0, 2).toString() !== 'PK') throw new Error('the download is not an .xlsx workbook');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file);
  const header = wb.worksheets[0].getRow(1).values.slice(1);
  if (header[0] !== '案件编号') throw new Error(`export header: ${header.join(',')}`);
  const shown = await page.getByTestId('case-export-job').innerText();
  const rows = Number(/（(\d+) 行）/.exec(shown)?.[1]);
  if (wb.worksheets[0].rowCount - 1 !== rows) throw new Error(`the file has ${wb.worksheets[0].rowCount - 1} rows, the page said ${rows}`);
});

await finish();
