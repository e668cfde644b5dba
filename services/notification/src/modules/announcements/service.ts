import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  assertInScope, assertRole, type AuthUser, badRequest, inScope, internalGetJson, isoSql, likeEscape, type PageRequest, readPage, type Role, wrongState, writeAudit,
} from '@redheart/shared';
import { ANNOUNCEMENT_KIND, type Addressed } from '../notifications/rules';
import { MINE_SQL, mineParams, type NotificationService } from '../notifications/service';

/** Who publishes announcements (通知公告): the organisation departments, a street's working committee, a community's secretary. */
export const ANNOUNCEMENT_PUBLISHERS: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary'];

export interface PublishInput {
  title: string;
  body: string;
  scopeOrgId: number;
  scopePath: string;
  scopeName: string;
  roles?: Role[];
  public?: boolean;
  publisherName?: string;
}

export interface AnnouncementView {
  id: number;
  title: string;
  body: string;
  scopeOrgId: number;
  scopeName: string;
  scopePath: string;
  roles: Role[] | null;
  public: boolean;
  publisherName: string;
  publisherUsername: string;
  publishedAt: string;
  withdrawnAt: string | null;
  /** The notification that carries it to the bells. */
  notificationId: number | null;
  /** The caller has read it (a recipient). */
  read: boolean;
  /** How many accounts read it (a manager's view; null for a recipient). */
  readCount: number | null;
  /** The caller may see its receipts and withdraw it. */
  canManage: boolean;
}

export interface PublicAnnouncement {
  id: number;
  title: string;
  body: string;
  publisherName: string;
  publishedAt: string;
}

export interface Receipt {
  account: string;
  username: string | null;
  role: string | null;
  readAt: string;
}

type Ctx = { user: AuthUser; requestId?: string };

/** The enabled accounts whose own organisation lies under `under` with one of `roles` (null: any role). */
export type AddressedCount = (under: string, roles: string[] | null) => Promise<number>;

/** AddressedCount from the org service's internal route (every replica, the next one when one cannot be reached). */
export function orgAccountCount(orgUrls: string | readonly string[], internalToken: string, timeoutMs = 3000): AddressedCount {
  const get = internalGetJson(orgUrls, internalToken, timeoutMs);
  return async (under, roles) => {
    const q = new URLSearchParams({ under, ...(roles?.length ? { roles: roles.join(',') } : {}) });
    return (await get<{ count: number }>(`/api/org/internal/accounts/count?${q}`, 'the account count')).count;
  };
}

/** An org path as the org chart writes them: `/1/3/7/`. */
const PATH_RE = /^(\/\d{1,12})+\/$/;
const field = (name: string, message: string, error: string) => badRequest(message, [{ field: name, errors: [error] }], 'VALIDATION_FAILED');

const COLUMNS = `a.id, a.title, a.body, a.scope_org_id AS "scopeOrgId", a.scope_name AS "scopeName", a.scope_path AS "scopePath", a.roles, a.public,
  a.publisher_name AS "publisherName", a.publisher_username AS "publisherUsername", ${isoSql('a.published_at')} AS "publishedAt",
  ${isoSql('a.withdrawn_at')} AS "withdrawnAt", a.notification_id AS "notificationId", a.publisher_path AS "publisherPath"`;

type Row = Omit<AnnouncementView, 'read' | 'readCount' | 'canManage' | 'id' | 'scopeOrgId' | 'notificationId'> & {
  id: string;
  scopeOrgId: string;
  notificationId: string | null;
  publisherPath: string;
  read?: boolean;
  readCount?: number;
};

/**
 * 通知公告: a notice published to every account (or the chosen roles) whose own organisation lies
 * under one unit of the publisher's scope, optionally also shown on the public pages. It reaches the
 * bells as one notification addressed by path and roles (`recipient_under`), so who receives it is
 * decided as for every other notification, from each reader's token, without a list of accounts;
 * reading it (opening it, or marking its notification read) is its read receipt. Managed (receipts,
 * withdraw) by the publisher and by the staff above the publisher's organisation.
 */
export class AnnouncementService {
  constructor(
    private readonly db: DataSource,
    private readonly notifications: NotificationService,
    private readonly addressedCount?: AddressedCount,
    private readonly warn: (obj: object, msg: string) => void = () => undefined,
  ) {}

  /** How many accounts `a` reaches now (an account added under its scope later reads it too); null when the org service cannot say. */
  private async reach(a: Row): Promise<number | null> {
    if (!this.addressedCount) return null;
    try {
      return await this.addressedCount(a.scopePath, a.roles ?? null);
    } catch (err) {
      this.warn({ err, announcement: a.id }, 'counting the accounts an announcement reaches failed; its receipts give the read count only');
      return null;
    }
  }

  /** True when `u` manages an announcement published from `publisherPath` (by itself or by someone below it). */
  private manages(u: AuthUser, publisherPath: string): boolean {
    return ANNOUNCEMENT_PUBLISHERS.includes(u.role) && inScope(publisherPath, u.scopePaths);
  }

  async publish(ctx: Ctx, dto: PublishInput): Promise<AnnouncementView> {
    const u = ctx.user;
    assertRole(u, ANNOUNCEMENT_PUBLISHERS, '您的角色无权发布通知公告');
    if (!PATH_RE.test(dto.scopePath) || !dto.scopePath.endsWith(`/${dto.scopeOrgId}/`)) {
      throw field('scopePath', 'scopePath 应为所选组织（scopeOrgId）的路径，如 /1/3/7/', 'must be the path of the unit scopeOrgId');
    }
    assertInScope(inScope(dto.scopePath, u.scopePaths), '组织');
    const roles = dto.roles?.length ? [...new Set(dto.roles)] : null;
    const publisherName = dto.publisherName ?? u.username;
    let addressed: Addressed & { id: number };
    const id = await this.db.transaction(async (m) => {
      const [a]: { id: string }[] = await m.query(
        `INSERT INTO announcement (title, body, scope_org_id, scope_path, scope_name, roles, public, publisher_account, publisher_username, publisher_role, publisher_name, publisher_path)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $12) RETURNING id`,
        [dto.title, dto.body, dto.scopeOrgId, dto.scopePath, dto.scopeName, roles, dto.public ?? false, u.sub, u.username, u.role, publisherName, u.scopePaths[0]],
      );
      const params = { title: dto.title.slice(0, 200), publisherName: publisherName.slice(0, 200), scopeName: dto.scopeName.slice(0, 200) };
      const [n]: { id: string }[] = await m.query(
        `INSERT INTO notification (event_id, rule, kind, recipient_under, recipient_roles, org_path, record_type, record_id, params, actor)
         VALUES ($1, 'announcement', $2, $3, $4::text[], $3, 'announcement', $5, $6::jsonb, $7) RETURNING id`,
        [randomUUID(), ANNOUNCEMENT_KIND, dto.scopePath, roles, a.id, JSON.stringify(params), u.sub],
      );
      await m.query(`UPDATE announcement SET notification_id = $2 WHERE id = $1`, [a.id, n.id]);
      addressed = {
        id: Number(n.id), rule: 'announcement', kind: ANNOUNCEMENT_KIND, recipientAccount: null, recipientRole: null, recipientOrgId: null, recipientPath: null,
        recipientUnder: dto.scopePath, recipientRoles: roles, recordType: 'announcement', recordId: String(a.id), params, mutedBy: [],
      };
      await writeAudit(m, {
        actor: u, action: 'announcement.publish', entityType: 'announcement', entityId: a.id, requestId: ctx.requestId,
        after: { title: dto.title, scopeOrgId: dto.scopeOrgId, scopePath: dto.scopePath, roles, public: dto.public ?? false },
      });
      return Number(a.id);
    });
    this.notifications.send([addressed!]);
    return this.detail(u, id, false);
  }

  /**
   * `received`: the ones addressed to `u` (not withdrawn), newest first, each read or not;
   * `managed` (publishers): the ones published from its scope, withdrawn ones too, with their read counts.
   */
  async list(u: AuthUser, view: 'received' | 'managed', paged: PageRequest): Promise<{ items: AnnouncementView[]; total: number; totalExact: boolean; page: number; limit: number }> {
    if (view === 'managed') {
      assertRole(u, ANNOUNCEMENT_PUBLISHERS, '您的角色无权管理通知公告');
      const params = u.scopePaths.map((p) => `${likeEscape(p)}%`);
      const where = `(${u.scopePaths.map((_, i) => `a.publisher_path LIKE $${i + 1}`).join(' OR ') || 'false'})`;
      const page = await readPage<Row>(
        this.db,
        `SELECT ${COLUMNS}, (SELECT count(*)::int FROM notification_read r WHERE r.notification_id = a.notification_id) AS "readCount"
           FROM announcement a WHERE ${where} ORDER BY a.id DESC`,
        `SELECT 1 FROM announcement a WHERE ${where}`,
        params,
        paged,
      );
      return { items: page.rows.map((r) => this.view(u, r)), total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
    }
    const from = `FROM announcement a JOIN notification n ON n.id = a.notification_id
      LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
      WHERE a.withdrawn_at IS NULL AND ${MINE_SQL}`;
    const page = await readPage<Row>(this.db, `SELECT ${COLUMNS}, (r.notification_id IS NOT NULL) AS read ${from} ORDER BY a.id DESC`, `SELECT 1 ${from}`, mineParams(u), paged);
    return { items: page.rows.map((r) => this.view(u, r)), total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
  }

  private view(u: AuthUser, r: Row): AnnouncementView {
    const canManage = this.manages(u, r.publisherPath);
    const { publisherPath: _p, ...rest } = r;
    void _p;
    return {
      ...rest,
      id: Number(r.id),
      scopeOrgId: Number(r.scopeOrgId),
      notificationId: r.notificationId === null ? null : Number(r.notificationId),
      roles: r.roles ?? null,
      read: r.read ?? false,
      readCount: canManage ? (r.readCount ?? null) : null,
      canManage,
    };
  }

  /** One announcement `u` received or manages (else 404); a recipient opening it has read it (`markRead`). */
  async detail(u: AuthUser, id: number, markRead = true): Promise<AnnouncementView> {
    const rows: (Row & { mine: boolean; read: boolean })[] = await this.db.query(
      `SELECT ${COLUMNS}, (a.withdrawn_at IS NULL AND ${MINE_SQL}) AS mine, (r.notification_id IS NOT NULL) AS read,
              (SELECT count(*)::int FROM notification_read x WHERE x.notification_id = a.notification_id) AS "readCount"
         FROM announcement a JOIN notification n ON n.id = a.notification_id
         LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE a.id = $5`,
      [...mineParams(u), id],
    );
    const r = rows[0];
    assertInScope(r && (r.mine || this.manages(u, r.publisherPath)), '通知公告');
    if (markRead && r.mine && !r.read && r.notificationId !== null) {
      await this.db.query(`INSERT INTO notification_read (notification_id, account, username, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
        r.notificationId, u.sub, u.username, u.role,
      ]);
      r.read = true;
      if (r.readCount !== undefined) r.readCount += 1;
    }
    const { mine: _m, ...row } = r;
    void _m;
    return this.view(u, row);
  }

  private async managed(m: EntityManager, u: AuthUser, id: number, lock = false): Promise<Row> {
    assertRole(u, ANNOUNCEMENT_PUBLISHERS, '您的角色无权管理通知公告');
    const rows: Row[] = await m.query(`SELECT ${COLUMNS} FROM announcement a WHERE a.id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    assertInScope(rows[0] && this.manages(u, rows[0].publisherPath), '通知公告');
    return rows[0];
  }

  /** Who has read it (newest read first) and how many; the publisher's side only. */
  async receipts(u: AuthUser, id: number, paged: PageRequest): Promise<{ readCount: number; addressedCount: number | null; items: Receipt[]; total: number; totalExact: boolean; page: number; limit: number }> {
    const a = await this.managed(this.db.manager, u, id);
    const page = await readPage<Receipt>(
      this.db,
      `SELECT r.account, r.username, r.role, ${isoSql('r.read_at')} AS "readAt" FROM notification_read r WHERE r.notification_id = $1 ORDER BY r.read_at DESC, r.account`,
      `SELECT 1 FROM notification_read r WHERE r.notification_id = $1`,
      [a.notificationId ?? 0],
      paged,
    );
    const [c]: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM notification_read WHERE notification_id = $1`, [a.notificationId ?? 0]);
    return { readCount: c.n, addressedCount: await this.reach(a), items: page.rows, total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
  }

  /** Withdraws it: gone from every bell and from the public pages; its receipts stay. 409 when already withdrawn. */
  async withdraw(ctx: Ctx, id: number): Promise<AnnouncementView> {
    await this.db.transaction(async (m) => {
      const a = await this.managed(m, ctx.user, id, true);
      if (a.withdrawnAt) throw wrongState('该通知公告已撤回', { entity: 'announcement', from: 'withdrawn', action: 'withdraw' });
      await m.query(`UPDATE announcement SET withdrawn_at = now(), withdrawn_by = $2 WHERE id = $1`, [id, ctx.user.sub]);
      if (a.notificationId !== null) await m.query(`UPDATE notification SET withdrawn_at = now() WHERE id = $1`, [a.notificationId]);
      await writeAudit(m, { actor: ctx.user, action: 'announcement.withdraw', entityType: 'announcement', entityId: id, requestId: ctx.requestId, before: { withdrawnAt: null } });
    });
    return this.detail(ctx.user, id, false);
  }

  /** The public ones (not withdrawn), newest first: no login. */
  async publicList(paged: PageRequest): Promise<{ items: PublicAnnouncement[]; total: number; totalExact: boolean; page: number; limit: number }> {
    const where = `FROM announcement a WHERE a.public AND a.withdrawn_at IS NULL`;
    const page = await readPage<PublicAnnouncement & { id: string }>(
      this.db,
      `SELECT a.id, a.title, a.body, a.publisher_name AS "publisherName", ${isoSql('a.published_at')} AS "publishedAt" ${where} ORDER BY a.id DESC`,
      `SELECT 1 ${where}`,
      [],
      paged,
    );
    return { items: page.rows.map((r) => ({ ...r, id: Number(r.id) })), total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
  }
}
