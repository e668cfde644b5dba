import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { DataSource } from 'typeorm';
import { ACCESS_TOKEN_TTL_SECONDS, type AuthUser, badRequest, unauthorized, writeAudit } from '@redheart/shared';
import { passwordProblem } from '../accounts/password';
import { currentScopePaths } from '../scope/scope';
import { endAllSessions, endSession, publishEnded } from './sessions';
import type { LoginLog } from './login-log';
import type { LoginThrottle } from './throttle';
import { AuthRepository, type PublicUser } from './repository';

export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export type { PublicUser };

export interface Session {
  user: PublicUser;
  claims: AuthUser;
  refreshToken: string;
  refreshExpiresAt: Date;
}

// A fixed hash so that an unknown username costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export interface AuthServiceOptions {
  refreshTokenDays: number;
  throttle: LoginThrottle;
  /** Where every attempt is written (登录日志). */
  loginLog?: LoginLog;
  /** Called after a transaction that ended sessions committed (the service's own cache catches up at once). */
  onSessionsEnded?: () => Promise<void>;
}

export class AuthService {
  private readonly repo: AuthRepository;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: AuthServiceOptions,
  ) {
    this.repo = new AuthRepository(ds.manager);
  }

  private async ended(): Promise<void> {
    await this.opts.onSessionsEnded?.();
  }

  /**
   * `address`: the client's address (the gateway's X-Forwarded-For), for the failure counts; every
   * attempt is written to the login log with its outcome.
   */
  async login(username: string, password: string, address: string, userAgent?: string): Promise<Session> {
    const name = username.toLowerCase();
    const log = (result: 'success' | 'bad_password' | 'locked' | 'disabled' | 'throttled', accountId: number | null) =>
      this.opts.loginLog?.record({ username: name, accountId, result, ip: address, userAgent });
    try {
      await this.opts.throttle.check(name, address);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LOGIN_LOCKED' || code === 'LOGIN_RATE_LIMITED') {
        const known = await this.repo.credentialsByUsername(name);
        await log(code === 'LOGIN_LOCKED' ? 'locked' : 'throttled', known ? Number(known.id) : null);
      }
      throw err;
    }
    const acc = await this.repo.credentialsByUsername(name);
    let ok = false;
    if (!acc) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verify(await dummyHash, password).catch(() => false);
    } else {
      // a disabled account's password is checked too (the same time as any other), so that the log
      // can tell "disabled" (right password) from a guess
      ok = await verify(acc.passwordHash, password).catch(() => false);
    }
    if (!acc || !ok || acc.disabled) {
      await this.opts.throttle.failure(name, address);
      await log(acc && ok && acc.disabled ? 'disabled' : 'bad_password', acc ? Number(acc.id) : null);
      throw unauthorized('Wrong username or password', 'BAD_CREDENTIALS');
    }
    await this.opts.throttle.success(name, address);
    const session = await this.issue(Number(acc.id), randomUUID(), this.ds.manager, { ip: address, userAgent });
    await log('success', Number(acc.id));
    return session;
  }

  /** Rotates: the presented token is spent; presenting a spent one again ends its whole session. */
  async refresh(token: string, client: { ip?: string; userAgent?: string } = {}): Promise<Session> {
    const tokenHash = sha256(token);
    const outcome = await this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      const t = await repo.tokenForRotation(tokenHash);
      if (!t) return { error: unauthorized('Invalid refresh token', 'INVALID_REFRESH') };
      if (t.usedAt || t.revokedAt) {
        // Committed (not thrown inside the transaction): a replayed token must kill the session for good.
        if (!t.revokedAt) await publishEnded(m, await endSession(m, Number(t.accountId), t.familyId, 'refresh_reuse'));
        else await repo.revokeFamily(t.familyId);
        return { error: unauthorized('Refresh token was already used; the session has been revoked', 'REFRESH_REUSED'), ended: !t.revokedAt };
      }
      if (new Date(t.expiresAt) <= new Date()) return { error: unauthorized('Refresh token expired', 'REFRESH_EXPIRED') };
      await repo.spendToken(t.id);
      return { session: await this.issue(Number(t.accountId), t.familyId, m, client) };
    });
    if ('error' in outcome) {
      if (outcome.ended) await this.ended();
      throw outcome.error;
    }
    return outcome.session;
  }

  /** Ends the session of the refresh cookie: its refresh tokens and its access tokens. */
  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const done = await this.ds.transaction(async (m) => {
      const t = await this.repo.with(m).tokenSession(sha256(token));
      if (!t) return false;
      await publishEnded(m, await endSession(m, Number(t.accountId), t.familyId, 'logout'));
      return true;
    });
    if (done) await this.ended();
  }

  /** Ends every session of the caller's account, this one included. */
  async logoutEverywhere(user: AuthUser, requestId?: string): Promise<void> {
    const accountId = Number(user.sub);
    await this.ds.transaction(async (m) => {
      const ended = await endAllSessions(m, accountId, 'logout_everywhere');
      await writeAudit(m, { actor: user, action: 'account.logout_everywhere', entityType: 'account', entityId: accountId, requestId });
      await publishEnded(m, ended);
    });
    await this.ended();
  }

  /**
   * The account's own password change: the current password is checked (a wrong one counts like a
   * failed login from this address), the new one must pass the rule, and every session ends but
   * this one, which goes on with the fresh token of the answer.
   */
  async changePassword(user: AuthUser, current: string, next: string, refreshToken: string | undefined, address: string, requestId?: string): Promise<Session> {
    const accountId = Number(user.sub);
    const acc = await this.repo.enabledCredentials(accountId);
    if (!acc) throw unauthorized('Account no longer exists', 'INVALID_TOKEN');
    await this.opts.throttle.check(acc.username, address);
    if (!(await verify(acc.passwordHash, current).catch(() => false))) {
      await this.opts.throttle.failure(acc.username, address);
      throw badRequest('The current password is wrong', [{ field: 'currentPassword', errors: ['wrong'] }], 'WRONG_CURRENT_PASSWORD');
    }
    const problem = passwordProblem(next, acc.username);
    if (problem) throw badRequest(`The new password ${problem}`, [{ field: 'newPassword', errors: [problem] }], 'WEAK_PASSWORD');
    if (next === current) throw badRequest('The new password must differ from the current one', [{ field: 'newPassword', errors: ['same as the current one'], code: 'sameAsCurrent' }], 'WEAK_PASSWORD');
    const newHash = await hashPassword(next);
    const session = await this.ds.transaction(async (m) => {
      const repo = this.repo.with(m);
      await repo.setOwnPassword(accountId, newHash);
      // This session goes on (its refresh token is spent and a new one issued in its family, so the
      // answer carries a token without the one-time-password claim); every other session ends, and
      // every access token issued before (this session's too: the answer carries the new one).
      const own = refreshToken ? await repo.liveToken(sha256(refreshToken), accountId) : undefined;
      if (own) await repo.spendToken(own.id);
      const ended = await endAllSessions(m, accountId, 'password_change', own?.familyId);
      await writeAudit(m, { actor: user, action: 'account.change_password', entityType: 'account', entityId: accountId, requestId });
      const s = await this.issue(accountId, own?.familyId ?? randomUUID(), m, { ip: address });
      await publishEnded(m, ended);
      return s;
    });
    await this.ended();
    return session;
  }

  async publicUser(accountId: number, manager = this.ds.manager): Promise<PublicUser> {
    const user = await this.repo.with(manager).publicUser(accountId);
    if (!user) throw unauthorized('Account no longer exists', 'INVALID_TOKEN');
    return user;
  }

  private async issue(accountId: number, familyId: string, manager = this.ds.manager, client: { ip?: string; userAgent?: string } = {}): Promise<Session> {
    const user = await this.publicUser(accountId, manager);
    const repo = this.repo.with(manager);
    const epoch = await repo.sessionEpoch(accountId);
    // (publicUser has just read the account)
    if (epoch === undefined) throw unauthorized('Account no longer exists', 'INVALID_TOKEN');
    const scopePaths = await currentScopePaths(manager, user.orgId, user.role);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.opts.refreshTokenDays * 86400_000);
    await repo.insertToken({
      id: randomUUID(), familyId, accountId, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt,
      ip: client.ip ?? null, userAgent: client.userAgent?.slice(0, 400) ?? null,
    });
    return {
      user,
      claims: {
        sub: String(user.id), username: user.username, role: user.role, orgId: user.orgId, scopePaths,
        ...(user.mustChangePassword ? { mustChangePassword: true as const } : {}),
        sid: familyId,
        sv: epoch,
      },
      refreshToken,
      refreshExpiresAt,
    };
  }
}

export { ACCESS_TOKEN_TTL_SECONDS };
