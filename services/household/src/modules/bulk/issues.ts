import type { EntityManager } from 'typeorm';
import { AppError, type AuthUser } from '@redheart/shared';
import { type IssueCode, type IssueParams, ISSUES } from './issue-codes';
import { BulkRepository, type ScopedCommunityRow } from './repository';

/** The most rows one import takes; a county's register is split by community. */
export const MAX_IMPORT_ROWS = 20_000;
const MAX_REPORTED = 1000;

/**
 * One problem of an import: the row as the user sees it (spreadsheet row, or 1-based array index), the field, what is
 * wrong — a stable `code` with its `params` (issue-codes.ts), and the English `message` of it. (Jobs stored before the
 * codes, and the file-level refusals, have a message only.)
 */
export interface ImportIssue {
  row: number;
  field: string;
  code?: string;
  params?: IssueParams;
  message: string;
}

export class IssueList {
  readonly items: ImportIssue[] = [];

  add(row: number, field: string, code: IssueCode, params?: IssueParams): void {
    this.items.push({ row, field, code, ...(params ? { params } : {}), message: ISSUES[code].en(params ?? {}) });
  }

  get length(): number {
    return this.items.length;
  }
}

/** 400 with the whole report: the user fixes every row at once instead of one per upload. */
export function importInvalid(issues: IssueList, rows: number): AppError {
  const sorted = [...issues.items].sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
  const rowsWithErrors = new Set(sorted.map((i) => i.row)).size;
  return new AppError(400, 'IMPORT_INVALID', `${rowsWithErrors} of ${rows} rows have errors; nothing was written`, {
    rows,
    rowsWithErrors,
    errors: sorted.slice(0, MAX_REPORTED),
    truncated: sorted.length > MAX_REPORTED,
  });
}

/**
 * Resolves the community column of an import (id, 12-digit division code, or name) among the
 * communities in the caller's scope only; an empty cell means the caller's own community.
 */
export class CommunityResolver {
  private constructor(
    private readonly byId: Map<number, ScopedCommunityRow>,
    private readonly byCode: Map<string, ScopedCommunityRow>,
    private readonly byName: Map<string, ScopedCommunityRow>,
    private readonly fallback: ScopedCommunityRow | undefined,
  ) {}

  static async load(m: EntityManager, user: AuthUser): Promise<CommunityResolver> {
    const rows = await BulkRepository.communitiesInScope(m, user.scopePaths);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const byCode = new Map(rows.filter((r) => r.divisionCode).map((r) => [r.divisionCode!, r]));
    const byName = new Map<string, ScopedCommunityRow>();
    for (const r of rows) {
      byName.set(r.name, r);
      // 龙腾社区党委 is also written 龙腾社区 in a register.
      if (r.name.endsWith('党委')) byName.set(r.name.slice(0, -2), r);
    }
    const fallback = byId.get(user.orgId) ?? (rows.length === 1 ? rows[0] : undefined);
    return new CommunityResolver(byId, byCode, byName, fallback);
  }

  resolve(raw: string | number | undefined | null): { ok: true; id: number } | { ok: false; code: IssueCode; params?: IssueParams } {
    const text = raw === undefined || raw === null ? '' : String(raw).trim();
    if (!text) return this.fallback ? { ok: true, id: this.fallback.id } : { ok: false, code: 'community_required' };
    const hit = /^\d{12}$/.test(text) ? this.byCode.get(text) : /^\d{1,11}$/.test(text) ? this.byId.get(Number(text)) : this.byName.get(text);
    return hit ? { ok: true, id: hit.id } : { ok: false, code: 'community_unknown', params: { value: text } };
  }
}
