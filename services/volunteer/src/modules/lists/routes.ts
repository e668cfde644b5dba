import type { FastifyInstance } from 'fastify';
import { ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { assertRole, badRequest, type CommunityDirectory, conflict, likeEscape, notFound, parseDto, parseId, parseQuery, type Role, rowsOf, scopeSql, writeAudit } from '@redheart/shared';

class CategoryDto {
  @IsString() @Length(2, 20) code: string;
  @IsString() @Length(1, 40) name: string;
  @IsOptional() @IsString() @MaxLength(80) nameEn?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
}
class CategoryPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(1, 40) name?: string;
  @IsOptional() @IsString() @MaxLength(80) nameEn?: string;
  @IsOptional() @IsInt() @Min(0) sort?: number;
  @IsOptional() @IsBoolean() active?: boolean;
}
class PracticalProjectDto {
  @IsString() @Length(2, 20) code: string;
  @IsString() @Length(2, 80) name: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsDateString({ strict: true }) @Length(10, 10) launchedOn: string;
  @IsOptional() @IsInt() @Min(0) @Max(100) progress?: number;
  @IsOptional() @IsIn(['planned', 'ongoing', 'done']) status?: string;
}
class PracticalProjectPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 80) name?: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsInt() @Min(0) @Max(100) progress?: number;
  @IsOptional() @IsIn(['planned', 'ongoing', 'done']) status?: string;
}
class CommunityFilter {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
}
const PROJECT_EDITORS: readonly Role[] = ['community_clerk', 'community_secretary', 'admin', 'street_admin'];
class ResourceDto {
  @IsString() @Length(2, 80) title: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsOptional() @IsInt() @Min(1) categoryId?: number;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1000) capacity?: number;
}
class MilestoneDto {
  @IsString() @Length(1, 80) title: string;
  @IsOptional() @IsDateString({ strict: true }) @Length(10, 10) due?: string;
  @IsOptional() @IsBoolean() done?: boolean;
}
class ProjectDto {
  @IsInt() @Min(1) communityId: number;
  @IsString() @Length(2, 80) name: string;
  @IsOptional() @IsInt() @Min(1) unitId?: number;
  @IsOptional() @IsInt() @Min(1) resourceId?: number;
  @IsOptional() @IsInt() @Min(1) practicalProjectId?: number;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones?: MilestoneDto[];
}
class ProjectPatchDto {
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsIn(['planned', 'ongoing', 'done']) status?: string;
  @IsOptional() @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) budgetYuan?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(30) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones?: MilestoneDto[];
}

const adminOnly = (role: Role) => {
  assertRole({ role }, ['admin'], '只有管理员可以修改此列表');
};

/** The three lists (needs are the items; here: resources and projects) and the editable reference data. */
export default async function listRoutes(app: FastifyInstance, opts: { communities: CommunityDirectory }) {
  app.addHook('onRequest', app.authenticate);

  app.get('/api/volunteer/categories', {
    schema: { tags: ['lists'], summary: 'The 41 service categories' },
    handler: async () => app.db.query(`SELECT id, code, name, name_en AS "nameEn", sort, active, version FROM service_category ORDER BY sort, id`),
  });
  app.post('/api/volunteer/categories', {
    schema: { tags: ['lists'], summary: 'Add a category (admins)', dto: { body: CategoryDto } },
    handler: async (req, reply) => {
      adminOnly(req.user.role);
      const dto = await parseDto(CategoryDto, req.body);
      const r = await app.db.transaction(async (m) => {
        const row = await m.query(`INSERT INTO service_category (code, name, name_en, sort) VALUES ($1,$2,$3,$4) RETURNING id, code, name, name_en AS "nameEn", sort, active, version`, [dto.code, dto.name, dto.nameEn ?? null, dto.sort ?? 0]);
        await writeAudit(m, { actor: req.user, action: 'category.create', entityType: 'service_category', entityId: row[0].id, after: dto, requestId: req.id });
        return row[0];
      });
      return reply.status(201).send(r);
    },
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/categories/:id', {
    schema: { tags: ['lists'], summary: 'Edit a category (admins)', dto: { body: CategoryPatchDto } },
    handler: async (req) => {
      adminOnly(req.user.role);
      const id = parseId(req.params.id, 'Category');
      const dto = await parseDto(CategoryPatchDto, req.body);
      return app.db.transaction(async (m) => {
        const cur = await m.query(`SELECT * FROM service_category WHERE id = $1 FOR UPDATE`, [id]);
        if (!cur[0]) throw notFound('Category');
        const r = rowsOf<Record<string, unknown>>(await m.query(
          `UPDATE service_category SET name = $3, name_en = $4, sort = $5, active = $6, version = version + 1 WHERE id = $1 AND version = $2
           RETURNING id, code, name, name_en AS "nameEn", sort, active, version`,
          [id, dto.version, dto.name ?? cur[0].name, dto.nameEn ?? cur[0].name_en, dto.sort ?? cur[0].sort, dto.active ?? cur[0].active],
        ));
        if (!r.length) throw conflict('The category was changed by someone else; reload it', 'STALE_VERSION');
        await writeAudit(m, { actor: req.user, action: 'category.update', entityType: 'service_category', entityId: id, before: cur[0], after: r[0], requestId: req.id });
        return r[0];
      });
    },
  });

  app.get('/api/volunteer/practical-projects', {
    schema: { tags: ['lists'], summary: 'The practical projects (惠民实事)' },
    handler: async () => app.db.query(`SELECT id, code, name, description, launched_on AS "launchedOn", progress, status, version FROM practical_project ORDER BY code`),
  });
  app.post('/api/volunteer/practical-projects', {
    schema: { tags: ['lists'], summary: 'Add a practical project (admins)', dto: { body: PracticalProjectDto } },
    handler: async (req, reply) => {
      adminOnly(req.user.role);
      const dto = await parseDto(PracticalProjectDto, req.body);
      const r = await app.db.transaction(async (m) => {
        const row = await m.query(
          `INSERT INTO practical_project (code, name, description, launched_on, progress, status) VALUES ($1,$2,$3,$4,$5,$6)
           RETURNING id, code, name, description, launched_on AS "launchedOn", progress, status, version`,
          [dto.code, dto.name, dto.description ?? null, dto.launchedOn, dto.progress ?? 0, dto.status ?? 'ongoing'],
        );
        await writeAudit(m, { actor: req.user, action: 'practical_project.create', entityType: 'practical_project', entityId: row[0].id, after: dto, requestId: req.id });
        return row[0];
      });
      return reply.status(201).send(r);
    },
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/practical-projects/:id', {
    schema: { tags: ['lists'], summary: 'Edit a practical project (admins)', dto: { body: PracticalProjectPatchDto } },
    handler: async (req) => {
      adminOnly(req.user.role);
      const id = parseId(req.params.id, 'Practical project');
      const dto = await parseDto(PracticalProjectPatchDto, req.body);
      return app.db.transaction(async (m) => {
        const cur = await m.query(`SELECT * FROM practical_project WHERE id = $1 FOR UPDATE`, [id]);
        if (!cur[0]) throw notFound('Practical project');
        const r = rowsOf<Record<string, unknown>>(await m.query(
          `UPDATE practical_project SET name = $3, description = $4, progress = $5, status = $6, version = version + 1 WHERE id = $1 AND version = $2
           RETURNING id, code, name, description, launched_on AS "launchedOn", progress, status, version`,
          [id, dto.version, dto.name ?? cur[0].name, dto.description ?? cur[0].description, dto.progress ?? cur[0].progress, dto.status ?? cur[0].status],
        ));
        if (!r.length) throw conflict('The project was changed by someone else; reload it', 'STALE_VERSION');
        await writeAudit(m, { actor: req.user, action: 'practical_project.update', entityType: 'practical_project', entityId: id, before: cur[0], after: r[0], requestId: req.id });
        return r[0];
      });
    },
  });

  app.get('/api/volunteer/resources', {
    schema: { tags: ['lists'], summary: 'Resources offered by units (a unit sees its own; communities what is offered to them)' },
    handler: async (req) => {
      const params: unknown[] = [];
      let where: string;
      if (req.user.role === 'unit_staff') {
        params.push(req.user.orgId);
        where = 'r.unit_id = $1';
      } else {
        params.push(...req.user.scopePaths.map((p) => `${likeEscape(p)}%`));
        where = `(r.community_id IS NULL OR r.community_id IN (SELECT id FROM community_ref cr WHERE ${scopeSql('cr.path', req.user.scopePaths, 1)}))`;
      }
      return app.db.query(
        `SELECT r.id, r.unit_id AS "unitId", u.name AS "unitName", r.community_id AS "communityId", r.category_id AS "categoryId", r.title, r.description, r.capacity
           FROM resource r JOIN unit_ref u ON u.id = r.unit_id WHERE ${where} ORDER BY r.id DESC LIMIT 500`,
        params,
      );
    },
  });
  app.post('/api/volunteer/resources', {
    schema: { tags: ['lists'], summary: 'A unit offers a resource', dto: { body: ResourceDto } },
    handler: async (req, reply) => {
      assertRole(req.user, ['unit_staff'], '资源由单位工作人员提供');
      const dto = await parseDto(ResourceDto, req.body);
      if (dto.communityId) {
        const rep = await app.db.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status = 'approved'`, [req.user.orgId, dto.communityId]);
        if (!rep.length) throw notFound('Community');
      }
      const r = await app.db.transaction(async (m) => {
        const row = await m.query(
          `INSERT INTO resource (unit_id, community_id, category_id, title, description, capacity) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
          [req.user.orgId, dto.communityId ?? null, dto.categoryId ?? null, dto.title, dto.description ?? null, dto.capacity ?? 1],
        );
        await writeAudit(m, { actor: req.user, action: 'resource.create', entityType: 'resource', entityId: row[0].id, after: dto, requestId: req.id });
        return row[0];
      });
      return reply.status(201).send({ id: r.id, ...dto });
    },
  });

  app.get('/api/volunteer/projects', {
    schema: { tags: ['lists'], summary: 'Projects matched from needs and resources, with budget and milestones', dto: { query: CommunityFilter } },
    handler: async (req) => {
      const q = await parseQuery(CommunityFilter, req.query);
      const params: unknown[] = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
      let only = '';
      if (q.communityId) {
        params.push((await opts.communities.visible(app.db.manager, req.user, q.communityId)).id);
        only = ` AND p.community_id = $${params.length}`;
      }
      return (await app.db.query(
        `SELECT p.id, p.community_id AS "communityId", cr.name AS "communityName", p.name, p.unit_id AS "unitId", u.name AS "unitName",
                p.practical_project_id AS "practicalProjectId", p.resource_id AS "resourceId", p.budget_yuan::float AS "budgetYuan", p.milestones, p.status, p.version, p.created_at AS "createdAt",
                p.meeting_id AS "meetingId", p.meeting_decision_id AS "meetingDecisionId", p.meeting_title AS "meetingTitle"
           FROM project p JOIN community_ref cr ON cr.id = p.community_id LEFT JOIN unit_ref u ON u.id = p.unit_id
          WHERE ${scopeSql('cr.path', req.user.scopePaths, 1)}${only} ORDER BY p.id DESC LIMIT 500`,
        params,
      )).map((p: { createdAt: Date }) => ({ ...p, createdAt: new Date(p.createdAt).toISOString() }));
    },
  });
  app.post('/api/volunteer/projects', {
    schema: { tags: ['lists'], summary: 'Match a need with a resource into a project (community staff)', dto: { body: ProjectDto } },
    handler: async (req, reply) => {
      assertRole(req.user, PROJECT_EDITORS);
      const dto = await parseDto(ProjectDto, req.body);
      await opts.communities.visible(app.db.manager, req.user, dto.communityId);
      // A project matches a need with what a unit offers here: the unit must have reported to this
      // community, and the resource (if named) must be that unit's, offered here or everywhere.
      let unitId = dto.unitId ?? null;
      if (dto.resourceId) {
        const res: { unit_id: number; community_id: number | null }[] = await app.db.query(`SELECT unit_id, community_id FROM resource WHERE id = $1`, [dto.resourceId]);
        const ok = res[0] && (unitId === null || res[0].unit_id === unitId) && (res[0].community_id === null || res[0].community_id === dto.communityId);
        if (!ok) throw badRequest('The resource is not one that unit offers to this community', [{ field: 'resourceId', errors: ['not offered here'] }], 'VALIDATION_FAILED');
        unitId = res[0].unit_id;
      }
      if (unitId !== null) {
        const rep = await app.db.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status = 'approved'`, [unitId, dto.communityId]);
        if (!rep.length) throw badRequest('That unit has not reported to this community', [{ field: 'unitId', errors: ['not reported here'] }], 'UNIT_NOT_REPORTED');
      }
      const r = await app.db.transaction(async (m) => {
        const row = await m.query(
          `INSERT INTO project (community_id, name, unit_id, resource_id, practical_project_id, budget_yuan, milestones) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, version`,
          [dto.communityId, dto.name, unitId, dto.resourceId ?? null, dto.practicalProjectId ?? null, dto.budgetYuan ?? 0, JSON.stringify(dto.milestones ?? [])],
        );
        await writeAudit(m, { actor: req.user, action: 'project.create', entityType: 'project', entityId: row[0].id, after: dto, requestId: req.id });
        return row[0];
      });
      return reply.status(201).send({ id: r.id, version: r.version, ...dto, unitId });
    },
  });
  app.patch<{ Params: { id: string } }>('/api/volunteer/projects/:id', {
    schema: { tags: ['lists'], summary: 'Update a project’s status, budget or milestones', dto: { body: ProjectPatchDto } },
    handler: async (req) => {
      assertRole(req.user, PROJECT_EDITORS);
      const id = parseId(req.params.id, 'Project');
      const dto = await parseDto(ProjectPatchDto, req.body);
      return app.db.transaction(async (m) => {
        const cur = await m.query(`SELECT p.*, cr.path FROM project p JOIN community_ref cr ON cr.id = p.community_id WHERE p.id = $1 FOR UPDATE OF p`, [id]);
        if (!cur[0] || !req.user.scopePaths.some((s) => cur[0].path.startsWith(s))) throw notFound('Project');
        const r = rowsOf<{ id: number; version: number }>(await m.query(
          `UPDATE project SET status = $3, budget_yuan = $4, milestones = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id, version`,
          [id, dto.version, dto.status ?? cur[0].status, dto.budgetYuan ?? cur[0].budget_yuan, JSON.stringify(dto.milestones ?? cur[0].milestones)],
        ));
        if (!r.length) throw conflict('The project was changed by someone else; reload it', 'STALE_VERSION');
        await writeAudit(m, { actor: req.user, action: 'project.update', entityType: 'project', entityId: id, before: { status: cur[0].status }, after: dto, requestId: req.id });
        return { id, version: r[0].version };
      });
    },
  });
}
