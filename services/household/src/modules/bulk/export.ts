import type { DataSource } from 'typeorm';
import { type AuthUser, badRequest, type ExportKind, likeEscape, scopeSql, writeAudit } from '@redheart/shared';
import type { CaseService } from '../cases/service';
import type { ListCasesQuery } from '../cases/dto';
import type { SeparationService, TaskFilter } from '../separation/service';
import type { Readable } from 'node:stream';
import { streamWorkbook } from './sheet';

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
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: process.env.BUSINESS_TIMEZONE ?? 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(at));
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
    const persons: { caseId: number; persons: string }[] = items.length
      ? await this.ds.query(
        `SELECT case_id AS "caseId", string_agg(name || '（' || id_masked || '）', '、' ORDER BY id) AS persons
           FROM case_person WHERE case_id = ANY($1::bigint[]) GROUP BY case_id`,
        [items.map((c) => c.id)],
      )
      : [];
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
  async households(user: AuthUser, q: { communityId?: number; kind?: string; q?: string }, requestId?: string, progress?: ExportProgress): Promise<Readable> {
    this.assertReader(user);
    await this.checkCommunity(user, q.communityId);
    const params: unknown[] = user.scopePaths.map((p) => `${likeEscape(p)}%`);
    const where = [scopeSql('cr.path', user.scopePaths, 1)];
    const add = (f: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(f(params.length));
    };
    if (q.communityId) add((n) => `h.community_id = $${n}`, q.communityId);
    if (q.kind) add((n) => `h.kind = $${n}`, q.kind);
    if (q.q) add((n) => `(h.household_no LIKE $${n} OR h.address LIKE '%' || $${n})`, `${likeEscape(q.q.trim())}%`);
    params.push(MAX_EXPORT_ROWS + 1);
    const households: { id: number; householdNo: string; communityName: string; kind: string; building: string | null; unit: string | null; room: string | null; address: string; gridCode: string | null }[] = await this.ds.query(
      `SELECT h.id, h.household_no AS "householdNo", cr.name AS "communityName", h.kind, h.building, h.unit, h.room, h.address, h.grid_code AS "gridCode"
         FROM household h JOIN community_ref cr ON cr.id = h.community_id
        WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT $${params.length}`,
      params,
    );
    if (households.length > MAX_EXPORT_ROWS) throw tooMany();
    const members: { householdId: number; name: string; idMasked: string; sex: string; birthDate: string; relation: string; since: string }[] = households.length
      ? await this.ds.query(
        `SELECT r.household_id AS "householdId", p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", r.relation, r.start_date AS since
           FROM registration r JOIN person p ON p.id = r.person_id
          WHERE r.status = 'active' AND r.household_id = ANY($1::bigint[])
          ORDER BY r.household_id, CASE r.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date`,
        [households.map((h) => h.id)],
      )
      : [];
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
