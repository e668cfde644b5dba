import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, badRequest, conflict, inScope, likeEscape, notFound } from '@redheart/shared';
import type { OrgType } from '../domain';
import { assertMay, writesNeed } from '../policy';
import { assertInScope, loadScope, type Scope } from './scope/scope';
import { pathIds, UnitRepository, type UnitRow } from './units/repository';
import type { Ctx } from './units/service';

/**
 * What the record modules (positions, grids, cadres, desks, catalogue, compounds, coverage, stats,
 * audit) share: the base of their services, a few SQL fragments and the request context.
 */
export type { Ctx };
export { today } from './units/service';

/** Who acts and under which request id: what every write records in its audit entry. */
export const requestCtx = (req: FastifyRequest): Ctx => ({ user: req.user, requestId: req.id });

/**
 * The hooks of every record module's routes: a login, and a role that may change nothing in the chart
 * is refused first (403), before its body is read.
 */
export function recordRoutes(app: FastifyInstance): void {
  app.addHook('onRequest', app.authenticate);
  app.addHook('preValidation', writesNeed('org.write'));
}

/** `path LIKE ANY($n)` patterns for a scope: each subtree is one index range on org_unit.path. */
export const scopePatterns = (paths: readonly string[]) => paths.map((p) => `${likeEscape(p)}%`);

/**
 * A term, assignment or grid is current until its end date: the end date is the first day it no
 * longer holds (like org_unit_version.effective_to), so a successor may start that same day.
 */
export const notEnded = (endColumn: string) => `(${endColumn} IS NULL OR ${endColumn} > current_date)`;

export const staleVersion = (what: string) => conflict(`The ${what} was changed by someone else; reload it`, 'STALE_VERSION');

/**
 * The base of every record module's service: the caller's scope, the writer roles of the org chart and
 * the lookups of the organisation a record belongs to. Records hang off an organisation, so an
 * organisation outside the caller's scope makes its records not exist for them (404).
 */
export abstract class OrgRecordService {
  protected readonly units: UnitRepository;

  constructor(protected readonly ds: DataSource) {
    this.units = new UnitRepository(ds.manager);
  }

  protected scope(user: AuthUser, db: EntityManager = this.ds.manager): Promise<Scope> {
    return loadScope(db, user);
  }

  /** Writers of the org chart (admin, street admin, community secretary) may also keep its details. */
  protected assertWriter(scope: Scope, what: string): void {
    assertMay(scope.user, 'org.write', `您的角色无权修改${what}`);
  }

  /** Loads an organisation the caller may see, else 404. */
  protected async unit(scope: Scope, id: number, db: EntityManager = this.ds.manager): Promise<UnitRow> {
    const u = await this.units.with(db).findById(id);
    if (!u) throw notFound('Organisation');
    assertInScope(scope, u.path);
    return u;
  }

  /**
   * The organisation a record (position, grid, desk …) belongs to, when the caller may see it;
   * otherwise the record itself does not exist for them: 404 naming the record.
   */
  protected async owner(scope: Scope, orgId: number, what: string, db: EntityManager = this.ds.manager): Promise<UnitRow> {
    const u = await this.units.with(db).findById(orgId);
    if (!u || !inScope(u.path, scope.paths)) throw notFound(what);
    return u;
  }

  /** Loads an organisation of one of `types`, else 400 naming the types. */
  protected async unitOfType(scope: Scope, id: number, types: readonly OrgType[], what: string, db: EntityManager = this.ds.manager): Promise<UnitRow> {
    const u = await this.unit(scope, id, db);
    if (!types.includes(u.type)) {
      throw badRequest(`${what} belong to ${types.join(' or ')} organisations, not to a ${u.type}`, [{ field: 'id', errors: [`must be a ${types.join(' or ')}`] }], 'WRONG_ORG_TYPE');
    }
    return u;
  }

  /**
   * Takes the organisation's row lock for the rest of the transaction, so that rules spanning
   * several rows of it (one secretary, one offer list) are checked and written by one caller at a
   * time. NO KEY UPDATE does not block inserts that merely reference the row.
   */
  protected async lockUnit(m: EntityManager, id: number): Promise<void> {
    await this.units.with(m).lockNoKeyUpdate(id);
  }

  protected assertActive(u: UnitRow): void {
    if (u.validTo) throw conflict(`${u.name} is archived`, 'ARCHIVED');
  }
}

/** The community committee an organisation lies in (itself or its nearest such ancestor). */
export async function communityOf(db: EntityManager, u: UnitRow): Promise<UnitRow | undefined> {
  if (u.type === 'community_committee') return u;
  const [row] = (await new UnitRepository(db).findByIds(pathIds(u.path))).filter((a) => a.type === 'community_committee');
  return row;
}

/** What an INSERT … RETURNING id or an UPDATE … RETURNING id answers (bigint ids come back as strings). */
export interface IdRow {
  id: string | number;
}
