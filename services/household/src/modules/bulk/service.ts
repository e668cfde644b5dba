import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, badRequest, businessTimeZone, businessToday, type ExportKind, maskResidentId, parseResidentId, type PiiVault, writeAudit, zoneFormat } from '@redheart/shared';
import { assertMay } from '../../policy';
import type { Relation } from '../../domain';
import type { ListCasesQuery } from '../cases/dto';
import type { CaseService } from '../cases/service';
import type { PropertyImportResult, PropertyRegister } from '../separation/properties';
import type { SeparationService, TaskFilter } from '../separation/service';
import { KIND_WORDS, parseRelation, propertiesFromTable, REGISTER_COLUMNS, REGISTER_REQUIRED, requireColumns } from './columns';
import { residentIdIssue } from './issue-codes';
import { CommunityResolver, importInvalid, IssueList } from './issues';
import type { BulkRepository, ExportHouseholdFilter } from './repository';
import { columnsOf, streamWorkbook, type Table } from './sheet';
import type { TableReaderPool } from './table-pool';

/** Past this the caller narrows the filters: a workbook is for reading, not for copying the register. */
export const MAX_EXPORT_ROWS = 50_000;

const TYPE_ZH: Record<string, string> = { purchased_flat: '购房落户', joining_relatives: '投靠', collective: '集体户', other: '其他', move_out: '迁出' };
const STATUS_ZH: Record<string, string> = {
  DRAFT: '草稿', SUBMITTED: '已提交', NEEDS_SUPPLEMENT: '待补正', ACCEPTED: '已受理', APPROVED: '已审批', SETTLED: '已落户', REJECTED: '已驳回', WITHDRAWN: '已撤回', REVOKED: '已撤销',
};
const LIGHT_ZH: Record<string, string> = { green: '绿', yellow: '黄', red: '红（超期）', none: '—' };
const KIND_ZH: Record<string, string> = { family: '家庭户', collective: '集体户' };
const RELATION_ZH: Record<string, string> = { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙子女', grandparent: '祖父母', sibling: '兄弟姐妹', other: '其他' };
const TASK_KIND_ZH: Record<string, string> = { owner_elsewhere: '房户分离', resident_elsewhere: '人户分离' };
const TASK_STATUS_ZH: Record<string, string> = { identified: '待走访', contacted: '已联系', applied: '已申请', settled: '已落户', declined: '已拒绝' };

/** A time as people in Qixia read it: YYYY-MM-DD HH:mm in the business time zone. */
function local(at: string | Date | null): string {
  if (!at) return '';
  const parts = zoneFormat(businessTimeZone(), 'minute').formatToParts(new Date(at));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The rows of a sheet made one at a time as the workbook is written. */
function* lazyMap<T, R>(items: readonly T[], f: (x: T) => R): Iterable<R> {
  for (const x of items) yield f(x);
}

/** Rows gathered so far and the total once known (0 while the pages are still being read): an export job's progress. */
export type ExportProgress = (done: number, total: number) => Promise<void> | void;

const tooMany = () => badRequest(`More than ${MAX_EXPORT_ROWS} rows match; narrow the filters`, undefined, 'EXPORT_TOO_LARGE');

/**
 * Excel exports of exactly what the caller can see through the list endpoints (the same filters,
 * the same scope, ID numbers masked), with Chinese headers. Each export is written to the audit log:
 * personal data leaving the system in bulk.
 */
export class Exporter {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: BulkRepository,
    private readonly caseService: CaseService,
    private readonly separation: SeparationService,
  ) {}

  assertReader(user: AuthUser): void {
    this.separation.assertReader(user);
  }

  /** A community named in the filters must be one the caller may see (404 otherwise, as everywhere). */
  private async checkCommunity(user: AuthUser, communityId?: number): Promise<void> {
    if (communityId) await this.separation.targetCommunities(this.ds.manager, user, communityId);
  }

  private async audit(user: AuthUser, what: ExportKind, rows: number, filters: object, requestId?: string) {
    await writeAudit(this.ds.manager, { actor: user, action: `export.${what}`, entityType: what, entityId: 'export', after: { rows, filters }, requestId });
  }

  async cases(user: AuthUser, q: ListCasesQuery, requestId?: string, progress?: ExportProgress): Promise<Readable> {
    const { limit: _l, cursor: _c, ...filters } = q;
    void _l;
    void _c;
    this.assertReader(user);
    await this.checkCommunity(user, q.communityId);
    const items: Awaited<ReturnType<CaseService['list']>>['items'] = [];
    let cursor: string | undefined;
    do {
      // Through the list itself, page by page: the export can never show more than the queue does.
      const page = await this.caseService.list(user, { ...filters, limit: 100, cursor } as ListCasesQuery);
      items.push(...page.items);
      if (items.length > MAX_EXPORT_ROWS) throw tooMany();
      await progress?.(items.length, 0);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const persons = items.length ? await this.repo.casePersons(items.map((c) => c.id)) : [];
    const personsOf = new Map(persons.map((p) => [p.caseId, p.persons]));
    await progress?.(items.length, items.length);
    await this.audit(user, 'cases', items.length, filters, requestId);
    return streamWorkbook([{
      name: '户籍案件',
      columns: [
        { header: '案件编号', key: 'caseNo', width: 16 }, { header: '类型', key: 'type' }, { header: '状态', key: 'status' }, { header: '社区', key: 'community', width: 16 },
        { header: '申请人', key: 'applicant' }, { header: '人员（身份证号已脱敏）', key: 'persons', width: 60 }, { header: '绿色通道', key: 'green' },
        { header: '疑似重复', key: 'duplicate' }, { header: '时限', key: 'light' }, { header: '本环节到期', key: 'dueAt', width: 18 },
        { header: '创建时间', key: 'createdAt', width: 18 }, { header: '更新时间', key: 'updatedAt', width: 18 }, { header: '落户时间', key: 'settledAt', width: 18 },
      ],
      rows: lazyMap(items, (c) => ({
        caseNo: c.caseNo, type: TYPE_ZH[c.type] ?? c.type, status: STATUS_ZH[c.status] ?? c.status, community: c.communityName ?? '', applicant: c.applicantName,
        persons: personsOf.get(c.id) ?? '', green: c.greenChannel ? '是' : '否', duplicate: c.potentialDuplicate ? '是' : '否', light: LIGHT_ZH[c.light],
        dueAt: local(c.dueAt), createdAt: local(c.createdAt), updatedAt: local(c.updatedAt), settledAt: local(c.settledAt),
      })),
    }]);
  }

  /** The same filters as GET /api/household/households (communityId, kind, q), all pages, with the members. */
  async households(user: AuthUser, q: ExportHouseholdFilter, requestId?: string, progress?: ExportProgress): Promise<Readable> {
    this.assertReader(user);
    await this.checkCommunity(user, q.communityId);
    const households = await this.repo.households(user.scopePaths, q, MAX_EXPORT_ROWS + 1);
    if (households.length > MAX_EXPORT_ROWS) throw tooMany();
    const members = households.length ? await this.repo.members(households.map((h) => h.id)) : [];
    const count = new Map<number, number>();
    for (const mm of members) count.set(mm.householdId, (count.get(mm.householdId) ?? 0) + 1);
    const noOf = new Map(households.map((h) => [h.id, h.householdNo]));
    await progress?.(households.length, households.length);
    await this.audit(user, 'households', households.length, q, requestId);
    return streamWorkbook([
      {
        name: '户',
        columns: [
          { header: '户号', key: 'householdNo', width: 22 }, { header: '社区', key: 'communityName', width: 16 }, { header: '户别', key: 'kind' },
          { header: '楼号', key: 'building' }, { header: '单元', key: 'unit' }, { header: '房号', key: 'room' }, { header: '地址', key: 'address', width: 40 },
          { header: '网格', key: 'gridCode' }, { header: '在户人数', key: 'members' },
        ],
        rows: lazyMap(households, (h) => ({ ...h, kind: KIND_ZH[h.kind] ?? h.kind, members: count.get(h.id) ?? 0 })),
      },
      {
        name: '人员',
        columns: [
          { header: '户号', key: 'householdNo', width: 22 }, { header: '姓名', key: 'name' }, { header: '身份证号（脱敏）', key: 'idMasked', width: 22 },
          { header: '性别', key: 'sex' }, { header: '出生日期', key: 'birthDate', width: 12 }, { header: '与户主关系', key: 'relation' }, { header: '登记日期', key: 'since', width: 12 },
        ],
        rows: lazyMap(members, (mm) => ({ ...mm, householdNo: noOf.get(mm.householdId), sex: mm.sex === 'M' ? '男' : '女', relation: RELATION_ZH[mm.relation] ?? mm.relation })),
      },
    ]);
  }

  async tasks(user: AuthUser, f: TaskFilter, requestId?: string, progress?: ExportProgress): Promise<Readable> {
    this.assertReader(user);
    await this.checkCommunity(user, f.communityId);
    const rows = await this.separation.queryTasks(user, f, MAX_EXPORT_ROWS + 1);
    if (rows.length > MAX_EXPORT_ROWS) throw tooMany();
    await progress?.(rows.length, rows.length);
    await this.audit(user, 'tasks', rows.length, f, requestId);
    return streamWorkbook([{
      name: '人户分离走访任务',
      columns: [
        { header: '编号', key: 'id' }, { header: '社区', key: 'communityName', width: 16 }, { header: '网格', key: 'gridCode' }, { header: '类型', key: 'kind' },
        { header: '不动产权证号', key: 'certificateNo', width: 30 }, { header: '房屋地址', key: 'address', width: 36 }, { header: '姓名', key: 'personName' },
        { header: '身份证号（脱敏）', key: 'idMasked', width: 22 }, { header: '户籍所在', key: 'registeredIn', width: 16 }, { header: '状态', key: 'status' },
        { header: '关联案件', key: 'caseNo', width: 16 }, { header: '走访人', key: 'assignedTo', width: 16 }, { header: '识别时间', key: 'identifiedAt', width: 18 },
        { header: '联系时间', key: 'contactedAt', width: 18 }, { header: '申请时间', key: 'appliedAt', width: 18 }, { header: '落户时间', key: 'settledAt', width: 18 },
        { header: '备注', key: 'note', width: 30 },
      ],
      rows: lazyMap(rows, (t) => ({
        id: t.id, communityName: t.communityName, gridCode: t.gridCode ?? '', kind: TASK_KIND_ZH[t.kind], certificateNo: t.certificateNo, address: t.address,
        personName: t.personName, idMasked: t.idMasked, registeredIn: t.registeredCommunityName ?? '本系统外', status: TASK_STATUS_ZH[t.status], caseNo: t.caseNo ?? '',
        assignedTo: t.assignedTo ?? '', identifiedAt: local(t.identifiedAt), contactedAt: local(t.contactedAt), appliedAt: local(t.appliedAt), settledAt: local(t.settledAt),
        note: t.note ?? '',
      })),
    }]);
  }
}

interface RegisterRow {
  row: number;
  householdNo: string;
  communityId: number;
  kind: 'family' | 'collective';
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  gridCode: string | null;
  name: string;
  id: string;
  sex: 'M' | 'F';
  birthDate: string;
  relation: Relation;
  since: string;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows done of all (an import job's progress bar). */
export type ImportProgress = (done: number, total: number) => Promise<void> | void;

export interface RegisterImportResult {
  dryRun: boolean;
  rows: number;
  households: number;
  persons: number;
}

/**
 * Loads an existing household register (one row per person; rows with the same household number
 * are one household). Every row is checked first — ID numbers, relations, one head per family,
 * household cells that agree, nobody twice, nobody already registered (one active registration per
 * person), no household number taken — and only a clean file is written, in one transaction.
 */
export class RegisterImport {
  constructor(
    private readonly vault: PiiVault,
    private readonly repo: BulkRepository,
  ) {}

  /** `progress` is told how many rows are checked (and all of them once written), for an import that runs as a job. */
  async import(m: EntityManager, ctx: { user: AuthUser; requestId?: string }, table: Table, dryRun: boolean, progress?: ImportProgress): Promise<RegisterImportResult> {
    const cols = columnsOf(table.header, REGISTER_COLUMNS);
    requireColumns(table, cols, REGISTER_REQUIRED, REGISTER_COLUMNS);
    const cell = (r: { cells: string[] }, f: keyof typeof REGISTER_COLUMNS) => (cols[f] === undefined ? '' : (r.cells[cols[f]!] ?? '').trim());
    const issues = new IssueList();
    const communities = await CommunityResolver.load(m, ctx.user);
    const today = businessToday();
    const valid: RegisterRow[] = [];
    const firstRowOfId = new Map<string, number>();
    // A household with a bad row is not checked as a whole (its head may be the bad row).
    const incomplete = new Set<string>();
    // Checked against the register for every row whose cell is well-formed, so one report has it all.
    const idRows: { row: number; id: string }[] = [];
    const numberRows = new Map<string, number>();
    for (const [i, r] of table.rows.entries()) {
      // 20,000 rows of checks: let other requests in between (the parsing itself ran in a worker)
      if (i % 500 === 499) {
        await yieldToLoop();
        await progress?.(i + 1, table.rows.length);
      }
      const before = issues.length;
      const householdNo = cell(r, 'householdNo');
      if (!/^[0-9A-Za-z-]{4,40}$/.test(householdNo)) issues.add(r.row, 'householdNo', 'household_no_format');
      else if (!numberRows.has(householdNo)) numberRows.set(householdNo, r.row);
      const community = communities.resolve(cell(r, 'community'));
      if (!community.ok) issues.add(r.row, 'community', community.code, community.params);
      const kind = KIND_WORDS[cell(r, 'kind').toLowerCase()];
      if (!kind) issues.add(r.row, 'kind', 'kind_invalid');
      const address = cell(r, 'address');
      if (address.length < 2 || address.length > 200) issues.add(r.row, 'address', 'required_between', { min: 2, max: 200 });
      for (const f of ['building', 'unit', 'room', 'gridCode'] as const) if (cell(r, f).length > 20) issues.add(r.row, f, 'too_long', { max: 20 });
      const name = cell(r, 'name');
      if (!name || name.length > 40) issues.add(r.row, 'name', 'required_max', { max: 40 });
      let id: ReturnType<typeof parseResidentId> | undefined;
      if (cols.idNumber !== undefined && r.lossy.has(cols.idNumber)) {
        issues.add(r.row, 'idNumber', 'id_lost_digits');
      } else {
        id = parseResidentId(cell(r, 'idNumber'));
        if (!id.ok) {
          const issue = residentIdIssue(id.problem, cell(r, 'idNumber'));
          issues.add(r.row, 'idNumber', issue.code, issue.params);
        }
        else if (firstRowOfId.has(id.info.id)) issues.add(r.row, 'idNumber', 'person_repeated', { row: firstRowOfId.get(id.info.id)! });
        else {
          firstRowOfId.set(id.info.id, r.row);
          idRows.push({ row: r.row, id: id.info.id });
        }
      }
      const relation = parseRelation(cell(r, 'relation'));
      if (!relation) issues.add(r.row, 'relation', 'relation_invalid');
      const since = cell(r, 'since') || today;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since)) || since > today) issues.add(r.row, 'since', 'date_past');
      if (issues.length !== before) incomplete.add(householdNo);
      if (issues.length === before && community.ok && id?.ok) {
        valid.push({
          row: r.row, householdNo, communityId: community.id, kind: kind!, building: cell(r, 'building') || null, unit: cell(r, 'unit') || null,
          room: cell(r, 'room') || null, address, gridCode: cell(r, 'gridCode') || null, name, id: id.info.id, sex: id.info.sex, birthDate: id.info.birthDate,
          relation: relation!, since,
        });
      }
    }

    // A household's own cells must be the same on each of its rows; a family has exactly one head.
    const households = new Map<string, RegisterRow[]>();
    for (const v of valid) households.set(v.householdNo, [...(households.get(v.householdNo) ?? []), v]);
    const collectiveOf = new Map<number, string>();
    for (const [no, members] of households) {
      const first = members[0];
      for (const v of members.slice(1)) {
        for (const f of ['communityId', 'kind', 'building', 'unit', 'room', 'address', 'gridCode'] as const) {
          if (v[f] !== first[f]) issues.add(v.row, f === 'communityId' ? 'community' : f, 'differs_in_household', { row: first.row, household: no });
        }
      }
      if (incomplete.has(no)) continue;
      if (first.kind === 'family') {
        const heads = members.filter((v) => v.relation === 'head');
        if (heads.length !== 1) issues.add(first.row, 'relation', 'heads_count', { household: no, count: heads.length });
      } else if (collectiveOf.has(first.communityId)) {
        issues.add(first.row, 'kind', 'collective_taken', { household: collectiveOf.get(first.communityId)! });
      } else {
        collectiveOf.set(first.communityId, no);
      }
    }

    // Against the register as it stands.
    if (numberRows.size) {
      const taken = await this.repo.takenHouseholdNos(m, [...numberRows.keys()]);
      for (const no of taken) issues.add(numberRows.get(no)!, 'householdNo', 'household_taken', { household: no });
    }
    if (idRows.length) {
      const hashes: string[] = [];
      for (const [i, v] of idRows.entries()) {
        if (i % 500 === 499) await yieldToLoop();
        hashes.push(this.vault.hash(v.id));
      }
      const registered = await this.repo.registeredIdHashes(m, hashes);
      const isRegistered = new Set(registered);
      idRows.forEach((v, i) => {
        if (isRegistered.has(hashes[i])) issues.add(v.row, 'idNumber', 'already_registered', { id: maskResidentId(v.id) });
      });
    }
    if (collectiveOf.size) {
      const collectives = await this.repo.communitiesWithCollective(m, [...collectiveOf.keys()]);
      for (const c of collectives) issues.add(households.get(collectiveOf.get(c)!)![0].row, 'kind', 'collective_exists');
    }
    if (issues.length) throw importInvalid(issues, table.rows.length);
    const result = { dryRun, rows: table.rows.length, households: households.size, persons: valid.length };
    if (dryRun) return result;

    const hh = [...households.values()].map((members) => members[0]);
    const ids = await this.repo.insertHouseholds(m, hh);
    const householdId = new Map(ids.map((r) => [r.householdNo, r.id]));
    const CHUNK = 5000;
    for (let i = 0; i < valid.length; i += CHUNK) {
      const part = valid.slice(i, i + CHUNK);
      const persons = await this.repo.upsertPersons(m, part.map((v) => ({
        name: v.name, idCipher: this.vault.encrypt(v.id), idHash: this.vault.hash(v.id), idMasked: maskResidentId(v.id), sex: v.sex, birthDate: v.birthDate,
      })));
      const personId = new Map(persons.map((p) => [p.idHash, p.id]));
      // The partial unique index refuses a person registered concurrently since validation: the whole import rolls back.
      await this.repo.insertRegistrations(m, part.map((v) => ({
        personId: personId.get(this.vault.hash(v.id)), householdId: householdId.get(v.householdNo), relation: v.relation, since: v.since,
      })));
    }
    await progress?.(table.rows.length, table.rows.length);
    await writeAudit(m, { actor: ctx.user, action: 'register.import', entityType: 'household', entityId: 'bulk', after: result, requestId: ctx.requestId });
    return result;
  }
}

/**
 * The direct uploads of the bulk routes: who may import, the file read in a worker thread (TableReaderPool),
 * then checked and (unless a dry run) written in one transaction.
 */
export class BulkService {
  constructor(
    private readonly ds: DataSource,
    private readonly tables: TableReaderPool,
    private readonly registerImport: RegisterImport,
    private readonly properties: PropertyRegister,
  ) {}

  assertImporter(user: AuthUser): void {
    assertMay(user, 'importRegisters');
  }

  async importRegister(ctx: { user: AuthUser; requestId?: string }, file: Buffer, dryRun: boolean): Promise<RegisterImportResult> {
    const table = await this.tables.read(file);
    return this.ds.transaction((m) => this.registerImport.import(m, ctx, table, dryRun));
  }

  async importProperties(ctx: { user: AuthUser; requestId?: string }, file: Buffer, dryRun: boolean): Promise<PropertyImportResult> {
    const table = await this.tables.read(file);
    const { input, issues } = propertiesFromTable(table);
    return this.ds.transaction((m) => this.properties.import(m, ctx, input, table.rows.length, dryRun, issues));
  }
}
