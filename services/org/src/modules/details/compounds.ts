import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { badRequest, conflict, notFound, parseDto, parseId, rowsOf, writeAudit } from '@redheart/shared';
import { idParams } from '../schemas';
import type { UnitRow } from '../units/repository';
import { type Ctx, DetailService, staleVersion } from './common';
import { CreateCompoundDto, UpdateCompoundDto } from './dto';
import { compoundSchema, list } from './schemas';
import { requestCtx } from './request';

export type BranchStatus = 'founded' | 'planned' | 'none';

/** A residential compound (小区) of a community and the state of its party branch. */
export interface CompoundView {
  id: number;
  communityId: number;
  name: string;
  households: number;
  propertyManaged: boolean;
  propertyCompany: string | null;
  branchId: number | null;
  branchName: string | null;
  branchStatus: BranchStatus;
  branchFoundedOn: string | null;
  branchPlanned: boolean;
  version: number;
}

type CompoundFields = Pick<CompoundView, 'name' | 'households' | 'propertyManaged' | 'propertyCompany' | 'branchId' | 'branchPlanned'>;

/**
 * A compound has a branch when its linked compound branch exists today: founded (valid_from
 * reached) and not archived. An archived branch leaves the compound uncovered again.
 * `b` is the branch joined as org_unit.
 */
export const BRANCH_LIVE = `(b.id IS NOT NULL AND b.valid_to IS NULL AND b.valid_from <= current_date)`;

const COLUMNS = `k.id, k.community_id AS "communityId", k.name, k.households, k.property_managed AS "propertyManaged",
  k.property_company AS "propertyCompany", k.branch_id AS "branchId", b.name AS "branchName",
  CASE WHEN ${BRANCH_LIVE} THEN 'founded' WHEN k.branch_planned THEN 'planned' ELSE 'none' END AS "branchStatus",
  CASE WHEN ${BRANCH_LIVE} THEN b.valid_from END AS "branchFoundedOn", k.branch_planned AS "branchPlanned", k.version`;
const FROM = `compound k LEFT JOIN org_unit b ON b.id = k.branch_id`;

export class CompoundRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CompoundRepository(m);
  }

  async listForCommunity(communityId: number): Promise<CompoundView[]> {
    return this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.community_id = $1 ORDER BY k.name, k.id`, [communityId]);
  }

  async findById(id: number, lock = false): Promise<CompoundView | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.id = $1 ${lock ? 'FOR UPDATE OF k' : ''}`, [id]);
    return rows[0];
  }

  async nameTaken(communityId: number, name: string, exceptId: number | null): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM compound WHERE community_id = $1 AND name = $2 AND ($3::bigint IS NULL OR id <> $3)`, [communityId, name, exceptId]);
    return rows.length > 0;
  }

  async compoundOfBranch(branchId: number, exceptId: number | null): Promise<{ id: number; name: string } | undefined> {
    const rows = await this.db.query(`SELECT id, name FROM compound WHERE branch_id = $1 AND ($2::bigint IS NULL OR id <> $2)`, [branchId, exceptId]);
    return rows[0];
  }

  async insert(communityId: number, f: CompoundFields): Promise<number> {
    const rows = await this.db.query(
      `INSERT INTO compound (community_id, name, households, property_managed, property_company, branch_id, branch_planned)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [communityId, f.name, f.households, f.propertyManaged, f.propertyCompany, f.branchId, f.branchPlanned],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: CompoundFields): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE compound SET name = $3, households = $4, property_managed = $5, property_company = $6, branch_id = $7, branch_planned = $8,
              version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.name, f.households, f.propertyManaged, f.propertyCompany, f.branchId, f.branchPlanned],
    ));
    return rows.length === 1;
  }
}

export class CompoundService extends DetailService {
  private readonly repo = new CompoundRepository(this.ds.manager);

  async list(ctx: Ctx, communityId: number): Promise<CompoundView[]> {
    const scope = await this.scope(ctx.user);
    await this.unitOfType(scope, communityId, ['community_committee'], 'Compounds');
    return this.repo.listForCommunity(communityId);
  }

  async create(ctx: Ctx, communityId: number, dto: CreateCompoundDto): Promise<CompoundView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'compounds');
    return this.ds.transaction(async (m) => {
      const community = await this.unitOfType(scope, communityId, ['community_committee'], 'Compounds', m);
      this.assertActive(community);
      const propertyManaged = dto.propertyManaged ?? false;
      const fields: CompoundFields = {
        name: dto.name.trim(),
        households: dto.households ?? 0,
        propertyManaged,
        propertyCompany: dto.propertyCompany?.trim() || null,
        branchId: dto.branchId ?? null,
        branchPlanned: dto.branchPlanned ?? false,
      };
      const repo = this.repo.with(m);
      await this.assertRules(m, repo, community, fields, null);
      const id = await repo.insert(community.id, fields);
      const created = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'compound.create', entityType: 'compound', entityId: id, after: created, requestId: ctx.requestId });
      return created;
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateCompoundDto): Promise<CompoundView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'compounds');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const before = await repo.findById(id, true);
      if (!before) throw notFound('Compound');
      const community = await this.owner(scope, before.communityId, 'Compound', m);
      if (before.version !== dto.version) throw staleVersion('compound');
      const propertyManaged = dto.propertyManaged ?? before.propertyManaged;
      const branchId = dto.branchId !== undefined ? dto.branchId : before.branchId;
      const fields: CompoundFields = {
        name: dto.name?.trim() ?? before.name,
        households: dto.households ?? before.households,
        propertyManaged,
        // A compound that is no longer property-managed has no property company: cleared unless the request names one.
        propertyCompany: dto.propertyCompany !== undefined ? dto.propertyCompany?.trim() || null : propertyManaged ? before.propertyCompany : null,
        branchId,
        // Linking a branch completes the plan for one.
        branchPlanned: dto.branchPlanned ?? (branchId !== null && branchId !== before.branchId ? false : before.branchPlanned),
      };
      await this.assertRules(m, repo, community, fields, id, before.branchId);
      if (!(await repo.update(id, dto.version, fields))) throw staleVersion('compound');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action: 'compound.update', entityType: 'compound', entityId: id, before, after, reason: dto.reason, requestId: ctx.requestId });
      return after;
    });
  }

  private async assertRules(m: EntityManager, repo: CompoundRepository, community: UnitRow, f: CompoundFields, selfId: number | null, previousBranchId: number | null = null) {
    if (f.propertyCompany !== null && !f.propertyManaged) {
      throw badRequest('Only a property-managed compound has a property company', [{ field: 'propertyCompany', errors: ['requires propertyManaged'] }], 'VALIDATION_FAILED');
    }
    if (f.branchId !== null && f.branchPlanned) {
      throw badRequest('A compound with a branch is not planning one', [{ field: 'branchPlanned', errors: ['must be false when branchId is set'] }], 'VALIDATION_FAILED');
    }
    if (await repo.nameTaken(community.id, f.name, selfId)) throw conflict(`${community.name} already has a compound named ${f.name}`, 'NAME_TAKEN');
    if (f.branchId !== null && f.branchId !== previousBranchId) {
      const branch = await this.units.with(m).findById(f.branchId);
      if (!branch || branch.type !== 'compound_branch' || branch.parentId !== community.id || branch.validTo) {
        throw badRequest(`branchId must name a current compound branch of ${community.name}`, [{ field: 'branchId', errors: ['not a compound branch of this community'] }], 'NOT_A_BRANCH_OF_COMMUNITY');
      }
      const other = await repo.compoundOfBranch(f.branchId, selfId);
      if (other) throw conflict(`${branch.name} is already the branch of ${other.name}`, 'BRANCH_TAKEN');
    }
  }
}

export function compoundRoutes(app: FastifyInstance) {
  const service = new CompoundService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/compounds', {
    schema: { tags: ['compounds'], summary: 'Compounds (小区) of a community with the state of their party branch', params: idParams, response: { 200: list(compoundSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/compounds', {
    schema: { tags: ['compounds'], summary: 'Record a compound of a community', params: idParams, response: { 201: compoundSchema }, dto: { body: CreateCompoundDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCompoundDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/compounds/:id', {
    schema: { tags: ['compounds'], summary: 'Edit a compound, link its branch or mark one as planned (optimistic version)', params: idParams, response: { 200: compoundSchema }, dto: { body: UpdateCompoundDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Compound'), await parseDto(UpdateCompoundDto, req.body)),
  });
}
