import request from 'supertest';
import ExcelJS from 'exceljs';
import { newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
async function readWorkbook(body: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as Parameters<typeof wb.xlsx.load>[0]);
  return wb;
}
const sheetRows = (ws: ExcelJS.Worksheet) => {
  const out: string[][] = [];
  ws.eachRow((r) => out.push((r.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
  return out;
};

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: string[][]) => `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
const HEADER = ['户号', '社区', '户别', '楼号', '单元', '房号', '地址', '网格', '姓名', '身份证号', '与户主关系', '登记日期'];

function family(no: string, ids: string[], relations = ['户主', '配偶']) {
  return ids.map((id, i) => [no, '', '家庭户', '8', '1', '302', '庄园街道龙腾小区8号楼1单元302', 'G08', `测试${i}`, id, relations[i] ?? '子女', '2015-01-01']);
}

const upload = (who: keyof typeof USERS, body: string | Buffer, kind = 'households', lang = 'zh-CN', name = '户籍.csv') =>
  api().post('/api/household/imports').set(as(who)).set('Accept-Language', lang).field('kind', kind).attach('file', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), name);

const RUNNING = ['queued', 'validating', 'applying', 'running'];
async function settle(path: string, who: keyof typeof USERS, lang = 'zh-CN') {
  for (let i = 0; i < 120; i++) {
    const res = await api().get(path).set(as(who)).set('Accept-Language', lang);
    if (res.status !== 200) return res;
    if (!RUNNING.includes(res.body.status)) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${path} never settled`);
}

describe('import jobs', () => {
  it('a dry run finds each bad row, names the field in zh-CN (en on request), writes nothing, and offers an error report', async () => {
    const before = await count('person');
    const good = [newId('M', '1970-01-01'), newId('F', '1972-02-02')];
    const bad = newId('M', '1980-01-01').slice(0, 17) + 'Z';
    const rows = [...family('JOBTEST01', good), ['JOBTEST02', '', '家庭户', '9', '1', '101', '庄园街道龙腾小区9号楼', 'G09', '王五', bad, '户主', '2015-01-01'], ['JOBTEST03', '', '家庭户', '9', '2', '101', '庄园街道龙腾小区9号楼2单元', 'G09', '赵六', newId(), '朋友', '2015-01-01']];
    const res = await upload('clerk', csv([HEADER, ...rows]));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'households', status: 'queued', version: expect.any(Number) });
    expect(res.headers.location).toBe(`/api/household/imports/${res.body.id}`);

    const done = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(done.body.status).toBe('invalid');
    expect(done.body.rows).toBe(4);
    expect(done.body.rowsWithErrors).toBe(2);
    expect(done.body.progress.done).toBe(done.body.progress.total);
    const errs = done.body.errors as { row: number; field: string; fieldLabel: string; message: string }[];
    expect(errs).toEqual(expect.arrayContaining([
      expect.objectContaining({ row: 4, field: 'idNumber', fieldLabel: '身份证号', message: '须为 18 位：17 位数字加 1 位数字或 X' }),
      expect.objectContaining({ row: 5, field: 'relation', fieldLabel: '与户主关系', message: expect.stringContaining('须为 户主') }),
    ]));
    // The preview has the bad rows with their cells as written (the wrong ID number unmasked) and the errors per cell.
    const row4 = done.body.preview.rows.find((r: { row: number }) => r.row === 4);
    expect(row4.cells.idNumber).toBe(bad);
    expect(row4.errors[0]).toMatchObject({ field: 'idNumber', fieldLabel: '身份证号' });
    const row2 = done.body.preview.rows.find((r: { row: number }) => r.row === 2);
    expect(row2.cells.idNumber).toMatch(/\*/);
    expect(row2.errors).toEqual([]);
    expect(done.body.preview.columns.map((c: { field: string }) => c.field)).toEqual(expect.arrayContaining(['householdNo', 'idNumber', 'relation']));

    const en = await api().get(`/api/household/imports/${res.body.id}`).set(as('clerk')).set('Accept-Language', 'en-US,en;q=0.9,zh;q=0.5');
    expect(en.body.errors.find((e: { row: number }) => e.row === 4)).toMatchObject({ fieldLabel: 'ID number', code: 'id_format', message: 'must be 18 characters: 17 digits and a digit or X' });
    expect(await count('person')).toBe(before);

    const report = await api().get(`/api/household/imports/${res.body.id}/report`).set(as('clerk')).buffer(true).parse(binary);
    expect(report.status).toBe(200);
    const ws = (await readWorkbook(report.body as Buffer)).worksheets[0];
    const lines = sheetRows(ws);
    expect(lines[0][0]).toBe('行号');
    expect(lines[0][lines[0].length - 1]).toBe('错误说明');
    expect(lines.slice(1).map((l) => l[0])).toEqual(['4', '5']);
    expect(lines[1][lines[1].length - 1]).toContain('身份证号：须为 18 位');
    const csvReport = await api().get(`/api/household/imports/${res.body.id}/report?format=csv`).set(as('clerk')).set('Accept-Language', 'en');
    expect(csvReport.status).toBe(200);
    expect(csvReport.text).toContain('Relation to head: must be one of'.replace(': ', '：'));

    // Confirming an invalid import is refused.
    const c = await api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: done.body.version });
    expect(c.status).toBe(409);
    expect(c.body.code).toBe('WRONG_STATE');
  });

  it('confirm applies a clean import exactly once; a stale version is 409', async () => {
    const ids = [newId('M', '1960-01-01'), newId('F', '1962-02-02'), newId('M', '1990-03-03')];
    const res = await upload('clerk', csv([HEADER, ...family('JOBTEST10', ids, ['户主', '配偶', '长子'])]));
    expect(res.status).toBe(202);
    const checked = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(checked.body).toMatchObject({ status: 'validated', rows: 3, rowsWithErrors: 0, result: { dryRun: true, households: 1, persons: 3 } });
    expect(await count('household WHERE household_no = \'JOBTEST10\'')).toBe(0);

    const stale = await api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: checked.body.version - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect(stale.body.message).toContain('版本');

    const [a, b] = await Promise.all([
      api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: checked.body.version }),
      api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: checked.body.version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const applied = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(applied.body).toMatchObject({ status: 'done', confirmedBy: USERS.clerk.username, result: { dryRun: false, households: 1, persons: 3 } });
    expect(await count('household WHERE household_no = \'JOBTEST10\'')).toBe(1);
    expect(await count(`registration r JOIN household h ON h.id = r.household_id WHERE h.household_no = 'JOBTEST10'`)).toBe(3);
    const again = await api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: applied.body.version });
    expect(again.status).toBe(409);
    expect(await count('household WHERE household_no = \'JOBTEST10\'')).toBe(1);
    const audit = await t.ds.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'register.import' AND request_id = $1`, [`import-job-${res.body.id}`]);
    expect(audit[0].n).toBe(1);

    const mine = await api().get('/api/household/imports?limit=1').set(as('clerk'));
    expect(mine.status).toBe(200);
    expect(mine.body.items[0].id).toBe(res.body.id);
    expect(mine.body.nextBefore).toBe(res.body.id);
    const older = await api().get(`/api/household/imports?before=${mine.body.nextBefore}`).set(as('clerk'));
    expect(older.body.items.every((i: { id: number }) => i.id < res.body.id)).toBe(true);
  });

  it('tells whoever started an import how each step ended (household.import.finished, in the step’s transaction), once each', async () => {
    const ids = [newId('M', '1961-01-01'), newId('F', '1963-02-02')];
    const res = await upload('secretary', csv([HEADER, ...family('JOBTEST20', ids)]));
    expect(res.status).toBe(202);
    const checked = await settle(`/api/household/imports/${res.body.id}`, 'secretary');
    expect(checked.body.status).toBe('validated');
    await api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('secretary')).send({ version: checked.body.version }).expect(202);
    expect((await settle(`/api/household/imports/${res.body.id}`, 'secretary')).body.status).toBe('done');
    const bad = await upload('secretary', csv([HEADER, ['JOBTEST21', '', '家庭户', '8', '1', '302', '庄园街道龙腾小区8号楼1单元302', 'G08', '测试', '370686199901011234', '户主', '2015-01-01']]));
    expect((await settle(`/api/household/imports/${bad.body.id}`, 'secretary')).body.status).toBe('invalid');

    const events = await t.ds.query(
      `SELECT aggregate_id AS "aggregateId", org_path AS "orgPath", actor, payload FROM outbox_event WHERE type = 'household.import.finished' AND aggregate_id = ANY($1) ORDER BY seq`,
      [[String(res.body.id), String(bad.body.id)]],
    );
    expect(events.map((e: { aggregateId: string; payload: { status: string } }) => [e.aggregateId, e.payload.status])).toEqual([
      [String(res.body.id), 'validated'], [String(res.body.id), 'done'], [String(bad.body.id), 'invalid'],
    ]);
    // addressed to the starter's account; the file's name and counts, never its rows
    expect(events[1]).toMatchObject({ orgPath: USERS.secretary.scopePaths[0], actor: USERS.secretary.username, payload: { importId: res.body.id, kind: 'households', accountId: USERS.secretary.sub, rows: 2, rowsWithErrors: 0, fileName: '户籍.csv' } });
    expect(events[2].payload).toMatchObject({ rows: 1, rowsWithErrors: 1 });
    expect(JSON.stringify(events)).not.toContain(ids[0]);
  });

  it('keeps to the area: another community in the file is an error on its row, another clerk sees no job, the admin does', async () => {
    const rows = [['JOBTEST20', '翠亭社区', '家庭户', '1', '1', '101', '翠屏街道翠亭小区1号楼', '', '钱七', newId(), '户主', '2015-01-01']];
    const res = await upload('clerk', csv([HEADER, ...rows]));
    const done = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(done.body.status).toBe('invalid');
    expect(done.body.errors[0]).toMatchObject({ row: 2, field: 'community', code: 'community_unknown', params: { value: '翠亭社区' }, message: '“翠亭社区”不是您辖区内的社区' });
    expect((await api().get(`/api/household/imports/${res.body.id}`).set(as('clerkWanda'))).status).toBe(404);
    expect((await api().get(`/api/household/imports/${res.body.id}/report`).set(as('clerkWanda'))).status).toBe(404);
    expect((await api().get(`/api/household/imports/${res.body.id}`).set(as('admin'))).status).toBe(200);
    expect((await api().get('/api/household/imports').set(as('clerkWanda'))).body.items.some((i: { id: number }) => i.id === res.body.id)).toBe(false);
  });

  it('refuses a bad upload with a 400 naming the field, in the user\'s language', async () => {
    const noKind = await api().post('/api/household/imports').set(as('clerk')).attach('file', Buffer.from('a,b\n1,2\n'), 'x.csv');
    expect(noKind.status).toBe(400);
    expect(noKind.body).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'kind' } });
    expect(noKind.body.message).toContain('kind');
    const noFile = await api().post('/api/household/imports').set(as('clerk')).field('kind', 'households');
    expect(noFile.status).toBe(400);
    expect(noFile.body).toMatchObject({ code: 'NO_FILE', details: { field: 'file' } });
    expect(noFile.body.message).toContain('请上传文件');
    const xls = await upload('clerk', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'households', 'en', 'old.xls');
    expect(xls.status).toBe(400);
    expect(xls.body).toMatchObject({ code: 'UNSUPPORTED_FILE', details: { field: 'file' }, message: 'The file must be CSV or .xlsx (Excel 2007+)' });
    const json = await api().post('/api/household/imports').set(as('clerk')).send({ kind: 'households' });
    expect(json.status).toBe(415);
    const volunteer = await upload('grid', csv([HEADER]));
    expect(volunteer.status).toBe(403);
    // A header without the required columns is found by the job and reported on row 1.
    const res = await upload('clerk', csv([['姓名', '备注'], ['张三', '']]));
    const done = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(done.body.status).toBe('invalid');
    expect(done.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ row: 1, field: 'householdNo', message: '缺少列：请命名为“户号”（或 householdNo）' })]));
  });

  it('serves the template the import reads back, and imports the property register from .xlsx', async () => {
    const tpl = await api().get('/api/household/imports/template?kind=properties').set(as('clerk')).buffer(true).parse(binary);
    expect(tpl.status).toBe(200);
    expect(tpl.headers['content-disposition']).toContain(encodeURIComponent('不动产登记导入模板.xlsx'));
    const wb = await readWorkbook(tpl.body as Buffer);
    const header = sheetRows(wb.worksheets[0])[0];
    expect(header).toEqual(['不动产权证号', '社区', '楼号', '单元', '房号', '地址', '网格', '面积', '权利人', '权利人身份证号']);
    expect(wb.worksheets[1].name).toBe('填写说明');
    // Filled in and uploaded again.
    wb.worksheets[0].addRow(['鲁(2024)栖霞市不动产权第JOB001号', '', '3', '1', '202', '庄园街道龙腾小区3号楼1单元202', 'G03', '98.5', '孙八', newId()]);
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload('clerk', filled, 'properties', 'zh-CN', '不动产.xlsx');
    expect(res.status).toBe(202);
    const checked = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(checked.body).toMatchObject({ status: 'validated', rows: 1, result: { properties: 1 } });
    const c = await api().post(`/api/household/imports/${res.body.id}/confirm`).set(as('clerk')).send({ version: checked.body.version });
    expect(c.status).toBe(202);
    const done = await settle(`/api/household/imports/${res.body.id}`, 'clerk');
    expect(done.body).toMatchObject({ status: 'done', result: { created: 1, owners: 1 } });
    expect(await count(`property WHERE certificate_no = '鲁(2024)栖霞市不动产权第JOB001号'`)).toBe(1);
    const csvTpl = await api().get('/api/household/imports/template?kind=households&format=csv').set(as('clerk'));
    expect(csvTpl.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe('户号,社区,户别,楼号,单元,房号,地址,网格,姓名,身份证号,与户主关系,登记日期');
  });
});

describe('export jobs', () => {
  it('an export runs as a job with progress and its file holds the rows the list has; expired is 410', async () => {
    const hh = await t.ds.query(`SELECT count(*)::int AS n FROM household h JOIN community_ref c ON c.id = h.community_id WHERE c.path LIKE '/1/3/7/%'`);
    const res = await api().post('/api/household/exports').set(as('clerk')).send({ kind: 'households', filters: {} });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'households', status: 'queued', downloadUrl: null });
    const early = await api().get(`/api/household/exports/${res.body.id}/file`).set(as('clerk'));
    if (early.status !== 200) expect(early.status).toBe(409);
    const done = await settle(`/api/household/exports/${res.body.id}`, 'clerk');
    expect(done.body).toMatchObject({ status: 'done', rows: hh[0].n, progress: { done: hh[0].n, total: hh[0].n }, downloadUrl: `/api/household/exports/${res.body.id}/file` });
    expect(hh[0].n).toBeGreaterThan(0);
    const file = await api().get(done.body.downloadUrl).set(as('clerk')).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect(Number(file.headers['content-length'])).toBe(done.body.fileSize);
    const wb = await readWorkbook(file.body as Buffer);
    const rows = sheetRows(wb.getWorksheet('户')!);
    expect(rows.length - 1).toBe(hh[0].n);
    expect(rows.slice(1).map((r) => r[0])).toContain('JOBTEST10');

    // Others: another clerk sees nothing, the admin does.
    expect((await api().get(`/api/household/exports/${res.body.id}`).set(as('clerkWanda'))).status).toBe(404);
    expect((await api().get(`/api/household/exports/${res.body.id}/file`).set(as('admin'))).status).toBe(200);

    await t.ds.query(`UPDATE export_job SET expires_at = now() - interval '1 minute' WHERE id = $1`, [res.body.id]);
    const gone = await api().get(`/api/household/exports/${res.body.id}/file`).set(as('clerk'));
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe('EXPIRED');
    expect((await api().get(`/api/household/exports/${res.body.id}`).set(as('clerk'))).body.status).toBe('expired');
  });

  it('takes the case list\'s filters, refuses bad ones naming the field, and fails a stalled job', async () => {
    const bad = await api().post('/api/household/exports').set(as('clerk')).send({ kind: 'cases', filters: { status: 'NOPE' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('status');
    const wrongKind = await api().post('/api/household/exports').set(as('clerk')).send({ kind: 'people' });
    expect(wrongKind.status).toBe(400);
    const res = await api().post('/api/household/exports').set(as('admin')).send({ kind: 'cases', filters: { status: 'SUBMITTED' } });
    expect(res.status).toBe(202);
    const done = await settle(`/api/household/exports/${res.body.id}`, 'admin');
    expect(done.body.status).toBe('done');
    const n = (await t.ds.query(`SELECT count(*)::int AS n FROM move_case WHERE status = 'SUBMITTED'`))[0].n;
    expect(done.body.rows).toBe(n);

    // A job whose worker went away (no progress for JOB_STALE_SECONDS) is failed when read.
    const stuck = await t.ds.query(
      `INSERT INTO export_job (kind, status, actor, created_by, scope_path, updated_at) VALUES ('cases', 'running', $1, 'admin', '/1/', now() - interval '1 hour') RETURNING id::int`,
      [JSON.stringify(USERS.admin)],
    );
    const read = await api().get(`/api/household/exports/${stuck[0].id}`).set(as('admin'));
    expect(read.body).toMatchObject({ status: 'failed', failure: { code: 'STALE' } });
    expect(read.body.failure.message).toContain('没有进展');
  });
});
