import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { badRequest, conflict, forbidden, notFound, parseDto, parseId, parseQuery, rowsOf, writeAudit } from '@redheart/shared';
import type { OrgType, PositionKind } from '../../domain';
import { idParams } from '../schemas';
import type { Scope } from '../scope/scope';
import type { UnitRow } from '../units/repository';
import { type Ctx, DetailService, notEnded, staleVersion, today } from './common';
import { CreatePositionDto, EndPositionDto, PositionsQuery, UpdatePositionDto } from './dto';
import { list, positionSchema } from './schemas';
import { requestCtx } from './request';

export interface PositionView {
  id: number;
  orgId: number;
  personName: string;
  phone: string | null;
  kind: PositionKind;
  fullTime: boolean;
  fromUnitId: number | null;
  fromUnitName: string | null;
  termStart: string;
  termEnd: string | null;
  version: number;
}

type PositionFields = Pick<PositionView, 'personName' | 'phone' | 'kind' | 'fullTime' | 'fromUnitId' | 'termStart' | 'termEnd'>;

/** Only the "big" committees seat part-time members from the units stationed in their area. */
const BIG_COMMITTEES: readonly OrgType[] = ['street_committee', 'community_committee'];

const COLUMNS = `p.id, p.org_id AS "orgId", p.person_name AS "personName", p.phone, p.kind, p.full_time AS "fullTime",
  p.from_unit_id AS "fromUnitId", f.name AS "fromUnitName", p.term_start AS "termStart", p.term_end AS "termEnd", p.version`;
const FROM = `position p LEFT JOIN org_unit f ON f.id = p.from_unit_id`;
const KIND_ORDER = `array_position(ARRAY['secretary','deputy_secretary','committee_member','part_time_member'], p.kind)`;

export class PositionRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new PositionRepository(m);
  }

  async listForOrg(orgId: number, includeEnded: boolean): Promise<PositionView[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE p.org_id = $1 ${includeEnded ? '' : `AND ${notEnded('p.term_end')}`}
        ORDER BY ${KIND_ORDER}, p.term_start DESC, p.id`,
      [orgId],
    );
  }

  async findById(id: number, lock = false): Promise<PositionView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1 ${lock ? 'FOR UPDATE OF p' : ''}`, [id]);
    return rows[0];
  }

  /** Another secretary of the organisation whose term overlaps [termStart, termEnd) — an open end reaches forever. */
  async overlappingSecretary(orgId: number, termStart: string, termEnd: string | null, exceptId: number | null): Promise<PositionView | undefined> {
    const rows = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE p.org_id = $1 AND p.kind = 'secretary' AND ($4::bigint IS NULL OR p.id <> $4)
          AND daterange(p.term_start, p.term_end, '[)') && daterange($2::date, $3::date, '[)')
        ORDER BY p.term_start LIMIT 1`,
      [orgId, termStart, termEnd, exceptId],
    );
    return rows[0];
  }

  async insert(orgId: number, f: PositionFields): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO position (org_id, person_name, phone, kind, full_time, from_unit_id, term_start, term_end)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [orgId, f.personName, f.phone, f.kind, f.fullTime, f.fromUnitId, f.termStart, f.termEnd],
    );
    return Number(rows[0].id);
  }

  /** Optimistic update: false when the row is no longer at `version`. */
  async update(id: number, version: number, f: PositionFields): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE position SET person_name = $3, phone = $4, kind = $5, full_time = $6, from_unit_id = $7, term_start = $8, term_end = $9,
              version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.personName, f.phone, f.kind, f.fullTime, f.fromUnitId, f.termStart, f.termEnd],
    ));
    return rows.length === 1;
  }
}

export class PositionService extends DetailService {
  private readonly repo = new PositionRepository(this.ds.manager);

  async list(ctx: Ctx, orgId: number, includeEnded: boolean): Promise<PositionView[]> {
    const scope = await this.scope(ctx.user);
    await this.unit(scope, orgId);
    return this.repo.listForOrg(orgId, includeEnded);
  }

  async create(ctx: Ctx, orgId: number, dto: CreatePositionDto): Promise<PositionView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'positions');
    return this.ds.transaction(async (m) => {
      const org = await this.unit(scope, orgId, m);
      this.assertActive(org);
      this.assertMayAppoint(scope, org, dto.kind);
      await this.lockUnit(m, org.id);
      const fields: PositionFields = {
        personName: dto.personName.trim(),
        phone: dto.phone?.trim() || null,
        kind: dto.kind,
        fullTime: dto.fullTime ?? false,
        fromUnitId: dto.fromUnitId ?? null,
        termStart: dto.termStart,
        termEnd: dto.termEnd ?? null,
      };
      const repo = this.repo.with(m);
      await this.assertRules(m, repo, org, fields, null);
      const id = await repo.insert(org.id, fields);
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'position.create', entityType: 'position', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdatePositionDto): Promise<PositionView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'positions');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const { position: before, org } = await this.visiblePosition(scope, id, repo, m);
      this.assertMayAppoint(scope, org, before.kind);
      if (dto.kind) this.assertMayAppoint(scope, org, dto.kind);
      if (before.version !== dto.version) throw staleVersion('position');
      await this.lockUnit(m, org.id);
      const fields: PositionFields = {
        personName: dto.personName?.trim() ?? before.personName,
        phone: dto.phone !== undefined ? dto.phone?.trim() || null : before.phone,
        kind: dto.kind ?? before.kind,
        fullTime: dto.fullTime ?? before.fullTime,
        fromUnitId: dto.fromUnitId !== undefined ? dto.fromUnitId : before.fromUnitId,
        termStart: dto.termStart ?? before.termStart,
        termEnd: dto.termEnd !== undefined ? dto.termEnd : before.termEnd,
      };
      await this.assertRules(m, repo, org, fields, id);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('position');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'position.update', entityType: 'position', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }

  async end(ctx: Ctx, id: number, dto: EndPositionDto): Promise<PositionView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'positions');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const { position: before, org } = await this.visiblePosition(scope, id, repo, m);
      this.assertMayAppoint(scope, org, before.kind);
      if (before.termEnd !== null && before.termEnd <= today()) throw conflict(`This term already ended on ${before.termEnd}`, 'ALREADY_ENDED');
      if (dto.termEnd < before.termStart) {
        throw badRequest(`termEnd must not precede the start of the term (${before.termStart})`, [{ field: 'termEnd', errors: ['before termStart'] }], 'VALIDATION_FAILED');
      }
      if (dto.termEnd > today()) {
        throw badRequest('A term is ended on a past day or today; set a planned end with PATCH', [{ field: 'termEnd', errors: ['in the future'] }], 'VALIDATION_FAILED');
      }
      if (!(await repo.update(id, before.version, { ...before, termEnd: dto.termEnd }))) throw staleVersion('position');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'position.end', entityType: 'position', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }

  /** A position exists for the caller only if its organisation lies in their scope; locked for the write. */
  private async visiblePosition(scope: Scope, id: number, repo: PositionRepository, m: EntityManager): Promise<{ position: PositionView; org: UnitRow }> {
    const position = await repo.findById(id, true);
    if (!position) throw notFound('Position');
    return { position, org: await this.owner(scope, position.orgId, 'Position', m) };
  }

  /**
   * A secretary is appointed from above: a street admin or community secretary keeps the other
   * seats of their own committee, but its secretary's seat belongs to the level above (or an admin).
   */
  private assertMayAppoint(scope: Scope, org: UnitRow, kind: PositionKind): void {
    if (kind === 'secretary' && scope.user.role !== 'admin' && scope.user.role !== 'city_admin' && org.path === scope.ownPath) {
      throw forbidden('The secretary of your own organisation is appointed by the level above');
    }
  }

  private async assertRules(m: EntityManager, repo: PositionRepository, org: UnitRow, f: PositionFields, selfId: number | null): Promise<void> {
    if (f.fullTime && f.kind !== 'secretary') {
      throw badRequest('Only a secretary can be full-time (专职书记)', [{ field: 'fullTime', errors: ['only for kind secretary'] }], 'FULL_TIME_SECRETARY_ONLY');
    }
    if (f.termEnd !== null && f.termEnd < f.termStart) {
      throw badRequest('termEnd must not precede termStart', [{ field: 'termEnd', errors: ['before termStart'] }], 'VALIDATION_FAILED');
    }
    if (f.kind === 'part_time_member') {
      if (!BIG_COMMITTEES.includes(org.type)) {
        throw badRequest('Part-time members sit on street working committees and community committees only', [{ field: 'kind', errors: [`not on a ${org.type}`] }], 'WRONG_ORG_TYPE');
      }
      if (f.fromUnitId === null) {
        throw badRequest('A part-time member comes from a stationed work unit: fromUnitId is required', [{ field: 'fromUnitId', errors: ['required for part_time_member'] }], 'VALIDATION_FAILED');
      }
      const from = await this.units.with(m).findById(f.fromUnitId);
      if (!from || from.type !== 'work_unit' || from.validTo) {
        throw badRequest('fromUnitId must name a current work unit', [{ field: 'fromUnitId', errors: ['not a current work_unit'] }], 'NOT_A_WORK_UNIT');
      }
    } else if (f.fromUnitId !== null) {
      throw badRequest('fromUnitId belongs to part-time members only', [{ field: 'fromUnitId', errors: ['only for kind part_time_member'] }], 'VALIDATION_FAILED');
    }
    if (f.kind === 'secretary') {
      const other = await repo.overlappingSecretary(org.id, f.termStart, f.termEnd, selfId);
      if (other) {
        throw conflict(`${org.name} already has a secretary for this period (${other.personName}, from ${other.termStart}); end that term first`, 'SECRETARY_TAKEN');
      }
    }
  }
}

export function positionRoutes(app: FastifyInstance) {
  const service = new PositionService(app.db);
  const one = { 200: positionSchema };

  app.get<{ Params: { id: string } }>('/api/org/units/:id/positions', {
    schema: { tags: ['positions'], summary: 'Committee positions of an organisation (current terms unless includeEnded=true)', params: idParams, response: { 200: list(positionSchema) }, dto: { query: PositionsQuery } },
    handler: async (req) => {
      const q = await parseQuery(PositionsQuery, req.query);
      return service.list(requestCtx(req), parseId(req.params.id, 'Organisation'), q.includeEnded === 'true');
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/positions', {
    schema: { tags: ['positions'], summary: 'Appoint a person to a committee position', params: idParams, response: { 201: positionSchema }, dto: { body: CreatePositionDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreatePositionDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/positions/:id', {
    schema: { tags: ['positions'], summary: 'Correct a position (optimistic version)', params: idParams, response: one, dto: { body: UpdatePositionDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Position'), await parseDto(UpdatePositionDto, req.body)),
  });

  app.post<{ Params: { id: string } }>('/api/org/positions/:id/end', {
    schema: { tags: ['positions'], summary: 'End a term of office', params: idParams, response: one, dto: { body: EndPositionDto } },
    handler: async (req) => service.end(requestCtx(req), parseId(req.params.id, 'Position'), await parseDto(EndPositionDto, req.body)),
  });
}
