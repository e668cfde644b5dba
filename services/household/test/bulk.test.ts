import request from 'supertest';
import ExcelJS from 'exceljs';
import { decodeText, parseCsv } from '../src/modules/bulk/csv';
import { C, newId, setup, type TestContext, USERS } from './helper';

let t: TestContext;
beforeAll(async () => {
  t = await setup();
});
afterAll(async () => t.close());

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const as = (who: keyof typeof USERS) => ({ Authorization: `Bearer ${t.token(who)}` });
const api = () => request(t.app.server);
const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
const counts = async () => ({ household: await count('household'), person: await count('person'), registration: await count('registration'), property: await count('property'), owner: await count('property_owner') });

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (rows: string[][], bom = true) => (bom ? '\uFEFF' : '') + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
const REGISTER_HEADER = ['户号', '社区', '户别', '楼号', '单元', '房号', '地址', '网格', '姓名', '身份证号（必填）', '与户主关系', '登记日期'];

function registerRows(prefix: string) {
  const zhang = [newId('M', '1978-02-02'), newId('F', '1980-03-03'), newId('M', '2006-04-04')];
  const liu = [newId('M', '1950-06-06'), newId('F', '1952-07-07')];
  return [
    [`${prefix}01`, '370686002002', '家庭户', '3', '2', '501', '庄园街道龙腾小区3号楼2单元501, 东户', 'G03', '张伟', zhang[0], '户主', '2010-05-01'],
    [`${prefix}01`, '370686002002', '家庭户', '3', '2', '501', '庄园街道龙腾小区3号楼2单元501, 东户', 'G03', '李娜', zhang[1], '配偶', '2010-05-01'],
    [`${prefix}01`, '370686002002', '家庭户', '3', '2', '501', '庄园街道龙腾小区3号楼2单元501, 东户', 'G03', '张小明', zhang[2], '长子', ''],
    [`${prefix}02`, '', '', '5', '1', '101', '庄园街道龙腾小区5号楼"阳光"1单元101', 'G05', '柳德胜', liu[0], 'head', '1998-09-09'],
    [`${prefix}02`, '', '', '5', '1', '101', '庄园街道龙腾小区5号楼"阳光"1单元101', 'G05', '隋桂芝', liu[1], '妻', '1998-09-09'],
  ];
}

const importCsv = (path: string, body: string, who: keyof typeof USERS = 'clerk', type = 'text/csv; charset=utf-8') =>
  api().post(path).set(as(who)).set('Content-Type', type).send(Buffer.from(body, 'utf8'));

async function workbook(header: string[], rows: (string | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('户籍');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

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
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

let firstRows: string[][] = [];

/** GB18030 has no encoder in Node: build one for the characters we need from the decoder. */
function gb18030(text: string): Buffer {
  const map = new Map<string, number[]>();
  const dec = new TextDecoder('gb18030');
  for (let a = 0x81; a <= 0xfe; a++) for (let b = 0x40; b <= 0xfe; b++) if (b !== 0x7f) map.set(dec.decode(Uint8Array.from([a, b])), [a, b]);
  return Buffer.from([...text].flatMap((ch) => (ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : map.get(ch)!)));
}

describe('the CSV reader', () => {
  it('reads quoted fields, doubled quotes, separators and line breaks inside quotes, CRLF, a BOM, and ; or tab as separator', () => {
    expect(parseCsv('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n')).toEqual([['a', 'b', 'c'], ['1', 'x, y', 'say "hi"'], ['2', 'two\nlines', '']]);
    expect(parseCsv('a;b\n1;"2;3"')).toEqual([['a', 'b'], ['1', '2;3']]);
    expect(parseCsv('a\tb\r1\t2\r')).toEqual([['a', 'b'], ['1', '2']]);
    expect(() => parseCsv('a,b\n1,"open')).toThrow(/never closed/);
    expect(decodeText(gb18030('户号,姓名'))).toBe('户号,姓名');
    expect(decodeText(Buffer.from('户号,姓名', 'utf8'))).toBe('户号,姓名');
  });
});

describe('POST /api/household/import/register', () => {
  it('loads a CSV register (BOM, quotes, commas in fields, Chinese relations) into households, persons and active registrations', async () => {
    const before = await counts();
    firstRows = registerRows('3706861001');
    const res = await importCsv('/api/household/import/register', csv([REGISTER_HEADER, ...firstRows]));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ dryRun: false, rows: 5, households: 2, persons: 5 });
    const after = await counts();
    expect(after.household - before.household).toBe(2);
    expect(after.registration - before.registration).toBe(5);
    const [h] = await t.ds.query(`SELECT * FROM household WHERE household_no = $1`, ['370686100101']);
    expect(h).toMatchObject({ community_id: C.longteng, kind: 'family', building: '3', unit: '2', room: '501', address: '庄园街道龙腾小区3号楼2单元501, 东户', grid_code: 'G03' });
    const members = await t.ds.query(`SELECT p.name, r.relation, r.start_date FROM registration r JOIN person p ON p.id = r.person_id JOIN household h ON h.id = r.household_id WHERE h.household_no = '370686100102' AND r.status = 'active' ORDER BY p.name`);
    expect(members).toEqual([{ name: '柳德胜', relation: 'head', start_date: '1998-09-09' }, { name: '隋桂芝', relation: 'spouse', start_date: '1998-09-09' }]);
    const [quoted] = await t.ds.query(`SELECT address FROM household WHERE household_no = '370686100102'`);
    expect(quoted.address).toBe('庄园街道龙腾小区5号楼"阳光"1单元101');
    const book = await api().get(`/api/household/households/${h.id}`).set(as('clerk'));
    expect(book.body.current.map((m: { relation: string }) => m.relation)).toEqual(['head', 'spouse', 'child']);
  });

  it('reads a CSV saved as GB18030 (Excel on a Chinese Windows)', async () => {
    const body = gb18030(csv([REGISTER_HEADER, ...registerRows('3706861009')], false));
    const res = await api().post('/api/household/import/register?dryRun=true').set(as('clerk')).set('Content-Type', 'text/csv').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ households: 2, persons: 5 });
  });

  it('only checks on dryRun', async () => {
    const before = await counts();
    const res = await importCsv('/api/household/import/register?dryRun=true', csv([REGISTER_HEADER, ...registerRows('3706861002')]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dryRun: true, rows: 5, households: 2, persons: 5 });
    expect(await counts()).toEqual(before);
  });

  it('returns 400 with the row, field and message of one bad row, and writes nothing at all', async () => {
    const before = await counts();
    const rows = registerRows('3706861003');
    rows[3][9] = rows[3][9].slice(0, 17) + (rows[3][9][17] === '0' ? '1' : '0');
    const res = await importCsv('/api/household/import/register', csv([REGISTER_HEADER, ...rows]));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.details).toMatchObject({ rows: 5, rowsWithErrors: 1, truncated: false });
    expect(res.body.details.errors).toEqual([{ row: 5, field: 'idNumber', code: 'id_check_character', message: 'check character (last) does not match' }]);
    expect(await counts()).toEqual(before);
  });

  it('reports every problem at once: heads, disagreeing cells, the same person twice, persons already registered, taken numbers, other areas', async () => {
    const before = await counts();
    const rows = registerRows('3706861004');
    const dup = rows[1][9];
    const taken = firstRows;
    const res = await importCsv('/api/household/import/register', csv([
      REGISTER_HEADER,
      ...rows.slice(0, 2).map((r) => [...r.slice(0, 10), '配偶', '']), // household 01 without a head
      [rows[2][0], '', '', '3', '2', '502', '别的地址', 'G03', '张小明', rows[2][9], '子', ''], // disagrees with row 2
      [`${rows[3][0]}`, '', '', '', '', '', '某地址', '', '某人', dup, '户主', ''], // same person as row 3
      ['370686100101', '', '', '', '', '', '某地址', '', '再来', newId(), '户主', ''], // household number taken
      ['3706861004X9', '370686001001', '', '', '', '', '翠亭某地', '', '外人', newId(), '户主', ''], // 翠亭 is not the clerk's
      ['3706861004X8', '', '', '', '', '', '某地址2', '', '已登记', taken[0][9], '户主', '2099-01-01'], // registered already, and a future date
      ['3706861004X7', '', '集体', '', '', '', '社区集体户', '', '甲', newId(), '其他', ''],
      ['3706861004X6', '', '集体', '', '', '', '社区集体户', '', '乙', newId(), '其他', ''], // a second collective household
      ['3706861004X5', '', '家庭户', '', '', '', '地址', '', '丙', newId(), '亲戚', ''], // unknown relation
    ]));
    expect(res.status).toBe(400);
    const errs = res.body.details.errors.map((e: { row: number; field: string }) => `${e.row}:${e.field}`);
    expect(errs).toEqual(expect.arrayContaining(['2:relation', '4:room', '4:address', '5:idNumber', '6:householdNo', '7:community', '8:idNumber', '8:since', '10:kind', '11:relation']));
    expect(await counts()).toEqual(before);
    // A person who already holds an active registration cannot be registered again by import.
    const again = await importCsv('/api/household/import/register', csv([REGISTER_HEADER, ['3706861005X1', '', '', '', '', '', '某地址', '', '张伟', taken[0][9], '户主', '']]));
    expect(again.status).toBe(400);
    expect(again.body.details.errors[0]).toMatchObject({ row: 2, field: 'idNumber' });
  });

  it('refuses a file without the required columns, a quote never closed, an empty body, JSON and old .xls', async () => {
    const missing = await importCsv('/api/household/import/register', csv([['户号', '姓名'], ['1', '张三']]));
    expect(missing.status).toBe(400);
    expect(missing.body.details.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['address', 'idNumber', 'relation']));
    const open = await importCsv('/api/household/import/register', '户号,地址\n1,"没有结束\n');
    expect(open.status).toBe(400);
    expect((await importCsv('/api/household/import/register', '')).status).toBe(400);
    expect((await api().post('/api/household/import/register').set(as('clerk')).send({ rows: [] })).status).toBe(415);
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), Buffer.alloc(100)]);
    expect((await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', 'application/vnd.ms-excel').send(xls)).status).toBe(415);
  });

  it('reads .xlsx, and refuses ID numbers that were typed as numbers (digits lost)', async () => {
    const rows = registerRows('3706861006');
    const res = await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', XLSX).send(await workbook(REGISTER_HEADER, rows));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ households: 2, persons: 5 });
    const lossy = registerRows('3706861007').slice(0, 1).map((r) => [...r.slice(0, 9), Number(r[9].slice(0, 17) + '1'), ...r.slice(10)]);
    const bad = await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', XLSX).send(await workbook(REGISTER_HEADER, lossy));
    expect(bad.status).toBe(400);
    expect(bad.body.details.errors[0]).toMatchObject({ row: 2, field: 'idNumber' });
    expect(bad.body.details.errors[0].message).toMatch(/text/);
    const garbage = await api().post('/api/household/import/register').set(as('clerk')).set('Content-Type', XLSX).send(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]));
    expect(garbage.status).toBe(400);
  });

  it('returns 401 without a token, 403 for grid workers and outside roles, 413 for a file that is too large', async () => {
    const body = csv([REGISTER_HEADER, ...registerRows('3706861008')]);
    expect((await api().post('/api/household/import/register').set('Content-Type', 'text/csv').send(body)).status).toBe(401);
    expect((await importCsv('/api/household/import/register', body, 'grid')).status).toBe(403);
    expect((await importCsv('/api/household/import/register', body, 'unit')).status).toBe(403);
    expect((await importCsv('/api/household/import/register', 'x'.repeat(11 * 1024 * 1024))).status).toBe(413);
    // A street admin must say which community each row is in.
    const street = await importCsv('/api/household/import/register', body, 'street');
    expect(street.status).toBe(400);
    expect(street.body.details.errors.filter((e: { field: string }) => e.field === 'community').map((e: { row: number }) => e.row)).toEqual([5, 6]);
  });
});

describe('POST /api/household/import/properties', () => {
  const HEADER = ['不动产权证号', '社区', '地址', '楼号', '单元', '房号', '面积', '网格', '权利人', '权利人身份证号'];
  const owners = [newId('M', '1970-01-01'), newId('F', '1972-02-02'), newId('M', '1990-03-03')];
  const rows = () => [
    ['鲁(2020)栖霞市不动产权第0100001号', '', '龙腾小区1号楼1单元101', '1', '1', '101', '96.50', 'G01', '王建国', owners[0]],
    ['鲁(2020)栖霞市不动产权第0100001号', '', '龙腾小区1号楼1单元101', '1', '1', '101', '96.50', 'G01', '李秀英', owners[1]],
    ['鲁(2020)栖霞市不动产权第0100002号', '370686002002', '龙腾小区2号楼1单元201', '2', '1', '201', '', 'G02', '孙海涛', owners[2]],
  ];

  it('loads flats (one row per owner) and upserts them by certificate number', async () => {
    const before = await counts();
    const res = await importCsv('/api/household/import/properties', csv([HEADER, ...rows()]));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rows: 3, properties: 2, created: 2, updated: 0, owners: 3 });
    const after = await counts();
    expect(after.property - before.property).toBe(2);
    expect(after.owner - before.owner).toBe(3);
    const again = await api().post('/api/household/import/properties').set(as('secretary')).set('Content-Type', XLSX).send(await workbook(HEADER, rows().slice(0, 1)));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ properties: 1, created: 0, updated: 1, owners: 1 });
    expect((await counts()).owner - before.owner).toBe(2);
  });

  it('returns 400 and writes nothing when one row disagrees with its flat or has a bad ID number', async () => {
    const before = await counts();
    const r = rows();
    r[1][2] = '另一个地址';
    r[2][9] = '370686199001011235';
    const res = await importCsv('/api/household/import/properties', csv([HEADER, ...r, ['鲁(2020)栖霞市不动产权第0100003号', '', '龙腾小区3号楼', '', '', '', '', '', '', '']]));
    expect(res.status).toBe(400);
    expect(res.body.details.errors).toEqual([
      expect.objectContaining({ row: 3, field: 'address' }),
      expect.objectContaining({ row: 4, field: 'ownerIdNumber' }),
    ]);
    expect(await counts()).toEqual(before);
    expect((await importCsv('/api/household/import/properties', csv([HEADER, ...rows()]), 'grid')).status).toBe(403);
    expect((await api().post('/api/household/import/properties').set('Content-Type', 'text/csv').send('x')).status).toBe(401);
  });
});

describe('GET /api/household/export/*.xlsx', () => {
  beforeAll(async () => {
    for (const [i, status] of ['DRAFT', 'DRAFT', 'SUBMITTED'].entries()) {
      const c = await api().post('/api/household/cases').set(as('clerk')).send({
        type: 'collective', applicantName: `申请人${i}`, persons: [{ name: `迁入人${i}`, idNumber: newId('F'), relation: 'head' }], provided: ['id_card', 'hukou_booklet', 'employment_or_residence_proof', 'application_form'],
      });
      if (status === 'SUBMITTED') await api().post(`/api/household/cases/${c.body.id}/transitions`).set(as('clerk')).send({ action: 'submit', version: c.body.version });
    }
    await api().post('/api/household/cases').set(as('clerkWanda')).send({ type: 'collective', applicantName: '万达申请人', persons: [{ name: '万达人', idNumber: newId(), relation: 'head' }] });
    await api().post('/api/household/separation/compare').set(as('clerk'));
  });

  const download = (path: string, who: keyof typeof USERS = 'clerk') => api().get(path).set(as(who)).buffer(true).parse(binary);

  it('exports the case queue the caller sees, with Chinese headers and masked ID numbers, and it reads back', async () => {
    const res = await download('/api/household/export/cases.xlsx');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(XLSX);
    expect(res.headers['content-disposition']).toMatch(/attachment; .*filename\*=UTF-8''/);
    const wb = await readWorkbook(res.body);
    const rows = sheetRows(wb.getWorksheet('户籍案件')!);
    expect(rows[0].slice(0, 6)).toEqual(['案件编号', '类型', '状态', '社区', '申请人', '人员（身份证号已脱敏）']);
    const list = (await api().get('/api/household/cases?limit=100').set(as('clerk'))).body.items;
    expect(rows.length - 1).toBe(list.length);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(list.map((c: { caseNo: string }) => c.caseNo).sort());
    expect(rows.some((r) => r.includes('万达申请人'))).toBe(false);
    expect(rows.slice(1).every((r) => /^迁入人\d（\d{6}\*{8}\d{3}[\dX]）$/.test(r[5]))).toBe(true);
    expect(JSON.stringify(rows)).not.toMatch(/\d{17}[\dX]/);
    const drafts = await readWorkbook((await download('/api/household/export/cases.xlsx?status=DRAFT')).body);
    const draftRows = sheetRows(drafts.worksheets[0]).slice(1);
    expect(draftRows).toHaveLength(2);
    expect(draftRows.every((r) => r[2] === '草稿')).toBe(true);
  });

  it('exports households with their members, and outreach tasks', async () => {
    const res = await download(`/api/household/export/households.xlsx?communityId=${C.longteng}`);
    expect(res.status).toBe(200);
    const wb = await readWorkbook(res.body);
    const hh = sheetRows(wb.getWorksheet('户')!);
    const members = sheetRows(wb.getWorksheet('人员')!);
    const total = (await t.ds.query(`SELECT count(*)::int AS n FROM household WHERE community_id = $1`, [C.longteng]))[0].n;
    expect(hh.length - 1).toBe(total);
    expect(hh[0]).toEqual(['户号', '社区', '户别', '楼号', '单元', '房号', '地址', '网格', '在户人数']);
    const active = (await t.ds.query(`SELECT count(*)::int AS n FROM registration r JOIN household h ON h.id = r.household_id WHERE r.status = 'active' AND h.community_id = $1`, [C.longteng]))[0].n;
    expect(members.length - 1).toBe(active);
    expect(members.slice(1).every((r) => /^\d{6}\*{8}\d{3}[\dX]$/.test(r[2]))).toBe(true);
    expect(members.find((r) => r[1] === '张伟')?.[5]).toBe('户主');
    const tasks = await download('/api/household/export/tasks.xlsx?gridCode=G01');
    expect(tasks.status).toBe(200);
    const trows = sheetRows((await readWorkbook(tasks.body)).worksheets[0]);
    const listed = (await api().get('/api/household/separation/tasks?gridCode=G01').set(as('clerk'))).body.items;
    expect(listed.length).toBeGreaterThan(0);
    expect(trows.length - 1).toBe(listed.length);
    expect(trows[1][3]).toBe('房户分离');
    expect(trows[1][9]).toBe('待走访');
    const cuiting = sheetRows((await readWorkbook((await download('/api/household/export/households.xlsx', 'clerkCuiting')).body)).worksheets[0]);
    expect(cuiting).toHaveLength(1);
  });

  it('returns 400 for bad filters, 401 without a token, 403 for other roles, 404 for another community', async () => {
    expect((await api().get('/api/household/export/cases.xlsx?status=FLYING').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/household/export/tasks.xlsx?kind=x').set(as('clerk'))).status).toBe(400);
    expect((await api().get('/api/household/export/households.xlsx?foo=1').set(as('clerk'))).status).toBe(400);
    // An id beyond 2^53 is a 400, not a bigint error from PostgreSQL (500).
    for (const path of ['/api/household/export/cases.xlsx', '/api/household/cases', '/api/household/households', '/api/household/separation/funnel', '/api/household/stats/summary']) {
      expect((await api().get(`${path}?communityId=99999999999999999999`).set(as('clerk'))).status).toBe(400);
    }
    expect((await api().get('/api/household/export/cases.xlsx')).status).toBe(401);
    expect((await api().get('/api/household/export/households.xlsx').set(as('unit'))).status).toBe(403);
    expect((await api().get('/api/household/export/tasks.xlsx').set(as('member'))).status).toBe(403);
    expect((await api().get('/api/household/export/cases.xlsx').set(as('member'))).status).toBe(403);
    for (const kind of ['cases', 'households', 'tasks']) {
      expect((await api().get(`/api/household/export/${kind}.xlsx?communityId=${C.cuiting}`).set(as('clerk'))).status).toBe(404);
    }
    expect(await count(`audit_entry WHERE action LIKE 'export.%'`)).toBeGreaterThanOrEqual(5);
  });
});
