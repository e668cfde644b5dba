import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError, type AuthUser, notFound, writeAudit } from '@redheart/shared';
import { assertMay, may } from '../../policy';
import { chinaDivisionSource, type DivisionSource } from '../../seed/division-source';
import { countyCodesFor, importDivisionCode, type DivisionImportSummary } from '../../seed/import-divisions';
import { clearScopeCache } from '../scope/scope';
import { DivisionImportRepository, type DivisionImportRow, type ImportProgress } from './repository';
import type { DivisionImportDto } from './dto';

/** The 403 of a reader (rather than an importer) of the imports. */
export const READ_IMPORTS = '只有市委组织部或县（市、区）委组织部管理员可以查看区划导入';
export const DIVISION_IMPORT_QUEUE = 'org-division-import';

export interface ImportJobData {
  importId: string;
}

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

/** 403 naming the field: `outsideOwnDivision` (with the caller's own code and the one refused) words it in the SPA. */
const codeForbidden = (message: string, code: string, own: string | null) =>
  new AppError(403, 'FORBIDDEN', message, [{ field: 'code', code: 'outsideOwnDivision', errors: ['不在您的管辖范围内'], params: { code, own: own ?? '' } }]);

export class DivisionImportService {
  private readonly repo: DivisionImportRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly source: DivisionSource = chinaDivisionSource(),
    private readonly onFault?: (err: unknown) => void,
  ) {
    this.repo = new DivisionImportRepository(ds.manager);
  }

  /** The caller's own organisation's division code (their city or county). */
  private async ownCode(user: AuthUser): Promise<string | null> {
    return this.repo.divisionCodeOf(user.orgId);
  }

  /** 400 for a code that names no county or city; 403 for one outside the caller's city or county. */
  async authorize(user: AuthUser, code: string): Promise<void> {
    assertMay(user, 'divisions.import');
    countyCodesFor(this.source, code);
    const own = await this.ownCode(user);
    // the city's organisation department imports any county of its city, a county's only its own county
    if (may(user, 'divisions.importCityWide')) {
      if (!own || own.slice(0, 4) !== code.slice(0, 4)) throw codeForbidden(`区划代码 ${code} 不属于您所在的市（${own ?? '未设区划代码'}），不能导入`, code, own);
    } else if (own !== code) {
      throw codeForbidden(`县级管理员只能导入本县（${own ?? '未设区划代码'}）的区划，不能导入 ${code}`, code, own);
    }
  }

  dryRun(dto: DivisionImportDto): Promise<DivisionImportSummary> {
    return importDivisionCode(this.ds, dto.code, { dryRun: true, includeTowns: dto.includeTowns ?? false, source: this.source });
  }

  /** Records the import and returns its id; the caller queues the job. */
  async create(ctx: Ctx, dto: DivisionImportDto): Promise<string> {
    const id = randomUUID();
    await this.ds.transaction(async (m) => {
      await new DivisionImportRepository(m).insert({ id, code: dto.code, includeTowns: dto.includeTowns ?? false, accountId: Number(ctx.user.sub), username: ctx.user.username });
      await writeAudit(m, {
        actor: ctx.user, action: 'org.division_import.requested', entityType: 'division_import', entityId: id,
        after: { code: dto.code, includeTowns: dto.includeTowns ?? false }, requestId: ctx.requestId,
      });
    });
    return id;
  }

  async markFailed(id: string, message: string): Promise<void> {
    await this.repo.fail(id, message);
  }

  /** The import as its requester's peers see it: the city admin every import of the city, a county admin their county's. */
  async get(user: AuthUser, id: string): Promise<DivisionImportRow> {
    assertMay(user, 'divisions.import', READ_IMPORTS);
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.get(id) : undefined;
    if (!row) throw notFound('Division import');
    const own = await this.ownCode(user);
    const visible = may(user, 'divisions.importCityWide') ? !!own && own.slice(0, 4) === row.code.slice(0, 4) : own === row.code;
    if (!visible) throw notFound('Division import');
    return row;
  }

  /** The job: runs the import county by county, writing progress as it goes. */
  async run(importId: string): Promise<void> {
    const row = await this.repo.get(importId);
    if (!row || row.status === 'done' || row.status === 'failed') return;
    await this.repo.start(importId);
    let last: ImportProgress = {};
    try {
      const result = await importDivisionCode(this.ds, row.code, {
        includeTowns: row.includeTowns,
        source: this.source,
        onCounty: async (p) => {
          const share = p.unitsTotal ? p.unitsDone / p.unitsTotal : 0;
          const done = Math.min(p.countiesDone + (p.countiesDone < p.countiesTotal ? share : 0), p.countiesTotal);
          last = { ...p, percent: Math.floor((done / p.countiesTotal) * 100) };
          await this.repo.progress(importId, last);
        },
      });
      // New units are in scope at once: the org service reads scope per request; drop what it remembers.
      clearScopeCache();
      await this.repo.finish(importId, result, { ...last, percent: 100 });
    } catch (err) {
      const message = err instanceof AppError ? err.message : '导入失败：数据库或服务暂不可用，请稍后重试（已完成的县保留，重试不会重复创建）';
      // Not retried by the queue: the import is idempotent, so the admin starts it again.
      await this.repo.fail(importId, message).catch(() => undefined);
      if (!(err instanceof AppError)) this.onFault?.(err);
    }
  }
}
