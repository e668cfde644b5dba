import { badRequest, conflict, notFound, writeAudit } from '@redheart/shared';
import { type Ctx, OrgRecordService, today } from '../org-records';
import type { CreateCadreAssignmentDto, EndCadreAssignmentDto } from './dto';
import { CadreRepository, type CadreView } from './repository';

export class CadreService extends OrgRecordService {
  private readonly repo = new CadreRepository(this.ds.manager);

  /** For a community: cadres linked to it and to its grids; for a street: all of its cadres' assignments. */
  async list(ctx: Ctx, orgId: number, includeEnded: boolean): Promise<CadreView[]> {
    const scope = await this.scope(ctx.user);
    const u = await this.unitOfType(scope, orgId, ['community_committee', 'street_committee'], 'Cadre assignments');
    return this.repo.list(u.type === 'street_committee' ? 'street_id' : 'community_id', u.id, includeEnded);
  }

  async assign(ctx: Ctx, dto: CreateCadreAssignmentDto): Promise<CadreView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'cadre assignments');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, dto.communityId, ['community_committee'], 'Cadre assignments', m);
      this.assertActive(community);
      // The street is the community's own: a cadre of one street is never linked to another street's community.
      const street = community.parentId === null ? undefined : await this.units.with(m).findById(community.parentId);
      if (!street || street.type !== 'street_committee') {
        throw badRequest(`${community.name} does not hang under a street working committee`, undefined, 'NO_STREET');
      }
      // One writer at a time per community, so "one current cadre per grid" holds under concurrency.
      await this.lockUnit(m, community.id);
      const gridId = dto.gridId ?? null;
      if (gridId !== null) {
        const grid = await this.repo.with(m).gridOf(gridId);
        if (!grid || grid.communityId !== community.id) {
          throw badRequest('The grid does not belong to this community', [{ field: 'gridId', errors: ['not a grid of communityId'] }], 'GRID_NOT_IN_COMMUNITY');
        }
        if (grid.validTo) throw badRequest('The grid is archived', [{ field: 'gridId', errors: ['archived'] }], 'ARCHIVED');
      }
      const repo = this.repo.with(m);
      const cadreName = dto.cadreName.trim();
      if (gridId !== null) {
        const holder = await repo.currentForGrid(gridId);
        if (holder) throw conflict(`Grid ${holder.gridCode} is already looked after by ${holder.cadreName}; end that assignment first`, 'GRID_TAKEN');
      } else if (await repo.currentDuplicate(community.id, null, cadreName)) {
        throw conflict(`${cadreName} is already linked to ${community.name}`, 'DUPLICATE_ASSIGNMENT');
      }
      const id = await repo.insert({
        cadreName, phone: dto.phone?.trim() || null, streetId: street.id, communityId: community.id, gridId, startDate: dto.startDate ?? today(),
      });
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'cadre.assign', entityType: 'cadre_assignment', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async end(ctx: Ctx, id: number, dto: EndCadreAssignmentDto): Promise<CadreView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'cadre assignments');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Cadre assignment');
      await this.owner(scope, before.communityId, 'Cadre assignment', m);
      if (before.endDate !== null && before.endDate <= today()) throw conflict(`This assignment already ended on ${before.endDate}`, 'ALREADY_ENDED');
      const endDate = dto.endDate ?? today();
      if (endDate < before.startDate || endDate > today()) {
        throw badRequest(`endDate must lie between ${before.startDate} and today`, [{ field: 'endDate', errors: ['out of range'] }], 'VALIDATION_FAILED');
      }
      if (!(await repo.end(id, endDate))) throw conflict('The assignment was ended by someone else', 'ALREADY_ENDED');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'cadre.end', entityType: 'cadre_assignment', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }
}
