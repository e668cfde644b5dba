import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { assertInScope, assertRole, type AuthUser, badRequest, inScope, internalGetJson, NOTIFY_POLICY, type PageRequest, type Role, wrongState, writeAudit } from '@redheart/shared';
import { ANNOUNCEMENT_KIND, type Addressed } from '../notifications/rules';
import type { NotificationService } from '../notifications/service';
import type { AnnouncementRepository, AnnouncementRow, AnnouncementText } from './repository';

/** Who publishes announcements (通知公告): @redheart/shared's NOTIFY_POLICY (the SPA's publish button reads it too). */
export const ANNOUNCEMENT_PUBLISHERS: readonly Role[] = NOTIFY_POLICY['announcement.publish'];

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

export interface AnnouncementView extends AnnouncementText {
  id: number;
  scopeOrgId: number;
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

type Row = AnnouncementRow;

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
    private readonly repo: AnnouncementRepository,
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
      const params = { title: dto.title.slice(0, 200), publisherName: publisherName.slice(0, 200), scopeName: dto.scopeName.slice(0, 200) };
      const a = await this.repo.insert(
        m, u,
        { title: dto.title, body: dto.body, scopeOrgId: dto.scopeOrgId, scopePath: dto.scopePath, scopeName: dto.scopeName, roles, public: dto.public ?? false, publisherName },
        { eventId: randomUUID(), kind: ANNOUNCEMENT_KIND, params },
      );
      addressed = {
        id: Number(a.notificationId), rule: 'announcement', kind: ANNOUNCEMENT_KIND, recipientAccount: null, recipientRole: null, recipientOrgId: null, recipientPath: null,
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
      const page = await this.repo.managedPage(u.scopePaths, paged);
      return { items: page.rows.map((r) => this.view(u, r)), total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
    }
    const page = await this.repo.receivedPage(u, paged);
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
    const r = await this.repo.forReader(u, id);
    assertInScope(r && (r.mine || this.manages(u, r.publisherPath)), '通知公告');
    if (markRead && r.mine && !r.read && r.notificationId !== null) {
      await this.repo.markRead(r.notificationId, u);
      r.read = true;
      if (r.readCount !== undefined) r.readCount += 1;
    }
    const { mine: _m, ...row } = r;
    void _m;
    return this.view(u, row);
  }

  private async managed(m: EntityManager, u: AuthUser, id: number, lock = false): Promise<Row> {
    assertRole(u, ANNOUNCEMENT_PUBLISHERS, '您的角色无权管理通知公告');
    const row = await this.repo.find(m, id, lock);
    assertInScope(row && this.manages(u, row.publisherPath), '通知公告');
    return row;
  }

  /** Who has read it (newest read first) and how many; the publisher's side only. */
  async receipts(u: AuthUser, id: number, paged: PageRequest): Promise<{ readCount: number; addressedCount: number | null; items: Receipt[]; total: number; totalExact: boolean; page: number; limit: number }> {
    const a = await this.managed(this.db.manager, u, id);
    const page = await this.repo.receiptsPage(a.notificationId ?? 0, paged);
    const n = await this.repo.readCount(a.notificationId ?? 0);
    return { readCount: n, addressedCount: await this.reach(a), items: page.rows, total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
  }

  /** Withdraws it: gone from every bell and from the public pages; its receipts stay. 409 when already withdrawn. */
  async withdraw(ctx: Ctx, id: number): Promise<AnnouncementView> {
    await this.db.transaction(async (m) => {
      const a = await this.managed(m, ctx.user, id, true);
      if (a.withdrawnAt) throw wrongState('该通知公告已撤回', { entity: 'announcement', from: 'withdrawn', action: 'withdraw' });
      await this.repo.withdraw(m, id, ctx.user.sub, a.notificationId);
      await writeAudit(m, { actor: ctx.user, action: 'announcement.withdraw', entityType: 'announcement', entityId: id, requestId: ctx.requestId, before: { withdrawnAt: null } });
    });
    return this.detail(ctx.user, id, false);
  }

  /** The public ones (not withdrawn), newest first: no login. */
  async publicList(paged: PageRequest): Promise<{ items: PublicAnnouncement[]; total: number; totalExact: boolean; page: number; limit: number }> {
    const page = await this.repo.publicPage(paged);
    return { items: page.rows.map((r) => ({ ...r, id: Number(r.id) })), total: page.total, totalExact: page.totalExact, page: paged.page, limit: paged.limit };
  }
}
