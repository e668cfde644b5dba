import type { FastifyInstance } from 'fastify';
import { IsInt, IsOptional, IsString, Length, Matches, MaxLength, Min, ValidateIf } from 'class-validator';
import { assertRole, badRequest, conflict, likeEscape, notFound, parseDto, parseId, type Role, rowsOf, scopeSql, writeAudit } from '@redheart/shared';

const HEX = /^#[0-9a-fA-F]{6}$/;
const COLOR_MESSAGE = 'color must be a hex colour such as #D7000F';

class GroupDto {
  @IsString() @Length(1, 20) @Matches(/\S/, { message: 'name must not be blank' }) name: string;
  @IsOptional() @IsString() @MaxLength(60) nameEn?: string;
  @IsString() @Matches(HEX, { message: COLOR_MESSAGE }) color: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
class GroupPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 20) @Matches(/\S/, { message: 'name must not be blank' }) name?: string;
  @IsOptional() @IsString() @MaxLength(60) nameEn?: string;
  @IsOptional() @IsString() @Matches(HEX, { message: COLOR_MESSAGE }) color?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
class MemberGroupDto {
  /** The group, or null: the member belongs to none. */
  @ValidateIf((o: MemberGroupDto) => o.groupId !== null) @IsInt() @Min(1) groupId: number | null;
}

/** Who puts a member into a group: the community that approved them (and the county admin), as for the member's report. */
const GROUP_SETTERS: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];

const COLUMNS = `g.id, g.name, g.name_en AS "nameEn", g.color, g.sort, g.version`;

const int = { type: 'integer' } as const;
const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
/** A group as every answer shows it (rosters, the board, member lists). */
export const groupSchema = { type: 'object', properties: { id: int, name: s, nameEn: ns, color: s } } as const;
const groupRowSchema = { type: 'object', properties: { id: int, name: s, nameEn: ns, color: s, sort: int, version: int, members: int } } as const;

/**
 * 红色引航·众彩绽放: the member groups (服务队) whose work clothes carry their colour. Everyone signed in reads
 * them (with how many approved members of each they can see); admins add and edit them; the community puts
 * its members into one (PUT /members/:id/group, 404 outside scope as the other member routes).
 */
export default async function memberGroupRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/member-groups', {
    schema: {
      tags: ['reports'],
      summary: 'The member groups (服务队) and their colours, with the number of approved members of each in the caller’s scope',
      response: { 200: { type: 'array', items: groupRowSchema } },
    },
    handler: async (req) => {
      const params = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
      return app.db.query(
        `SELECT ${COLUMNS},
                (SELECT count(*) FROM member m JOIN community_ref cr ON cr.id = m.community_id
                  WHERE m.group_id = g.id AND m.status = 'approved' AND ${scopeSql('cr.path', req.user.scopePaths, 1)})::int AS members
           FROM member_group g ORDER BY g.sort, g.id`,
        params,
      );
    },
  });

  app.post('/api/volunteer/member-groups', {
    schema: { tags: ['reports'], summary: 'Add a member group with its colour (admins)', dto: { body: GroupDto } },
    handler: async (req, reply) => {
      assertRole(req.user, ['admin'], '只有管理员可以修改服务队');
      const dto = await parseDto(GroupDto, req.body);
      const row = await app.db.transaction(async (m) => {
        await assertNameFree(m, dto.name.trim());
        const r = await m.query(
          `INSERT INTO member_group (name, name_en, color, sort) VALUES ($1, $2, $3, $4) RETURNING id`,
          [dto.name.trim(), dto.nameEn?.trim() || null, dto.color.toUpperCase(), dto.sort ?? 0],
        );
        const out = (await m.query(`SELECT ${COLUMNS} FROM member_group g WHERE g.id = $1`, [r[0].id]))[0];
        await writeAudit(m, { actor: req.user, action: 'member_group.create', entityType: 'member_group', entityId: out.id, after: out, requestId: req.id });
        return out;
      });
      return reply.status(201).send(row);
    },
  });

  app.patch<{ Params: { id: string } }>('/api/volunteer/member-groups/:id', {
    schema: { tags: ['reports'], summary: 'Rename, recolour or reorder a member group (admins)', dto: { body: GroupPatchDto } },
    handler: async (req) => {
      assertRole(req.user, ['admin'], '只有管理员可以修改服务队');
      const id = parseId(req.params.id, 'Member group');
      const dto = await parseDto(GroupPatchDto, req.body);
      return app.db.transaction(async (m) => {
        const cur = (await m.query(`SELECT ${COLUMNS} FROM member_group g WHERE g.id = $1 FOR UPDATE`, [id]))[0];
        if (!cur) throw notFound('Member group');
        if (dto.name !== undefined && dto.name.trim() !== cur.name) await assertNameFree(m, dto.name.trim());
        const r = rowsOf<Record<string, unknown>>(await m.query(
          `UPDATE member_group g SET name = $3, name_en = $4, color = $5, sort = $6, version = version + 1 WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
          [id, dto.version, dto.name?.trim() ?? cur.name, dto.nameEn === undefined ? cur.nameEn : dto.nameEn.trim() || null, dto.color?.toUpperCase() ?? cur.color, dto.sort ?? cur.sort],
        ));
        if (!r.length) throw conflict('The member group was changed by someone else; reload it', 'STALE_VERSION');
        await writeAudit(m, { actor: req.user, action: 'member_group.update', entityType: 'member_group', entityId: id, before: cur, after: r[0], requestId: req.id });
        return r[0];
      });
    },
  });

  app.put<{ Params: { id: string } }>('/api/volunteer/members/:id/group', {
    schema: {
      tags: ['reports'],
      summary: 'Put a reported member into a group, or into none (groupId: null); community staff within scope',
      response: { 200: { type: 'object', properties: { id: int, groupId: { type: ['integer', 'null'] }, group: { ...groupSchema, type: ['object', 'null'] }, version: int } } }, dto: { body: MemberGroupDto }
    },
    handler: async (req) => {
      assertRole(req.user, GROUP_SETTERS, '只有社区可以调整党员的服务队');
      const id = parseId(req.params.id, 'Member');
      const dto = await parseDto(MemberGroupDto, req.body);
      return app.db.transaction(async (m) => {
        const rows = await m.query(`SELECT mb.group_id, cr.path FROM member mb JOIN community_ref cr ON cr.id = mb.community_id WHERE mb.id = $1 FOR UPDATE OF mb`, [id]);
        if (!rows[0] || !req.user.scopePaths.some((p) => rows[0].path.startsWith(p))) throw notFound('Member');
        let group: { id: number; name: string; nameEn: string | null; color: string } | null = null;
        if (dto.groupId !== null) {
          group = (await m.query(`SELECT g.id, g.name, g.name_en AS "nameEn", g.color FROM member_group g WHERE g.id = $1`, [dto.groupId]))[0] ?? null;
          if (!group) throw badRequest('No member group has this id', [{ field: 'groupId', errors: ['names no member group'] }], 'VALIDATION_FAILED');
        }
        const before = rows[0].group_id === null ? null : Number(rows[0].group_id);
        const upd = await m.query(`UPDATE member SET group_id = $2, version = version + 1 WHERE id = $1 RETURNING version`, [id, dto.groupId]);
        if (before !== dto.groupId) {
          await writeAudit(m, { actor: req.user, action: 'member.group', entityType: 'member', entityId: id, before: { groupId: before }, after: { groupId: dto.groupId }, requestId: req.id });
        }
        return { id, groupId: dto.groupId, group, version: rowsOf<{ version: number }>(upd)[0].version };
      });
    },
  });
}

/** Two groups of one name would be two teams nobody can tell apart on a roster: 400 naming the field. */
async function assertNameFree(m: { query: (sql: string, params?: unknown[]) => Promise<unknown[]> }, name: string): Promise<void> {
  const taken = await m.query(`SELECT 1 FROM member_group WHERE name = $1`, [name]);
  if (taken.length) throw badRequest('A member group of this name exists already', [{ field: 'name', errors: ['taken'] }], 'DUPLICATE_NAME');
}
