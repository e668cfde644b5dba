import type { DataSource, EntityManager } from 'typeorm';
import type { LoginResult, Role } from '@redheart/shared';
import type { OrgType } from '../../domain';

/** The logged-in user as the answers of login, refresh and /me carry it. */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  orgId: number;
  orgName: string;
  orgType: OrgType;
  /** A one-time password (new account, reset) must be replaced before anything else. */
  mustChangePassword: boolean;
}

/** What a login checks. */
export interface CredentialsRow {
  id: string;
  username: string;
  passwordHash: string;
  disabled: boolean;
}

/** A refresh token (one per rotation; its family is the session). */
export interface RefreshTokenRow {
  id: string;
  familyId: string;
  accountId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

/** An entry of the session-revocation feed as written. */
export interface NewRevocation {
  accountId: number;
  sessionId: string | null;
  epoch: number;
  reason: string;
}

/** An entry of the session-revocation feed as read (ids as the driver hands back a bigint). */
export interface RevocationRow {
  id: string;
  accountId: string;
  sessionId: string | null;
  epoch: number;
  at: Date;
}

/** An address's failures within the window, and the waits (seconds, null: none) of the address and of the pair. */
export interface ThrottleStateRow {
  n: number;
  addressWait: number | null;
  lockWait: number | null;
}

/** A (username, address) pair's failure count and lock level; `quiet`: no failure for the quiet period. */
export interface LoginPairRow {
  failures: number;
  level: number;
  quiet: boolean;
}

/** A login attempt as the login log keeps it (already cut to the columns' lengths). */
export interface NewLoginLogRow {
  username: string;
  accountId: number | null;
  result: LoginResult;
  ip: string;
  userAgent: string | null;
}

/**
 * The accounts, refresh tokens and session-revocation feed as logging in, refreshing, changing one's password
 * and ending sessions read and write them; the login throttle's counts and the login log. SQL only: the rules
 * are the service's, sessions.ts's, throttle.ts's and login-log.ts's.
 */
export class AuthRepository {
  constructor(private readonly db: EntityManager | DataSource) {}

  with(m: EntityManager) {
    return new AuthRepository(m);
  }

  async credentialsByUsername(username: string): Promise<CredentialsRow | undefined> {
    const rows: CredentialsRow[] = await this.db.query(
      `SELECT id, username, password_hash AS "passwordHash", disabled FROM account WHERE username = $1`,
      [username],
    );
    return rows[0];
  }

  /** An enabled account's credentials. */
  async enabledCredentials(accountId: number): Promise<CredentialsRow | undefined> {
    const rows: CredentialsRow[] = await this.db.query(
      `SELECT id, username, password_hash AS "passwordHash", disabled FROM account WHERE id = $1 AND NOT disabled`,
      [accountId],
    );
    return rows[0];
  }

  async setOwnPassword(accountId: number, passwordHash: string): Promise<void> {
    await this.db.query(
      `UPDATE account SET password_hash = $2, must_change_password = false, password_changed_at = now(),
              updated_at = now(), version = version + 1 WHERE id = $1`,
      [accountId, passwordHash],
    );
  }

  async publicUser(accountId: number): Promise<PublicUser | undefined> {
    const rows: PublicUser[] = await this.db.query(
      `SELECT a.id::int AS id, a.username, a.display_name AS "displayName", a.role, a.org_id::int AS "orgId",
              o.name AS "orgName", o.type AS "orgType", a.must_change_password AS "mustChangePassword"
         FROM account a JOIN org_unit o ON o.id = a.org_id WHERE a.id = $1 AND NOT a.disabled`,
      [accountId],
    );
    return rows[0];
  }

  /** The account's session epoch (undefined: no such account). */
  async sessionEpoch(accountId: number): Promise<number | undefined> {
    const rows: { epoch: number }[] = await this.db.query('SELECT session_epoch AS epoch FROM account WHERE id = $1', [accountId]);
    return rows[0]?.epoch;
  }

  /** Raises the account's session epoch; answers the new one (undefined: no such account). */
  async raiseSessionEpoch(accountId: number): Promise<number | undefined> {
    const rows: { epoch: number }[] = await this.db.query(
      // (as a CTE: TypeORM answers an UPDATE … RETURNING with [rows, count])
      `WITH u AS (UPDATE account SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch) SELECT session_epoch AS epoch FROM u`,
      [accountId],
    );
    return rows[0]?.epoch;
  }

  /** The token by the hash of its value, locked for the rotation. */
  async tokenForRotation(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const rows: RefreshTokenRow[] = await this.db.query(
      `SELECT id, family_id AS "familyId", account_id AS "accountId", expires_at AS "expiresAt", used_at AS "usedAt", revoked_at AS "revokedAt"
         FROM refresh_token WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    );
    return rows[0];
  }

  async tokenSession(tokenHash: string): Promise<{ familyId: string; accountId: string } | undefined> {
    const rows: { familyId: string; accountId: string }[] = await this.db.query(
      'SELECT family_id AS "familyId", account_id AS "accountId" FROM refresh_token WHERE token_hash = $1',
      [tokenHash],
    );
    return rows[0];
  }

  /** The account's own unspent, unrevoked token by the hash of its value. */
  async liveToken(tokenHash: string, accountId: number): Promise<{ id: string; familyId: string } | undefined> {
    const rows: { id: string; familyId: string }[] = await this.db.query(
      'SELECT id, family_id AS "familyId" FROM refresh_token WHERE token_hash = $1 AND account_id = $2 AND used_at IS NULL AND revoked_at IS NULL',
      [tokenHash, accountId],
    );
    return rows[0];
  }

  async spendToken(id: string): Promise<void> {
    await this.db.query('UPDATE refresh_token SET used_at = now() WHERE id = $1', [id]);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.query('UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  /** Revokes every live token of the account but those of `keepFamily` (null: all). */
  async revokeAccountTokens(accountId: number, keepFamily: string | null): Promise<void> {
    await this.db.query(
      `UPDATE refresh_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
      [accountId, keepFamily],
    );
  }

  async insertToken(t: { id: string; familyId: string; accountId: number; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db.query(
      'INSERT INTO refresh_token (id, family_id, account_id, token_hash, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [t.id, t.familyId, t.accountId, t.tokenHash, t.expiresAt, t.ip, t.userAgent],
    );
  }

  // The session-revocation feed

  /** A transaction-level advisory lock (held until commit). */
  async advisoryXactLock(key: number): Promise<void> {
    await this.db.query(`SELECT pg_advisory_xact_lock($1)`, [key]);
  }

  /** Appends to the feed; answers the entry's id and time. */
  async insertRevocation(e: NewRevocation): Promise<{ id: string; at: Date }> {
    const [row]: { id: string; at: Date }[] = await this.db.query(
      `INSERT INTO session_revocation (account_id, session_id, epoch, reason) VALUES ($1, $2, $3, $4) RETURNING id, at`,
      [e.accountId, e.sessionId, e.epoch, e.reason],
    );
    return row;
  }

  /** Where a reader without a cursor starts: just before the first entry of the last `window` (an interval), else after the last entry (0: none). */
  async revocationStart(window: string): Promise<number> {
    const rows: { start: string }[] = await this.db.query(
      `SELECT coalesce((SELECT min(id) - 1 FROM session_revocation WHERE at > now() - $1::interval),
                       (SELECT max(id) FROM session_revocation), 0) AS start`,
      [window],
    );
    return Number(rows[0].start);
  }

  /** The feed's entries after `after`, oldest first; `limit` at most. */
  async revocationsAfter(after: number, limit: number): Promise<RevocationRow[]> {
    const rows: RevocationRow[] = await this.db.query(
      `SELECT id, account_id AS "accountId", session_id AS "sessionId", epoch, at FROM session_revocation WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows;
  }

  // The login throttle (login_failure, login_lock)

  /**
   * The address's failures within the last `windowSeconds`; how long until the failure `offset` places after its
   * newest ages out of the window; how long the pair's lock still holds.
   */
  async throttleState(address: string, username: string, windowSeconds: number, offset: number): Promise<ThrottleStateRow> {
    const rows: ThrottleStateRow[] = await this.db.query(
      `SELECT (SELECT count(*)::int FROM login_failure WHERE address = $1 AND at > now() - make_interval(secs => $3)) AS n,
              (SELECT extract(epoch FROM at + make_interval(secs => $3) - now())::float8 FROM login_failure
                WHERE address = $1 AND at > now() - make_interval(secs => $3) ORDER BY at DESC OFFSET $4 LIMIT 1) AS "addressWait",
              (SELECT extract(epoch FROM until - now())::float8 FROM login_lock WHERE username = $2 AND address = $1 AND until > now()) AS "lockWait"`,
      [address, username, windowSeconds, offset],
    );
    return rows[0];
  }

  /** Counts a failure for the address, and makes sure the pair has its row. */
  async insertFailure(username: string, address: string): Promise<void> {
    await this.db.query(`INSERT INTO login_failure (address, username) VALUES ($1, $2)`, [address, username]);
    await this.db.query(`INSERT INTO login_lock (username, address) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [username, address]);
  }

  /** The pair's row, locked (FOR UPDATE); `quiet`: its last failure is older than `quietSeconds`. */
  async pairForUpdate(username: string, address: string, quietSeconds: number): Promise<LoginPairRow> {
    const rows: LoginPairRow[] = await this.db.query(
      `SELECT failures, level, last_failure_at < now() - make_interval(secs => $3) AS quiet FROM login_lock WHERE username = $1 AND address = $2 FOR UPDATE`,
      [username, address, quietSeconds],
    );
    return rows[0];
  }

  /** Sets the pair's count and level after a failure; `lockSeconds`: locks it for that long from now (null: its lock stays as it is). */
  async updatePair(username: string, address: string, failures: number, level: number, lockSeconds: number | null): Promise<void> {
    await this.db.query(
      `UPDATE login_lock SET failures = $3, level = $4, last_failure_at = now(),
              until = CASE WHEN $5::int IS NULL THEN until ELSE now() + make_interval(secs => $5::int) END
        WHERE username = $1 AND address = $2`,
      [username, address, failures, level, lockSeconds],
    );
  }

  async deletePair(username: string, address: string): Promise<void> {
    await this.db.query(`DELETE FROM login_lock WHERE username = $1 AND address = $2`, [username, address]);
  }

  /** Deletes failures older than a day and the pairs quiet for a day whose lock has run out. */
  async pruneThrottle(): Promise<void> {
    await this.db.query(`DELETE FROM login_failure WHERE at < now() - interval '1 day'`);
    await this.db.query(`DELETE FROM login_lock WHERE last_failure_at < now() - interval '1 day' AND (until IS NULL OR until < now())`);
  }

  // The login log

  async insertLoginLog(a: NewLoginLogRow): Promise<void> {
    await this.db.query(`INSERT INTO login_log (username, account_id, result, ip, user_agent) VALUES ($1, $2, $3, $4, $5)`, [
      a.username,
      a.accountId,
      a.result,
      a.ip,
      a.userAgent,
    ]);
  }

  /** Deletes the attempts older than `days`; answers how many. */
  async pruneLoginLog(days: number): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `WITH d AS (DELETE FROM login_log WHERE at < now() - make_interval(days => $1) RETURNING 1) SELECT count(*)::int AS n FROM d`,
      [days],
    );
    return rows[0].n;
  }
}
