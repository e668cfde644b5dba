import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, badRequest, conflict, notFound, writeAudit } from '@redheart/shared';
import type { Ctx } from '../items/service';
import type { MemberGroupRef } from './repository';
import type { GroupDto, GroupPatchDto, MemberGroupDto } from './dto';
import { MemberGroupRepository } from './repository';

/**
 * 红色引航·众彩绽放: the member groups (服务队) whose work clothes carry their colour. Everyone signed in reads
 * them (with how many approved members of each they can see); admins add and edit them; the community puts
 * its members into one (404 outside scope as the other member routes).
 */
export class MemberGroupService {
  private readonly repo: MemberGroupRepository;

  constructor(private readonly db: DataSource) {
    this.repo = new MemberGroupRepository(db);
  }

  groups(user: AuthUser) {
    return this.repo.groups(user.scopePaths);
  }

  /** Two groups of one name would be two teams nobody can tell apart on a roster: 400 naming the field. */
  private async assertNameFree(m: EntityManager, name: string): Promise<void> {
    if (await this.repo.nameTaken(m, name)) throw badRequest('A member group of this name exists already', [{ field: 'name', errors: ['taken'] }], 'DUPLICATE_NAME');
  }

  async create(ctx: Ctx, dto: GroupDto) {
    return this.db.transaction(async (m) => {
      await this.assertNameFree(m, dto.name.trim());
      const out = await this.repo.insert(m, { name: dto.name.trim(), nameEn: dto.nameEn?.trim() || null, color: dto.color.toUpperCase(), sort: dto.sort ?? 0 });
      await writeAudit(m, { actor: ctx.user, action: 'member_group.create', entityType: 'member_group', entityId: out.id, after: out, requestId: ctx.requestId });
      return out;
    });
  }

  async update(ctx: Ctx, id: number, dto: GroupPatchDto) {
    return this.db.transaction(async (m) => {
      const cur = await this.repo.lock(m, id);
      if (!cur) throw notFound('Member group');
      if (dto.name !== undefined && dto.name.trim() !== cur.name) await this.assertNameFree(m, dto.name.trim());
      const row = await this.repo.update(m, id, dto.version, {
        name: dto.name?.trim() ?? cur.name, nameEn: dto.nameEn === undefined ? cur.nameEn : dto.nameEn.trim() || null, color: dto.color?.toUpperCase() ?? cur.color, sort: dto.sort ?? cur.sort,
      });
      if (!row) throw conflict('The member group was changed by someone else; reload it', 'STALE_VERSION');
      await writeAudit(m, { actor: ctx.user, action: 'member_group.update', entityType: 'member_group', entityId: id, before: cur, after: row, requestId: ctx.requestId });
      return row;
    });
  }

  /** Puts a reported member (in scope) into a group, or into none. */
  async setMemberGroup(ctx: Ctx, id: number, dto: MemberGroupDto) {
    return this.db.transaction(async (m) => {
      const row = await this.repo.lockMember(m, id);
      if (!row || !ctx.user.scopePaths.some((p) => row.path.startsWith(p))) throw notFound('Member');
      let group: MemberGroupRef | null = null;
      if (dto.groupId !== null) {
        group = (await this.repo.ref(m, dto.groupId)) ?? null;
        if (!group) throw badRequest('No member group has this id', [{ field: 'groupId', errors: ['names no member group'] }], 'VALIDATION_FAILED');
      }
      const before = row.group_id === null ? null : Number(row.group_id);
      const version = await this.repo.setMemberGroup(m, id, dto.groupId);
      if (before !== dto.groupId) {
        await writeAudit(m, { actor: ctx.user, action: 'member.group', entityType: 'member', entityId: id, before: { groupId: before }, after: { groupId: dto.groupId }, requestId: ctx.requestId });
      }
      return { id, groupId: dto.groupId, group, version };
    });
  }
}
