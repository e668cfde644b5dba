import type { EntityManager } from 'typeorm';
import { cursorAtSql, likeEscape, type PageRequest, type PageTotal, readPage } from '@redheart/shared';
import type { LoginResult } from '../auth/login-log';

export interface LoginLogRow {
  id: string;
  at: Date;
  username: string;
  accountId: string | null;
  displayName: string | null;
  result: LoginResult;
  ip: string;
  userAgent: string | null;
}

export interface SessionRow {
  sessionId: string;
  tokenId: string;
  accountId: string;
  username: string;
  displayName: string;
  role: string;
  orgName: string;
  path: string;
  startedAt: Date;
  lastSeenAt: Date;
  cursorAt: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

const patterns = (paths: readonly string[]) => paths.map((p) => `${likeEscape(p)}%`);

/** Reads of the login log and of the live sessions; `scopePaths` null = everything (an admin). */
export class MonitorRepository {
  constructor(private readonly db: EntityManager) {}

  /** Newest first by id; an attempt with no known account is the admins' only. */
  async loginLog(f: {
    username?: string; result?: LoginResult; ip?: string; from?: string; to?: string; beforeId?: string; limit: number; scopePaths: readonly string[] | null;
    paged?: PageRequest;
  }): Promise<{ rows: LoginLogRow[]; total?: PageTotal }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.username) add((n) => `l.username = $${n}`, f.username);
    if (f.result) add((n) => `l.result = $${n}`, f.result);
    if (f.ip) add((n) => `l.ip = $${n}`, f.ip);
    if (f.from) add((n) => `l.at >= $${n}::timestamptz`, f.from);
    if (f.to) add((n) => `l.at < $${n}::timestamptz`, f.to);
    if (f.beforeId) add((n) => `l.id < $${n}::bigint`, f.beforeId);
    if (f.scopePaths) add((n) => `o.path LIKE ANY($${n}::text[])`, patterns(f.scopePaths));
    const from = `FROM login_log l LEFT JOIN account a ON a.id = l.account_id LEFT JOIN org_unit o ON o.id = a.org_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const select = `SELECT l.id, l.at, l.username, l.account_id AS "accountId", a.display_name AS "displayName", l.result, l.ip, l.user_agent AS "userAgent"
         ${from} ORDER BY l.id DESC`;
    return this.read<LoginLogRow>(select, from, params, f.limit, f.paged);
  }

  /** Live sessions (a refresh token neither spent, revoked nor expired), latest activity first. */
  async sessions(f: {
    username?: string; after?: [string, string]; limit: number; scopePaths: readonly string[] | null; paged?: PageRequest;
  }): Promise<{ rows: SessionRow[]; total?: PageTotal }> {
    const params: unknown[] = [];
    const where = [`t.used_at IS NULL`, `t.revoked_at IS NULL`, `t.expires_at > now()`];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.username) add((n) => `a.username = $${n}`, f.username);
    if (f.scopePaths) add((n) => `o.path LIKE ANY($${n}::text[])`, patterns(f.scopePaths));
    if (f.after) {
      params.push(f.after[0], f.after[1]);
      where.push(`(t.created_at, t.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const from = `FROM refresh_token t JOIN account a ON a.id = t.account_id JOIN org_unit o ON o.id = a.org_id WHERE ${where.join(' AND ')}`;
    const select = `SELECT t.family_id AS "sessionId", t.id AS "tokenId", a.id AS "accountId", a.username, a.display_name AS "displayName", a.role,
              o.name AS "orgName", o.path,
              (SELECT min(f.created_at) FROM refresh_token f WHERE f.family_id = t.family_id) AS "startedAt",
              t.created_at AS "lastSeenAt", ${cursorAtSql('t.created_at')} AS "cursorAt", t.expires_at AS "expiresAt", t.ip, t.user_agent AS "userAgent"
         ${from} ORDER BY t.created_at DESC, t.id DESC`;
    return this.read<SessionRow>(select, from, params, f.limit, f.paged);
  }

  /** A numbered page with its total, or a keyset page (limit + 1 rows: one more says there is a next). */
  private async read<R>(select: string, from: string, params: unknown[], limit: number, paged?: PageRequest): Promise<{ rows: R[]; total?: PageTotal }> {
    if (paged) {
      const { rows, ...total } = await readPage<R>(this.db, select, `SELECT 1 ${from}`, params, paged);
      return { rows, total };
    }
    return { rows: await this.db.query(`${select} LIMIT $${params.length + 1}`, [...params, limit + 1]) };
  }

  /** A live session's account (and its place), or undefined. */
  async liveSession(familyId: string): Promise<{ accountId: string; role: string; path: string } | undefined> {
    const rows: { accountId: string; role: string; path: string }[] = await this.db.query(
      `SELECT a.id AS "accountId", a.role, o.path
         FROM refresh_token t JOIN account a ON a.id = t.account_id JOIN org_unit o ON o.id = a.org_id
        WHERE t.family_id = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
        LIMIT 1`,
      [familyId],
    );
    return rows[0];
  }
}
