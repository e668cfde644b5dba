import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { badRequest, conflict, notFound, parseDto, parseId, rowsOf, writeAudit } from '@redheart/shared';
import type { DeskWorker, Hotline } from '../../entities';
import { idParams } from '../schemas';
import type { UnitRow } from '../units/repository';
import { communityOf, type Ctx, DetailService, staleVersion } from './common';
import { CreateDeskDto, type DeskWorkerDto, type HotlineDto, UpdateDeskDto } from './dto';
import { deskSchema, list, publicDeskSchema } from './schemas';
import { requestCtx } from './request';

export interface DeskView {
  id: number;
  /** Public, unguessable slug printed as the desk's QR code. */
  code: string;
  building: string;
  communityId: number;
  buildingGroupId: number | null;
  buildingGroupName: string | null;
  workers: DeskWorker[];
  hotlines: Hotline[];
  version: number;
}

export interface PublicDeskView {
  code: string;
  building: string;
  communityName: string;
  streetName: string;
  workers: DeskWorker[];
  hotlines: Hotline[];
}

type DeskFields = Pick<DeskView, 'building' | 'buildingGroupId' | 'workers' | 'hotlines'>;

/** The format the desk table CHECKs; anything else cannot name a desk, so it is refused before a lookup. */
export const DESK_CODE = /^[A-Za-z0-9_-]{6,40}$/;

/** 12 random bytes → 16 base64url characters: 96 bits, far beyond guessing by trying codes. */
export const newDeskCode = () => randomBytes(12).toString('base64url');

const COLUMNS = `d.id, d.code, d.building, d.community_id AS "communityId", d.building_group_id AS "buildingGroupId",
  b.name AS "buildingGroupName", d.workers, d.hotlines, d.version`;
const FROM = `desk d LEFT JOIN org_unit b ON b.id = d.building_group_id`;

export class DeskRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new DeskRepository(m);
  }

  async listBy(column: 'community_id' | 'building_group_id', orgId: number): Promise<DeskView[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.${column} = $1 ORDER BY d.building, d.id`, [orgId]);
  }

  async findById(id: number, lock = false): Promise<DeskView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = $1 ${lock ? 'FOR UPDATE OF d' : ''}`, [id]);
    return rows[0];
  }

  /** The desk as the QR code shows it; a desk of an archived community is gone for the public. */
  async findPublic(code: string): Promise<PublicDeskView | undefined> {
    const rows = await this.db.query(
      `SELECT d.code, d.building, c.name AS "communityName", coalesce(s.name, '') AS "streetName", d.workers, d.hotlines
         FROM desk d JOIN org_unit c ON c.id = d.community_id LEFT JOIN org_unit s ON s.id = c.parent_id
        WHERE d.code = $1 AND c.valid_to IS NULL`,
      [code],
    );
    return rows[0];
  }

  async deskOfBuildingGroup(buildingGroupId: number, exceptId: number | null): Promise<DeskView | undefined> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE d.building_group_id = $1 AND ($2::bigint IS NULL OR d.id <> $2)`,
      [buildingGroupId, exceptId],
    );
    return rows[0];
  }

  /** Inserts with a fresh code; a (vanishingly unlikely) code collision just draws again. */
  async insert(communityId: number, f: DeskFields): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const rows = await this.db.query(
        `INSERT INTO desk (code, community_id, building_group_id, building, workers, hotlines) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (code) DO NOTHING RETURNING id`,
        [newDeskCode(), communityId, f.buildingGroupId, f.building, JSON.stringify(f.workers), JSON.stringify(f.hotlines)],
      );
      if (rows.length) return Number(rows[0].id);
    }
    throw new Error('Could not draw an unused desk code');
  }

  async update(id: number, version: number, f: DeskFields): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE desk SET building = $3, building_group_id = $4, workers = $5, hotlines = $6, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.building, f.buildingGroupId, JSON.stringify(f.workers), JSON.stringify(f.hotlines)],
    ));
    return rows.length === 1;
  }
}

const workersOf = (ws: DeskWorkerDto[]): DeskWorker[] => ws.map((w) => ({ name: w.name.trim(), role: w.role.trim(), phone: w.phone.trim() }));
const hotlinesOf = (hs: HotlineDto[]): Hotline[] => hs.map((h) => ({ name: h.name.trim(), phone: h.phone.trim() }));

export class DeskService extends DetailService {
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

export function deskRoutes(app: FastifyInstance) {
  const service = new DeskService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/desks', {
    schema: { tags: ['desks'], summary: 'Convenience desks of a community or of a building group', params: idParams, response: { 200: list(deskSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/desks', {
    schema: { tags: ['desks'], summary: 'Put up a convenience desk (便民服务台); the server draws its public code', params: idParams, response: { 201: deskSchema }, dto: { body: CreateDeskDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateDeskDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/desks/:id', {
    schema: { tags: ['desks'], summary: 'Edit a desk’s building, workers and hotlines (optimistic version)', params: idParams, response: { 200: deskSchema }, dto: { body: UpdateDeskDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Desk'), await parseDto(UpdateDeskDto, req.body)),
  });
}

/** Registered outside the authenticated context: the QR code on a desk opens this without a login. */
export function publicDeskRoutes(app: FastifyInstance) {
  const service = new DeskService(app.db);

  app.get<{ Params: { code: string } }>('/api/org/public/desks/:code', {
    schema: {
      tags: ['public'], summary: 'A convenience desk as its QR code shows it (no login)', security: [],
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      response: { 200: publicDeskSchema },
    },
    handler: async (req, reply) => {
      const desk = await service.findPublic(req.params.code);
      // Printed codes are read by many phones at once; a short shared cache spares the database.
      reply.header('Cache-Control', 'public, max-age=60');
      return desk;
    },
  });
}
