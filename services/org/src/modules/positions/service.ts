import type { EntityManager } from 'typeorm';
import { badRequest, conflict, forbidden, notFound, writeAudit } from '@redheart/shared';
import type { OrgType, PositionKind } from '../../domain';
import { may, refusalOf } from '../../policy';
import type { Scope } from '../scope/scope';
import type { UnitRow } from '../units/repository';
import { type Ctx, OrgRecordService, staleVersion, today } from '../org-records';
import type { CreatePositionDto, EndPositionDto, UpdatePositionDto } from './dto';
import { type PositionFields, PositionRepository, type PositionView } from './repository';

/** Only the "big" committees seat part-time members from the units stationed in their area. */
const BIG_COMMITTEES: readonly OrgType[] = ['street_committee', 'community_committee'];

export class PositionService extends OrgRecordService {
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
    return this.change(ctx, id, 'position.update', dto.reason, async ({ m, repo, scope, org, before }) => {
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
      return { version: dto.version, fields };
    });
  }

  async end(ctx: Ctx, id: number, dto: EndPositionDto): Promise<PositionView> {
    return this.change(ctx, id, 'position.end', dto.reason, async ({ before }) => {
      if (before.termEnd !== null && before.termEnd <= today()) throw conflict(`This term already ended on ${before.termEnd}`, 'ALREADY_ENDED');
      if (dto.termEnd < before.termStart) {
        throw badRequest(`termEnd must not precede the start of the term (${before.termStart})`, [{ field: 'termEnd', errors: ['before termStart'] }], 'VALIDATION_FAILED');
      }
      if (dto.termEnd > today()) {
        throw badRequest('A term is ended on a past day or today; set a planned end with PATCH', [{ field: 'termEnd', errors: ['in the future'] }], 'VALIDATION_FAILED');
      }
      return { version: before.version, fields: { ...before, termEnd: dto.termEnd } };
    });
  }

  /**
   * A change of an existing position (update, end), in one transaction: the caller writes positions, the position is
   * in their scope (locked) and they may appoint its kind; `decide` checks its state and answers the new fields and
   * the version they replace; the row is then written (409 STALE_VERSION when it moved on) and audited.
   */
  private async change(
    ctx: Ctx, id: number, action: 'position.update' | 'position.end', reason: string | undefined,
    decide: (c: { m: EntityManager; repo: PositionRepository; scope: Scope; org: UnitRow; before: PositionView }) => Promise<{ version: number; fields: PositionFields }>,
  ): Promise<PositionView> {
    const scope = await this.scope(ctx.user);
    this.assertWriter(scope, 'positions');
    return this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const { position: before, org } = await this.visiblePosition(scope, id, repo, m);
      this.assertMayAppoint(scope, org, before.kind);
      const { version, fields } = await decide({ m, repo, scope, org, before });
      if (!(await repo.update(id, version, fields))) throw staleVersion('position');
      const after = (await repo.findById(id))!;
      await writeAudit(m, { actor: ctx.user, action, entityType: 'position', entityId: id, before, after, reason, requestId: ctx.requestId });
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
    if (kind === 'secretary' && !may(scope.user, 'positions.appointOwnSecretary') && org.path === scope.ownPath) {
      throw forbidden(refusalOf('positions.appointOwnSecretary'));
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
