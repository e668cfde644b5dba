import type { DataSource, EntityManager } from 'typeorm';
import {
  assertRole, type AuthUser, badRequest, conflict, cursorAtSql, decodeCursor, encodeCursor, forbidden, inScope, likeEscape, notFound, type PageTotal, pageRequest, pageTotal, ROLES, type Role, writeAudit,
} from '@redheart/shared';
import type { OrgType } from '../../domain';
import { hashPassword } from '../auth/service';
import { endAllSessions, publishEnded } from '../auth/sessions';
import { assertInScope, loadScope, type Scope } from '../scope/scope';
import { oneTimePassword } from './password';
import type { CreateAccountDto, ListAccountsQuery, UpdateAccountDto } from './dto';

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

/**
 * Who may give (and manage accounts of) which roles: the city's organisation department everything, a
 * county's everything but the city level, a
 * street its communities' staff, a community secretary the community's own staff. Managing an
 * existing account needs the right to give its current role, so nobody manages someone above them.
 */
export const GRANTABLE: Partial<Record<Role, readonly Role[]>> = {
  // the city's organisation department: county admins and everyone below, in every county
  city_admin: ROLES,
  // a county's: everything in the county (a second county admin too), never the city level
  admin: ROLES.filter((r) => r !== 'city_admin'),
  street_admin: ['community_secretary', 'community_clerk', 'grid_worker', 'member'],
  community_secretary: ['community_clerk', 'grid_worker', 'member'],
};

export interface AccountView {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgId: number;
  orgName: string;
  orgType: OrgType;
  disabled: boolean;
  locked: boolean;
  lockedUntil: string | null;
  mustChangePassword: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface AccountRow extends Omit<AccountView, 'lockedUntil' | 'createdAt' | 'updatedAt' | 'locked'> {
  path: string;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `a.id, a.username, a.display_name AS "displayName", a.role, a.org_id AS "orgId", o.name AS "orgName", o.type AS "orgType", o.path,
  a.disabled, (SELECT max(l.until) FROM login_lock l WHERE l.username = a.username AND l.until > now()) AS "lockedUntil", a.must_change_password AS "mustChangePassword", a.created_at AS "createdAt",
  a.updated_at AS "updatedAt", a.version`;
const FROM = `account a JOIN org_unit o ON o.id = a.org_id`;

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
  /** `onSessionsEnded`: called after a transaction that ended an account's sessions committed. */
  constructor(
    private readonly ds: DataSource,
    private readonly onSessionsEnded: () => Promise<void> = async () => undefined,
  ) {}

  private async managerScope(user: AuthUser, db: EntityManager = this.ds.manager): Promise<Scope> {
    assertRole(user, Object.keys(GRANTABLE) as Role[], '您的角色无权管理账号');
    return loadScope(db, user);
  }

  grantable(user: AuthUser): { role: Role; orgTypes: readonly OrgType[] }[] {
    return (GRANTABLE[user.role] ?? []).map((role) => ({ role, orgTypes: ROLE_ORG_TYPES[role] }));
  }

  async list(user: AuthUser, q: ListAccountsQuery) {
    const paged = pageRequest(q, 20);
    const scope = await this.managerScope(user);
    const limit = Math.min(q.limit ?? 50, 100);
    const params: unknown[] = [scope.paths.map((p) => `${likeEscape(p)}%`), GRANTABLE[user.role]];
    const where = [`o.path LIKE ANY($1::text[])`, `a.role = ANY($2::text[])`];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.q) add((n) => `(a.username LIKE '%' || $${n} || '%' OR a.display_name LIKE '%' || $${n} || '%')`, likeEscape(q.q.trim()));
    if (q.role) add((n) => `a.role = $${n}`, q.role);
    if (q.orgId) {
      // An organisation outside the caller's scope does not exist for them (404), as on every filter.
      const org: { path: string }[] = await this.ds.query(`SELECT path FROM org_unit WHERE id = $1`, [q.orgId]);
      if (!org[0]) throw notFound('Organisation');
      assertInScope(scope, org[0].path);
      add((n) => `a.org_id = $${n}`, q.orgId);
    }
    const lockedSql = `EXISTS (SELECT 1 FROM login_lock l WHERE l.username = a.username AND l.until > now())`;
    if (q.status === 'active') where.push(`NOT a.disabled AND NOT ${lockedSql}`);
    if (q.status === 'disabled') where.push(`a.disabled`);
    if (q.status === 'locked') where.push(lockedSql);
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      params.push(at, id);
      where.push(`(a.created_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    if (paged) {
      // Numbered pages: the same filters, the total alongside (exact up to 1,000, else estimated).
      const rowsSql = `SELECT 1 FROM ${FROM} WHERE ${where.join(' AND ')}`;
      const [rows, total]: [AccountRow[], PageTotal] = await Promise.all([
        this.ds.query(
          `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${paged.limit} OFFSET ${paged.offset}`,
          params,
        ),
        pageTotal(this.ds, rowsSql, params),
      ]);
      return { items: rows.map(view), ...total, page: paged.page, limit: paged.limit };
    }
    params.push(limit + 1);
    const rows: (AccountRow & { cursorAt: string })[] = await this.ds.query(
      `SELECT ${COLUMNS}, ${cursorAtSql('a.created_at')} AS "cursorAt" FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(last.cursorAt, last.id) : null };
  }

  /** The account, if the caller may manage it: in scope and of a role the caller may give (else 404, as if absent). */
  private async manageable(m: EntityManager, scope: Scope, id: number, lock = false): Promise<AccountRow> {
    const rows: AccountRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    const a = rows[0];
    if (!a || !inScope(a.path, scope.paths) || !GRANTABLE[scope.user.role]!.includes(a.role)) throw notFound('Account');
    return a;
  }

  /** The organisation an account is placed at: in the caller's scope, current, and of a type the role fits. */
  private async placement(m: EntityManager, scope: Scope, role: Role, orgId: number): Promise<{ id: number; type: OrgType }> {
    if (!GRANTABLE[scope.user.role]!.includes(role)) throw forbidden(`Your role may not give the role ${role}`);
    const rows: { id: number; type: OrgType; path: string; valid_to: string | null }[] = await m.query(`SELECT id, type, path, valid_to FROM org_unit WHERE id = $1`, [orgId]);
    const org = rows[0];
    if (!org || !inScope(org.path, scope.paths)) throw notFound('Organisation');
    if (org.valid_to) throw conflict('The organisation is archived', 'ORG_ARCHIVED');
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
      const inserted: { id: number }[] = await m.query(
        `INSERT INTO account (username, display_name, password_hash, role, org_id, must_change_password)
         VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (username) DO NOTHING RETURNING id`,
        [username, dto.displayName.trim(), passwordHash, dto.role, dto.orgId],
      );
      if (!inserted.length) throw conflict(`The username ${username} is taken`, 'USERNAME_TAKEN');
      const account = view(await this.manageable(m, scope, inserted[0].id));
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
      await m.query(
        `UPDATE account SET display_name = $2, role = $3, org_id = $4, disabled = $5, updated_at = now(), version = version + 1 WHERE id = $1`,
        [id, displayName, role, orgId, disabled],
      );
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
      await m.query(
        `UPDATE account SET password_hash = $2, must_change_password = true,
                password_changed_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`,
        [id, passwordHash],
      );
      await m.query(`DELETE FROM login_lock WHERE username = $1`, [a.username]);
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
