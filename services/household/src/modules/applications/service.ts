import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, assertRole, type AuthUser, badRequest, type CommunityDirectory, conflict, inScope, isoSql, likeEscape, notFound, writeAudit,
} from '@redheart/shared';
import type { WorkflowCtx } from '../../workflow';
import type { CatalogueDirectory } from './catalogue';
import {
  APPLICATION_CLERKS, APPLICATION_OVERDUE_SQL, APPLICATION_READERS, APPLICATION_WORKFLOW, type ApplicationStatus, applicationLight, OPEN_APPLICATION,
} from './domain';
import type { ApplicationStatsQuery, ApplicationTransitionDto, CreateApplicationDto, ListApplicationsQuery } from './dto';

interface ApplicationRow {
  id: number;
  applicationNo: string;
  serviceId: number;
  serviceCode: string;
  serviceName: string;
  category: string;
  timeLimitDays: number;
  communityId: number;
  communityName: string;
  path: string;
  status: ApplicationStatus;
  applicantName: string;
  applicantPhone: string | null;
  checklist: { materials: string[]; provided: string[] };
  department: string | null;
  result: string | null;
  acceptedAt: Date | null;
  doneAt: Date | null;
  stepStartedAt: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

const COLUMNS = `a.id::int, a.application_no AS "applicationNo", a.service_id::int AS "serviceId", a.service_code AS "serviceCode",
  a.service_name AS "serviceName", a.category, a.time_limit_days AS "timeLimitDays", a.community_id::int AS "communityId", cr.name AS "communityName",
  cr.path, a.status, a.applicant_name AS "applicantName", a.applicant_phone AS "applicantPhone", a.checklist, a.department, a.result,
  a.accepted_at AS "acceptedAt", a.done_at AS "doneAt", a.step_started_at AS "stepStartedAt", a.created_by AS "createdBy",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function missingOf(c: ApplicationRow['checklist']): string[] {
  return c.materials.filter((m) => !c.provided.includes(m));
}

function summary(a: ApplicationRow) {
  const { light, dueAt } = applicationLight(a);
  return {
    id: a.id,
    applicationNo: a.applicationNo,
    serviceId: a.serviceId,
    serviceCode: a.serviceCode,
    serviceName: a.serviceName,
    category: a.category,
    timeLimitDays: a.timeLimitDays,
    communityId: a.communityId,
    communityName: a.communityName,
    status: a.status,
    applicantName: a.applicantName,
    department: a.department,
    light,
    dueAt: iso(dueAt),
    createdAt: iso(a.createdAt)!,
    updatedAt: iso(a.updatedAt)!,
    doneAt: iso(a.doneAt),
    version: a.version,
  };
}

/**
 * 一网通办 applications: taken at a community's window for a service of the catalogue, moved through the household
 * service's workflow engine (APPLICATION_WORKFLOW: the same checks, optimistic write, timeline and audit as hukou
 * cases). Scope as for cases: a record outside the caller's org subtree is 404.
 */
export class ApplicationService {
  constructor(
    ds: DataSource,
    private readonly communities: CommunityDirectory,
    private readonly catalogue: CatalogueDirectory,
    /** The replica for the queue and the statistics (a little lag is fine); the primary when there is none. */
    private readonly read: DataSource = ds,
  ) {}

  private assertReader(user: AuthUser) {
    assertRole(user, APPLICATION_READERS, '您的角色无权查看政务服务申请');
  }

  async services(user: AuthUser, q?: string) {
    this.assertReader(user);
    return { items: await this.catalogue.list(this.read.manager, q) };
  }

  async create(ctx: WorkflowCtx, dto: CreateApplicationDto, m: EntityManager) {
    const { user } = ctx;
    assertRole(user, APPLICATION_CLERKS, '您的角色无权受理政务服务申请');
    const communityId = dto.communityId ?? (user.role === 'admin' ? undefined : user.orgId);
    if (!communityId) throw badRequest('communityId：请选择受理的社区', [{ field: 'communityId', errors: ['必填'] }], 'VALIDATION_FAILED');
    const community = await this.communities.visible(m, user, communityId);
    const service = await this.catalogue.get(m, dto.serviceId);
    if (!service) throw badRequest(`serviceId：目录清单中没有编号为 ${dto.serviceId} 的事项`, [{ field: 'serviceId', errors: ['不在目录清单中'] }], 'VALIDATION_FAILED');
    const provided = [...new Set(dto.provided ?? [])];
    const unknown = provided.filter((p) => !service.materials.includes(p));
    if (unknown.length) throw badRequest(`provided：不是「${service.name}」所需的材料：${unknown.join('、')}`, [{ field: 'provided', errors: unknown }], 'VALIDATION_FAILED');
    const checklist = { materials: service.materials, provided };
    const rows: { id: string }[] = await m.query(
      `INSERT INTO service_application (application_no, service_id, service_code, service_name, category, time_limit_days, community_id, status,
          applicant_name, applicant_phone, checklist, created_by)
       VALUES ('FW' || to_char(now(), 'YYYY') || '-' || lpad(nextval('service_application_no_seq')::text, 6, '0'), $1, $2, $3, $4, $5, $6, 'SUBMITTED', $7, $8, $9, $10)
       RETURNING id`,
      [service.id, service.code, service.name, service.category, service.timeLimitDays, community.id, dto.applicantName.trim(), dto.applicantPhone ?? null,
        JSON.stringify(checklist), user.sub],
    );
    const id = Number(rows[0].id);
    await APPLICATION_WORKFLOW.event(m, ctx, id, 'create', null, 'SUBMITTED', { reason: null, data: { serviceCode: service.code, provided, missing: missingOf(checklist) } });
    await writeAudit(m, {
      actor: user, action: 'service_application.create', entityType: 'service_application', entityId: id,
      after: { serviceCode: service.code, communityId: community.id, status: 'SUBMITTED' }, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  private async load(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<ApplicationRow> {
    const rows: ApplicationRow[] = await m.query(
      `SELECT ${COLUMNS} FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`,
      [id],
    );
    const a = rows[0];
    if (!a || !inScope(a.path, user.scopePaths)) throw notFound('Application', 'APPLICATION_NOT_FOUND');
    return a;
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    this.assertReader(user);
    const a = await this.load(m, user, id);
    const timeline = await m.query(
      `SELECT id::int, action, from_status AS "fromStatus", to_status AS "toStatus", actor_username AS "actorUsername", actor_role AS "actorRole",
              ${isoSql('at')} AS at, reason, data
         FROM service_application_event WHERE application_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...summary(a),
      applicantPhone: a.applicantPhone,
      result: a.result,
      acceptedAt: iso(a.acceptedAt),
      checklist: a.checklist.materials.map((item) => ({ item, provided: a.checklist.provided.includes(item) })),
      missingItems: missingOf(a.checklist),
      timeline,
      allowedActions: APPLICATION_WORKFLOW.allowed(a.status, user.role),
    };
  }

  async transition(ctx: WorkflowCtx, id: number, dto: ApplicationTransitionDto, m: EntityManager) {
    const { user } = ctx;
    this.assertReader(user);
    const a = await this.load(m, user, id, true);
    APPLICATION_WORKFLOW.guard(user, a, dto);
    const materials = a.checklist.materials;
    const checkItems = (list: string[] | undefined, field: string) => {
      const bad = (list ?? []).filter((i) => !materials.includes(i));
      if (bad.length) throw badRequest(`${field}：不是「${a.serviceName}」所需的材料：${bad.join('、')}`, [{ field, errors: bad }], 'VALIDATION_FAILED');
    };
    checkItems(dto.provided, 'provided');
    checkItems(dto.missingItems, 'missingItems');
    const provided = new Set(a.checklist.provided);
    const set: Record<string, unknown> = {};
    let data: Record<string, unknown> = {};
    switch (dto.action) {
      case 'supplement': {
        for (const i of dto.provided ?? []) provided.add(i);
        data = { provided: dto.provided ?? [] };
        break;
      }
      case 'request_supplement': {
        const missing = dto.missingItems?.length ? dto.missingItems : materials.filter((i) => !provided.has(i));
        if (!missing.length) throw conflict('材料已齐全，无需补正', 'NOTHING_MISSING');
        for (const i of missing) provided.delete(i);
        data = { missing };
        break;
      }
      case 'accept': {
        for (const i of dto.provided ?? []) provided.add(i);
        const missing = materials.filter((i) => !provided.has(i));
        if (missing.length) throw new AppError(409, 'MATERIALS_INCOMPLETE', `材料不齐，不能受理：${missing.join('、')}`, { missing });
        set.accepted_at = new Date();
        break;
      }
      case 'hand_over': {
        if (!dto.department) throw badRequest('department：转交须写明承办的县直部门', [{ field: 'department', errors: ['必填'] }], 'VALIDATION_FAILED');
        set.department = dto.department.trim();
        data = { department: set.department };
        break;
      }
      case 'complete': {
        set.done_at = new Date();
        if (dto.result) set.result = dto.result.trim();
        data = { result: dto.result ?? null, department: a.department };
        break;
      }
      default:
        break;
    }
    set.checklist = JSON.stringify({ materials, provided: materials.filter((i) => provided.has(i)) });
    await APPLICATION_WORKFLOW.commit(m, ctx, a, dto, {
      set,
      event: { data: { ...data, ...(dto.note ? { note: dto.note } : {}) } },
      auditAfter: data,
    });
    return this.detail(m, user, id);
  }

  /** The communities a request reads: the one named (404 outside scope) or all in scope. */
  private async scopeIds(user: AuthUser, communityId?: number): Promise<number[]> {
    return communityId
      ? [(await this.communities.visible(this.read.manager, user, communityId)).id]
      : this.communities.inScopeIds(this.read.manager, user);
  }

  async list(user: AuthUser, q: ListApplicationsQuery) {
    this.assertReader(user);
    const page = q.page ?? 1;
    const limit = Math.min(q.limit ?? 20, 100);
    const ids = await this.scopeIds(user, q.communityId);
    const params: unknown[] = [ids];
    const where = ['a.community_id = ANY($1::bigint[])'];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.status) add((n) => `a.status = $${n}`, q.status);
    if (q.serviceId) add((n) => `a.service_id = $${n}`, q.serviceId);
    if (q.overdue === 'true') where.push(APPLICATION_OVERDUE_SQL);
    if (q.overdue === 'false') where.push(`NOT ${APPLICATION_OVERDUE_SQL}`);
    if (q.q) {
      const text = q.q.trim();
      if (/^FW\d{4}-\d+$/i.test(text)) add((n) => `a.application_no = $${n}`, text.toUpperCase());
      else add((n) => `(a.applicant_name LIKE $${n} OR a.service_name LIKE '%' || $${n})`, `${likeEscape(text)}%`);
    }
    const cond = where.join(' AND ');
    const [rows, count]: [ApplicationRow[], { n: number }[]] = await Promise.all([
      this.read.query(
        `SELECT ${COLUMNS} FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE ${cond}
          ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
        params,
      ),
      this.read.query(`SELECT count(*)::int AS n FROM service_application a WHERE ${cond}`, params),
    ]);
    return { items: rows.map(summary), total: count[0].n, totalExact: true, page, limit };
  }

  /** Per service and per community in the caller's scope (or one community): how many, open, done, rejected, overdue. */
  async stats(user: AuthUser, q: ApplicationStatsQuery) {
    this.assertReader(user);
    const ids = await this.scopeIds(user, q.communityId);
    const open = OPEN_APPLICATION.map((s) => `'${s}'`).join(', ');
    const measures = `count(*)::int AS total,
      count(*) FILTER (WHERE a.status IN (${open}))::int AS open,
      count(*) FILTER (WHERE a.status = 'DONE')::int AS done,
      count(*) FILTER (WHERE a.status = 'REJECTED')::int AS rejected,
      count(*) FILTER (WHERE a.status = 'HANDED_OVER')::int AS "handedOver",
      count(*) FILTER (WHERE ${APPLICATION_OVERDUE_SQL})::int AS overdue,
      count(*) FILTER (WHERE a.status = 'DONE' AND a.done_at <= a.accepted_at + make_interval(secs => greatest(a.time_limit_days, 1) * 86400.0))::int AS "doneInTime",
      round(avg(extract(epoch FROM a.done_at - a.created_at) / 86400.0) FILTER (WHERE a.status = 'DONE')::numeric, 1)::float AS "avgDaysToDone"`;
    const [byService, byCommunity] = await Promise.all([
      this.read.query(
        `SELECT a.service_id::int AS "serviceId", a.service_code AS "serviceCode", a.service_name AS "serviceName", a.category, ${measures}
           FROM service_application a WHERE a.community_id = ANY($1::bigint[])
          GROUP BY a.service_id, a.service_code, a.service_name, a.category ORDER BY total DESC, a.service_code`,
        [ids],
      ),
      this.read.query(
        `SELECT a.community_id::int AS "communityId", cr.name AS "communityName", cr.street_name AS "streetName", ${measures}
           FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE a.community_id = ANY($1::bigint[])
          GROUP BY a.community_id, cr.name, cr.street_name ORDER BY cr.street_name NULLS LAST, cr.name`,
        [ids],
      ),
    ]);
    const totals = { total: 0, open: 0, done: 0, rejected: 0, handedOver: 0, overdue: 0, doneInTime: 0 };
    for (const r of byCommunity as Record<string, number>[]) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    return { totals, byService, byCommunity };
  }
}
