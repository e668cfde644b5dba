import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { AppError, type AuthUser, EXPORT_KINDS, inScope, isDatabaseUnavailable, keysetPage, maskResidentId, parseQuery } from '@redheart/shared';
import type { JobEngine } from '@redheart/shared';
import { ListCasesQuery } from '../cases/dto';
import type { ImportIssue } from '../bulk/issues';
import { may } from '../../policy';
import { PROPERTY_COLUMNS, propertiesFromTable, REGISTER_COLUMNS } from '../bulk/columns';
import type { Exporter, RegisterImport } from '../bulk/service';
import { columnsOf, streamWorkbook, type Table } from '../bulk/sheet';
import type { TableReaderPool } from '../bulk/table-pool';
import type { PropertyRegister } from '../separation/properties';
import { HouseholdExportQuery, TaskExportQuery } from '../bulk/dto';
import { fieldLabel, jobError, type Lang, localizeIssue, text } from './messages';
import {
  type ExportJobRow, type ExportKind, type ImportJobRow, type ImportKind, type JobRepository, type Preview, type PreviewIssue, type PreviewRow,
} from './repository';

export const QUEUES = {
  validate: 'household-import-validate',
  apply: 'household-import-apply',
  export: 'household-export',
  sweep: 'household-jobs-sweep',
} as const;

export interface JobSettings {
  /** How long a finished export's file can be downloaded (EXPORT_TTL_HOURS, default 24). */
  exportTtlHours: number;
  /** A running job with no progress for this long is failed (JOB_STALE_SECONDS, default 300). */
  staleSeconds: number;
  /** Uploaded files (and the import jobs) are kept this long for their error reports (IMPORT_TTL_HOURS, default 72). */
  importTtlHours: number;
  /** How often idle workers look for work, seconds (pg-boss' minimum is 0.5). */
  pollingIntervalSeconds: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { exportTtlHours: 24, staleSeconds: 300, importTtlHours: 72, pollingIntervalSeconds: 1 };

/** Rows with errors shown in the preview at most, plus the first rows of the file for a look at the columns. */
const PREVIEW_ERROR_ROWS = 200;
const PREVIEW_HEAD_ROWS = 20;
const MAX_ERRORS = 1000;
/** Who may export: the readers of the lists the exports copy (the exporter checks the detail). */
const ID_FIELDS = new Set(['idNumber', 'ownerIdNumber']);

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const XLS_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** The import as the screen shows it: progress, counts, preview and errors in the caller's language. */
export function importView(job: ImportJobRow, lang: Lang, withDetail: boolean) {
  // The code and its params for the SPA to word itself; the message in the caller's language for everyone else.
  const localize = (e: PreviewIssue) => ({
    field: e.field, fieldLabel: fieldLabel(e.field, lang), ...(e.code ? { code: e.code } : {}), ...(e.params ? { params: e.params } : {}), message: localizeIssue(e, lang),
  });
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    fileName: job.fileName,
    fileSize: job.fileSize,
    progress: { done: job.progressDone, total: job.progressTotal },
    rows: job.rows,
    rowsWithErrors: job.rowsWithErrors,
    result: job.result,
    failure: job.failure,
    createdBy: job.createdBy,
    confirmedBy: job.confirmedBy,
    createdAt: new Date(job.createdAt).toISOString(),
    updatedAt: new Date(job.updatedAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    version: job.version,
    ...(withDetail
      ? {
        errors: (job.errors ?? []).map((e) => ({ row: e.row, ...localize(e) })),
        errorsTruncated: job.errorsTruncated,
        preview: job.preview
          ? {
            columns: job.preview.columns.map((c) => ({ ...c, label: fieldLabel(c.field, lang) })),
            rows: job.preview.rows.map((r) => ({ row: r.row, cells: r.cells, errors: r.errors.map(localize) })),
          }
          : null,
      }
      : {}),
  };
}

export function exportView(job: ExportJobRow, lang: Lang) {
  const expired = job.status === 'done' && (!job.hasFile || (job.expiresAt !== null && new Date(job.expiresAt).getTime() < Date.now()));
  return {
    id: job.id,
    kind: job.kind,
    filters: job.filters,
    status: expired ? ('expired' as const) : job.status,
    progress: { done: job.progressDone, total: job.progressTotal },
    rows: job.rows,
    fileName: job.fileName,
    fileSize: job.fileSize,
    failure: job.failure ? { code: job.failure.code, message: job.failure.code === 'STALE' ? text('stale', lang) : job.failure.message } : null,
    downloadUrl: job.status === 'done' && !expired ? `/api/household/exports/${job.id}/file` : null,
    createdBy: job.createdBy,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
    expiresAt: job.expiresAt ? new Date(job.expiresAt).toISOString() : null,
    version: job.version,
  };
}

/** The columns of a kind's file, in the template's order, with the header the template writes. */
function columnsOfKind(kind: ImportKind): Record<string, string[]> {
  return kind === 'households' ? REGISTER_COLUMNS : PROPERTY_COLUMNS;
}

const errorsOf = (err: unknown): { rows?: number; rowsWithErrors?: number; errors: ImportIssue[]; truncated: boolean } | undefined => {
  if (!(err instanceof AppError) || err.statusCode >= 500) return undefined;
  const d = err.details as { rows?: number; rowsWithErrors?: number; errors?: ImportIssue[]; truncated?: boolean } | undefined;
  if (d?.errors?.length) return { rows: d.rows, rowsWithErrors: d.rowsWithErrors, errors: d.errors, truncated: !!d.truncated };
  return { rows: 0, rowsWithErrors: 1, errors: [{ row: 1, field: '*', code: err.code, message: err.message }], truncated: false };
};

/** The preview: the recognised columns, the rows with errors (their cells as written) and the first rows (ID numbers masked). */
function buildPreview(kind: ImportKind, table: Table | undefined, errors: ImportIssue[]): Preview {
  if (!table) return { columns: [], rows: [] };
  const cols = columnsOf(table.header, columnsOfKind(kind));
  const columns = Object.entries(cols)
    .filter(([, i]) => i !== undefined)
    .map(([field, i]) => ({ field, header: table.header[i!] ?? field }));
  const byRow = new Map<number, PreviewIssue[]>();
  for (const { row, ...e } of errors) byRow.set(row, [...(byRow.get(row) ?? []), e]);
  const wanted = new Set<number>([...byRow.keys()].slice(0, PREVIEW_ERROR_ROWS));
  const rows: PreviewRow[] = [];
  table.rows.forEach((r, i) => {
    if (i >= PREVIEW_HEAD_ROWS && !wanted.has(r.row)) return;
    const errs = byRow.get(r.row) ?? [];
    const cells: Record<string, string> = {};
    for (const c of columns) {
      const raw = (r.cells[cols[c.field]!] ?? '').trim();
      // An ID number is shown in full only where it is wrong (the user must see what to fix).
      cells[c.field] = ID_FIELDS.has(c.field) && /^\d{17}[\dX]$/.test(raw) && !errs.some((e) => e.field === c.field) ? maskResidentId(raw) : raw;
    }
    rows.push({ row: r.row, cells, errors: errs });
  });
  // Errors about the whole file (row 1: the header) come first.
  const headerErrors = byRow.get(1);
  if (headerErrors) rows.unshift({ row: 1, cells: {}, errors: headerErrors });
  return { columns, rows };
}

/** `limit + 1` rows read: the first `limit`, and where the next page starts when there was one more. */
const pageOf = <T extends { id: number }>(rows: T[], limit: number) => {
  const { page, next } = keysetPage(rows, limit);
  return { rows: page, nextBefore: next ? next.id : null };
};

export class ImportJobService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: JobRepository,
    private readonly tables: TableReaderPool,
    private readonly registerImport: RegisterImport,
    private readonly properties: PropertyRegister,
    private readonly settings: JobSettings,
  ) {}

  assertImporter(user: AuthUser, lang: Lang): void {
    if (!may(user, 'importRegisters')) throw jobError(403, 'FORBIDDEN', 'forbidden', lang);
  }

  /** The file is CSV or .xlsx by its bytes; the old binary .xls and empty files are refused before a job exists. */
  checkFile(file: Buffer, lang: Lang): void {
    if (!file.length) throw new AppError(400, 'EMPTY_FILE', lang === 'en' ? 'file: the file is empty' : 'file：文件为空', { field: 'file' });
    if (file.subarray(0, 4).equals(XLS_MAGIC)) throw jobError(400, 'UNSUPPORTED_FILE', 'badFileType', lang, 'file');
    if (!file.subarray(0, 4).equals(XLSX_MAGIC) && file.subarray(0, 4096).includes(0)) throw jobError(400, 'UNSUPPORTED_FILE', 'badFileType', lang, 'file');
  }

  async create(engine: JobEngine, user: AuthUser, kind: ImportKind, fileName: string, file: Buffer, lang: Lang): Promise<ImportJobRow> {
    this.assertImporter(user, lang);
    this.checkFile(file, lang);
    const job = await this.repo.insertImport(user, kind, fileName.slice(0, 200), file);
    await engine.send(QUEUES.validate, { id: job.id }, { retryLimit: 0, expireInSeconds: Math.max(60, this.settings.staleSeconds * 2) });
    return job;
  }

  /** A page of the user's own imports, newest first, and the id to continue before (keyset). */
  async mine(user: AuthUser, limit: number, before?: number): Promise<{ rows: ImportJobRow[]; nextBefore: number | null }> {
    return pageOf(await this.repo.listImports(user.username, limit + 1, before), limit);
  }

  /** Visible to its creator, and to importers whose area covers the creator's (a secretary sees the clerk's); 404 otherwise. */
  async visible(user: AuthUser, id: number, lang: Lang): Promise<ImportJobRow> {
    await this.repo.failStale(this.settings.staleSeconds, text('stale', lang), id);
    const job = await this.repo.findImport(id);
    if (!job || !(job.createdBy === user.username || (may(user, 'importRegisters') && inScope(job.scopePath, user.scopePaths)))) {
      throw jobError(404, 'NOT_FOUND', 'importNotFound', lang);
    }
    return job;
  }

  async confirm(engine: JobEngine, user: AuthUser, id: number, version: number, lang: Lang): Promise<ImportJobRow> {
    this.assertImporter(user, lang);
    const job = await this.visible(user, id, lang);
    if (job.version !== version) throw jobError(409, 'VERSION_CONFLICT', 'staleVersion', lang, 'version');
    if (job.status !== 'validated') throw jobError(409, 'WRONG_STATE', 'notValidated', lang);
    if (!(await this.repo.confirmImport(id, version, user.username))) throw jobError(409, 'VERSION_CONFLICT', 'staleVersion', lang, 'version');
    await engine.send(QUEUES.apply, { id, user }, { retryLimit: 0, expireInSeconds: Math.max(60, this.settings.staleSeconds * 2) });
    return (await this.repo.findImport(id))!;
  }

  private async readTable(id: number): Promise<Table> {
    const file = await this.repo.importFile(id);
    if (!file) throw new AppError(404, 'NOT_FOUND', 'the import is gone');
    return this.tables.read(file);
  }

  /** The dry run of a job: parse, check every row (as its creator), keep the errors and a preview. */
  async runValidate(id: number): Promise<void> {
    if (!(await this.repo.moveImport(id, ['queued'], 'validating'))) return;
    const job = (await this.repo.findImport(id))!;
    let table: Table | undefined;
    try {
      table = await this.readTable(id);
      const rows = table.rows.length;
      await this.repo.importProgress(id, 0, rows);
      const progress = (done: number, total: number) => this.repo.importProgress(id, done, total);
      const result = await this.ds.transaction(async (m) => {
        if (job.kind === 'households') return this.registerImport.import(m, { user: job.actor }, table!, true, progress);
        const { input, issues } = propertiesFromTable(table!);
        const out = await this.properties.import(m, { user: job.actor }, input, rows, true, issues);
        await progress(rows, rows);
        return out;
      });
      await this.repo.finishImport(id, 'validating', 'validated', { rows, rowsWithErrors: 0, result, errors: [], errorsTruncated: false, preview: buildPreview(job.kind, table, []) });
    } catch (err) {
      await this.fail(id, 'validating', job.kind, table, err);
    }
  }

  /** The confirmed import: checked again (the register may have changed) and written in one transaction, exactly once. */
  async runApply(id: number, user: AuthUser): Promise<void> {
    const job = await this.repo.findImport(id);
    if (!job || job.status !== 'applying') return;
    let table: Table | undefined;
    try {
      table = await this.readTable(id);
      const rows = table.rows.length;
      await this.repo.importProgress(id, 0, rows);
      const progress = (done: number, total: number) => this.repo.importProgress(id, done, total);
      await this.ds.transaction(async (m) => {
        let result: object;
        if (job.kind === 'households') {
          result = await this.registerImport.import(m, { user, requestId: `import-job-${id}` }, table!, false, progress);
        } else {
          const { input, issues } = propertiesFromTable(table!);
          result = await this.properties.import(m, { user, requestId: `import-job-${id}` }, input, rows, false, issues);
        }
        // Written together with the data: a second delivery of this job finds it done and rolls back.
        if (!(await this.repo.finishImport(id, 'applying', 'done', { rows, result }, m))) throw new AppError(409, 'ALREADY_APPLIED', 'the import was applied or failed meanwhile');
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'ALREADY_APPLIED') return;
      await this.fail(id, 'applying', job.kind, table, err);
    }
  }

  private async fail(id: number, from: 'validating' | 'applying', kind: ImportKind, table: Table | undefined, err: unknown): Promise<void> {
    const found = errorsOf(err);
    if (found) {
      await this.repo.finishImport(id, from, 'invalid', {
        rows: found.rows ?? table?.rows.length ?? 0,
        rowsWithErrors: found.rowsWithErrors ?? new Set(found.errors.map((e) => e.row)).size,
        errors: found.errors.slice(0, MAX_ERRORS),
        errorsTruncated: found.truncated || found.errors.length > MAX_ERRORS,
        preview: buildPreview(kind, table, found.errors),
      });
      return;
    }
    if (isDatabaseUnavailable(err)) throw err;
    await this.repo.finishImport(id, from, 'failed', { failure: err instanceof Error ? err.message.slice(0, 500) : String(err) });
  }

  /** Every error row as the file had it, with what is wrong in the last column; CSV (UTF-8 with BOM, opens in Excel) or .xlsx. */
  async report(job: ImportJobRow, lang: Lang): Promise<{ rows: Record<string, unknown>[]; columns: { header: string; key: string; width?: number }[] }> {
    if (job.status !== 'invalid' && job.status !== 'validated' && job.status !== 'done') throw jobError(409, 'NOT_READY', 'noReport', lang);
    const errors = job.errors ?? [];
    let table: Table | undefined;
    try {
      table = await this.readTable(job.id);
    } catch {
      table = undefined;
    }
    const header = table?.header ?? [];
    const byRow = new Map<number, ImportIssue[]>();
    for (const e of errors) byRow.set(e.row, [...(byRow.get(e.row) ?? []), e]);
    const cellsOf = new Map((table?.rows ?? []).map((r) => [r.row, r.cells]));
    const columns = [
      { header: lang === 'en' ? 'Row' : '行号', key: 'row', width: 8 },
      ...header.map((h, i) => ({ header: h || `#${i + 1}`, key: `c${i}`, width: Math.max(10, Math.min(40, (h?.length ?? 4) * 2 + 2)) })),
      { header: lang === 'en' ? 'Errors' : '错误说明', key: 'errors', width: 60 },
    ];
    const rows = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([row, errs]) => {
      const cells = cellsOf.get(row) ?? [];
      const out: Record<string, unknown> = { row };
      header.forEach((_h, i) => (out[`c${i}`] = cells[i] ?? ''));
      out.errors = errs.map((e) => `${fieldLabel(e.field, lang)}：${localizeIssue(e, lang)}`).join('；');
      return out;
    });
    return { rows, columns };
  }
}

/** The template of a kind: the header row the importer reads (Chinese names) and a sheet that explains each column. */
export function templateWorkbook(kind: ImportKind): Readable {
  const required = kind === 'households' ? ['householdNo', 'address', 'name', 'idNumber', 'relation'] : ['certificateNo', 'address'];
  const notes: Record<string, string> = {
    householdNo: '4–40 位字母、数字或 -；同一户的成员填同一户号',
    community: '社区名称、编号或 12 位区划代码；留空为您所在的社区',
    kind: '家庭户 或 集体户；留空为家庭户',
    address: '2–200 个字',
    name: '最多 40 个字',
    idNumber: '18 位公民身份号码；请将此列设为文本格式，以免丢失位数',
    relation: '户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、其他；家庭户恰有一名户主',
    since: 'YYYY-MM-DD；留空为今天',
    certificateNo: '4–60 个字符；同一产权证的多名权利人各占一行',
    area: '建筑面积（平方米）',
    ownerName: '最多 40 个字',
    ownerIdNumber: '18 位公民身份号码；请设为文本格式',
  };
  const fields = Object.entries(columnsOfKind(kind));
  return streamWorkbook([
    {
      name: kind === 'households' ? '户籍登记' : '不动产登记',
      columns: fields.map(([, aliases]) => ({ header: aliases[0], key: aliases[0], width: 16 })),
      rows: [],
    },
    {
      name: '填写说明',
      columns: [{ header: '列', key: 'column', width: 16 }, { header: '必填', key: 'required', width: 8 }, { header: '说明', key: 'note', width: 70 }],
      rows: fields.map(([field, aliases]) => ({ column: aliases[0], required: required.includes(field) ? '是' : '否', note: notes[field] ?? '' })),
    },
  ]);
}

/** Exports as jobs: the same exporter (filters, scope, masking, audit) as the direct downloads, its workbook kept in the row. */
export class ExportJobService {
  constructor(
    private readonly repo: JobRepository,
    private readonly exporter: Exporter,
    private readonly settings: JobSettings,
  ) {}

  assertReader(user: AuthUser): void {
    this.exporter.assertReader(user);
  }

  /** The filters as the list routes take them; a bad one is a 400 naming it. */
  async parseFilters(kind: ExportKind, filters: Record<string, unknown>): Promise<object> {
    const asQuery = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    if (kind === 'cases') {
      const { limit: _l, cursor: _c, ...q } = await parseQuery(ListCasesQuery, asQuery);
      return q;
    }
    const parsed: { limit?: number; after?: number } = kind === 'households' ? await parseQuery(HouseholdExportQuery, asQuery) : await parseQuery(TaskExportQuery, asQuery);
    const { limit: _l, after: _a, ...q } = parsed;
    return q;
  }

  async create(engine: JobEngine, user: AuthUser, kind: ExportKind, filters: Record<string, unknown>, lang: Lang): Promise<ExportJobRow> {
    if (!(EXPORT_KINDS as readonly string[]).includes(kind)) throw jobError(400, 'VALIDATION_FAILED', 'badExportKind', lang, 'kind');
    this.exporter.assertReader(user);
    const parsed = await this.parseFilters(kind, filters);
    const job = await this.repo.insertExport(user, kind, parsed);
    await engine.send(QUEUES.export, { id: job.id }, { retryLimit: 0, expireInSeconds: Math.max(60, this.settings.staleSeconds * 2) });
    return job;
  }

  /** A page of the user's own exports, newest first, and the id to continue before (keyset). */
  async mine(user: AuthUser, limit: number, before?: number): Promise<{ rows: ExportJobRow[]; nextBefore: number | null }> {
    return pageOf(await this.repo.listExports(user.username, limit + 1, before), limit);
  }

  /** The finished workbook (`size` bytes) of an export the caller may read (`visible`), streamed from the database. */
  fileStream(id: number, size: number): Readable {
    return this.repo.exportFileStream(id, size);
  }

  /** Its creator's, and every export for an admin; 404 otherwise. */
  async visible(user: AuthUser, id: number, lang: Lang): Promise<ExportJobRow> {
    await this.repo.failStale(this.settings.staleSeconds, text('stale', lang), id);
    const job = await this.repo.findExport(id);
    if (!job || !(job.createdBy === user.username || (may(user, 'readOthersExports') && inScope(job.scopePath, user.scopePaths)))) {
      throw jobError(404, 'NOT_FOUND', 'exportNotFound', lang);
    }
    return job;
  }

  async runExport(id: number): Promise<void> {
    if (!(await this.repo.startExport(id))) return;
    const job = (await this.repo.findExport(id))!;
    try {
      let rows = 0;
      const progress = async (done: number, total: number) => {
        rows = Math.max(rows, total);
        await this.repo.exportProgress(id, done, total);
      };
      const requestId = `export-job-${id}`;
      const f = job.filters as never;
      const stream = job.kind === 'cases'
        ? await this.exporter.cases(job.actor, f, requestId, progress)
        : job.kind === 'households'
          ? await this.exporter.households(job.actor, f, requestId, progress)
          : await this.exporter.tasks(job.actor, f, requestId, progress);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      const stamp = new Date().toISOString().slice(0, 10);
      await this.repo.finishExport(id, { rows, fileName: `${job.kind}-${stamp}.xlsx`, file: Buffer.concat(chunks), ttlHours: this.settings.exportTtlHours });
    } catch (err) {
      if (isDatabaseUnavailable(err)) throw err;
      const failure = err instanceof AppError && err.statusCode < 500 ? { code: err.code, message: err.message } : { code: 'EXPORT_FAILED', message: err instanceof Error ? err.message.slice(0, 300) : 'export failed' };
      await this.repo.failExport(id, failure);
    }
  }
}

/**
 * The workers and the schedule on the service's job engine: validation, application and exports,
 * and every five minutes the sweep (stale jobs failed, expired files dropped, old jobs deleted, the open-case rollup folded).
 */
export async function startJobWorkers(engine: JobEngine, deps: { imports: ImportJobService; exports: ExportJobService; repo: JobRepository; settings: JobSettings; log: { error(o: object, m: string): void } }): Promise<void> {
  const { imports, repo, settings, log } = deps;
  const exportJobs = deps.exports;
  for (const q of Object.values(QUEUES)) await engine.createQueue(q);
  const opts = { pollingIntervalSeconds: settings.pollingIntervalSeconds, batchSize: 1 };
  const guarded = <T>(name: string, f: (data: T) => Promise<void>) => async (jobs: { data: T }[]) => {
    for (const j of jobs) {
      try {
        await f(j.data);
      } catch (err) {
        log.error({ err, queue: name }, 'job failed');
        throw err;
      }
    }
  };
  await engine.work<{ id: number }>(QUEUES.validate, opts, guarded(QUEUES.validate, (d) => imports.runValidate(d.id)));
  await engine.work<{ id: number; user: AuthUser }>(QUEUES.apply, opts, guarded(QUEUES.apply, (d) => imports.runApply(d.id, d.user)));
  await engine.work<{ id: number }>(QUEUES.export, opts, guarded(QUEUES.export, (d) => exportJobs.runExport(d.id)));
  await engine.work(QUEUES.sweep, opts, guarded(QUEUES.sweep, async () => {
    await repo.failStale(settings.staleSeconds, text('stale', 'zh-CN'));
    await repo.cleanup(settings.importTtlHours, 30);
    await repo.foldOpenCaseRollup();
  }));
  await engine.schedule(QUEUES.sweep, '*/5 * * * *');
}
