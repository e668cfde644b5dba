import { conflict, notFound, writeAudit } from '@redheart/shared';
import { type Ctx, OrgRecordService, staleVersion, today } from '../org-records';
import type { CreateGridDto, UpdateGridDto } from './dto';
import { type GridFields, GridRepository, type GridView } from './repository';

const codeTaken = (code: string) => conflict(`Grid code ${code} is already used in this community`, 'GRID_CODE_TAKEN');
const blankToNull = (s: string | null | undefined) => s?.trim() || null;

export class GridService extends OrgRecordService {
  private readonly repo = new GridRepository(this.ds.manager);

  async list(ctx: Ctx, communityId: number): Promise<GridView[]> {
    const scope = await this.scope(ctx.user);
    await this.unitOfType(scope, communityId, ['community_committee'], 'Grids');
    return this.repo.listForCommunity(communityId);
  }

  async create(ctx: Ctx, communityId: number, dto: CreateGridDto): Promise<GridView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'grids');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, communityId, ['community_committee'], 'Grids', m);
      this.assertActive(community);
      const repo = this.repo.with(m);
      const fields: GridFields = {
        code: dto.code,
        name: dto.name.trim(),
        households: dto.households,
        workerName: blankToNull(dto.workerName),
        workerPhone: blankToNull(dto.workerPhone),
      };
      if (await repo.codeTaken(community.id, fields.code, null)) throw codeTaken(fields.code);
      const id = await repo.insert(community.id, fields, dto.validFrom ?? today());
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'grid.create', entityType: 'grid', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateGridDto): Promise<GridView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'grids');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Grid');
      await this.owner(scope, before.communityId, 'Grid', m);
      if (before.version !== dto.version) throw staleVersion('grid');
      if (before.validTo) throw conflict('An archived grid cannot be edited', 'ARCHIVED');
      const fields: GridFields = {
        code: dto.code ?? before.code,
        name: dto.name?.trim() ?? before.name,
        households: dto.households ?? before.households,
        workerName: dto.workerName !== undefined ? blankToNull(dto.workerName) : before.workerName,
        workerPhone: dto.workerPhone !== undefined ? blankToNull(dto.workerPhone) : before.workerPhone,
      };
      if (fields.code !== before.code && (await repo.codeTaken(before.communityId, fields.code, id))) throw codeTaken(fields.code);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('grid');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'grid.update', entityType: 'grid', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }
}
