import type { DataSource } from 'typeorm';
import { type AuthUser, badRequest, checkTimeRange, decodeIdCursor, encodeIdCursor, inScope, keysetPage, notFound, pageRequest, type Role, writeAudit } from '@redheart/shared';
import { endSession, publishEnded } from '../auth/sessions';
import { assertMay, GRANTABLE, may } from '../../policy';
import { loadScope } from '../scope/scope';
import { type LoginLogRow, MonitorRepository, type SessionRow } from './repository';
import type { LoginLogQuery, SessionsQuery } from './schemas';

/** Who opens 系统监控: the organisation department (all), a street (its street's accounts). */

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

const encodeSessionCursor = (at: string, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');
function decodeSessionCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && !Number.isNaN(Date.parse(v[0])) && typeof v[1] === 'string' && /^[0-9a-f-]{36}$/.test(v[1])) return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw badRequest('cursor 无效，请从第一页重新查询', [{ field: 'cursor', errors: ['malformed'] }], 'VALIDATION_FAILED');
}

/**
 * 系统监控 of the org service: the login log and the online sessions with a forced logout. An admin
 * sees everything; a street admin the attempts and sessions of accounts placed in its street, and
 * ends the sessions of the accounts it manages (and its own).
 */
export class MonitorService {
  private readonly repo: MonitorRepository;

  constructor(
    private readonly ds: DataSource,
    readDs: DataSource,
    private readonly onSessionsEnded: () => Promise<void> = async () => undefined,
  ) {
    this.repo = new MonitorRepository(readDs.manager);
  }

  /** null = every organisation (an admin); the paths are read fresh (see scope/scope.ts). */
  private async scopePaths(user: AuthUser): Promise<string[] | null> {
    assertMay(user, 'monitor.read');
    if (may(user, 'monitor.readAll')) return null;
    return (await loadScope(this.ds.manager, user)).paths;
  }

  async loginLog(user: AuthUser, q: LoginLogQuery) {
    const scopePaths = await this.scopePaths(user);
    checkTimeRange(q.from, q.to);
    const paged = pageRequest(q, 20) ?? undefined;
    const limit = q.limit ?? 50;
    const { rows, total } = await this.repo.loginLog({
      username: q.username?.trim().toLowerCase(), result: q.result, ip: q.ip, from: q.from, to: q.to,
      beforeId: q.cursor ? decodeIdCursor(q.cursor) : undefined, limit, scopePaths, paged,
    });
    const view = (r: LoginLogRow) => ({ ...r, id: Number(r.id), accountId: r.accountId === null ? null : Number(r.accountId), at: new Date(r.at).toISOString() });
    if (paged && total) return { items: rows.map(view), ...total, page: paged.page, limit: paged.limit };
    const { page, next: last } = keysetPage(rows, limit);
    return { items: page.map(view), nextCursor: last ? encodeIdCursor(last.id) : null };
  }

  /** May the caller end this account's sessions: its own, or one it manages (admin: any). */
  private mayEnd(user: AuthUser, scopePaths: string[] | null, account: { accountId: string; role: string; path: string }): boolean {
    if (String(account.accountId) === user.sub || may(user, 'monitor.readAll')) return true;
    return !!scopePaths && inScope(account.path, scopePaths) && (GRANTABLE[user.role] ?? []).includes(account.role as Role);
  }

  async sessions(user: AuthUser, q: SessionsQuery) {
    const scopePaths = await this.scopePaths(user);
    const paged = pageRequest(q, 20) ?? undefined;
    const limit = q.limit ?? 50;
    const { rows, total } = await this.repo.sessions({
      username: q.username?.trim().toLowerCase(), after: q.cursor ? decodeSessionCursor(q.cursor) : undefined, limit, scopePaths, paged,
    });
    const view = (r: SessionRow) => ({
      sessionId: r.sessionId, accountId: Number(r.accountId), username: r.username, displayName: r.displayName, role: r.role, orgName: r.orgName,
      startedAt: new Date(r.startedAt).toISOString(), lastSeenAt: new Date(r.lastSeenAt).toISOString(), expiresAt: new Date(r.expiresAt).toISOString(),
      ip: r.ip, userAgent: r.userAgent, current: r.sessionId === user.sid, canEnd: this.mayEnd(user, scopePaths, r),
    });
    if (paged && total) return { items: rows.map(view), ...total, page: paged.page, limit: paged.limit };
    const { page, next: last } = keysetPage(rows, limit);
    return { items: page.map(view), nextCursor: last ? encodeSessionCursor(last.cursorAt, last.tokenId) : null };
  }

  /**
   * Forced logout (强退): the session's refresh tokens are revoked and the session is published as
   * ended, so its access token is refused everywhere within a second. 404 when the session is not
   * live or its account is not the caller's to manage.
   */
  async endSession(ctx: Ctx, sessionId: string): Promise<void> {
    const scopePaths = await this.scopePaths(ctx.user);
    const ended = await this.ds.transaction(async (m) => {
      const s = await new MonitorRepository(m).liveSession(sessionId);
      if (!s || !this.mayEnd(ctx.user, scopePaths, s)) throw notFound('Session');
      const e = await endSession(m, Number(s.accountId), sessionId, 'forced_logout');
      await writeAudit(m, { actor: ctx.user, action: 'account.end_session', entityType: 'account', entityId: s.accountId, after: { sessionId }, requestId: ctx.requestId });
      await publishEnded(m, e);
      return true;
    });
    if (ended) await this.onSessionsEnded();
  }
}
