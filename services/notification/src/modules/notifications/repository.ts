import type { DataSource, EntityManager } from 'typeorm';
import { type AuthUser, type EventEnvelope, type PageRequest, preparedIn, readPage } from '@redheart/shared';
import type { Addressed } from './rules';

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

/** MINE_SQL's parameters $1–$4 for `u`. */
export const mineParams = (u: AuthUser) => [u.sub, u.role, u.orgId, u.scopePaths[0] ?? '\u0000'];

/** A notification as its recipient reads it, as stored (the service turns the id and time into the view's). */
export interface NotificationRow {
  id: string;
  kind: string;
  recordType: string;
  recordId: string;
  params: Record<string, string | number | null>;
  actor: string | null;
  createdAt: Date;
  read: boolean;
}

export interface ListFilter {
  /** keyset: below this id */
  before?: number;
  kind?: string;
  unread?: boolean;
}

/** A read receipt: `u` has read notification `notificationId` (once; a second read changes nothing). */
export async function insertRead(q: Pick<DataSource, 'query'>, notificationId: number | string, u: Pick<AuthUser, 'sub' | 'username' | 'role'>): Promise<void> {
  await q.query(`INSERT INTO notification_read (notification_id, account, username, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [notificationId, u.sub, u.username, u.role]);
}

const VIEW_COLUMNS = `n.id, n.kind, n.record_type AS "recordType", n.record_id AS "recordId", n.params, n.actor, n.created_at AS "createdAt", (r.notification_id IS NOT NULL) AS read`;

/** The claims a stream ticket carries: the token's that asked for it, with its expiry. */
export type TicketClaims = AuthUser & { exp?: number };

/** A stream ticket as it is taken: its claims, and whether it was still valid. */
export interface TicketRow {
  claims: TicketClaims;
  valid: boolean;
}

/** notification, notification_read, notification_mute and stream_ticket; SQL only, no rules. */
export class NotificationRepository {
  constructor(private readonly db: DataSource) {}

  /** One notification of an event and rule; undefined when the pair was written already (a redelivery). */
  async insert(m: EntityManager, e: EventEnvelope, a: Addressed): Promise<number | undefined> {
    const rows = await preparedIn<{ id: string }>(m,
      `INSERT INTO notification (event_id, rule, kind, recipient_account, recipient_role, recipient_org_id, recipient_path, org_path, record_type, record_id, params, actor, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13) ON CONFLICT (event_id, rule) DO NOTHING RETURNING id`,
      [e.id, a.rule, a.kind, a.recipientAccount, a.recipientRole, a.recipientOrgId, a.recipientPath, e.orgPath, a.recordType, a.recordId, JSON.stringify(a.params), e.actor, e.occurredAt],
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  /** The accounts that muted `kind`. */
  async mutedBy(m: EntityManager, kind: string): Promise<string[]> {
    const rows = await preparedIn<{ account: string }>(m, `SELECT account FROM notification_mute WHERE kind = $1 ORDER BY account`, [kind]);
    return rows.map((r) => r.account);
  }

  /** The kinds an account muted. */
  async mutedKinds(account: string): Promise<string[]> {
    const rows: { kind: string }[] = await this.db.query(`SELECT kind FROM notification_mute WHERE account = $1`, [account]);
    return rows.map((r) => r.kind);
  }

  /** Sets the kinds an account muted: exactly these, in one transaction. */
  async setMuted(account: string, kinds: string[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM notification_mute WHERE account = $1 AND NOT (kind = ANY($2::text[]))`, [account, kinds]);
      await m.query(`INSERT INTO notification_mute (account, kind) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [account, kinds]);
    });
  }

  private listFrom(u: AuthUser, f: ListFilter): { from: string; params: unknown[] } {
    const params: unknown[] = mineParams(u);
    let where = SHOWN_SQL;
    if (f.before !== undefined) {
      params.push(f.before);
      where += ` AND n.id < $${params.length}`;
    }
    if (f.kind !== undefined) {
      params.push(f.kind);
      where += ` AND n.kind = $${params.length}`;
    }
    if (f.unread) where += ` AND r.notification_id IS NULL`;
    return { from: `FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1 WHERE ${where}`, params };
  }

  /** A numbered page of `u`'s shown notifications, newest first, with the total. */
  async page(u: AuthUser, f: Omit<ListFilter, 'before'>, paged: PageRequest) {
    const { from, params } = this.listFrom(u, f);
    return readPage<NotificationRow>(this.db, `SELECT ${VIEW_COLUMNS} ${from} ORDER BY n.id DESC`, `SELECT 1 ${from}`, params, paged);
  }

  /** Up to `limit` of `u`'s shown notifications, newest first (keyset: `before`). */
  async newest(u: AuthUser, f: ListFilter, limit: number): Promise<NotificationRow[]> {
    const { from, params } = this.listFrom(u, f);
    params.push(limit);
    return this.db.query(`SELECT ${VIEW_COLUMNS} ${from} ORDER BY n.id DESC LIMIT $${params.length}`, params);
  }

  /** `u`'s shown notifications above `after`, oldest first (`ids`: only these). */
  async since(u: AuthUser, after: number, limit: number, ids?: number[]): Promise<NotificationRow[]> {
    const params: unknown[] = [...mineParams(u), after, limit];
    let where = `${SHOWN_SQL} AND n.id > $5`;
    if (ids) {
      params.push(ids);
      where += ` AND n.id = ANY($7::bigint[])`;
    }
    return this.db.query(
      `SELECT ${VIEW_COLUMNS}
         FROM notification n LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account = $1
        WHERE ${where} ORDER BY n.id LIMIT $6`,
      params,
    );
  }

  async unreadCount(u: AuthUser): Promise<number> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM notification n WHERE ${SHOWN_SQL}
          AND NOT EXISTS (SELECT 1 FROM notification_read r WHERE r.notification_id = n.id AND r.account = $1)`,
      mineParams(u),
    );
    return rows[0].n;
  }

  /** Whether notification `id` is addressed to `u` and not withdrawn (muted or not). */
  async isMine(u: AuthUser, id: number): Promise<boolean> {
    const rows: { id: string }[] = await this.db.query(`SELECT n.id FROM notification n WHERE n.id = $5 AND n.withdrawn_at IS NULL AND ${MINE_SQL}`, [...mineParams(u), id]);
    return rows.length > 0;
  }

  async markRead(u: AuthUser, id: number): Promise<void> {
    await insertRead(this.db, id, u);
  }

  /** Marks `u`'s shown notifications read (up to `upTo` when given); how many were newly marked. */
  async markAllRead(u: AuthUser, upTo?: number): Promise<number> {
    const rows: { notification_id: string }[] = await this.db.query(
      `INSERT INTO notification_read (notification_id, account, username, role)
       SELECT n.id, $1, $5, $6 FROM notification n WHERE ${SHOWN_SQL} ${upTo !== undefined ? 'AND n.id <= $7' : ''}
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      [...mineParams(u), u.username, u.role, ...(upTo !== undefined ? [upTo] : [])],
    );
    return rows.length;
  }

  /** Deletes the tickets that expired over a minute ago. */
  async pruneTickets(): Promise<void> {
    await this.db.query(`DELETE FROM stream_ticket WHERE expires_at < now() - interval '1 minute'`);
  }

  /** Keeps a ticket (by the hash of its value) with the claims it stands for, valid for `ttlSeconds`. */
  async insertTicket(ticketHash: string, account: string, claims: TicketClaims, ttlSeconds: number): Promise<void> {
    await this.db.query(`INSERT INTO stream_ticket (ticket_hash, account, claims, expires_at) VALUES ($1, $2, $3::jsonb, now() + make_interval(secs => $4))`, [
      ticketHash, account, JSON.stringify(claims), ttlSeconds,
    ]);
  }

  /** Takes (deletes) the ticket by the hash of its value, expired or not: a ticket is used once. */
  async takeTicket(ticketHash: string): Promise<TicketRow | undefined> {
    const rows: TicketRow[] = await this.db.query(
      // (a SELECT over the DELETE: TypeORM hands back a DELETE's rows as [rows, count])
      `WITH used AS (DELETE FROM stream_ticket WHERE ticket_hash = $1 RETURNING claims, expires_at) SELECT claims, expires_at > now() AS valid FROM used`,
      [ticketHash],
    );
    return rows[0];
  }
}
