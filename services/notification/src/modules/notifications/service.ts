import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, badRequest, type EventConsumerSpec, type EventEnvelope, notFound, type PageRequest, readPage, type Role } from '@redheart/shared';
import { address, ANNOUNCEMENT_KIND, CONSUMED, type Addressed, type NotificationRule, RULE_KINDS, RULES } from './rules';
import type { OutboundChannel } from './channel';

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

/**
 * The notifications addressed to `u` (SQL over `n`): to its account, to its role in its own
 * organisation, to its role above the record's path (its own organisation's path is the first
 * of its scope paths), or (an announcement) to everyone, or its role, under a path above its own
 * organisation. $1 account, $2 role, $3 org id, $4 own path.
 */
export const MINE_SQL = `(n.recipient_account = $1
   OR (n.recipient_role = $2 AND n.recipient_org_id = $3)
   OR (n.recipient_role = $2 AND n.recipient_path IS NOT NULL AND left(n.recipient_path, length($4)) = $4)
   OR (n.recipient_under IS NOT NULL AND left($4, length(n.recipient_under)) = n.recipient_under
       AND (n.recipient_roles IS NULL OR $2 = ANY(n.recipient_roles))))`;

/** MINE_SQL less what `u` muted and what was withdrawn: what its list, bell and stream show. */
export const SHOWN_SQL = `(${MINE_SQL} AND n.withdrawn_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM notification_mute m WHERE m.account = $1 AND m.kind = n.kind))`;

/** One kind of the preferences: muted or not. */
export interface Preference {
  kind: string;
  muted: boolean;
}

const VIEW_COLUMNS = `n.id, n.kind, n.record_type AS "recordType", n.record_id AS "recordId", n.params, n.actor, n.created_at AS "createdAt", (r.notification_id IS NOT NULL) AS read`;

/** The mutable kinds `role` can receive (RULE_KINDS; the announcement kind is never among them). */
export const kindsFor = (role: Role): string[] => RULE_KINDS.filter((k) => k.roles.includes(role) && k.kind !== ANNOUNCEMENT_KIND).map((k) => k.kind);

export const mineParams = (u: AuthUser) => [u.sub, u.role, u.orgId, u.scopePaths[0] ?? '\u0000'];

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

export class NotificationService {
  constructor(
    private readonly db: DataSource,
    private readonly channels: OutboundChannel[] = [],
    private readonly rules: readonly NotificationRule[] = RULES,
    private readonly log: (obj: object, msg: string) => void = () => undefined,
  ) {}

  /** The consumers of the events the rules read (one per producing service). */
  consumers(): EventConsumerSpec[] {
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
      const rows: { id: string }[] = await m.query(
        `INSERT INTO notification (event_id, rule, kind, recipient_account, recipient_role, recipient_org_id, recipient_path, org_path, record_type, record_id, params, actor, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13) ON CONFLICT (event_id, rule) DO NOTHING RETURNING id`,
        [e.id, a.rule, a.kind, a.recipientAccount, a.recipientRole, a.recipientOrgId, a.recipientPath, e.orgPath, a.recordType, a.recordId, JSON.stringify(a.params), e.actor, e.occurredAt],
      );
      if (!rows[0]) continue;
      const mutedBy = await this.mutedBy(m, a.kind);
      // one account that muted the kind is not handed to the channels at all
      if (a.recipientAccount !== null && mutedBy.includes(a.recipientAccount)) continue;
      out.push({ ...a, id: Number(rows[0].id), mutedBy });
    }
    return out;
  }

  /** The accounts that muted `kind`. */
  async mutedBy(m: EntityManager, kind: string): Promise<string[]> {
    const rows: { account: string }[] = await m.query(`SELECT account FROM notification_mute WHERE kind = $1 ORDER BY account`, [kind]);
    return rows.map((r) => r.account);
  }

  /** Hands committed notifications to the outbound channels (a failing one is logged, never thrown). */
  send(list: readonly (Addressed & { id: number })[]): void {
    for (const n of list) for (const ch of this.channels) ch.send(n).catch((err) => this.log({ err, channel: ch.name }, 'outbound channel failed'));
  }

  /** The kinds `u`'s role can receive, each muted or not (announcements are not among them: they cannot be muted). */
  async preferences(u: AuthUser): Promise<Preference[]> {
    const rows: { kind: string }[] = await this.db.query(`SELECT kind FROM notification_mute WHERE account = $1`, [u.sub]);
    const muted = new Set(rows.map((r) => r.kind));
    return kindsFor(u.role).map((kind) => ({ kind, muted: muted.has(kind) }));
  }

  /** Sets the kinds `u` muted (the whole set: the ones not named are unmuted); 400 naming `muted` for a kind its role cannot receive. */
  async setMuted(u: AuthUser, muted: string[]): Promise<Preference[]> {
    const allowed = kindsFor(u.role);
    const unknown = muted.filter((k) => !allowed.includes(k));
    if (unknown.length) {
      throw badRequest(`无法屏蔽的通知类型：${unknown.join('、')}`, [{ field: 'muted', errors: [`unknown notification type for role ${u.role}: ${unknown.join(', ')}`] }], 'VALIDATION_FAILED');
    }
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM notification_mute WHERE account = $1 AND NOT (kind = ANY($2::text[]))`, [u.sub, muted]);
      await m.query(`INSERT INTO notification_mute (account, kind) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [u.sub, muted]);
    });
    return this.preferences(u);
  }

  /** The kinds `u` muted (its stream leaves them out). */
  async mutedKinds(u: Pick<AuthUser, 'sub'>): Promise<Set<string>> {
    const rows: { kind: string }[] = await this.db.query(`SELECT kind FROM notification_mute WHERE account = $1`, [u.sub]);
    return new Set(rows.map((r) => r.kind));
  }

  /** Newest first: numbered pages (`paged`, with the total), else keyset on id (`before`: the last id of the previous page). */
  async list(
    u: AuthUser,
    q: { before?: number; limit: number; unread?: boolean; kind?: string; paged?: PageRequest | null },
  ): Promise<{ items: NotificationView[]; nextBefore: number | null; total?: number; totalExact?: boolean; page?: number; limit?: number }> {
    const params: unknown[] = mineParams(u);
    let where = SHOWN_SQL;
    if (q.before !== undefined && !q.paged) {
      params.push(q.before);
      where += ` AND n.id < $${params.length}`;
    }
    if (q.kind !== undefined) {
      params.push(q.kind);
      where += ` AND n.kind = $${params.length}`;
    }
    if (q.unread) where += ` AND r.notification_id IS NULL`;
    const from = `FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1 WHERE ${where}`;
    if (q.paged) {
      const page = await readPage<Omit<NotificationView, 'id' | 'createdAt'> & { id: string; createdAt: Date }>(
        this.db,
        `SELECT ${VIEW_COLUMNS} ${from} ORDER BY n.id DESC`,
        `SELECT 1 ${from}`,
        params,
        q.paged,
      );
      const items = page.rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
      return { items, nextBefore: null, total: page.total, totalExact: page.totalExact, page: q.paged.page, limit: q.paged.limit };
    }
    params.push(q.limit + 1);
    const rows: (Omit<NotificationView, 'id' | 'createdAt'> & { id: string; createdAt: Date })[] = await this.db.query(
      `SELECT ${VIEW_COLUMNS} ${from} ORDER BY n.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, q.limit).map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** Mine with an id above `after`, oldest first (a stream's replay after Last-Event-ID; `ids`: only these). */
  async since(u: AuthUser, after: number, limit: number, ids?: number[]): Promise<NotificationView[]> {
    const params: unknown[] = [...mineParams(u), after, limit];
    let where = `${SHOWN_SQL} AND n.id > $5`;
    if (ids) {
      params.push(ids);
      where += ` AND n.id = ANY($7::bigint[])`;
    }
    const rows: (Omit<NotificationView, 'id' | 'createdAt'> & { id: string; createdAt: Date })[] = await this.db.query(
      `SELECT ${VIEW_COLUMNS}
         FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE ${where} ORDER BY n.id LIMIT $6`,
      params,
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
  }

  async unreadCount(u: AuthUser): Promise<number> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS n FROM notification n WHERE ${SHOWN_SQL}
          AND NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.account = $1)`,
      mineParams(u),
    );
    return r.n;
  }

  /** Marks one read; 404 for one not addressed to `u` (as for one that does not exist). */
  async markRead(u: AuthUser, id: number): Promise<void> {
    const rows = await this.db.query(`SELECT n.id FROM notification n WHERE n.id = $5 AND n.withdrawn_at IS NULL AND ${MINE_SQL}`, [...mineParams(u), id]);
    if (!rows.length) throw notFound('Notification');
    await this.db.query(`INSERT INTO notification_read (notification_id, account, username, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [id, u.sub, u.username, u.role]);
  }

  /** Marks every one addressed to `u` read (up to `upTo`, the newest id the client saw, when given). */
  async markAllRead(u: AuthUser, upTo?: number): Promise<number> {
    if (upTo !== undefined && (!Number.isSafeInteger(upTo) || upTo < 1)) throw badRequest('upTo must be a positive integer');
    const rows = await this.db.query(
      `INSERT INTO notification_read (notification_id, account, username, role)
       SELECT n.id, $1, $5, $6 FROM notification n WHERE ${SHOWN_SQL} ${upTo !== undefined ? 'AND n.id <= $7' : ''}
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      [...mineParams(u), u.username, u.role, ...(upTo !== undefined ? [upTo] : [])],
    );
    return rows.length;
  }
}
