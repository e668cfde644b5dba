import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { ACCESS_TOKEN_TTL_SECONDS, AppError, type AuthUser, badRequest, unauthorized, writeAudit } from '@redheart/shared';
import { passwordProblem } from '../accounts/password';
import type { Account } from '../../entities';
import { currentScopePaths } from '../scope/scope';

export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  role: string;
  orgId: number;
  orgName: string;
  orgType: string;
  /** A one-time password (new account, reset) must be replaced before anything else. */
  mustChangePassword: boolean;
}

export interface Session {
  user: PublicUser;
  claims: AuthUser;
  refreshToken: string;
  refreshExpiresAt: Date;
}

// A fixed hash so that an unknown username costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Ends an account's sessions (its refresh tokens; access tokens run out within 15 minutes), all but one family if given. */
export async function revokeSessions(m: EntityManager, accountId: number, exceptFamily?: string): Promise<void> {
  await m.query(
    `UPDATE refresh_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
    [accountId, exceptFamily ?? null],
  );
}

export class AuthService {
  constructor(
    private readonly ds: DataSource,
    private readonly opts: { refreshTokenDays: number; maxFailures: number; lockMinutes: number },
  ) {}

  async login(username: string, password: string): Promise<Session> {
    const rows: (Account & { org_name: string; org_type: string })[] = await this.ds.query(
      `SELECT a.id, a.username, a.display_name AS "displayName", a.password_hash AS "passwordHash", a.role,
              a.org_id AS "orgId", a.failed_logins AS "failedLogins", a.locked_until AS "lockedUntil", a.disabled,
              o.name AS org_name, o.type AS org_type
         FROM account a JOIN org_unit o ON o.id = a.org_id WHERE a.username = $1`,
      [username.toLowerCase()],
    );
    const acc = rows[0];
    if (!acc || acc.disabled) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verify(await dummyHash, password).catch(() => false);
      throw unauthorized('Wrong username or password', 'BAD_CREDENTIALS');
    }
    if (acc.lockedUntil && new Date(acc.lockedUntil) > new Date()) {
      throw new AppError(423, 'ACCOUNT_LOCKED', `Account locked after repeated failures; try again after ${new Date(acc.lockedUntil).toISOString()}`);
    }
    const ok = await verify(acc.passwordHash, password).catch(() => false);
    if (!ok) {
      await this.countFailure(Number(acc.id));
      throw unauthorized('Wrong username or password', 'BAD_CREDENTIALS');
    }
    await this.ds.query('UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = $1', [Number(acc.id)]);
    return this.issue(Number(acc.id), randomUUID());
  }

  /** Rotates: the presented token is spent; presenting a spent one again revokes its whole family. */
  async refresh(token: string): Promise<Session> {
    const tokenHash = sha256(token);
    const outcome = await this.ds.transaction(async (m) => {
      const rows: { id: string; family_id: string; account_id: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null }[] =
        await m.query('SELECT id, family_id, account_id, expires_at, used_at, revoked_at FROM refresh_token WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
      const t = rows[0];
      if (!t) return { error: unauthorized('Invalid refresh token', 'INVALID_REFRESH') };
      if (t.used_at || t.revoked_at) {
        // Committed (not thrown inside the transaction): a replayed token must kill the family for good.
        await m.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [t.family_id]);
        return { error: unauthorized('Refresh token was already used; the session has been revoked', 'REFRESH_REUSED') };
      }
      if (new Date(t.expires_at) <= new Date()) return { error: unauthorized('Refresh token expired', 'REFRESH_EXPIRED') };
      await m.query('UPDATE refresh_token SET used_at = now() WHERE id = $1', [t.id]);
      return { session: await this.issue(Number(t.account_id), t.family_id, m) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  async logout(token: string | undefined): Promise<void> {
    if (!token) return;
    const rows: { family_id: string }[] = await this.ds.query('SELECT family_id FROM refresh_token WHERE token_hash = $1', [sha256(token)]);
    if (rows[0]) await this.ds.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [rows[0].family_id]);
  }

  /**
   * The account's own password change: the current password is checked (a wrong one counts toward
   * the lock like a failed login), the new one must pass the rule, and every other session ends.
   */
  async changePassword(user: AuthUser, current: string, next: string, refreshToken: string | undefined, requestId?: string): Promise<Session> {
    const accountId = Number(user.sub);
    const rows: { username: string; password_hash: string; locked_until: Date | null }[] = await this.ds.query(
      `SELECT username, password_hash, locked_until FROM account WHERE id = $1 AND NOT disabled`,
      [accountId],
    );
    const acc = rows[0];
    if (!acc) throw unauthorized('Account no longer exists', 'INVALID_TOKEN');
    if (acc.locked_until && new Date(acc.locked_until) > new Date()) {
      throw new AppError(423, 'ACCOUNT_LOCKED', `Account locked after repeated failures; try again after ${new Date(acc.locked_until).toISOString()}`);
    }
    if (!(await verify(acc.password_hash, current).catch(() => false))) {
      await this.countFailure(accountId);
      throw badRequest('The current password is wrong', [{ field: 'currentPassword', errors: ['wrong'] }], 'WRONG_CURRENT_PASSWORD');
    }
    const problem = passwordProblem(next, acc.username);
    if (problem) throw badRequest(`The new password ${problem}`, [{ field: 'newPassword', errors: [problem] }], 'WEAK_PASSWORD');
    if (next === current) throw badRequest('The new password must differ from the current one', [{ field: 'newPassword', errors: ['same as the current one'] }], 'WEAK_PASSWORD');
    const newHash = await hashPassword(next);
    return this.ds.transaction(async (m) => {
      await m.query(
        `UPDATE account SET password_hash = $2, must_change_password = false, failed_logins = 0, password_changed_at = now(),
                updated_at = now(), version = version + 1 WHERE id = $1`,
        [accountId, newHash],
      );
      // This session goes on (its refresh token is spent and a new one issued in its family, so the
      // answer carries a token without the one-time-password claim); every other session ends.
      const own: { id: string; family_id: string }[] = refreshToken
        ? await m.query('SELECT id, family_id FROM refresh_token WHERE token_hash = $1 AND account_id = $2 AND used_at IS NULL AND revoked_at IS NULL', [sha256(refreshToken), accountId])
        : [];
      await revokeSessions(m, accountId, own[0]?.family_id);
      if (own[0]) await m.query('UPDATE refresh_token SET used_at = now() WHERE id = $1', [own[0].id]);
      await writeAudit(m, { actor: user, action: 'account.change_password', entityType: 'account', entityId: accountId, requestId });
      return this.issue(accountId, own[0]?.family_id ?? randomUUID(), m);
    });
  }

  /** A wrong password: counting and locking in one statement keeps concurrent failures from slipping past the limit. */
  private async countFailure(accountId: number): Promise<void> {
    await this.ds.query(
      `UPDATE account SET failed_logins = failed_logins + 1,
              locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
        WHERE id = $1`,
      [accountId, this.opts.maxFailures, this.opts.lockMinutes],
    );
  }

  async publicUser(accountId: number, manager = this.ds.manager): Promise<PublicUser> {
    const rows: PublicUser[] = await manager.query(
      `SELECT a.id::int AS id, a.username, a.display_name AS "displayName", a.role, a.org_id::int AS "orgId",
              o.name AS "orgName", o.type AS "orgType", a.must_change_password AS "mustChangePassword"
         FROM account a JOIN org_unit o ON o.id = a.org_id WHERE a.id = $1 AND NOT a.disabled`,
      [accountId],
    );
    if (!rows[0]) throw unauthorized('Account no longer exists', 'INVALID_TOKEN');
    return rows[0];
  }

  private async issue(accountId: number, familyId: string, manager = this.ds.manager): Promise<Session> {
    const user = await this.publicUser(accountId, manager);
    const scopePaths = await currentScopePaths(manager, user.orgId, user.role);
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Date.now() + this.opts.refreshTokenDays * 86400_000);
    await manager.query(
      'INSERT INTO refresh_token (id, family_id, account_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [randomUUID(), familyId, accountId, sha256(refreshToken), refreshExpiresAt],
    );
    return {
      user,
      claims: {
        sub: String(user.id), username: user.username, role: user.role as AuthUser['role'], orgId: user.orgId, scopePaths,
        ...(user.mustChangePassword ? { mustChangePassword: true as const } : {}),
      },
      refreshToken,
      refreshExpiresAt,
    };
  }
}

export { ACCESS_TOKEN_TTL_SECONDS };
