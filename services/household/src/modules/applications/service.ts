import type { DataSource, EntityManager } from 'typeorm';
import { AppError, type AuthUser, badRequest, type CommunityDirectory, conflict, inScope, notFound, writeAudit } from '@redheart/shared';
import { assertMay, may } from '../../policy';
import type { WorkflowCtx } from '../../workflow';
import type { CatalogueDirectory } from './catalogue';
import { APPLICATION_WORKFLOW, applicationLight } from './domain';
import type { ApplicationStatsQuery, ApplicationTransitionDto, CreateApplicationDto, ListApplicationsQuery } from './dto';
import type { ApplicationRepository, ApplicationRow } from './repository';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * 400 on `field`: materials the service does not ask for (its catalogue entry may have changed since the form was
 * opened); `notRequiredMaterial` with the service and the items words it in the SPA.
 */
const notRequired = (field: string, service: string, items: string[]) =>
  badRequest(`${field}：不是「${service}」所需的材料：${items.join('、')}`, [{ field, errors: items, code: 'notRequiredMaterial', params: { service, items } }], 'VALIDATION_FAILED');

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
    private readonly repo: ApplicationRepository,
    private readonly communities: CommunityDirectory,
    private readonly catalogue: CatalogueDirectory,
    /** The replica for the queue and the statistics (a little lag is fine); the primary when there is none. */
    private readonly read: DataSource = ds,
  ) {}

  private assertReader(user: AuthUser) {
    assertMay(user, 'readApplications');
  }

  async services(user: AuthUser, q?: string) {
    this.assertReader(user);
    return { items: await this.catalogue.list(this.read.manager, q) };
  }

  async create(ctx: WorkflowCtx, dto: CreateApplicationDto, m: EntityManager) {
    const { user } = ctx;
    assertMay(user, 'takeApplications');
    const communityId = dto.communityId ?? (may(user, 'chooseCommunity') ? undefined : user.orgId);
    if (!communityId) throw badRequest('communityId：请选择受理的社区', [{ field: 'communityId', errors: ['必填'] }], 'VALIDATION_FAILED');
    const community = await this.communities.visible(m, user, communityId);
    const service = await this.catalogue.get(m, dto.serviceId);
    if (!service) throw badRequest(`serviceId：目录清单中没有编号为 ${dto.serviceId} 的事项`, [{ field: 'serviceId', errors: ['不在目录清单中'] }], 'VALIDATION_FAILED');
    const provided = [...new Set(dto.provided ?? [])];
    const unknown = provided.filter((p) => !service.materials.includes(p));
    if (unknown.length) throw notRequired('provided', service.name, unknown);
    const checklist = { materials: service.materials, provided };
    const id = await this.repo.insert(m, {
      service, communityId: community.id, applicantName: dto.applicantName.trim(), applicantPhone: dto.applicantPhone ?? null, checklist, createdBy: user.sub,
    });
    await APPLICATION_WORKFLOW.event(m, ctx, id, 'create', null, 'SUBMITTED', { reason: null, data: { serviceCode: service.code, provided, missing: missingOf(checklist) } });
    await writeAudit(m, {
      actor: user, action: 'service_application.create', entityType: 'service_application', entityId: id,
      after: { serviceCode: service.code, communityId: community.id, status: 'SUBMITTED' }, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  private async load(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<ApplicationRow> {
    const a = await this.repo.find(m, id, lock);
    if (!a || !inScope(a.path, user.scopePaths)) throw notFound('Application', 'APPLICATION_NOT_FOUND');
    return a;
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    this.assertReader(user);
    const a = await this.load(m, user, id);
    const timeline = await this.repo.timeline(m, id);
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
      if (bad.length) throw notRequired(field, a.serviceName, bad);
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
    const text = q.q ? q.q.trim() : undefined;
    const byNumber = text !== undefined && /^FW\d{4}-\d+$/i.test(text);
    const { rows, total } = await this.repo.page(
      {
        communityIds: ids, status: q.status, serviceId: q.serviceId, overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        applicationNo: byNumber ? text.toUpperCase() : undefined, text: byNumber ? undefined : text,
      },
      limit,
      (page - 1) * limit,
    );
    return { items: rows.map(summary), total, totalExact: true, page, limit };
  }

  /** Per service and per community in the caller's scope (or one community): how many, open, done, rejected, overdue. */
  async stats(user: AuthUser, q: ApplicationStatsQuery) {
    this.assertReader(user);
    const ids = await this.scopeIds(user, q.communityId);
    const { byService, byCommunity } = await this.repo.stats(ids);
    const totals = { total: 0, open: 0, done: 0, rejected: 0, handedOver: 0, overdue: 0, doneInTime: 0 };
    for (const r of byCommunity) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
    return { totals, byService, byCommunity };
  }
}
