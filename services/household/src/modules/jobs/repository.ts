import { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, emit, type ExportKind, type ExportStatus, type ImportKind, type ImportStatus } from '@redheart/shared';
import type { ImportIssue } from '../bulk/issues';

// The kinds and statuses of the jobs are written once for the services and the SPA (shared/src/workflows/vocabulary.ts).
export type { ExportKind, ExportStatus, ImportKind, ImportStatus };
/** The import steps its starter is told of (a dry run done, or failed; the import written, or failed): the notice words each. */
export const IMPORT_FINISHED_STATUSES = ['validated', 'invalid', 'done', 'failed'] as const;
const FINISHED: ReadonlySet<string> = new Set(IMPORT_FINISHED_STATUSES);

interface FinishedImport { kind: ImportKind; fileName: string; rows: number | null; rowsWithErrors: number | null; actor: AuthUser; scopePath: string }

/** `household.import.finished` in the step's transaction: the starter's account, the outcome and counts, never a row. */
async function emitFinished(m: EntityManager, id: number, status: string, row: FinishedImport, failure: string | null): Promise<void> {
  await emit(m, {
    type: 'household.import.finished', aggregateId: id, orgPath: row.scopePath, actor: row.actor.username ?? null,
    payload: {
      importId: id, kind: row.kind, status, fileName: row.fileName.slice(0, 100), rows: row.rows, rowsWithErrors: row.rowsWithErrors,
      accountId: row.actor.sub, failure: failure ? failure.slice(0, 200) : null,
    },
  });
}

/** Statuses in which a worker holds the job; without progress for JOB_STALE_SECONDS it is failed. */
export const IMPORT_RUNNING: readonly ImportStatus[] = ['queued', 'validating', 'applying'];
export const EXPORT_RUNNING: readonly ExportStatus[] = ['queued', 'running'];

/** An import problem as a preview row keeps it (its row is the preview row's). */
export type PreviewIssue = Omit<ImportIssue, 'row'>;
export interface PreviewRow {
  row: number;
  cells: Record<string, string>;
  errors: PreviewIssue[];
}
export interface Preview {
  /** The recognised columns of the file: field and the header as the file wrote it. */
  columns: { field: string; header: string }[];
  rows: PreviewRow[];
}

export interface ImportJobRow {
  id: number;
  kind: ImportKind;
  status: ImportStatus;
  fileName: string;
  fileSize: number;
  progressDone: number;
  progressTotal: number;
  rows: number | null;
  rowsWithErrors: number | null;
  result: Record<string, unknown> | null;
  errors: ImportIssue[] | null;
  errorsTruncated: boolean;
  preview: Preview | null;
  failure: string | null;
  actor: AuthUser;
  createdBy: string;
  communityId: number | null;
  scopePath: string;
  confirmedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  version: number;
}

export interface ExportJobRow {
  id: number;
  kind: ExportKind;
  filters: Record<string, unknown>;
  status: ExportStatus;
  progressDone: number;
  progressTotal: number;
  rows: number | null;
  fileName: string | null;
  fileSize: number | null;
  hasFile: boolean;
  failure: { code: string; message: string } | null;
  actor: AuthUser;
  createdBy: string;
  scopePath: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
  version: number;
}

const IMPORT_COLUMNS = `id::int, kind, status, file_name AS "fileName", file_size AS "fileSize", progress_done AS "progressDone", progress_total AS "progressTotal",
  rows, rows_with_errors AS "rowsWithErrors", result, errors, errors_truncated AS "errorsTruncated", preview, failure, actor, created_by AS "createdBy",
  community_id::int AS "communityId", scope_path AS "scopePath", confirmed_by AS "confirmedBy", created_at AS "createdAt", updated_at AS "updatedAt",
  finished_at AS "finishedAt", version`;
/** The list leaves out the big columns (errors, preview). */
const IMPORT_LIST_COLUMNS = `id::int, kind, status, file_name AS "fileName", file_size AS "fileSize", progress_done AS "progressDone", progress_total AS "progressTotal",
  rows, rows_with_errors AS "rowsWithErrors", result, NULL AS errors, errors_truncated AS "errorsTruncated", NULL AS preview, failure, actor, created_by AS "createdBy",
  community_id::int AS "communityId", scope_path AS "scopePath", confirmed_by AS "confirmedBy", created_at AS "createdAt", updated_at AS "updatedAt",
  finished_at AS "finishedAt", version`;
const EXPORT_COLUMNS = `id::int, kind, filters, status, progress_done AS "progressDone", progress_total AS "progressTotal", rows, file_name AS "fileName",
  file_size AS "fileSize", (file IS NOT NULL) AS "hasFile", failure, actor, created_by AS "createdBy", scope_path AS "scopePath", created_at AS "createdAt",
  updated_at AS "updatedAt", finished_at AS "finishedAt", expires_at AS "expiresAt", version`;

/** Bytes of a stored file read per query when it is streamed out. */
const CHUNK_BYTES = 256 * 1024;

/** The rows of import_job and export_job; SQL only, no rules. */
export class JobRepository {
  constructor(private readonly ds: DataSource) {}

  async insertImport(user: AuthUser, kind: ImportKind, fileName: string, file: Buffer): Promise<ImportJobRow> {
    const rows: ImportJobRow[] = await this.ds.query(
      `INSERT INTO import_job (kind, status, file_name, file, file_size, actor, created_by, community_id, scope_path)
       VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8) RETURNING ${IMPORT_COLUMNS}`,
      [kind, fileName, file, file.length, JSON.stringify(user), user.username, user.orgId, user.scopePaths[0] ?? '/'],
    );
    return rows[0];
  }

  async findImport(id: number, m: EntityManager = this.ds.manager): Promise<ImportJobRow | undefined> {
    return (await m.query(`SELECT ${IMPORT_COLUMNS} FROM import_job WHERE id = $1`, [id]))[0];
  }

  async importFile(id: number): Promise<Buffer | undefined> {
    return (await this.ds.query(`SELECT file FROM import_job WHERE id = $1`, [id]))[0]?.file;
  }

  /** The caller's own imports, newest first, keyset on id. */
  async listImports(createdBy: string, limit: number, before?: number): Promise<ImportJobRow[]> {
    return this.ds.query(
      `SELECT ${IMPORT_LIST_COLUMNS} FROM import_job WHERE created_by = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [createdBy, before ?? null, limit],
    );
  }

  /** Moves a job from one status to the next (false when it was not in `from`: another worker or a user got there first). */
  async moveImport(id: number, from: readonly ImportStatus[], to: ImportStatus, set: Partial<{ progressTotal: number; confirmedBy: string }> = {}, m: EntityManager | DataSource = this.ds): Promise<boolean> {
    const res = await m.query(
      `UPDATE import_job SET status = $3, progress_done = 0, progress_total = COALESCE($4, progress_total), confirmed_by = COALESCE($5, confirmed_by),
              updated_at = now(), version = version + 1
        WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [id, from, to, set.progressTotal ?? null, set.confirmedBy ?? null],
    );
    return rowsOf(res).length === 1;
  }

  /** A user's confirmation: only from `validated` and at the version they saw. */
  async confirmImport(id: number, version: number, confirmedBy: string): Promise<boolean> {
    const res = await this.ds.query(
      `UPDATE import_job SET status = 'applying', progress_done = 0, confirmed_by = $3, updated_at = now(), version = version + 1
        WHERE id = $1 AND version = $2 AND status = 'validated' RETURNING id`,
      [id, version, confirmedBy],
    );
    return rowsOf(res).length === 1;
  }

  async importProgress(id: number, done: number, total: number): Promise<void> {
    await this.ds.query(`UPDATE import_job SET progress_done = $2, progress_total = $3, updated_at = now() WHERE id = $1 AND status IN ('validating', 'applying')`, [id, done, total]);
  }

  /**
   * Ends a step of an import (validated, invalid, done, failed) and, in the same transaction, tells whoever
   * started it: `household.import.finished` with its outcome and counts (the notification links to its report).
   */
  async finishImport(
    id: number,
    from: ImportStatus,
    to: ImportStatus,
    out: { rows?: number; rowsWithErrors?: number; result?: object | null; errors?: ImportIssue[] | null; errorsTruncated?: boolean; preview?: Preview | null; failure?: string | null },
    m?: EntityManager,
  ): Promise<boolean> {
    const write = async (tm: EntityManager) => {
      const res = await tm.query(
        `UPDATE import_job SET status = $3, progress_done = progress_total, rows = COALESCE($4, rows), rows_with_errors = COALESCE($5, rows_with_errors),
                result = COALESCE($6, result), errors = COALESCE($7, errors), errors_truncated = COALESCE($8, errors_truncated), preview = COALESCE($9, preview),
                failure = $10, updated_at = now(), finished_at = CASE WHEN $3 IN ('validated') THEN NULL ELSE now() END, version = version + 1
          WHERE id = $1 AND status = $2 RETURNING id, kind, file_name AS "fileName", rows, rows_with_errors AS "rowsWithErrors", actor, scope_path AS "scopePath"`,
        [id, from, to, out.rows ?? null, out.rowsWithErrors ?? null, out.result ? JSON.stringify(out.result) : null, out.errors ? JSON.stringify(out.errors) : null,
          out.errorsTruncated ?? null, out.preview ? JSON.stringify(out.preview) : null, out.failure ?? null],
      );
      const row = rowsOf(res)[0] as FinishedImport | undefined;
      if (!row) return false;
      if (FINISHED.has(to)) await emitFinished(tm, id, to, row, out.failure ?? null);
      return true;
    };
    return m ? write(m) : this.ds.transaction(write);
  }

  async insertExport(user: AuthUser, kind: ExportKind, filters: object): Promise<ExportJobRow> {
    const rows: ExportJobRow[] = await this.ds.query(
      `INSERT INTO export_job (kind, filters, status, actor, created_by, scope_path) VALUES ($1, $2, 'queued', $3, $4, $5) RETURNING ${EXPORT_COLUMNS}`,
      [kind, JSON.stringify(filters), JSON.stringify(user), user.username, user.scopePaths[0] ?? '/'],
    );
    return rows[0];
  }

  async findExport(id: number): Promise<ExportJobRow | undefined> {
    return (await this.ds.query(`SELECT ${EXPORT_COLUMNS} FROM export_job WHERE id = $1`, [id]))[0];
  }

  async listExports(createdBy: string, limit: number, before?: number): Promise<ExportJobRow[]> {
    return this.ds.query(
      `SELECT ${EXPORT_COLUMNS} FROM export_job WHERE created_by = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [createdBy, before ?? null, limit],
    );
  }

  async startExport(id: number): Promise<boolean> {
    const res = await this.ds.query(`UPDATE export_job SET status = 'running', updated_at = now(), version = version + 1 WHERE id = $1 AND status = 'queued' RETURNING id`, [id]);
    return rowsOf(res).length === 1;
  }

  async exportProgress(id: number, done: number, total: number): Promise<void> {
    await this.ds.query(`UPDATE export_job SET progress_done = $2, progress_total = $3, updated_at = now() WHERE id = $1 AND status = 'running'`, [id, done, total]);
  }

  async finishExport(id: number, out: { rows: number; fileName: string; file: Buffer; ttlHours: number }): Promise<boolean> {
    const res = await this.ds.query(
      `UPDATE export_job SET status = 'done', rows = $2, progress_done = $2, progress_total = $2, file_name = $3, file = $4, file_size = $5,
              finished_at = now(), expires_at = now() + make_interval(secs => $6), updated_at = now(), version = version + 1
        WHERE id = $1 AND status = 'running' RETURNING id`,
      [id, out.rows, out.fileName, out.file, out.file.length, out.ttlHours * 3600],
    );
    return rowsOf(res).length === 1;
  }

  async failExport(id: number, failure: { code: string; message: string }): Promise<void> {
    await this.ds.query(
      `UPDATE export_job SET status = 'failed', failure = $2, finished_at = now(), updated_at = now(), version = version + 1 WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, JSON.stringify(failure)],
    );
  }

  /** The stored export, read a chunk per query so a big file never sits whole in memory twice. */
  exportFileStream(id: number, size: number): Readable {
    let offset = 0;
    const ds = this.ds;
    return new Readable({
      async read() {
        try {
          if (offset >= size) {
            this.push(null);
            return;
          }
          const rows: { part: Buffer | null }[] = await ds.query(`SELECT substring(file FROM $2 FOR $3) AS part FROM export_job WHERE id = $1`, [id, offset + 1, CHUNK_BYTES]);
          const part = rows[0]?.part;
          if (!part || !part.length) {
            this.destroy(new Error('the export file is gone'));
            return;
          }
          offset += part.length;
          this.push(part);
        } catch (err) {
          this.destroy(err as Error);
        }
      },
    });
  }

  /**
   * Jobs whose worker stopped reporting for `staleSeconds` are failed (a replica died mid-job); `id`
   * limits it to one job (checked when it is read). Returns how many were failed.
   */
  async failStale(staleSeconds: number, message: string, id?: number): Promise<number> {
    // a stalled import's starter is told it failed, as for any other end (household.import.finished)
    const a = await this.ds.transaction(async (m) => {
      const failed = rowsOf(await m.query(
        `UPDATE import_job SET status = 'failed', failure = $2, finished_at = now(), updated_at = now(), version = version + 1
          WHERE status = ANY($3::text[]) AND updated_at < now() - make_interval(secs => $1) AND ($4::bigint IS NULL OR id = $4)
          RETURNING id, kind, file_name AS "fileName", rows, rows_with_errors AS "rowsWithErrors", actor, scope_path AS "scopePath"`,
        [staleSeconds, message, IMPORT_RUNNING, id ?? null],
      )) as FinishedImport[];
      for (const row of failed) await emitFinished(m, Number((row as FinishedImport & { id: string }).id), 'failed', row, message);
      return failed;
    });
    const b = await this.ds.query(
      `UPDATE export_job SET status = 'failed', failure = $2, finished_at = now(), updated_at = now(), version = version + 1
        WHERE status = ANY($3::text[]) AND updated_at < now() - make_interval(secs => $1) AND ($4::bigint IS NULL OR id = $4) RETURNING id`,
      [staleSeconds, JSON.stringify({ code: 'STALE', message }), EXPORT_RUNNING, id ?? null],
    );
    return a.length + rowsOf(b).length;
  }

  /** Expired export files are dropped (the row stays, so its link answers 410); old jobs are deleted with their files. */
  async cleanup(importTtlHours: number, keepRowsDays: number): Promise<{ imports: number; exportFiles: number; exports: number }> {
    const imports = rowsOf(await this.ds.query(
      `DELETE FROM import_job WHERE status <> ALL($2::text[]) AND created_at < now() - make_interval(secs => $1) RETURNING id`,
      [importTtlHours * 3600, IMPORT_RUNNING],
    )).length;
    const exportFiles = rowsOf(await this.ds.query(`UPDATE export_job SET file = NULL WHERE file IS NOT NULL AND expires_at < now() RETURNING id`)).length;
    const exportRows = rowsOf(await this.ds.query(
      `DELETE FROM export_job WHERE status <> ALL($2::text[]) AND created_at < now() - make_interval(secs => $1) RETURNING id`,
      [keepRowsDays * 86400, EXPORT_RUNNING],
    )).length;
    return { imports, exportFiles, exports: exportRows };
  }

  /** case_open_rollup's rows overdue for good folded into one per community, status and green channel (migration OpenCaseRollup); returns the rows folded. */
  async foldOpenCaseRollup(): Promise<number> {
    const [{ folded }] = await this.ds.query(`SELECT case_open_rollup_fold() AS folded`);
    return Number(folded);
  }
}

/** TypeORM answers an UPDATE … RETURNING as [rows, count]. */
function rowsOf(res: unknown): unknown[] {
  if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0];
  return Array.isArray(res) ? res : [];
}
