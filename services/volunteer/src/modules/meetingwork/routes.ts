import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { assertRole, badRequest, notFound, parseDto, type Role, writeAudit } from '@redheart/shared';
import type { ItemService, MeetingLink } from '../items/service';

class MeetingWorkDto {
  @IsIn(['item', 'project']) kind: 'item' | 'project';
  @IsInt() @Min(1) meetingId: number;
  @IsInt() @Min(1) decisionId: number;
  @IsString() @Length(2, 80) meetingTitle: string;
  @IsInt() @Min(1) communityId: number;
  @IsOptional() @IsInt() @Min(1) categoryId?: number;
  @IsOptional() @IsString() @Length(2, 200) place?: string;
  @IsOptional() @IsString() @Length(4, 2000) description?: string;
  @IsOptional() @IsString() @Length(2, 80) name?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
}

/** Who may turn a decision into a project: as for projects made by hand (lists/routes.ts). */
const PROJECT_MAKERS: readonly Role[] = ['community_clerk', 'community_secretary', 'admin', 'street_admin'];

/**
 * The org service turns a joint committee meeting's decision into work here (never routed by the gateway: the
 * internal secret, which the gateway strips, plus the caller's own token, so the caller's role and scope rules
 * apply as if they had made the item or project themselves). One piece of work per decision: asked again (the
 * org service retrying after a lost answer), it answers with the work it made the first time.
 */
export default async function meetingWorkRoutes(app: FastifyInstance, opts: { items: ItemService; internalToken?: string }) {
  const expected = opts.internalToken ? Buffer.from(opts.internalToken) : undefined;
  app.addHook('onRequest', async (req) => {
    const given = req.headers['x-internal-token'];
    const buf = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!expected || !buf || buf.length !== expected.length || !timingSafeEqual(buf, expected)) throw notFound('Route');
  });
  app.addHook('onRequest', app.authenticate);

  app.post('/api/volunteer/internal/meeting-work', {
    schema: { hide: true, dto: { body: MeetingWorkDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(MeetingWorkDto, req.body);
      const link: MeetingLink = { meetingId: dto.meetingId, decisionId: dto.decisionId, title: dto.meetingTitle };
      const existing = async () => {
        const [row] = await app.db.query(
          `SELECT 'item' AS kind, id::int, item_no AS no, community_id::int AS "communityId" FROM item WHERE meeting_decision_id = $1
           UNION ALL SELECT 'project', id::int, NULL, community_id::int FROM project WHERE meeting_decision_id = $1`,
          [dto.decisionId],
        );
        return row as { kind: 'item' | 'project'; id: number; no: string | null; communityId: number } | undefined;
      };
      const before = await existing();
      if (before) return reply.status(200).send(before);
      try {
        const made = await app.db.transaction(async (m) => {
          if (dto.kind === 'item') {
            if (!dto.categoryId || !dto.place) throw badRequest('categoryId and place are required for an item', [{ field: dto.categoryId ? 'place' : 'categoryId', errors: ['required'] }], 'VALIDATION_FAILED');
            const item = await opts.items.create({ user: req.user, requestId: req.id }, {
              communityId: dto.communityId, categoryId: dto.categoryId, place: dto.place, description: dto.description ?? dto.meetingTitle,
            }, m, link);
            return { kind: 'item' as const, id: Number(item.id), no: item.itemNo as string, communityId: dto.communityId };
          }
          assertRole(req.user, PROJECT_MAKERS, '您的角色无权建立项目');
          if (!dto.name) throw badRequest('name is required for a project', [{ field: 'name', errors: ['required'] }], 'VALIDATION_FAILED');
          await app.volunteer.communities.visible(m, req.user, dto.communityId);
          const [row] = await m.query(
            `INSERT INTO project (community_id, name, budget_yuan, milestones, meeting_id, meeting_decision_id, meeting_title)
             VALUES ($1, $2, $3, '[]', $4, $5, $6) RETURNING id::int`,
            [dto.communityId, dto.name, dto.budgetYuan ?? 0, dto.meetingId, dto.decisionId, dto.meetingTitle],
          );
          await writeAudit(m, { actor: req.user, action: 'project.create', entityType: 'project', entityId: row.id, after: { ...dto }, requestId: req.id });
          return { kind: 'project' as const, id: row.id as number, no: null, communityId: dto.communityId };
        });
        return reply.status(201).send(made);
      } catch (err) {
        // two requests for one decision at once: the second finds the first's work
        if ((err as { code?: string }).code === '23505') {
          const again = await existing();
          if (again) return reply.status(200).send(again);
        }
        throw err;
      }
    },
  });
}
