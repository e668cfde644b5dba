import type { EntityManager } from 'typeorm';
import { emit, rowsOf } from '@redheart/shared';
import type { DivisionImportSummary } from '../../seed/import-divisions';

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
/** The ends an import's starter is told of (`org.import.finished`): the notice words each. */
export const DIVISION_IMPORT_ENDS: readonly ImportStatus[] = ['done', 'failed'];

export interface ImportProgress {
  countiesDone?: number;
  countiesTotal?: number;
  county?: string;
  unitsDone?: number;
  unitsTotal?: number;
  percent?: number;
}

export interface DivisionImportRow {
  id: string;
  code: string;
  includeTowns: boolean;
  status: ImportStatus;
  progress: ImportProgress;
  result: DivisionImportSummary | null;
  error: string | null;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const COLUMNS = `id, code, include_towns AS "includeTowns", status, progress, result, error, requested_by_username AS "requestedBy",
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

export class DivisionImportRepository {
  constructor(private readonly db: EntityManager) {}

  /** An organisation's division code (null: none, or no such organisation). */
  async divisionCodeOf(orgId: number): Promise<string | null> {
    const rows: { code: string | null }[] = await this.db.query(`SELECT division_code AS code FROM org_unit WHERE id = $1`, [orgId]);
    return rows[0]?.code ?? null;
  }

  async insert(row: { id: string; code: string; includeTowns: boolean; accountId: number; username: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO division_import (id, code, include_towns, requested_by, requested_by_username) VALUES ($1, $2, $3, $4, $5)`,
      [row.id, row.code, row.includeTowns, row.accountId, row.username],
    );
  }

  async get(id: string): Promise<DivisionImportRow | undefined> {
    const rows: DivisionImportRow[] = await this.db.query(`SELECT ${COLUMNS} FROM division_import WHERE id = $1`, [id]);
    const r = rows[0];
    return r && { ...r, createdAt: iso(r.createdAt)!, startedAt: iso(r.startedAt), finishedAt: iso(r.finishedAt) };
  }

  async start(id: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH u AS (UPDATE division_import SET status = 'running', started_at = now() WHERE id = $1 AND status IN ('queued','running') RETURNING 1) SELECT * FROM u`,
      [id],
    );
    return rows.length === 1;
  }

  async progress(id: string, p: ImportProgress): Promise<void> {
    await this.db.query(`UPDATE division_import SET progress = $2 WHERE id = $1`, [id, JSON.stringify(p)]);
  }

  async finish(id: string, result: DivisionImportSummary, p: ImportProgress): Promise<void> {
    await this.end(id, `status = 'done', result = $2, progress = $3`, [JSON.stringify(result), JSON.stringify(p)], null);
  }

  async fail(id: string, error: string): Promise<void> {
    await this.end(id, `status = 'failed', error = $2`, [error], error);
  }

  /** The import's end and, in the same transaction, `org.import.finished` for whoever started it (linked to its report). */
  private async end(id: string, set: string, values: unknown[], error: string | null): Promise<void> {
    await this.db.transaction(async (m) => {
      const rows = rowsOf(await m.query(
        `UPDATE division_import SET ${set}, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')
         RETURNING code, status, requested_by AS "accountId", requested_by_username AS username`,
        [id, ...values],
      )) as { code: string; status: string; accountId: string | number | null; username: string | null }[];
      const r = rows[0];
      if (!r) return;
      await emit(m, {
        type: 'org.import.finished', aggregateId: id, orgPath: null, actor: r.username,
        payload: { importId: id, kind: 'divisions', code: r.code, status: r.status, accountId: r.accountId === null ? null : String(r.accountId), error: error ? error.slice(0, 200) : null },
      });
    });
  }
}
