import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { badRequest, conflict, notFound, parseDto, parseId, parseQuery, rowsOf, writeAudit } from '@redheart/shared';
import { idParams } from '../schemas';
import { type Ctx, DetailService, notEnded, today } from './common';
import { CadresQuery, CreateCadreAssignmentDto, EndCadreAssignmentDto } from './dto';
import { cadreSchema, list } from './schemas';
import { requestCtx } from './request';

/** A street cadre linked to a community, and possibly responsible for one of its grids (街道干部联社区、包网格). */
export interface CadreView {
  id: number;
  cadreName: string;
  phone: string | null;
  streetId: number;
  streetName: string;
  communityId: number;
  communityName: string;
  gridId: number | null;
  gridCode: string | null;
  gridName: string | null;
  startDate: string;
  endDate: string | null;
}

const COLUMNS = `a.id, a.cadre_name AS "cadreName", a.phone, a.street_id AS "streetId", s.name AS "streetName",
  a.community_id AS "communityId", c.name AS "communityName", a.grid_id AS "gridId", g.code AS "gridCode", g.name AS "gridName",
  a.start_date AS "startDate", a.end_date AS "endDate"`;
const FROM = `cadre_assignment a JOIN org_unit s ON s.id = a.street_id JOIN org_unit c ON c.id = a.community_id
  LEFT JOIN grid g ON g.id = a.grid_id`;

export class CadreRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CadreRepository(m);
  }

  async list(by: 'street_id' | 'community_id', orgId: number, includeEnded: boolean): Promise<CadreView[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE a.${by} = $1 ${includeEnded ? '' : `AND ${notEnded('a.end_date')}`}
        ORDER BY c.name, g.code NULLS FIRST, a.start_date DESC, a.id`,
      [orgId],
    );
  }

  async findById(id: number, lock = false): Promise<CadreView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    return rows[0];
  }

  async currentForGrid(gridId: number): Promise<CadreView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.grid_id = $1 AND ${notEnded('a.end_date')} LIMIT 1`, [gridId]);
    return rows[0];
  }

  async currentDuplicate(communityId: number, gridId: number | null, cadreName: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM cadre_assignment a
        WHERE a.community_id = $1 AND a.grid_id IS NOT DISTINCT FROM $2 AND a.cadre_name = $3 AND ${notEnded('a.end_date')}`,
      [communityId, gridId, cadreName],
    );
    return rows.length > 0;
  }

  async insert(a: { cadreName: string; phone: string | null; streetId: number; communityId: number; gridId: number | null; startDate: string }): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO cadre_assignment (cadre_name, phone, street_id, community_id, grid_id, start_date) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [a.cadreName, a.phone, a.streetId, a.communityId, a.gridId, a.startDate],
    );
    return Number(rows[0].id);
  }

  async end(id: number, endDate: string): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE cadre_assignment a SET end_date = $2 WHERE a.id = $1 AND ${notEnded('a.end_date')} RETURNING a.id`,
      [id, endDate],
    ));
    return rows.length === 1;
  }
}

export class CadreService extends DetailService {
  private readonly repo = new CadreRepository(this.ds.manager);

  /** For a community: cadres linked to it and to its grids; for a street: all of its cadres' assignments. */
  async list(ctx: Ctx, orgId: number, includeEnded: boolean): Promise<CadreView[]> {
    const scope = await this.scope(ctx.user);
    const u = await this.unitOfType(scope, orgId, ['community_committee', 'street_committee'], 'Cadre assignments');
    return this.repo.list(u.type === 'street_committee' ? 'street_id' : 'community_id', u.id, includeEnded);
  }

  async assign(ctx: Ctx, dto: CreateCadreAssignmentDto): Promise<CadreView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'cadre assignments');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, dto.communityId, ['community_committee'], 'Cadre assignments', m);
      this.assertActive(community);
      // The street is the community's own: a cadre of one street is never linked to another street's community.
      const street = community.parentId === null ? undefined : await this.units.with(m).findById(community.parentId);
      if (!street || street.type !== 'street_committee') {
        throw badRequest(`${community.name} does not hang under a street working committee`, undefined, 'NO_STREET');
      }
      // One writer at a time per community, so "one current cadre per grid" holds under concurrency.
      await this.lockUnit(m, community.id);
      const gridId = dto.gridId ?? null;
      if (gridId !== null) {
        const grid: { community_id: number; valid_to: string | null }[] = await m.query('SELECT community_id, valid_to FROM grid WHERE id = $1', [gridId]);
        if (!grid.length || grid[0].community_id !== community.id) {
          throw badRequest('The grid does not belong to this community', [{ field: 'gridId', errors: ['not a grid of communityId'] }], 'GRID_NOT_IN_COMMUNITY');
        }
        if (grid[0].valid_to) throw badRequest('The grid is archived', [{ field: 'gridId', errors: ['archived'] }], 'ARCHIVED');
      }
      const repo = this.repo.with(m);
      const cadreName = dto.cadreName.trim();
      if (gridId !== null) {
        const holder = await repo.currentForGrid(gridId);
        if (holder) throw conflict(`Grid ${holder.gridCode} is already looked after by ${holder.cadreName}; end that assignment first`, 'GRID_TAKEN');
      } else if (await repo.currentDuplicate(community.id, null, cadreName)) {
        throw conflict(`${cadreName} is already linked to ${community.name}`, 'DUPLICATE_ASSIGNMENT');
      }
      const id = await repo.insert({
        cadreName, phone: dto.phone?.trim() || null, streetId: street.id, communityId: community.id, gridId, startDate: dto.startDate ?? today(),
      });
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'cadre.assign', entityType: 'cadre_assignment', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async end(ctx: Ctx, id: number, dto: EndCadreAssignmentDto): Promise<CadreView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'cadre assignments');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Cadre assignment');
      await this.owner(scope, before.communityId, 'Cadre assignment', m);
      if (before.endDate !== null && before.endDate <= today()) throw conflict(`This assignment already ended on ${before.endDate}`, 'ALREADY_ENDED');
      const endDate = dto.endDate ?? today();
      if (endDate < before.startDate || endDate > today()) {
        throw badRequest(`endDate must lie between ${before.startDate} and today`, [{ field: 'endDate', errors: ['out of range'] }], 'VALIDATION_FAILED');
      }
      if (!(await repo.end(id, endDate))) throw conflict('The assignment was ended by someone else', 'ALREADY_ENDED');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'cadre.end', entityType: 'cadre_assignment', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }
}

export function cadreRoutes(app: FastifyInstance) {
  const service = new CadreService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/cadres', {
    schema: { tags: ['cadres'], summary: 'Street cadres assigned to a community and its grids (or all of a street’s)', params: idParams, response: { 200: list(cadreSchema) }, dto: { query: CadresQuery } },
    handler: async (req) => {
      const q = await parseQuery(CadresQuery, req.query);
      return service.list(requestCtx(req), parseId(req.params.id, 'Organisation'), q.includeEnded === 'true');
    },
  });

  app.post('/api/org/cadre-assignments', {
    schema: { tags: ['cadres'], summary: 'Link a street cadre to a community, optionally to one of its grids', response: { 201: cadreSchema }, dto: { body: CreateCadreAssignmentDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCadreAssignmentDto, req.body);
      const created = await service.assign(requestCtx(req), dto);
      reply.status(201);
      return created;
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/cadre-assignments/:id/end', {
    schema: { tags: ['cadres'], summary: 'End a cadre assignment', params: idParams, response: { 200: cadreSchema }, dto: { body: EndCadreAssignmentDto } },
    handler: async (req) => service.end(requestCtx(req), parseId(req.params.id, 'Cadre assignment'), await parseDto(EndCadreAssignmentDto, req.body ?? {})),
  });
}
