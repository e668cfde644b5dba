import type { EntityManager } from 'typeorm';
import { badRequest, conflict, notFound, writeAudit } from '@redheart/shared';
import type { UnitRow } from '../units/repository';
import { communityOf, type Ctx, OrgRecordService, staleVersion } from '../org-records';
import type { CreateDeskDto, DeskWorkerDto, HotlineDto, UpdateDeskDto } from './dto';
import { DESK_CODE, type DeskFields, DeskRepository, type DeskView, type DeskWorker, type Hotline, type PublicDeskView } from './repository';

const workersOf = (ws: DeskWorkerDto[]): DeskWorker[] => ws.map((w) => ({ name: w.name.trim(), role: w.role.trim(), phone: w.phone.trim() }));
const hotlinesOf = (hs: HotlineDto[]): Hotline[] => hs.map((h) => ({ name: h.name.trim(), phone: h.phone.trim() }));

export class DeskService extends OrgRecordService {
  private readonly repo = new DeskRepository(this.ds.manager);

  async list(ctx: Ctx, orgId: number): Promise<DeskView[]> {
    const scope = await this.scope(ctx.user);
    const u = await this.unitOfType(scope, orgId, ['community_committee', 'building_group'], 'Convenience desks');
    return this.repo.listBy(u.type === 'community_committee' ? 'community_id' : 'building_group_id', u.id);
  }

  async create(ctx: Ctx, orgId: number, dto: CreateDeskDto): Promise<DeskView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'convenience desks');
    return this.ds.transaction(async (m) => {
      const u = await this.unitOfType(scope, orgId, ['community_committee', 'building_group'], 'Convenience desks', m);
      this.assertActive(u);
      let community: UnitRow;
      let buildingGroupId: number | null;
      if (u.type === 'building_group') {
        if (dto.buildingGroupId !== undefined && dto.buildingGroupId !== u.id) {
          throw badRequest('A desk created on a building group belongs to that group', [{ field: 'buildingGroupId', errors: ['differs from the organisation'] }], 'VALIDATION_FAILED');
        }
        const c = await communityOf(m, u);
        if (!c) throw badRequest('The building group does not lie in a community', undefined, 'NO_COMMUNITY');
        community = c;
        buildingGroupId = u.id;
      } else {
        community = u;
        buildingGroupId = dto.buildingGroupId ?? null;
      }
      const fields: DeskFields = { building: dto.building.trim(), buildingGroupId, workers: workersOf(dto.workers), hotlines: hotlinesOf(dto.hotlines) };
      const repo = this.repo.with(m);
      await this.assertBuildingGroup(m, repo, community, fields.buildingGroupId, null);
      const id = await repo.insert(community.id, fields);
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'desk.create', entityType: 'desk', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateDeskDto): Promise<DeskView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'convenience desks');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Desk');
      const community = await this.owner(scope, before.communityId, 'Desk', m);
      if (before.version !== dto.version) throw staleVersion('desk');
      const fields: DeskFields = {
        building: dto.building?.trim() ?? before.building,
        buildingGroupId: dto.buildingGroupId !== undefined ? dto.buildingGroupId : before.buildingGroupId,
        workers: dto.workers ? workersOf(dto.workers) : before.workers,
        hotlines: dto.hotlines ? hotlinesOf(dto.hotlines) : before.hotlines,
      };
      if (fields.buildingGroupId !== before.buildingGroupId) await this.assertBuildingGroup(m, repo, community, fields.buildingGroupId, id);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('desk');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'desk.update', entityType: 'desk', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }

  async findPublic(code: string): Promise<PublicDeskView> {
    if (!DESK_CODE.test(code)) throw badRequest('Malformed desk code', undefined, 'INVALID_CODE');
    const desk = await this.repo.findPublic(code);
    if (!desk) throw notFound('Desk');
    return desk;
  }

  /** A desk's building group lies in the desk's community, is current, and has no other desk. */
  private async assertBuildingGroup(m: EntityManager, repo: DeskRepository, community: UnitRow, groupId: number | null, selfId: number | null) {
    if (groupId === null) return;
    const group = await this.units.with(m).findById(groupId);
    if (!group || group.type !== 'building_group' || !group.path.startsWith(community.path) || group.validTo) {
      throw badRequest(`buildingGroupId must name a current building group of ${community.name}`, [{ field: 'buildingGroupId', errors: ['not a building group of this community'] }], 'NOT_IN_COMMUNITY');
    }
    const existing = await repo.deskOfBuildingGroup(groupId, selfId);
    if (existing) throw conflict(`${group.name} already has a convenience desk (${existing.building})`, 'DESK_EXISTS');
  }
}
