import type { DataSource } from 'typeorm';
import { AppError, type AuthUser, badRequest, type CommunityDirectory, conflict, notFound, writeAudit } from '@redheart/shared';
import { scopeKind } from '../../policy';
import type { Ctx } from '../items/service';
import type { CategoryDto, CategoryPatchDto, PracticalProjectDto, PracticalProjectPatchDto, ProjectDto, ProjectPatchDto, ResourceDto } from './dto';
import { ListRepository } from './repository';

/** 409 CODE_TAKEN on the form's `code` field: a category or practical project of this code exists already. */
const codeTaken = (what: string, code: string) =>
  new AppError(409, 'CODE_TAKEN', `A ${what} with code ${code} exists already`, [{ field: 'code', errors: ['taken'] }], undefined, { code });

/** The three lists (needs are the items; here: resources and projects) and the editable reference data. */
export class ListService {
  private readonly repo: ListRepository;

  constructor(private readonly db: DataSource, private readonly communities: CommunityDirectory) {
    this.repo = new ListRepository(db);
  }

  categories() {
    return this.repo.categories();
  }

  async createCategory(ctx: Ctx, dto: CategoryDto) {
    return this.db.transaction(async (m) => {
      const row = await this.repo.insertCategory(m, { code: dto.code, name: dto.name, nameEn: dto.nameEn ?? null, sort: dto.sort ?? 0 });
      if (!row) throw codeTaken('category', dto.code);
      await writeAudit(m, { actor: ctx.user, action: 'category.create', entityType: 'service_category', entityId: row.id, after: dto, requestId: ctx.requestId });
      return row;
    });
  }

  async updateCategory(ctx: Ctx, id: number, dto: CategoryPatchDto) {
    return this.db.transaction(async (m) => {
      const cur = await this.repo.lockCategory(m, id);
      if (!cur) throw notFound('Category');
      const row = await this.repo.updateCategory(m, id, dto.version, { name: dto.name ?? cur.name, nameEn: dto.nameEn ?? cur.name_en, sort: dto.sort ?? cur.sort, active: dto.active ?? cur.active });
      if (!row) throw conflict('The category was changed by someone else; reload it', 'STALE_VERSION');
      await writeAudit(m, { actor: ctx.user, action: 'category.update', entityType: 'service_category', entityId: id, before: cur, after: row, requestId: ctx.requestId });
      return row;
    });
  }

  practicalProjects() {
    return this.repo.practicalProjects();
  }

  async createPracticalProject(ctx: Ctx, dto: PracticalProjectDto) {
    return this.db.transaction(async (m) => {
      const row = await this.repo.insertPracticalProject(m, {
        code: dto.code, name: dto.name, description: dto.description ?? null, launchedOn: dto.launchedOn, progress: dto.progress ?? 0, status: dto.status ?? 'ongoing',
      });
      if (!row) throw codeTaken('practical project', dto.code);
      await writeAudit(m, { actor: ctx.user, action: 'practical_project.create', entityType: 'practical_project', entityId: row.id, after: dto, requestId: ctx.requestId });
      return row;
    });
  }

  async updatePracticalProject(ctx: Ctx, id: number, dto: PracticalProjectPatchDto) {
    return this.db.transaction(async (m) => {
      const cur = await this.repo.lockPracticalProject(m, id);
      if (!cur) throw notFound('Practical project');
      const row = await this.repo.updatePracticalProject(m, id, dto.version, {
        name: dto.name ?? cur.name, description: dto.description ?? cur.description, progress: dto.progress ?? cur.progress, status: dto.status ?? cur.status,
      });
      if (!row) throw conflict('The project was changed by someone else; reload it', 'STALE_VERSION');
      await writeAudit(m, { actor: ctx.user, action: 'practical_project.update', entityType: 'practical_project', entityId: id, before: cur, after: row, requestId: ctx.requestId });
      return row;
    });
  }

  /** A unit sees its own resources; everyone else those offered to communities in scope, or to everyone. */
  resources(user: AuthUser) {
    return this.repo.resources(scopeKind(user) === 'unit' ? { unitId: user.orgId } : { scopePaths: user.scopePaths });
  }

  /** A unit offers a resource: to everyone, or to a community it serves (an approved report; else 404). */
  async offerResource(ctx: Ctx, dto: ResourceDto) {
    const unitId = ctx.user.orgId;
    if (dto.communityId && !(await this.repo.servesCommunity(unitId, dto.communityId))) throw notFound('Community');
    // A category withdrawn since the form listed it: said on that field.
    if (dto.categoryId && !(await this.repo.activeCategory(dto.categoryId))) {
      throw badRequest('categoryId（服务类别）不存在或已停用', [{ field: 'categoryId', errors: ['不存在或已停用'], code: 'inactiveCategory' }], 'VALIDATION_FAILED');
    }
    const id = await this.db.transaction(async (m) => {
      const rid = await this.repo.insertResource(m, {
        unitId, communityId: dto.communityId ?? null, categoryId: dto.categoryId ?? null, title: dto.title, description: dto.description ?? null, capacity: dto.capacity ?? 1,
      });
      await writeAudit(m, { actor: ctx.user, action: 'resource.create', entityType: 'resource', entityId: rid, after: dto, requestId: ctx.requestId });
      return rid;
    });
    return { id, ...dto };
  }

  async projects(user: AuthUser, communityId?: number) {
    const only = communityId ? (await this.communities.visible(this.db.manager, user, communityId)).id : null;
    return (await this.repo.projects(user.scopePaths, only)).map((p) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() }));
  }

  /**
   * A project matches a need with what a unit offers here: the unit must have reported to this community, and the
   * resource (if named) must be that unit's, offered here or everywhere.
   */
  async createProject(ctx: Ctx, dto: ProjectDto) {
    await this.communities.visible(this.db.manager, ctx.user, dto.communityId);
    let unitId = dto.unitId ?? null;
    if (dto.resourceId) {
      const res = await this.repo.resourceOwner(dto.resourceId);
      if (!res || !((unitId === null || res.unit_id === unitId) && (res.community_id === null || res.community_id === dto.communityId))) throw badRequest('The resource is not one that unit offers to this community', [{ field: 'resourceId', errors: ['not offered here'] }], 'VALIDATION_FAILED');
      unitId = res.unit_id;
    }
    if (unitId !== null && !(await this.repo.servesCommunity(unitId, dto.communityId))) {
      throw badRequest('该单位尚未向本社区报到（或报到已结束）', [{ field: 'unitId', errors: ['尚未向本社区报到'], code: 'UNIT_NOT_REPORTED' }], 'UNIT_NOT_REPORTED');
    }
    const r = await this.db.transaction(async (m) => {
      const row = await this.repo.insertProject(m, {
        communityId: dto.communityId, name: dto.name, unitId, resourceId: dto.resourceId ?? null, practicalProjectId: dto.practicalProjectId ?? null,
        budgetYuan: dto.budgetYuan ?? 0, milestones: dto.milestones ?? [],
      });
      await writeAudit(m, { actor: ctx.user, action: 'project.create', entityType: 'project', entityId: row.id, after: dto, requestId: ctx.requestId });
      return row;
    });
    return { id: r.id, version: r.version, ...dto, unitId };
  }

  async updateProject(ctx: Ctx, id: number, dto: ProjectPatchDto) {
    return this.db.transaction(async (m) => {
      const cur = await this.repo.lockProject(m, id);
      if (!cur || !ctx.user.scopePaths.some((s) => cur.path.startsWith(s))) throw notFound('Project');
      const version = await this.repo.updateProject(m, id, dto.version, { status: dto.status ?? cur.status, budgetYuan: dto.budgetYuan ?? cur.budget_yuan, milestones: dto.milestones ?? cur.milestones });
      if (version === undefined) throw conflict('The project was changed by someone else; reload it', 'STALE_VERSION');
      await writeAudit(m, { actor: ctx.user, action: 'project.update', entityType: 'project', entityId: id, before: { status: cur.status }, after: dto, requestId: ctx.requestId });
      return { id, version };
    });
  }
}
