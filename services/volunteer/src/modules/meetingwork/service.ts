import type { DataSource } from 'typeorm';
import { badRequest, type CommunityDirectory, writeAudit } from '@redheart/shared';
import { assertMay } from '../../policy';
import type { Ctx, ItemService, MeetingLink } from '../items/service';
import type { MeetingWorkDto } from './dto';
import { type MeetingWork, MeetingWorkRepository } from './repository';

/**
 * A joint committee meeting's decision made into work here, with the caller's role and scope rules as if they had
 * made the item or project themselves. One piece of work per decision: asked again (the org service retrying after
 * a lost answer), it answers with the work it made the first time (`made: false`).
 */
export class MeetingWorkService {
  private readonly repo: MeetingWorkRepository;

  constructor(private readonly db: DataSource, private readonly items: ItemService, private readonly communities: CommunityDirectory) {
    this.repo = new MeetingWorkRepository(db);
  }

  async make(ctx: Ctx, dto: MeetingWorkDto): Promise<{ made: boolean; work: MeetingWork }> {
    const link: MeetingLink = { meetingId: dto.meetingId, decisionId: dto.decisionId, title: dto.meetingTitle };
    const before = await this.repo.byDecision(dto.decisionId);
    if (before) return { made: false, work: before };
    try {
      const work = await this.db.transaction(async (m): Promise<MeetingWork> => {
        if (dto.kind === 'item') {
          if (!dto.categoryId || !dto.place) throw badRequest('categoryId and place are required for an item', [{ field: dto.categoryId ? 'place' : 'categoryId', errors: ['required'] }], 'VALIDATION_FAILED');
          const item = await this.items.create(ctx, {
            communityId: dto.communityId, categoryId: dto.categoryId, place: dto.place, description: dto.description ?? dto.meetingTitle,
          }, m, link);
          return { kind: 'item', id: Number(item.id), no: item.itemNo as string, communityId: dto.communityId };
        }
        assertMay(ctx.user, 'project.fromMeeting');
        if (!dto.name) throw badRequest('name is required for a project', [{ field: 'name', errors: ['required'] }], 'VALIDATION_FAILED');
        await this.communities.visible(m, ctx.user, dto.communityId);
        const id = await this.repo.insertProject(m, { communityId: dto.communityId, name: dto.name, budgetYuan: dto.budgetYuan ?? 0, meetingId: dto.meetingId, decisionId: dto.decisionId, meetingTitle: dto.meetingTitle });
        await writeAudit(m, { actor: ctx.user, action: 'project.create', entityType: 'project', entityId: id, after: { ...dto }, requestId: ctx.requestId });
        return { kind: 'project', id, no: null, communityId: dto.communityId };
      });
      return { made: true, work };
    } catch (err) {
      // two requests for one decision at once: the second finds the first's work
      if ((err as { code?: string }).code === '23505') {
        const again = await this.repo.byDecision(dto.decisionId);
        if (again) return { made: false, work: again };
      }
      throw err;
    }
  }
}
