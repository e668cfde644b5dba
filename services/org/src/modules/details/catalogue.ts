import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { assertRole, type AuthUser, badRequest, conflict, likeEscape, notFound, parseDto, parseId, parseQuery, requireRole, rowsOf, writeAudit } from '@redheart/shared';
import { idParams } from '../schemas';
import { emitCatalogueChange } from './catalogue-events';
import { type Ctx, DetailService, staleVersion } from './common';
import { CatalogueQuery, CreateCatalogueServiceDto, SetCommunityCatalogueDto, UpdateCatalogueServiceDto } from './dto';
import { catalogueServiceSchema, list } from './schemas';
import { requestCtx } from './request';

/** One government service of the catalogue (政务服务事项目录清单) that communities may handle. */
export interface CatalogueServiceView {
  id: number;
  code: string;
  name: string;
  category: string;
  materials: string[];
  timeLimitDays: number;
  description: string | null;
  /** How many current communities offer it. */
  communityCount: number;
  version: number;
}

type ServiceFields = Pick<CatalogueServiceView, 'code' | 'name' | 'category' | 'materials' | 'timeLimitDays' | 'description'>;

const COLUMNS = `s.id, s.code, s.name, s.category, s.materials, s.time_limit_days AS "timeLimitDays", s.description, s.version,
  (SELECT count(*) FROM community_service cs JOIN org_unit c ON c.id = cs.community_id
    WHERE cs.service_id = s.id AND c.valid_to IS NULL)::int AS "communityCount"`;

export class CatalogueRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CatalogueRepository(m);
  }

  async search(q: string | undefined, category: string | undefined): Promise<CatalogueServiceView[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM catalogue_service s
        WHERE ($1::text IS NULL OR s.name ILIKE $1 OR s.code ILIKE $1) AND ($2::text IS NULL OR s.category = $2)
        ORDER BY s.category, s.code`,
      [q ? `%${likeEscape(q)}%` : null, category || null],
    );
  }

  async offeredBy(communityId: number): Promise<CatalogueServiceView[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM catalogue_service s JOIN community_service o ON o.service_id = s.id
        WHERE o.community_id = $1 ORDER BY s.category, s.code`,
      [communityId],
    );
  }

  async offeredIds(communityId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(`SELECT service_id AS id FROM community_service WHERE community_id = $1 ORDER BY service_id`, [communityId]);
    return rows.map((r) => r.id);
  }

  async existingIds(ids: number[]): Promise<Set<number>> {
    const rows: { id: number }[] = await this.db.query(`SELECT id FROM catalogue_service WHERE id = ANY($1::bigint[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Makes the offer list exactly `ids`: what left it is deleted, what is new is inserted. */
  async setOffered(communityId: number, ids: number[]): Promise<void> {
    await this.db.query(`DELETE FROM community_service WHERE community_id = $1 AND NOT (service_id = ANY($2::bigint[]))`, [communityId, ids]);
    await this.db.query(
      `INSERT INTO community_service (community_id, service_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
      [communityId, ids],
    );
  }

  async findById(id: number, lock = false): Promise<CatalogueServiceView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM catalogue_service s WHERE s.id = $1 ${lock ? 'FOR UPDATE OF s' : ''}`, [id]);
    return rows[0];
  }

  async codeTaken(code: string, exceptId: number | null): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM catalogue_service WHERE code = $1 AND ($2::bigint IS NULL OR id <> $2)`, [code, exceptId]);
    return rows.length > 0;
  }

  async insert(f: ServiceFields): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO catalogue_service (code, name, category, materials, time_limit_days, description) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [f.code, f.name, f.category, JSON.stringify(f.materials), f.timeLimitDays, f.description],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: ServiceFields): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE catalogue_service SET code = $3, name = $4, category = $5, materials = $6, time_limit_days = $7, description = $8, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.code, f.name, f.category, JSON.stringify(f.materials), f.timeLimitDays, f.description],
    ));
    return rows.length === 1;
  }
}

const codeTaken = (code: string) => conflict(`Service code ${code} is already in the catalogue`, 'CODE_TAKEN');
const cleanMaterials = (ms: string[]) => ms.map((x) => x.trim()).filter(Boolean);

export class CatalogueServiceService extends DetailService {
  private readonly repo = new CatalogueRepository(this.ds.manager);

  /** The catalogue is the county's, one for all: every logged-in user may read it. */
  search(q: string | undefined, category: string | undefined): Promise<CatalogueServiceView[]> {
    return this.repo.search(q?.trim() || undefined, category?.trim() || undefined);
  }

  private assertAdmin(user: AuthUser) {
    assertRole(user, ['admin', 'city_admin'], '只有管理员可以修改服务目录');
  }

  async create(ctx: Ctx, dto: CreateCatalogueServiceDto): Promise<CatalogueServiceView> {
    this.assertAdmin(ctx.user);
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
    this.assertAdmin(ctx.user);
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

export function catalogueRoutes(app: FastifyInstance) {
  const service = new CatalogueServiceService(app.db);

  app.get('/api/org/catalogue', {
    schema: { tags: ['catalogue'], summary: 'The service catalogue, searchable by name or code and by category', response: { 200: list(catalogueServiceSchema) }, dto: { query: CatalogueQuery } },
    handler: async (req) => {
      const q = await parseQuery(CatalogueQuery, req.query);
      return service.search(q.q, q.category);
    },
  });

  app.post('/api/org/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Add a service to the catalogue (admin)', response: { 201: catalogueServiceSchema }, dto: { body: CreateCatalogueServiceDto } },
    preValidation: requireRole('admin', 'city_admin'),
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCatalogueServiceDto, req.body);
      const created = await service.create(requestCtx(req), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/catalogue/:id', {
    schema: { tags: ['catalogue'], summary: 'Edit a catalogue service (admin, optimistic version)', params: idParams, response: { 200: catalogueServiceSchema }, dto: { body: UpdateCatalogueServiceDto } },
    preValidation: requireRole('admin', 'city_admin'),
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Catalogue service'), await parseDto(UpdateCatalogueServiceDto, req.body)),
  });

  app.get<{ Params: { id: string } }>('/api/org/units/:id/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Services a community offers', params: idParams, response: { 200: list(catalogueServiceSchema) } },
    handler: async (req) => service.offeredBy(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.put<{ Params: { id: string } }>('/api/org/units/:id/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Set the services a community offers, all at once', params: idParams, response: { 200: list(catalogueServiceSchema) }, dto: { body: SetCommunityCatalogueDto } },
    handler: async (req) => service.setOffered(requestCtx(req), parseId(req.params.id, 'Organisation'), await parseDto(SetCommunityCatalogueDto, req.body)),
  });
}
