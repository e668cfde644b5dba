import { PassThrough, type Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { AppError, badRequest, hasControlCharacters } from '@redheart/shared';
import { CsvError, decodeText, parseCsv } from './csv';
import { ISSUES } from './issue-codes';
import type { ImportIssue } from './issues';

/**
 * exceljs, loaded on the first spreadsheet read or written, not at start: it is ~200 modules (a
 * quarter of the service's start-up on a busy machine), and a replica restarted by the supervisor
 * must be back serving within seconds (bench:cluster).
 */
let excel: typeof ExcelJS | undefined;
function exceljs(): typeof ExcelJS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  excel ??= require('exceljs') as typeof ExcelJS;
  return excel;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One data row of an uploaded table: its row number as a spreadsheet shows it (header = row 1). */
export interface TableRow {
  row: number;
  cells: string[];
  /** Columns whose cell held a number too long to be exact (an ID number typed as a number). */
  lossy: Set<number>;
}

export interface Table {
  header: string[];
  rows: TableRow[];
  /** The file's number of data rows when `rows` holds only the first ones (a file over the import limit). */
  rowCount?: number;
}

function cellText(v: ExcelJS.CellValue, lossy: () => void): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) && Math.abs(v) >= 1e15) lossy();
    return Number.isInteger(v) && Math.abs(v) < 1e21 ? BigInt(v).toString() : String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue, lossy);
  if ('text' in v && typeof v.text === 'string') return v.text;
  return '';
}

/**
 * Reads an upload into a header and rows. The format is decided by the bytes, not the declared
 * type: a ZIP is .xlsx, the old binary .xls is refused with a hint, anything else is CSV text.
 */
export async function readTable(body: Buffer): Promise<Table> {
  const table = await readRawTable(body);
  refuseControlCharacters(table);
  return table;
}

/** NUL and other control characters in a cell (PostgreSQL refuses NUL in text): a 400 naming row and column. */
function refuseControlCharacters(table: Table): void {
  const errors: ImportIssue[] = [];
  const issue = (row: number, field: string): ImportIssue => ({ row, field, code: 'control_characters', message: ISSUES.control_characters.en() });
  const name = (c: number) => table.header[c]?.trim() || `column ${c + 1}`;
  table.header.forEach((h, c) => {
    if (hasControlCharacters(h)) errors.push(issue(1, `column ${c + 1}`));
  });
  for (const r of table.rows) {
    r.cells.forEach((v, c) => {
      if (hasControlCharacters(v)) errors.push(issue(r.row, name(c)));
    });
  }
  if (errors.length) {
    const rowsWithErrors = new Set(errors.map((e) => e.row)).size;
    throw new AppError(400, 'INVALID_CHARACTERS', `文件中 ${rowsWithErrors} 行含有不允许的控制字符（如 NUL）；未写入任何数据`, {
      rows: table.rows.length, rowsWithErrors, errors: errors.slice(0, 1000), truncated: errors.length > 1000,
    });
  }
}

async function readRawTable(body: Buffer): Promise<Table> {
  if (!body.length) throw badRequest('The file is empty', undefined, 'EMPTY_FILE');
  if (body.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]))) {
    throw new AppError(415, 'UNSUPPORTED_FILE', 'This is an old .xls workbook; save it as .xlsx (Excel 2007+) or CSV');
  }
  if (body.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return readXlsx(body);
  let records: string[][];
  try {
    records = parseCsv(decodeText(body));
  } catch (e) {
    if (e instanceof CsvError) throw new AppError(400, 'IMPORT_INVALID', e.message, { rows: 0, rowsWithErrors: 1, errors: [{ row: e.row, field: '*', code: 'unclosed_quote', message: ISSUES.unclosed_quote.en() }], truncated: false });
    throw e;
  }
  const [header = [], ...rest] = records;
  return {
    header,
    rows: rest.map((cells, i) => ({ row: i + 2, cells, lossy: new Set<number>() })).filter((r) => r.cells.some((c) => c.trim() !== '')),
  };
}

async function readXlsx(body: Buffer): Promise<Table> {
  const wb = new (exceljs().Workbook)();
  try {
    await wb.xlsx.load(body as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch {
    throw badRequest('The file is not a readable .xlsx workbook', undefined, 'UNREADABLE_FILE');
  }
  const ws = wb.worksheets.find((w) => w.actualRowCount > 0);
  if (!ws) return { header: [], rows: [] };
  let header: string[] = [];
  const rows: TableRow[] = [];
  let headerRow = 0;
  ws.eachRow({ includeEmpty: false }, (r, n) => {
    const width = Math.max(r.cellCount, header.length);
    const lossy = new Set<number>();
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(r.getCell(c).value, () => lossy.add(c - 1)));
    if (!headerRow) {
      headerRow = n;
      header = cells;
      return;
    }
    if (cells.some((c) => c.trim() !== '')) rows.push({ row: n, cells, lossy });
  });
  return { header, rows };
}

/** Header text as typed by people: no spaces, no required-marks or notes in brackets, lower case. */
export const normaliseHeader = (h: string) => h.replace(/^\uFEFF/, '').replace(/[(（][^)）]*[)）]/g, '').replace(/[\s*＊:：]/g, '').toLowerCase();

/** Maps the header to known fields through their accepted names (Chinese and English). */
export function columnsOf<F extends string>(header: string[], aliases: Record<F, string[]>): Partial<Record<F, number>> {
  const out: Partial<Record<F, number>> = {};
  header.forEach((h, i) => {
    const key = normaliseHeader(h);
    for (const [field, names] of Object.entries(aliases) as [F, string[]][]) {
      if (out[field] === undefined && names.some((n) => normaliseHeader(n) === key)) out[field] = i;
    }
  });
  return out;
}

export interface SheetSpec {
  name: string;
  columns: { header: string; key: string; width?: number }[];
  /** Read one at a time while the file is written: map rows lazily (a generator) to keep one in memory. */
  rows: Iterable<Record<string, unknown>>;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A workbook with a bold, frozen, filterable header row per sheet, written as a stream (exceljs'
 * streaming writer): the download starts with the first rows, each row is committed and dropped,
 * and the event loop is given back every few hundred rows, so a 50,000-row export neither holds the
 * whole file in memory nor the service's other requests. An error ends the stream (the client sees
 * a cut download, never a half file passed off as whole).
 */
export function streamWorkbook(sheets: SheetSpec[]): Readable {
  const out = new PassThrough();
  const wb = new (exceljs().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '红心社区';
  wb.created = new Date();
  (async () => {
    for (const s of sheets) {
      const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
      ws.columns = s.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
      ws.getRow(1).font = { bold: true };
      if (s.columns.length) ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: s.columns.length } };
      let n = 0;
      for (const r of s.rows) {
        ws.addRow(r).commit();
        if (++n % 500 === 0) await yieldToLoop();
      }
      ws.commit();
    }
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
