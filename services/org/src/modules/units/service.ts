import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, AppError, badRequest, conflict, forbidden, inScope, notFound, writeAudit } from '@redheart/shared';
import { businessToday } from '@redheart/shared';
import { ALLOWED_CHILDREN, type OrgType } from '../../domain';
import { assertMay, may } from '../../policy';
import { assertInScope, clearScopeCache, loadScope, type Scope } from '../scope/scope';
import { pathIds, UnitRepository, type UnitRow } from './repository';
import { emitUnitChange } from './events';
import type { ArchiveUnitDto, CreateUnitDto, MoveUnitDto, UpdateUnitDto } from './dto';

/** The organisation departments (city and county): they may also edit their own root organisation and set division codes. */
const isTop = (user: AuthUser) => may(user, 'org.writeOwnRoot');
export { TREE_LOCK } from './repository';

export const today = () => businessToday();

export interface UnitView extends Omit<UnitRow, 'path'> {
  ancestors?: { id: number; name: string; type: string }[];
}

function view(u: UnitRow): UnitView {
  const { path: _path, ...rest } = u;
  void _path;
  return rest;
}

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

export class UnitService {
  private readonly repo: UnitRepository;

  constructor(private readonly ds: DataSource) {
    this.repo = new UnitRepository(ds.manager);
  }

  scope(user: AuthUser, db: EntityManager = this.ds.manager): Promise<Scope> {
    return loadScope(db, user);
  }

  /** Loads a unit the caller may see, else 404. */
  async visible(scope: Scope, id: number, repo = this.repo, lock: '' | 'FOR UPDATE' | 'FOR SHARE' = ''): Promise<UnitRow> {
    const u = await repo.findById(id, lock);
    if (!u) throw notFound('Organisation');
    assertInScope(scope, u.path);
    return u;
  }

  private assertWriter(scope: Scope) {
    assertMay(scope.user, 'org.write');
  }

  /** Non-admins manage what lies below their own organisation, not the organisation itself. */
  private assertBelowOwn(scope: Scope, u: UnitRow, what: string) {
    if (!isTop(scope.user) && (u.path === scope.ownPath || !u.path.startsWith(scope.ownPath))) {
      throw forbidden(`Only a higher level may ${what} this organisation`);
    }
  }

  private assertFields(scope: Scope, dto: { divisionCode?: string; department?: boolean }) {
    if (dto.divisionCode !== undefined && !isTop(scope.user)) {
      throw badRequest('Field divisionCode may only be set by an admin (it comes from the national division codes)', [{ field: 'divisionCode', errors: ['not allowed for your role'] }], 'FIELD_NOT_ALLOWED');
    }
    // Which units answer a street's whistle is the county's decision (街呼县应).
    if (dto.department !== undefined && !isTop(scope.user)) {
      throw badRequest('只有组织部管理员可以标记县直部门', [{ field: 'department', errors: ['not allowed for your role'] }], 'FIELD_NOT_ALLOWED');
    }
  }

  async roots(user: AuthUser): Promise<UnitView[]> {
    const scope = await this.scope(user);
    const ids = scope.paths.map((p) => pathIds(p).at(-1)!);
    return (await this.repo.findByIds(ids)).map(view);
  }

  async get(user: AuthUser, id: number): Promise<UnitView> {
    const scope = await this.scope(user);
    const u = await this.visible(scope, id);
    const ancestorIds = pathIds(u.path).slice(0, -1);
    const ancestors = (await this.repo.findByIds(ancestorIds))
      .filter((a) => inScope(a.path, scope.paths))
      .sort((a, b) => a.depth - b.depth)
      .map((a) => ({ id: a.id, name: a.name, type: a.type }));
    return { ...view(u), ancestors };
  }

  async children(user: AuthUser, id: number, asOf: string | undefined, includeArchived: boolean): Promise<UnitView[]> {
    const scope = await this.scope(user);
    await this.visible(scope, id);
    const rows = asOf ? await this.repo.childrenAsOf(id, asOf) : await this.repo.children(id, includeArchived);
    // A unit's staff see their reported communities, but not siblings of them.
    return rows.filter((r) => inScope(r.path, scope.paths)).map(view);
  }

  async search(user: AuthUser, q: string, type: OrgType | undefined, limit: number) {
    const scope = await this.scope(user);
    const rows = await this.repo.search(q, scope.paths, type, Math.min(limit, 50));
    const ancestorIds = [...new Set(rows.flatMap((r) => pathIds(r.path).slice(0, -1)))];
    const byId = new Map((await this.repo.findByIds(ancestorIds)).filter((a) => inScope(a.path, scope.paths)).map((a) => [a.id, a]));
    return rows.map((r) => ({
      ...view(r),
      ancestors: pathIds(r.path).slice(0, -1).filter((i) => byId.has(i)).map((i) => ({ id: i, name: byId.get(i)!.name, type: byId.get(i)!.type })),
    }));
  }

  async allowedChildTypes(user: AuthUser, id: number): Promise<OrgType[]> {
    const scope = await this.scope(user);
    const u = await this.visible(scope, id);
    if (!may(user, 'org.write') || u.validTo) return [];
    return [...ALLOWED_CHILDREN[u.type]];
  }

  async create(ctx: Ctx, dto: CreateUnitDto): Promise<UnitView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope);
    this.assertFields(scope, dto);
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      await repo.lockTree('shared');
      const parent = await this.visible(scope, dto.parentId, repo, 'FOR SHARE');
      if (parent.validTo) throw conflict('The parent organisation is archived', 'PARENT_ARCHIVED');
      if (!ALLOWED_CHILDREN[parent.type].includes(dto.type)) {
        throw badRequest(`A ${dto.type} cannot be placed under a ${parent.type}`, [{ field: 'type', errors: [`allowed under ${parent.type}: ${ALLOWED_CHILDREN[parent.type].join(', ') || 'none'}`] }], 'TYPE_RULE');
      }
      if (dto.department && dto.type !== 'work_unit') throw badRequest('只有工作单位可以标记为县直部门', [{ field: 'department', errors: ['only a work_unit can be a department'], code: 'departmentWorkUnitOnly' }], 'VALIDATION_FAILED');
      const validFrom = dto.validFrom ?? today();
      if (validFrom < parent.validFrom) throw badRequest(`validFrom ${validFrom} is before the parent was founded (${parent.validFrom})`, [{ field: 'validFrom', errors: ['before parent'], code: 'beforeParentFounded', params: { date: parent.validFrom } }], 'VALIDATION_FAILED');
      const id = await repo.nextId();
      const row = {
        id,
        type: dto.type,
        name: dto.name.trim(),
        divisionCode: dto.divisionCode ?? null,
        parentId: parent.id,
        path: `${parent.path}${id}/`,
        depth: parent.depth + 1,
        contacts: { ...(dto.contacts ?? {}) },
        attributes: dto.attributes ?? {},
        department: dto.department ?? false,
        validFrom,
        validTo: null,
      };
      await repo.insert(row);
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'org.create', entityType: 'org_unit', entityId: id, after: view(created), reason: dto.reason, requestId: ctx.requestId });
      await emitUnitChange(m, 'org.unit.created', created, ctx.user.username);
      return view(created);
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateUnitDto): Promise<UnitView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope);
    this.assertFields(scope, dto);
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await this.visible(scope, id, repo, 'FOR UPDATE');
      if (!isTop(scope.user) && !before.path.startsWith(scope.ownPath)) throw notFound('Organisation');
      if (before.version !== dto.version) throw conflict('The organisation was changed by someone else; reload it', 'STALE_VERSION');
      if (before.validTo) throw conflict('An archived organisation cannot be edited', 'ARCHIVED');
      const name = dto.name?.trim() ?? before.name;
      if (dto.department && before.type !== 'work_unit') throw badRequest('只有工作单位可以标记为县直部门', [{ field: 'department', errors: ['only a work_unit can be a department'], code: 'departmentWorkUnitOnly' }], 'VALIDATION_FAILED');
      const ok = await repo.updateFields(id, dto.version, {
        department: dto.department ?? before.department,
        name,
        divisionCode: dto.divisionCode ?? before.divisionCode,
        contacts: dto.contacts ? { ...dto.contacts } : before.contacts,
        attributes: dto.attributes ?? before.attributes,
      });
      if (!ok) throw conflict('The organisation was changed by someone else; reload it', 'STALE_VERSION');
      if (name !== before.name) await repo.recordVersion(id, { parentId: before.parentId, name, type: before.type }, today());
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'org.update', entityType: 'org_unit', entityId: id, before: view(before), after: view(after), reason: dto.reason, requestId: ctx.requestId });
      await emitUnitChange(m, name !== before.name ? 'org.unit.renamed' : 'org.unit.updated', after, ctx.user.username);
      return view(after);
    });
  }

  async archive(ctx: Ctx, id: number, dto: ArchiveUnitDto): Promise<UnitView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope);
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await this.visible(scope, id, repo, 'FOR UPDATE');
      if (before.parentId === null) throw badRequest('The root organisation cannot be archived', undefined, 'ROOT');
      this.assertBelowOwn(scope, before, 'archive');
      if (before.version !== dto.version) throw conflict('The organisation was changed by someone else; reload it', 'STALE_VERSION');
      if (before.validTo) throw conflict('The organisation is already archived', 'ARCHIVED');
      const validTo = dto.validTo ?? today();
      if (validTo < before.validFrom || validTo > today()) {
        throw badRequest(`validTo must lie between ${before.validFrom} and today`, [{ field: 'validTo', errors: ['out of range'], code: 'dateBetween', params: { from: before.validFrom, to: today() } }], 'VALIDATION_FAILED');
      }
      const active = await repo.activeChildCount(id);
      if (active > 0) throw conflict(`Archive or move its ${active} active sub-organisations first`, 'HAS_CHILDREN');
      if (!(await repo.archive(id, dto.version, validTo))) throw conflict('The organisation was changed by someone else; reload it', 'STALE_VERSION');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'org.archive', entityType: 'org_unit', entityId: id, before: view(before), after: view(after), reason: dto.reason, requestId: ctx.requestId });
      await emitUnitChange(m, 'org.unit.archived', after, ctx.user.username);
      return view(after);
    });
  }

  async move(ctx: Ctx, id: number, dto: MoveUnitDto): Promise<UnitView & { movedCount: number }> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope);
    const effective = dto.effectiveDate ?? today();
    if (effective > today()) throw badRequest('effectiveDate cannot lie in the future', [{ field: 'effectiveDate', errors: ['future'], code: 'futureDate' }], 'VALIDATION_FAILED');
    const moved = await this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      await repo.lockTree('exclusive');
      const node = await this.visible(scope, id, repo, 'FOR UPDATE');
      if (node.parentId === null) throw badRequest('The root organisation cannot be moved', undefined, 'ROOT');
      this.assertBelowOwn(scope, node, 'move');
      if (node.version !== dto.version) throw conflict('The organisation was changed by someone else; reload it', 'STALE_VERSION');
      if (node.validTo) throw conflict('An archived organisation cannot be moved', 'ARCHIVED');
      const target = await this.visible(scope, dto.newParentId, repo, 'FOR UPDATE');
      if (target.validTo) throw conflict('The new parent is archived', 'PARENT_ARCHIVED');
      if (target.path.startsWith(node.path)) throw badRequest('An organisation cannot be moved into its own subtree', [{ field: 'newParentId', errors: ['inside the moved subtree'] }], 'CYCLE');
      if (target.id === node.parentId) throw badRequest('The organisation already sits under this parent', [{ field: 'newParentId', errors: ['same parent'] }], 'SAME_PARENT');
      if (!ALLOWED_CHILDREN[target.type].includes(node.type)) {
        throw badRequest(`A ${node.type} cannot be placed under a ${target.type}`, [{ field: 'newParentId', errors: ['type rule'] }], 'TYPE_RULE');
      }
      if (effective < node.validFrom || effective < target.validFrom) {
        throw badRequest('effectiveDate is before the organisation or its new parent existed', [{ field: 'effectiveDate', errors: ['too early'], code: 'beforeFounded', params: { date: node.validFrom > target.validFrom ? node.validFrom : target.validFrom } }], 'VALIDATION_FAILED');
      }
      const lastChange = await repo.lastVersionChange(id);
      if (lastChange && effective < lastChange) {
        throw new AppError(409, 'HISTORY_CONFLICT', `effectiveDate must not precede the last recorded change (${lastChange})`, [
          { field: 'effectiveDate', errors: ['before the last recorded change'], code: 'beforeLastChange', params: { date: lastChange } },
        ]);
      }
      const movedCount = await repo.moveSubtree(node, target);
      await repo.recordVersion(id, { parentId: target.id, name: node.name, type: node.type }, effective);
      const after = (await repo.findById(id))!;
      await writeAudit(m, {
        actor: ctx.user, action: 'org.move', entityType: 'org_unit', entityId: id,
        before: { ...view(node), parentName: undefined }, after: { ...view(after), movedCount, effectiveDate: effective },
        reason: dto.reason, requestId: ctx.requestId,
      });
      await emitUnitChange(m, 'org.unit.moved', after, ctx.user.username);
      return { ...view(after), movedCount };
    });
    // Paths changed: scope must be read afresh (after the commit, so no reader caches the old ones).
    clearScopeCache();
    return moved;
  }
}
