import type { EntityManager } from 'typeorm';
import { cursorAtSql, likeEscape, type PageRequest, type PageTotal, readPage, type Role } from '@redheart/shared';
import type { OrgType } from '../../domain';
import type { PublicUser } from '../auth/repository';

/** An account with its organisation, as the queries below read it (dates as the driver gives them). */
export interface AccountRow extends PublicUser {
  path: string;
  disabled: boolean;
  lockedUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The organisation an account is (to be) placed at. */
export interface PlacementRow {
  id: number;
  type: OrgType;
  path: string;
  validTo: string | null;
}

export interface AccountFilter {
  scopePaths: readonly string[];
  /** The roles the caller may give (and so manage). */
  roles: readonly Role[];
  q?: string;
  role?: Role;
  orgId?: number;
  status?: 'active' | 'disabled' | 'locked';
  /** Keyset: strictly after this (created_at, id). */
  cursor?: [string, string | number];
}

const COLUMNS = `a.id, a.username, a.display_name AS "displayName", a.role, a.org_id AS "orgId", o.name AS "orgName", o.type AS "orgType", o.path,
  a.disabled, (SELECT max(l.until) FROM login_lock l WHERE l.username = a.username AND l.until > now()) AS "lockedUntil", a.must_change_password AS "mustChangePassword", a.created_at AS "createdAt",
  a.updated_at AS "updatedAt", a.version`;
const FROM = `account a JOIN org_unit o ON o.id = a.org_id`;
const LOCKED = `EXISTS (SELECT 1 FROM login_lock l WHERE l.username = a.username AND l.until > now())`;

export class AccountRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new AccountRepository(m);
  }

  private where(f: AccountFilter): { where: string[]; params: unknown[] } {
    const params: unknown[] = [f.scopePaths.map((p) => `${likeEscape(p)}%`), f.roles];
    const where = [`o.path LIKE ANY($1::text[])`, `a.role = ANY($2::text[])`];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.q) add((n) => `(a.username LIKE '%' || $${n} || '%' OR a.display_name LIKE '%' || $${n} || '%')`, likeEscape(f.q));
    if (f.role) add((n) => `a.role = $${n}`, f.role);
    if (f.orgId) add((n) => `a.org_id = $${n}`, f.orgId);
    if (f.status === 'active') where.push(`NOT a.disabled AND NOT ${LOCKED}`);
    if (f.status === 'disabled') where.push(`a.disabled`);
    if (f.status === 'locked') where.push(LOCKED);
    if (f.cursor) {
      params.push(f.cursor[0], f.cursor[1]);
      where.push(`(a.created_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    return { where, params };
  }

  /** Numbered pages: the filters' accounts, newest first, with the total (exact up to 1,000, else estimated). */
  async page(f: AccountFilter, paged: PageRequest): Promise<{ rows: AccountRow[]; total: PageTotal }> {
    const { where, params } = this.where(f);
    const rowsSql = `SELECT 1 FROM ${FROM} WHERE ${where.join(' AND ')}`;
    const { rows, ...total } = await readPage<AccountRow>(this.db, `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC`, rowsSql, params, paged);
    return { rows, total };
  }

  /** Keyset pages: up to `limit` accounts newest first, with the cursor of each. */
  async keyset(f: AccountFilter, limit: number): Promise<(AccountRow & { cursorAt: string })[]> {
    const { where, params } = this.where(f);
    params.push(limit);
    const rows: (AccountRow & { cursorAt: string })[] = await this.db.query(
      `SELECT ${COLUMNS}, ${cursorAtSql('a.created_at')} AS "cursorAt" FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  }

  async findById(id: number, lock = false): Promise<AccountRow | undefined> {
    const rows: AccountRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    return rows[0];
  }

  async orgPath(orgId: number): Promise<string | undefined> {
    const rows: { path: string }[] = await this.db.query(`SELECT path FROM org_unit WHERE id = $1`, [orgId]);
    return rows[0]?.path;
  }

  async placement(orgId: number): Promise<PlacementRow | undefined> {
    const rows: PlacementRow[] = await this.db.query(`SELECT id, type, path, valid_to AS "validTo" FROM org_unit WHERE id = $1`, [orgId]);
    return rows[0];
  }

  /** The new account's id; undefined when the username is taken. */
  async insert(a: { username: string; displayName: string; passwordHash: string; role: Role; orgId: number }): Promise<number | undefined> {
    const rows: { id: number }[] = await this.db.query(
      `INSERT INTO account (username, display_name, password_hash, role, org_id, must_change_password)
       VALUES ($1, $2, $3, $4, $5, true) ON CONFLICT (username) DO NOTHING RETURNING id`,
      [a.username, a.displayName, a.passwordHash, a.role, a.orgId],
    );
    return rows[0]?.id;
  }

  async update(id: number, f: { displayName: string; role: Role; orgId: number; disabled: boolean }): Promise<void> {
    await this.db.query(
      `UPDATE account SET display_name = $2, role = $3, org_id = $4, disabled = $5, updated_at = now(), version = version + 1 WHERE id = $1`,
      [id, f.displayName, f.role, f.orgId, f.disabled],
    );
  }

  /** A one-time password: to be replaced at the next login. */
  async resetPassword(id: number, passwordHash: string): Promise<void> {
    await this.db.query(
      `UPDATE account SET password_hash = $2, must_change_password = true,
              password_changed_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`,
      [id, passwordHash],
    );
  }

  async clearLoginLocks(username: string): Promise<void> {
    await this.db.query(`DELETE FROM login_lock WHERE username = $1`, [username]);
  }
}
