import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { conflict, notFound, parseDto, parseId, rowsOf, writeAudit } from '@redheart/shared';
import { idParams } from '../schemas';
import { type Ctx, DetailService, notEnded, staleVersion, today } from './common';
import { CreateGridDto, UpdateGridDto } from './dto';
import { gridSchema, list } from './schemas';
import { requestCtx } from './request';

export interface GridView {
  id: number;
  communityId: number;
  code: string;
  name: string;
  households: number;
  workerName: string | null;
  workerPhone: string | null;
  /** The street cadre currently responsible for the grid (包网格). */
  cadreName: string | null;
  cadrePhone: string | null;
  validFrom: string;
  validTo: string | null;
  version: number;
}

type GridFields = Pick<GridView, 'code' | 'name' | 'households' | 'workerName' | 'workerPhone'>;

const COLUMNS = `g.id, g.community_id AS "communityId", g.code, g.name, g.households, g.worker_name AS "workerName",
  g.worker_phone AS "workerPhone", ca.cadre_name AS "cadreName", ca.phone AS "cadrePhone",
  g.valid_from AS "validFrom", g.valid_to AS "validTo", g.version`;
const FROM = `grid g LEFT JOIN LATERAL (
    SELECT c.cadre_name, c.phone FROM cadre_assignment c
     WHERE c.grid_id = g.id AND ${notEnded('c.end_date')} ORDER BY c.start_date DESC, c.id DESC LIMIT 1
  ) ca ON true`;

export class GridRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new GridRepository(m);
  }

  async listForCommunity(communityId: number): Promise<GridView[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE g.community_id = $1 AND g.valid_to IS NULL ORDER BY g.code, g.id`, [communityId]);
  }

  async findById(id: number, lock = false): Promise<GridView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE g.id = $1 ${lock ? 'FOR UPDATE OF g' : ''}`, [id]);
    return rows[0];
  }

  /** Codes stay unique within a community, over current and past grids alike (the table's UNIQUE). */
  async codeTaken(communityId: number, code: string, exceptId: number | null): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM grid WHERE community_id = $1 AND code = $2 AND ($3::bigint IS NULL OR id <> $3)`,
      [communityId, code, exceptId],
    );
    return rows.length > 0;
  }

  async insert(communityId: number, f: GridFields, validFrom: string): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO grid (community_id, code, name, households, worker_name, worker_phone, valid_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [communityId, f.code, f.name, f.households, f.workerName, f.workerPhone, validFrom],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: GridFields): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE grid SET code = $3, name = $4, households = $5, worker_name = $6, worker_phone = $7, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.code, f.name, f.households, f.workerName, f.workerPhone],
    ));
    return rows.length === 1;
  }
}

const codeTaken = (code: string) => conflict(`Grid code ${code} is already used in this community`, 'GRID_CODE_TAKEN');
const blankToNull = (s: string | null | undefined) => s?.trim() || null;

export class GridService extends DetailService {
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

export function gridRoutes(app: FastifyInstance) {
  const service = new GridService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/grids', {
    schema: { tags: ['grids'], summary: 'Current grids of a community with their worker and street cadre', params: idParams, response: { 200: list(gridSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/grids', {
    schema: { tags: ['grids'], summary: 'Create a grid (网格) in a community', params: idParams, response: { 201: gridSchema }, dto: { body: CreateGridDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateGridDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/grids/:id', {
    schema: { tags: ['grids'], summary: 'Edit a grid (optimistic version)', params: idParams, response: { 200: gridSchema }, dto: { body: UpdateGridDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Grid'), await parseDto(UpdateGridDto, req.body)),
  });
}
