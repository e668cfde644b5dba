import { badRequest, conflict, notFound, writeAudit } from '@redheart/shared';
import { assertMay } from '../../policy';
import { type Ctx, OrgRecordService, staleVersion } from '../org-records';
import type { CreateCatalogueServiceDto, SetCommunityCatalogueDto, UpdateCatalogueServiceDto } from './dto';
import { emitCatalogueChange } from './events';
import { CatalogueRepository, type CatalogueServiceView, type ServiceFields } from './repository';

const codeTaken = (code: string) => conflict(`Service code ${code} is already in the catalogue`, 'CODE_TAKEN');
const cleanMaterials = (ms: string[]) => ms.map((x) => x.trim()).filter(Boolean);

export class CatalogueServiceService extends OrgRecordService {
  private readonly repo = new CatalogueRepository(this.ds.manager);

  /** The catalogue is the county's, one for all: every logged-in user may read it. */
  search(q: string | undefined, category: string | undefined): Promise<CatalogueServiceView[]> {
    return this.repo.search(q?.trim() || undefined, category?.trim() || undefined);
  }

  async create(ctx: Ctx, dto: CreateCatalogueServiceDto): Promise<CatalogueServiceView> {
    assertMay(ctx.user, 'catalogue.write');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      if (await repo.codeTaken(dto.code, null)) throw codeTaken(dto.code);
      const id = await repo.insert({
        code: dto.code, name: dto.name.trim(), category: dto.category.trim(), materials: cleanMaterials(dto.materials),
        timeLimitDays: dto.timeLimitDays, description: dto.description?.trim() || null,
      });
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'catalogue.create', entityType: 'catalogue_service', entityId: id, after: created, requestId: ctx.requestId });
      // the household service's copy (一网通办 applications) follows by event
      await emitCatalogueChange(m, 'org.catalogue.created', created, ctx.user.username);
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateCatalogueServiceDto): Promise<CatalogueServiceView> {
    assertMay(ctx.user, 'catalogue.write');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Catalogue service');
      if (before.version !== dto.version) throw staleVersion('catalogue service');
      const fields: ServiceFields = {
        code: dto.code ?? before.code,
        name: dto.name?.trim() ?? before.name,
        category: dto.category?.trim() ?? before.category,
        materials: dto.materials ? cleanMaterials(dto.materials) : before.materials,
        timeLimitDays: dto.timeLimitDays ?? before.timeLimitDays,
        description: dto.description !== undefined ? dto.description?.trim() || null : before.description,
      };
      if (fields.code !== before.code && (await repo.codeTaken(fields.code, id))) throw codeTaken(fields.code);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('catalogue service');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'catalogue.update', entityType: 'catalogue_service', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      await emitCatalogueChange(m, 'org.catalogue.updated', after, ctx.user.username);
      return after;
    });
  }

  async offeredBy(ctx: Ctx, communityId: number): Promise<CatalogueServiceView[]> {
    const scope = await this.scope(ctx.user);
    await this.unitOfType(scope, communityId, ['community_committee'], 'Service offers');
    return this.repo.offeredBy(communityId);
  }

  /** Sets what a community offers (一网通办 in that community) in one transaction. */
  async setOffered(ctx: Ctx, communityId: number, dto: SetCommunityCatalogueDto): Promise<CatalogueServiceView[]> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'what a community offers');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, communityId, ['community_committee'], 'Service offers', m);
      this.assertActive(community);
      await this.lockUnit(m, community.id);
      const repo = this.repo.with(m);
      const ids = [...new Set(dto.serviceIds)].sort((a, b) => a - b);
      const known = await repo.existingIds(ids);
      const unknown = ids.filter((i) => !known.has(i));
      if (unknown.length) {
        throw badRequest(`Not in the catalogue: ${unknown.join(', ')}`, [{ field: 'serviceIds', errors: unknown.map((i) => `unknown service ${i}`) }], 'UNKNOWN_SERVICE');
      }
      const before = await repo.offeredIds(community.id);
      await repo.setOffered(community.id, ids);
      await writeAudit(m, {
        actor: ctx.user, action: 'community_catalogue.set', entityType: 'community_catalogue', entityId: community.id,
        before: { serviceIds: before }, after: { serviceIds: ids }, reason: dto.reason, requestId: ctx.requestId,
      });
      return repo.offeredBy(community.id);
    });
  }
}
