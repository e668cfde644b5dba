import type { EntityManager } from 'typeorm';
import type { Role } from '@redheart/shared';
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

/** The accounts and refresh tokens as logging in, refreshing and changing one's password read and write them. */
export class AuthRepository {
  constructor(private readonly db: EntityManager) {}

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

  async sessionEpoch(accountId: number): Promise<number> {
    const rows: { epoch: number }[] = await this.db.query('SELECT session_epoch AS epoch FROM account WHERE id = $1', [accountId]);
    return rows[0].epoch;
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

  async insertToken(t: { id: string; familyId: string; accountId: number; tokenHash: string; expiresAt: Date; ip: string | null; userAgent: string | null }): Promise<void> {
    await this.db.query(
      'INSERT INTO refresh_token (id, family_id, account_id, token_hash, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [t.id, t.familyId, t.accountId, t.tokenHash, t.expiresAt, t.ip, t.userAgent],
    );
  }
}
