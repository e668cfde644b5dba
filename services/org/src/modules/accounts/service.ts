import type { DataSource, EntityManager } from 'typeorm';
import {
  AppError, type AuthUser, badRequest, conflict, decodeCursor, encodeCursor, forbidden, inScope, keysetPage, notFound, pageRequest, type Role, writeAudit,
} from '@redheart/shared';
import type { OrgType } from '../../domain';
import { assertMay, GRANTABLE } from '../../policy';
import { hashPassword } from '../auth/service';
import { endAllSessions, publishEnded } from '../auth/sessions';
import { assertInScope, loadScope, type Scope } from '../scope/scope';
import { oneTimePassword } from './password';
import type { CreateAccountDto, ListAccountsQuery, UpdateAccountDto } from './dto';
import { type AccountFilter, AccountRepository, type AccountRow, type PlacementRow } from './repository';

/** Where each role's account sits in the chart. */
export const ROLE_ORG_TYPES: Record<Role, readonly OrgType[]> = {
  city_admin: ['city_committee'],
  admin: ['county_committee'],
  street_admin: ['street_committee'],
  community_secretary: ['community_committee'],
  community_clerk: ['community_committee'],
  grid_worker: ['community_committee'],
  member: ['community_committee'],
  unit_staff: ['work_unit'],
};

/** An account as the answers carry it. */
export interface AccountView extends Omit<AccountRow, 'path' | 'lockedUntil' | 'createdAt' | 'updatedAt'> {
  locked: boolean;
  lockedUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

const view = (r: AccountRow): AccountView => ({
  id: r.id,
  username: r.username,
  displayName: r.displayName,
  role: r.role,
  orgId: r.orgId,
  orgName: r.orgName,
  orgType: r.orgType,
  disabled: r.disabled,
  locked: !!r.lockedUntil && new Date(r.lockedUntil) > new Date(),
  lockedUntil: r.lockedUntil ? new Date(r.lockedUntil).toISOString() : null,
  mustChangePassword: r.mustChangePassword,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
  version: r.version,
});

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

export class AccountService {
  private readonly repo: AccountRepository;

  /** `onSessionsEnded`: called after a transaction that ended an account's sessions committed. */
  constructor(
    private readonly ds: DataSource,
    private readonly onSessionsEnded: () => Promise<void> = async () => undefined,
  ) {
    this.repo = new AccountRepository(ds.manager);
  }

  private async managerScope(user: AuthUser, db: EntityManager = this.ds.manager): Promise<Scope> {
    assertMay(user, 'accounts.manage');
    return loadScope(db, user);
  }

  grantable(user: AuthUser): { role: Role; orgTypes: readonly OrgType[] }[] {
    return (GRANTABLE[user.role] ?? []).map((role) => ({ role, orgTypes: ROLE_ORG_TYPES[role] }));
  }

  async list(user: AuthUser, q: ListAccountsQuery) {
    const paged = pageRequest(q, 20);
    const scope = await this.managerScope(user);
    const limit = Math.min(q.limit ?? 50, 100);
    const f: AccountFilter = { scopePaths: scope.paths, roles: GRANTABLE[user.role] ?? [], q: q.q ? q.q.trim() : undefined, role: q.role, status: q.status };
    if (q.orgId) {
      // An organisation outside the caller's scope does not exist for them (404), as on every filter.
      const path = await this.repo.orgPath(q.orgId);
      if (!path) throw notFound('Organisation');
      assertInScope(scope, path);
      f.orgId = q.orgId;
    }
    if (q.cursor) f.cursor = decodeCursor(q.cursor);
    if (paged) {
      const { rows, total } = await this.repo.page(f, paged);
      return { items: rows.map(view), ...total, page: paged.page, limit: paged.limit };
    }
    const rows = await this.repo.keyset(f, limit + 1);
    const { page, next: last } = keysetPage(rows, limit);
    return { items: page.map(view), nextCursor: last ? encodeCursor(last.cursorAt, last.id) : null };
  }

  /** The account, if the caller may manage it: in scope and of a role the caller may give (else 404, as if absent). */
  private async manageable(m: EntityManager, scope: Scope, id: number, lock = false): Promise<AccountRow> {
    const a = await this.repo.with(m).findById(id, lock);
    if (!a || !inScope(a.path, scope.paths) || !GRANTABLE[scope.user.role]!.includes(a.role)) throw notFound('Account');
    return a;
  }

  /** The organisation an account is placed at: in the caller's scope, current, and of a type the role fits. */
  private async placement(m: EntityManager, scope: Scope, role: Role, orgId: number): Promise<PlacementRow> {
    if (!GRANTABLE[scope.user.role]!.includes(role)) throw forbidden(`Your role may not give the role ${role}`);
    const org = await this.repo.with(m).placement(orgId);
    if (!org || !inScope(org.path, scope.paths)) throw notFound('Organisation');
    if (org.validTo) throw conflict('The organisation is archived', 'ORG_ARCHIVED');
    if (!ROLE_ORG_TYPES[role].includes(org.type)) {
      throw badRequest(`A ${role} account belongs to a ${ROLE_ORG_TYPES[role].join(' or ')}, not a ${org.type}`, [{ field: 'orgId', errors: ['role does not fit this organisation'] }], 'ROLE_NOT_ALLOWED_HERE');
    }
    return org;
  }

  async get(user: AuthUser, id: number): Promise<AccountView> {
    const scope = await this.managerScope(user);
    return view(await this.manageable(this.ds.manager, scope, id));
  }

  async create(ctx: Ctx, dto: CreateAccountDto): Promise<{ account: AccountView; initialPassword: string }> {
    const username = dto.username.trim().toLowerCase();
    const password = oneTimePassword(username);
    const passwordHash = await hashPassword(password);
    return this.ds.transaction(async (m) => {
      const scope = await this.managerScope(ctx.user, m);
      await this.placement(m, scope, dto.role, dto.orgId);
      const insertedId = await this.repo.with(m).insert({ username, displayName: dto.displayName.trim(), passwordHash, role: dto.role, orgId: dto.orgId });
      if (insertedId === undefined) throw new AppError(409, 'USERNAME_TAKEN', `The username ${username} is taken`, [{ field: 'username', errors: ['taken'] }]);
      const account = view(await this.manageable(m, scope, insertedId));
      await writeAudit(m, {
        actor: ctx.user, action: 'account.create', entityType: 'account', entityId: account.id,
        after: { username, displayName: account.displayName, role: account.role, orgId: account.orgId }, requestId: ctx.requestId,
      });
      return { account, initialPassword: password };
    });
  }

  async update(ctx: Ctx, id: number, dto: UpdateAccountDto): Promise<AccountView> {
    let ended = false;
    const out = await this.ds.transaction(async (m) => {
      const scope = await this.managerScope(ctx.user, m);
      const a = await this.manageable(m, scope, id, true);
      if (a.version !== dto.version) throw conflict('The account was changed by someone else; reload it', 'STALE_VERSION');
      const self = String(a.id) === ctx.user.sub;
      if (self && (dto.role !== undefined || dto.orgId !== undefined || dto.disabled !== undefined)) {
        throw badRequest('You cannot change your own role, organisation or status', [{ field: dto.disabled !== undefined ? 'disabled' : dto.role !== undefined ? 'role' : 'orgId', errors: ['not for your own account'] }], 'CANNOT_CHANGE_SELF');
      }
      const role = dto.role ?? a.role;
      const orgId = dto.orgId ?? a.orgId;
      if (dto.role !== undefined || dto.orgId !== undefined) await this.placement(m, scope, role, orgId);
      const displayName = dto.displayName?.trim() ?? a.displayName;
      const disabled = dto.disabled ?? a.disabled;
      await this.repo.with(m).update(id, { displayName, role, orgId, disabled });
      // Someone disabled or moved elsewhere keeps no session: refresh and access tokens end now
      // (a token carries the role and scope it was issued with).
      const end = (disabled && !a.disabled) || role !== a.role || orgId !== a.orgId;
      const endedSessions = end ? await endAllSessions(m, id, disabled && !a.disabled ? 'disabled' : 'role_change') : undefined;
      const after = view(await this.manageable(m, scope, id));
      await writeAudit(m, {
        actor: ctx.user, action: 'account.update', entityType: 'account', entityId: id,
        before: { displayName: a.displayName, role: a.role, orgId: a.orgId, disabled: a.disabled, version: a.version },
        after: { displayName, role, orgId, disabled, version: after.version }, requestId: ctx.requestId,
      });
      if (endedSessions) await publishEnded(m, endedSessions);
      ended = end;
      return after;
    });
    if (ended) await this.onSessionsEnded();
    return out;
  }

  /** A new one-time password; also lifts a lock (the usual reason to call the department) and ends every session. */
  async resetPassword(ctx: Ctx, id: number, version: number): Promise<{ account: AccountView; initialPassword: string }> {
    const first = await this.get(ctx.user, id);
    const password = oneTimePassword(first.username);
    const passwordHash = await hashPassword(password);
    const out = await this.ds.transaction(async (m) => {
      const scope = await this.managerScope(ctx.user, m);
      const a = await this.manageable(m, scope, id, true);
      if (a.version !== version) throw conflict('The account was changed by someone else; reload it', 'STALE_VERSION');
      if (String(a.id) === ctx.user.sub) throw badRequest('Change your own password with your current one', undefined, 'CANNOT_CHANGE_SELF');
      const repo = this.repo.with(m);
      await repo.resetPassword(id, passwordHash);
      await repo.clearLoginLocks(a.username);
      const ended = await endAllSessions(m, id, 'password_reset');
      const account = view(await this.manageable(m, scope, id));
      await writeAudit(m, {
        actor: ctx.user, action: 'account.reset_password', entityType: 'account', entityId: id,
        before: { locked: view(a).locked, version: a.version }, after: { mustChangePassword: true, version: account.version }, requestId: ctx.requestId,
      });
      await publishEnded(m, ended);
      return { account, initialPassword: password };
    });
    await this.onSessionsEnded();
    return out;
  }

  /**
   * Forced logout of every session of an account (在线用户 → 强退全部): refresh tokens revoked and the
   * epoch raised, so every access token it holds is refused everywhere within a second. Stale
   * version → 409, as on every account change; the account itself is unchanged.
   */
  async endSessions(ctx: Ctx, id: number, version: number): Promise<AccountView> {
    const out = await this.ds.transaction(async (m) => {
      const scope = await this.managerScope(ctx.user, m);
      const a = await this.manageable(m, scope, id, true);
      if (a.version !== version) throw conflict('The account was changed by someone else; reload it', 'STALE_VERSION');
      const ended = await endAllSessions(m, id, 'forced_logout');
      await writeAudit(m, { actor: ctx.user, action: 'account.end_sessions', entityType: 'account', entityId: id, after: { epoch: ended.epoch }, requestId: ctx.requestId });
      await publishEnded(m, ended);
      return view(a);
    });
    await this.onSessionsEnded();
    return out;
  }
}
