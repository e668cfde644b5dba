import type { DataSource, EntityManager } from 'typeorm';
import { type AuditStream, type AuthUser, isoSql, likeEscape, type PageRequest, readPage, type Role } from '@redheart/shared';
import { insertRead, MINE_SQL, mineParams } from '../notifications/repository';

/**
 * The notification service's audit stream (announcements published and withdrawn, as notify.audit.recorded: the org
 * service's system log), scoped by the announcement's publisher: the app's database streams it, and so does the demo
 * seed's (scripts/lib/platform.mjs).
 */
export const NOTIFY_AUDIT_STREAM: AuditStream = {
  service: 'notify',
  ownerPathSql: `CASE WHEN a.entity_type = 'announcement' AND a.entity_id ~ '^[0-9]{1,18}$' THEN (SELECT x.publisher_path FROM announcement x WHERE x.id = a.entity_id::bigint) END`,
};

/** What an announcement says and who published it where, as stored and as answered (times ISO). */
export interface AnnouncementText {
  title: string;
  body: string;
  scopeName: string;
  scopePath: string;
  roles: Role[] | null;
  public: boolean;
  publisherName: string;
  publisherUsername: string;
  publishedAt: string;
  withdrawnAt: string | null;
}

/** An announcement as stored (ids as the driver gives bigint columns). */
export interface AnnouncementRow extends AnnouncementText {
  id: string;
  scopeOrgId: string;
  notificationId: string | null;
  publisherPath: string;
  /** the reader has read it (lists and detail) */
  read?: boolean;
  /** how many accounts read it (managed list and detail) */
  readCount?: number;
}

export interface ReceiptRow {
  account: string;
  username: string | null;
  role: string | null;
  readAt: string;
}

export interface PublicAnnouncementRow {
  id: string;
  title: string;
  body: string;
  publisherName: string;
  publishedAt: string;
}

export interface NewAnnouncement {
  title: string;
  body: string;
  scopeOrgId: number;
  scopePath: string;
  scopeName: string;
  roles: Role[] | null;
  public: boolean;
  publisherName: string;
}

const COLUMNS = `a.id, a.title, a.body, a.scope_org_id AS "scopeOrgId", a.scope_name AS "scopeName", a.scope_path AS "scopePath", a.roles, a.public,
  a.publisher_name AS "publisherName", a.publisher_username AS "publisherUsername", ${isoSql('a.published_at')} AS "publishedAt",
  ${isoSql('a.withdrawn_at')} AS "withdrawnAt", a.notification_id AS "notificationId", a.publisher_path AS "publisherPath"`;

/** announcement, and the notification that carries each to the bells; SQL only, no rules. */
export class AnnouncementRepository {
  constructor(private readonly db: DataSource) {}

  /** The announcement and its notification (addressed by path and roles), linked; their ids. */
  async insert(m: EntityManager, u: AuthUser, a: NewAnnouncement, n: { eventId: string; kind: string; params: Record<string, string> }): Promise<{ id: string; notificationId: string }> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO announcement (title, body, scope_org_id, scope_path, scope_name, roles, public, publisher_account, publisher_username, publisher_role, publisher_name, publisher_path)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $12) RETURNING id`,
      [a.title, a.body, a.scopeOrgId, a.scopePath, a.scopeName, a.roles, a.public, u.sub, u.username, u.role, a.publisherName, u.scopePaths[0]],
    );
    const [note]: { id: string }[] = await m.query(
      `INSERT INTO notification (event_id, rule, kind, recipient_under, recipient_roles, org_path, record_type, record_id, params, actor)
       VALUES ($1, 'announcement', $2, $3, $4::text[], $3, 'announcement', $5, $6::jsonb, $7) RETURNING id`,
      [n.eventId, n.kind, a.scopePath, a.roles, row.id, JSON.stringify(n.params), u.sub],
    );
    await m.query(`UPDATE announcement SET notification_id = $2 WHERE id = $1`, [row.id, note.id]);
    return { id: row.id, notificationId: note.id };
  }

  /** The ones published from the scope (withdrawn too), newest first, with their read counts. */
  async managedPage(scopePaths: string[], paged: PageRequest) {
    const params = scopePaths.map((p) => `${likeEscape(p)}%`);
    const where = `(${scopePaths.map((_, i) => `a.publisher_path LIKE $${i + 1}`).join(' OR ') || 'false'})`;
    return readPage<AnnouncementRow>(
      this.db,
      `SELECT ${COLUMNS}, (SELECT count(*)::int FROM notification_read r WHERE r.notification_id = a.notification_id) AS "readCount"
         FROM announcement a WHERE ${where} ORDER BY a.id DESC`,
      `SELECT 1 FROM announcement a WHERE ${where}`,
      params,
      paged,
    );
  }

  /** The ones addressed to `u`, not withdrawn, newest first, each read or not. */
  async receivedPage(u: AuthUser, paged: PageRequest) {
    const from = `FROM announcement a JOIN notification n ON n.id = a.notification_id
      LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
      WHERE a.withdrawn_at IS NULL AND ${MINE_SQL}`;
    return readPage<AnnouncementRow>(this.db, `SELECT ${COLUMNS}, (r.notification_id IS NOT NULL) AS read ${from} ORDER BY a.id DESC`, `SELECT 1 ${from}`, mineParams(u), paged);
  }

  /** One announcement as `u` sees it: addressed to it (`mine`), read by it, and its read count. */
  async forReader(u: AuthUser, id: number): Promise<(AnnouncementRow & { mine: boolean; read: boolean }) | undefined> {
    const rows: (AnnouncementRow & { mine: boolean; read: boolean })[] = await this.db.query(
      `SELECT ${COLUMNS}, (a.withdrawn_at IS NULL AND ${MINE_SQL}) AS mine, (r.notification_id IS NOT NULL) AS read,
              (SELECT count(*)::int FROM notification_read x WHERE x.notification_id = a.notification_id) AS "readCount"
         FROM announcement a JOIN notification n ON n.id = a.notification_id
         LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE a.id = $5`,
      [...mineParams(u), id],
    );
    return rows[0];
  }

  async markRead(notificationId: string, u: AuthUser): Promise<void> {
    await insertRead(this.db, notificationId, u);
  }

  async find(m: EntityManager, id: number, lock = false): Promise<AnnouncementRow | undefined> {
    const rows: AnnouncementRow[] = await m.query(`SELECT ${COLUMNS} FROM announcement a WHERE a.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0];
  }

  /** Who read notification `notificationId`, newest read first. */
  async receiptsPage(notificationId: string | number, paged: PageRequest) {
    return readPage<ReceiptRow>(
      this.db,
      `SELECT r.account, r.username, r.role, ${isoSql('r.read_at')} AS "readAt" FROM notification_read r WHERE r.notification_id = $1 ORDER BY r.read_at DESC, r.account`,
      `SELECT 1 FROM notification_read r WHERE r.notification_id = $1`,
      [notificationId],
      paged,
    );
  }

  async readCount(notificationId: string | number): Promise<number> {
    const [c]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM notification_read WHERE notification_id = $1`, [notificationId]);
    return c.n;
  }

  /** Withdraws the announcement and its notification. */
  async withdraw(m: EntityManager, id: number, by: string, notificationId: string | null): Promise<void> {
    await m.query(`UPDATE announcement SET withdrawn_at = now(), withdrawn_by = $2 WHERE id = $1`, [id, by]);
    if (notificationId !== null) await m.query(`UPDATE notification SET withdrawn_at = now() WHERE id = $1`, [notificationId]);
  }

  /** The public ones (not withdrawn), newest first. */
  async publicPage(paged: PageRequest) {
    const where = `FROM announcement a WHERE a.public AND a.withdrawn_at IS NULL`;
    return readPage<PublicAnnouncementRow>(
      this.db,
      `SELECT a.id, a.title, a.body, a.publisher_name AS "publisherName", ${isoSql('a.published_at')} AS "publishedAt" ${where} ORDER BY a.id DESC`,
      `SELECT 1 ${where}`,
      [],
      paged,
    );
  }
}
