import type { EntityManager } from 'typeorm';
import { badRequest, conflict, notFound, writeAudit } from '@redheart/shared';
import type { UnitRow } from '../units/repository';
import { type Ctx, OrgRecordService, staleVersion } from '../org-records';
import type { CreateCompoundDto, UpdateCompoundDto } from './dto';
import { type CompoundFields, CompoundRepository, type CompoundView } from './repository';

export class CompoundService extends OrgRecordService {
  private readonly repo = new CompoundRepository(this.ds.manager);

  async list(ctx: Ctx, communityId: number): Promise<CompoundView[]> {
    const scope = await this.scope(ctx.user);
    await this.unitOfType(scope, communityId, ['community_committee'], 'Compounds');
    return this.repo.listForCommunity(communityId);
  }

  async create(ctx: Ctx, communityId: number, dto: CreateCompoundDto): Promise<CompoundView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'compounds');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, communityId, ['community_committee'], 'Compounds', m);
      this.assertActive(community);
      const propertyManaged = dto.propertyManaged ?? false;
      const fields: CompoundFields = {
        name: dto.name.trim(),
        households: dto.households ?? 0,
        propertyManaged,
        propertyCompany: dto.propertyCompany?.trim() || null,
        branchId: dto.branchId ?? null,
        branchPlanned: dto.branchPlanned ?? false,
      };
      const repo = this.repo.with(m);
      await this.assertRules(m, repo, community, fields, null);
      const id = await repo.insert(community.id, fields);
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'compound.create', entityType: 'compound', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateCompoundDto): Promise<CompoundView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'compounds');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Compound');
      const community = await this.owner(scope, before.communityId, 'Compound', m);
      if (before.version !== dto.version) throw staleVersion('compound');
      const propertyManaged = dto.propertyManaged ?? before.propertyManaged;
      const branchId = dto.branchId !== undefined ? dto.branchId : before.branchId;
      const fields: CompoundFields = {
        name: dto.name?.trim() ?? before.name,
        households: dto.households ?? before.households,
        propertyManaged,
        // A compound that is no longer property-managed has no property company: cleared unless the request names one.
        propertyCompany: dto.propertyCompany !== undefined ? dto.propertyCompany?.trim() || null : propertyManaged ? before.propertyCompany : null,
        branchId,
        // Linking a branch completes the plan for one.
        branchPlanned: dto.branchPlanned ?? (branchId !== null && branchId !== before.branchId ? false : before.branchPlanned),
      };
      await this.assertRules(m, repo, community, fields, id, before.branchId);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('compound');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'compound.update', entityType: 'compound', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }

  private async assertRules(m: EntityManager, repo: CompoundRepository, community: UnitRow, f: CompoundFields, selfId: number | null, previousBranchId: number | null = null) {
    if (f.propertyCompany !== null && !f.propertyManaged) {
      throw badRequest('Only a property-managed compound has a property company', [{ field: 'propertyCompany', errors: ['requires propertyManaged'] }], 'VALIDATION_FAILED');
    }
    if (f.branchId !== null && f.branchPlanned) {
      throw badRequest('A compound with a branch is not planning one', [{ field: 'branchPlanned', errors: ['must be false when branchId is set'] }], 'VALIDATION_FAILED');
    }
    if (await repo.nameTaken(community.id, f.name, selfId)) throw conflict(`${community.name} already has a compound named ${f.name}`, 'NAME_TAKEN');
    if (f.branchId !== null && f.branchId !== previousBranchId) {
      const branch = await this.units.with(m).findById(f.branchId);
      if (!branch || branch.type !== 'compound_branch' || branch.parentId !== community.id || branch.validTo) {
        throw badRequest(`branchId must name a current compound branch of ${community.name}`, [{ field: 'branchId', errors: ['not a compound branch of this community'] }], 'NOT_A_BRANCH_OF_COMMUNITY');
      }
      const other = await repo.compoundOfBranch(f.branchId, selfId);
      if (other) throw conflict(`${branch.name} is already the branch of ${other.name}`, 'BRANCH_TAKEN');
    }
  }
}
