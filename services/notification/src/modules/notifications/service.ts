import type { EntityManager } from 'typeorm';
import { type AuthUser, badRequest, type EventConsumerSpec, type EventEnvelope, notFound, type PageRequest, type Role } from '@redheart/shared';
import { address, ANNOUNCEMENT_KIND, CONSUMED, type Addressed, type NotificationRule, RULE_KINDS, RULES } from './rules';
import type { OutboundChannel } from './channel';
import type { NotificationRepository, NotificationRow } from './repository';

export { MINE_SQL, mineParams, SHOWN_SQL } from './repository';

export interface NotificationView {
  id: number;
  kind: string;
  recordType: string;
  recordId: string;
  params: Record<string, string | number | null>;
  actor: string | null;
  createdAt: string;
  read: boolean;
}

/** One kind of the preferences: muted or not. */
export interface Preference {
  kind: string;
  muted: boolean;
}

/** The mutable kinds `role` can receive (RULE_KINDS; the announcement kind is never among them). */
export const kindsFor = (role: Role): string[] => RULE_KINDS.filter((k) => k.roles.includes(role) && k.kind !== ANNOUNCEMENT_KIND).map((k) => k.kind);

/** Who a notification is addressed to (the columns, as the insert trigger announces them). */
export interface Addressee {
  account: string | null;
  role: string | null;
  orgId: number | null;
  path: string | null;
  /** An announcement's scope path and roles (absent on other notifications). */
  under?: string | null;
  roles?: string[] | null;
}

/** MINE_SQL in memory: true when a notification addressed to `a` is `u`'s. */
export function isMine(u: AuthUser, a: Addressee): boolean {
  if (a.account !== null && a.account === u.sub) return true;
  const own = u.scopePaths[0];
  if (a.under) return own !== undefined && own.startsWith(a.under) && (!a.roles || a.roles.includes(u.role));
  if (a.role === null || a.role !== u.role) return false;
  if (a.orgId !== null && Number(a.orgId) === u.orgId) return true;
  return a.path !== null && own !== undefined && a.path.startsWith(own);
}

/** A stored notification as its recipient reads it (the id a number, the time ISO). */
const viewOf = (r: NotificationRow): NotificationView => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() });

export class NotificationService {
  constructor(
    private readonly repo: NotificationRepository,
    private readonly channels: OutboundChannel[] = [],
    private readonly rules: readonly NotificationRule[] = RULES,
    private readonly log: (obj: object, msg: string) => void = () => undefined,
  ) {}

  /** The consumers of the events the rules read (one per producing service). */
  consumers(): EventConsumerSpec[] {
    // the types some rule reads; the others (a withdrawal, every `<service>.audit.recorded`) are acknowledged without a transaction
    const read = new Set(this.rules.map((r) => r.event));
    return CONSUMED.map((c) => {
      const handlers: EventConsumerSpec['handlers'] = {};
      const made: Map<string, (Addressed & { id: number })[]> = new Map();
      // every type of the producing service is accepted (most make no notification), so none is parked as unknown
      const handle = async (m: EntityManager, e: EventEnvelope) => {
        made.set(e.id, await this.apply(m, e));
      };
      return {
        name: c.name,
        from: c.from,
        types: c.types,
        handlers: new Proxy(handlers, { get: (_t, type) => (typeof type === 'string' && type.startsWith(`${c.from}.`) ? handle : undefined) }),
        skips: (type: string) => !read.has(type),
        afterCommit: (e: EventEnvelope) => {
          const list = made.get(e.id) ?? [];
          made.delete(e.id);
          this.send(list);
        },
      };
    });
  }

  /** Writes the event's notifications in the consumer's transaction (one per event and rule). */
  async apply(m: EntityManager, e: EventEnvelope): Promise<(Addressed & { id: number })[]> {
    const out: (Addressed & { id: number })[] = [];
    for (const a of address(e, this.rules)) {
      const id = await this.repo.insert(m, e, a);
      if (id === undefined) continue;
      const mutedBy = await this.mutedBy(m, a.kind);
      // one account that muted the kind is not handed to the channels at all
      if (a.recipientAccount !== null && mutedBy.includes(a.recipientAccount)) continue;
      out.push({ ...a, id, mutedBy });
    }
    return out;
  }

  /** The accounts that muted `kind`. */
  async mutedBy(m: EntityManager, kind: string): Promise<string[]> {
    return this.repo.mutedBy(m, kind);
  }

  /** Hands committed notifications to the outbound channels (a failing one is logged, never thrown). */
  send(list: readonly (Addressed & { id: number })[]): void {
    for (const n of list) for (const ch of this.channels) ch.send(n).catch((err) => this.log({ err, channel: ch.name }, 'outbound channel failed'));
  }

  /** The kinds `u`'s role can receive, each muted or not (announcements are not among them: they cannot be muted). */
  async preferences(u: AuthUser): Promise<Preference[]> {
    const muted = await this.mutedKinds(u);
    return kindsFor(u.role).map((kind) => ({ kind, muted: muted.has(kind) }));
  }

  /** Sets the kinds `u` muted (the whole set: the ones not named are unmuted); 400 naming `muted` for a kind its role cannot receive. */
  async setMuted(u: AuthUser, muted: string[]): Promise<Preference[]> {
    const allowed = kindsFor(u.role);
    const unknown = muted.filter((k) => !allowed.includes(k));
    if (unknown.length) {
      throw badRequest(`无法屏蔽的通知类型：${unknown.join('、')}`, [{ field: 'muted', errors: [`unknown notification type for role ${u.role}: ${unknown.join(', ')}`] }], 'VALIDATION_FAILED');
    }
    await this.repo.setMuted(u.sub, muted);
    return this.preferences(u);
  }

  /** The kinds `u` muted (its stream leaves them out). */
  async mutedKinds(u: Pick<AuthUser, 'sub'>): Promise<Set<string>> {
    return new Set(await this.repo.mutedKinds(u.sub));
  }

  /** Newest first: numbered pages (`paged`, with the total), else keyset on id (`before`: the last id of the previous page). */
  async list(
    u: AuthUser,
    q: { before?: number; limit: number; unread?: boolean; kind?: string; paged?: PageRequest | null },
  ): Promise<{ items: NotificationView[]; nextBefore: number | null; total?: number; totalExact?: boolean; page?: number; limit?: number }> {
    const filter = { kind: q.kind, unread: q.unread };
    if (q.paged) {
      const page = await this.repo.page(u, filter, q.paged);
      return { items: page.rows.map(viewOf), nextBefore: null, total: page.total, totalExact: page.totalExact, page: q.paged.page, limit: q.paged.limit };
    }
    const rows = await this.repo.newest(u, { ...filter, before: q.before }, q.limit + 1);
    const items = rows.slice(0, q.limit).map(viewOf);
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** Mine with an id above `after`, oldest first (a stream's replay after Last-Event-ID; `ids`: only these). */
  async since(u: AuthUser, after: number, limit: number, ids?: number[]): Promise<NotificationView[]> {
    return (await this.repo.since(u, after, limit, ids)).map(viewOf);
  }

  async unreadCount(u: AuthUser): Promise<number> {
    return this.repo.unreadCount(u);
  }

  /** Marks one read; 404 for one not addressed to `u` (as for one that does not exist). */
  async markRead(u: AuthUser, id: number): Promise<void> {
    if (!(await this.repo.isMine(u, id))) throw notFound('Notification');
    await this.repo.markRead(u, id);
  }

  /** Marks every one addressed to `u` read (up to `upTo`, the newest id the client saw, when given). */
  async markAllRead(u: AuthUser, upTo?: number): Promise<number> {
    if (upTo !== undefined && (!Number.isSafeInteger(upTo) || upTo < 1)) throw badRequest('upTo must be a positive integer');
    return this.repo.markAllRead(u, upTo);
  }
}
