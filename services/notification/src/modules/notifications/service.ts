import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, badRequest, type EventConsumerSpec, type EventEnvelope, notFound } from '@redheart/shared';
import { address, CONSUMED, type Addressed, type NotificationRule, RULES } from './rules';
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
 * organisation, or to its role above the record's path (its own organisation's path is the first
 * of its scope paths). $1 account, $2 role, $3 org id, $4 own path.
 */
const MINE_SQL = `(n.recipient_account = $1
   OR (n.recipient_role = $2 AND n.recipient_org_id = $3)
   OR (n.recipient_role = $2 AND n.recipient_path IS NOT NULL AND left(n.recipient_path, length($4)) = $4))`;

const mineParams = (u: AuthUser) => [u.sub, u.role, u.orgId, u.scopePaths[0] ?? '\u0000'];

/** Who a notification is addressed to (the columns, as the insert trigger announces them). */
export interface Addressee {
  account: string | null;
  role: string | null;
  orgId: number | null;
  path: string | null;
}

/** MINE_SQL in memory: true when a notification addressed to `a` is `u`'s. */
export function isMine(u: AuthUser, a: Addressee): boolean {
  if (a.account !== null && a.account === u.sub) return true;
  if (a.role === null || a.role !== u.role) return false;
  if (a.orgId !== null && Number(a.orgId) === u.orgId) return true;
  const own = u.scopePaths[0];
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
          for (const n of list) for (const ch of this.channels) ch.send(n).catch((err) => this.log({ err, channel: ch.name }, 'outbound channel failed'));
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
      if (rows[0]) out.push({ ...a, id: Number(rows[0].id) });
    }
    return out;
  }

  /** Newest first, keyset on id (`before`: the last id of the previous page). */
  async list(u: AuthUser, q: { before?: number; limit: number; unread?: boolean; kind?: string }): Promise<{ items: NotificationView[]; nextBefore: number | null }> {
    const params: unknown[] = mineParams(u);
    let where = MINE_SQL;
    if (q.before !== undefined) {
      params.push(q.before);
      where += ` AND n.id < $${params.length}`;
    }
    if (q.kind !== undefined) {
      params.push(q.kind);
      where += ` AND n.kind = $${params.length}`;
    }
    if (q.unread) where += ` AND r.notification_id IS NULL`;
    params.push(q.limit + 1);
    const rows: (Omit<NotificationView, 'id' | 'createdAt'> & { id: string; createdAt: Date })[] = await this.db.query(
      `SELECT n.id, n.kind, n.record_type AS "recordType", n.record_id AS "recordId", n.params, n.actor, n.created_at AS "createdAt", (r.notification_id IS NOT NULL) AS read
         FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE ${where} ORDER BY n.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, q.limit).map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
    return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
  }

  /** Mine with an id above `after`, oldest first (a stream's replay after Last-Event-ID; `ids`: only these). */
  async since(u: AuthUser, after: number, limit: number, ids?: number[]): Promise<NotificationView[]> {
    const params: unknown[] = [...mineParams(u), after, limit];
    let where = `${MINE_SQL} AND n.id > $5`;
    if (ids) {
      params.push(ids);
      where += ` AND n.id = ANY($7::bigint[])`;
    }
    const rows: (Omit<NotificationView, 'id' | 'createdAt'> & { id: string; createdAt: Date })[] = await this.db.query(
      `SELECT n.id, n.kind, n.record_type AS "recordType", n.record_id AS "recordId", n.params, n.actor, n.created_at AS "createdAt", (r.notification_id IS NOT NULL) AS read
         FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE ${where} ORDER BY n.id LIMIT $6`,
      params,
    );
    return rows.map((r) => ({ ...r, id: Number(r.id), createdAt: new Date(r.createdAt).toISOString() }));
  }

  async unreadCount(u: AuthUser): Promise<number> {
    const [r] = await this.db.query(
      `SELECT count(*)::int AS n FROM notification n WHERE ${MINE_SQL}
          AND NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.account = $1)`,
      mineParams(u),
    );
    return r.n;
  }

  /** Marks one read; 404 for one not addressed to `u` (as for one that does not exist). */
  async markRead(u: AuthUser, id: number): Promise<void> {
    const rows = await this.db.query(`SELECT n.id FROM notification n WHERE n.id = $5 AND ${MINE_SQL}`, [...mineParams(u), id]);
    if (!rows.length) throw notFound('Notification');
    await this.db.query(`INSERT INTO notification_read (notification_id, account) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [id, u.sub]);
  }

  /** Marks every one addressed to `u` read (up to `upTo`, the newest id the client saw, when given). */
  async markAllRead(u: AuthUser, upTo?: number): Promise<number> {
    if (upTo !== undefined && (!Number.isSafeInteger(upTo) || upTo < 1)) throw badRequest('upTo must be a positive integer');
    const rows = await this.db.query(
      `INSERT INTO notification_read (notification_id, account)
       SELECT n.id, $1 FROM notification n WHERE ${MINE_SQL} ${upTo !== undefined ? 'AND n.id <= $5' : ''}
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      upTo !== undefined ? [...mineParams(u), upTo] : mineParams(u),
    );
    return rows.length;
  }
}
