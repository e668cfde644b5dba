import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { type AuthUser, AppError, type SessionClaims, NO_BODY } from '@redheart/shared';
import type { NotificationRepository, TicketClaims } from './repository';
import { type Addressee, isMine, type NotificationService, type NotificationView } from './service';

/** The channel the insert trigger announces new notifications on (migration 1765880000010). */
export const NEW_NOTIFICATION_CHANNEL = 'notification_new';
/** A stream remembers this many ids it sent (newer ones than the oldest of them are never sent twice). */
const SENT_IDS_KEPT = 4096;
/** At most this many missed notifications are replayed after Last-Event-ID (the bell re-reads its count anyway). */
export const REPLAY_LIMIT = 100;

export interface StreamOptions {
  /** A comment line every this many ms keeps proxies from closing a quiet stream (15 s). */
  heartbeatMs: number;
  /** How long a ticket may wait for its stream (30 s). */
  ticketTtlSeconds: number;
  /** Ended sessions: a stream of one is closed at its next heartbeat. */
  revocations?: { isEnded(claims: SessionClaims): boolean };
  log: (obj: object, msg: string) => void;
}

type Claims = TicketClaims;

interface Subscriber {
  user: Claims;
  /** The newest id sent on this stream (where a replay after a lost connection starts). */
  lastId: number;
  /**
   * The ids sent on this stream lately. Notifications commit (and are announced) in an order of their
   * own, not in id order, so a live one may carry a lower id than one already sent: it is sent unless
   * it is here.
   */
  sent: Set<number>;
  /** Until the replay after connect is written, announced ids wait here (written after it, in order). */
  pending: number[] | null;
  write(n: NotificationView): void;
  /** Muted kinds (the account's preferences): not sent on this stream. */
  muted: ReadonlySet<string>;
}

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex');
const unauthorizedTicket = () => new AppError(401, 'INVALID_TICKET', '实时通知连接凭证无效或已过期，请重新连接');

/**
 * Live notifications of this replica's open streams. One connection of its own LISTENs on
 * `notification_new` (the insert trigger's pg_notify, delivered at commit to every replica of the
 * service), so a notification is pushed to each open stream it is addressed to whichever replica
 * wrote it. Nothing polls: without announcements the streams only carry heartbeats.
 * When the listening connection fails it reconnects (backing off to 10 s) and every stream catches
 * up from the last id it sent.
 */
export class StreamHub {
  private readonly subscribers = new Set<Subscriber>();
  /** The open streams' bodies (ended when the app closes: they never end by themselves). */
  readonly open = new Set<PassThrough>();
  private client?: Client;
  private stopped = false;
  private retryMs = 250;
  private retryTimer?: NodeJS.Timeout;
  /** Resolves once the listener is connected (tests and the first stream wait for it). */
  private listening: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly svc: NotificationService,
    private readonly log: StreamOptions['log'],
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  start(): Promise<void> {
    this.listening = this.connect();
    return this.listening;
  }

  /** Waits for the listener (connected or failed once). */
  ready(): Promise<void> {
    return this.listening;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.open) s.end();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = undefined;
    if (c) await c.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const pool = (this.db.driver as unknown as { master?: { options: ClientConfig } }).master;
    if (!pool) throw new Error('the DataSource is not initialised');
    const client = new Client({ ...pool.options, application_name: 'notify-stream-listener' });
    client.on('error', (err) => {
      this.log({ err }, 'notification stream: its listening connection failed; reconnecting');
      void this.reconnect(client);
    });
    client.on('notification', (msg) => {
      if (msg.channel !== NEW_NOTIFICATION_CHANNEL || !msg.payload) return;
      try {
        this.announce(JSON.parse(msg.payload) as Addressee & { id: number; kind: string });
      } catch (err) {
        this.log({ err }, 'notification stream: an announcement could not be read');
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${NEW_NOTIFICATION_CHANNEL}`);
    } catch (err) {
      this.log({ err }, 'notification stream: cannot listen for new notifications; retrying');
      void this.reconnect(client);
      return;
    }
    const wasDown = this.client === undefined && this.retryMs > 250;
    this.client = client;
    this.retryMs = 250;
    // what was written while nobody listened: every stream catches up from what it last sent
    if (wasDown) for (const s of this.subscribers) void this.catchUp(s);
  }

  private async reconnect(failed: Client): Promise<void> {
    if (this.client === failed) this.client = undefined;
    await failed.end().catch(() => undefined);
    if (this.stopped || this.retryTimer) return;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.listening = this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  /** A new notification: read it once for the streams it is addressed to (read state per account). */
  private announce(a: Addressee & { id: number; kind: string }): void {
    for (const s of this.subscribers) {
      if (!isMine(s.user, a) || s.muted.has(a.kind)) continue;
      if (s.pending) s.pending.push(a.id);
      else void this.sendIds(s, [a.id]);
    }
  }

  private async sendIds(s: Subscriber, ids: number[]): Promise<void> {
    const fresh = ids.filter((id) => !s.sent.has(id));
    if (!fresh.length) return;
    try {
      const views = await this.svc.since(s.user, 0, fresh.length, fresh);
      for (const v of views) this.emit(s, v);
    } catch (err) {
      this.log({ err }, 'notification stream: reading a new notification failed');
    }
  }

  private emit(s: Subscriber, v: NotificationView): void {
    if (s.sent.has(v.id) || !this.subscribers.has(s)) return;
    if (s.muted.has(v.kind)) return;
    s.sent.add(v.id);
    if (s.sent.size > SENT_IDS_KEPT) s.sent.delete(s.sent.values().next().value as number);
    s.lastId = Math.max(s.lastId, v.id);
    s.write(v);
  }

  private async catchUp(s: Subscriber): Promise<void> {
    try {
      for (const v of await this.svc.since(s.user, s.lastId, REPLAY_LIMIT)) this.emit(s, v);
    } catch (err) {
      this.log({ err }, 'notification stream: catching up failed');
    }
  }

  /**
   * Adds a stream: announcements are held while what was missed since `lastEventId` is replayed
   * (oldest first), then sent. Returns its removal.
   */
  async subscribe(s: Omit<Subscriber, 'pending' | 'sent'>, lastEventId: number | undefined): Promise<() => void> {
    const sub: Subscriber = { ...s, pending: [], sent: new Set() };
    this.subscribers.add(sub);
    if (lastEventId !== undefined) {
      sub.lastId = lastEventId;
      await this.catchUp(sub);
    }
    const held = sub.pending ?? [];
    sub.pending = null;
    if (held.length) await this.sendIds(sub, held);
    return () => void this.subscribers.delete(sub);
  }
}

/** `?ticket=`; `Last-Event-ID` (EventSource's own reconnect) or `?lastEventId=` (a new EventSource picking up where the last one stopped). */
function lastEventIdOf(req: FastifyRequest<{ Querystring: Record<string, unknown> }>): number | undefined {
  const raw = req.headers['last-event-id'] ?? req.query.lastEventId;
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new AppError(400, 'VALIDATION_FAILED', 'Last-Event-ID (lastEventId) must be a notification id', { field: 'lastEventId' });
  return n;
}

/**
 * POST /api/notify/stream/ticket (token) and GET /api/notify/stream?ticket=… (text/event-stream).
 * An EventSource cannot send an Authorization header, so the token is exchanged for a ticket: 32
 * random bytes, kept only as their SHA-256 with the token's claims, valid for `ticketTtlSeconds`
 * and consumed by the first stream that presents it (any replica: the table is shared).
 */
export async function streamRoutes(
  app: FastifyInstance,
  opts: StreamOptions & { hub: StreamHub; repo: NotificationRepository; muted: (u: AuthUser) => Promise<ReadonlySet<string>> },
) {
  const { hub, repo } = opts;

  app.post('/api/notify/stream/ticket', {
    onRequest: app.authenticate,
    schema: {
      tags: ['notifications'],
      summary: 'A single-use ticket for GET /api/notify/stream (EventSource sends no Authorization header)',
      response: { 200: { type: 'object', properties: { ticket: { type: 'string' }, expiresIn: { type: 'integer' } } } },
      dto: { body: NO_BODY },
    },
    handler: async (req, reply) => {
      const ticket = randomBytes(32).toString('base64url');
      const u = req.user as Claims;
      const claims: Claims = { sub: u.sub, username: u.username, role: u.role, orgId: u.orgId, scopePaths: u.scopePaths, sid: u.sid, sv: u.sv, exp: u.exp };
      await repo.pruneTickets();
      await repo.insertTicket(hash(ticket), u.sub, claims, opts.ticketTtlSeconds);
      reply.header('cache-control', 'no-store');
      return { ticket, expiresIn: opts.ticketTtlSeconds };
    },
  });

  app.get<{ Querystring: Record<string, unknown> }>('/api/notify/stream', {
    schema: {
      tags: ['notifications'],
      summary: 'My new notifications as Server-Sent Events (event `notification`, id = notification id; heartbeat comments); ?ticket= from POST /stream/ticket, Last-Event-ID replays what was missed',
      security: [],
      querystring: { type: 'object', properties: { ticket: { type: 'string', maxLength: 100 }, lastEventId: { type: 'string', maxLength: 20 } } },
      response: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
    },
    handler: async (req, reply: FastifyReply) => {
      const ticket = typeof req.query.ticket === 'string' ? req.query.ticket : '';
      const lastEventId = lastEventIdOf(req);
      if (!ticket) throw unauthorizedTicket();
      const row = await repo.takeTicket(hash(ticket));
      if (!row || !row.valid) throw unauthorizedTicket();
      const user = row.claims;
      if (opts.revocations?.isEnded(user)) throw new AppError(401, 'SESSION_ENDED', '登录会话已结束，请重新登录');
      const muted = await opts.muted(user);

      const stream = new PassThrough();
      hub.open.add(stream);
      let unsubscribe = () => undefined as void;
      const timers: { heartbeat?: NodeJS.Timeout; expiry?: NodeJS.Timeout } = {};
      const end = () => {
        clearInterval(timers.heartbeat);
        clearTimeout(timers.expiry);
        unsubscribe();
        hub.open.delete(stream);
        if (!stream.writableEnded) stream.end();
      };
      req.raw.once('close', end);
      stream.once('close', end);
      reply
        .header('content-type', 'text/event-stream; charset=utf-8')
        .header('cache-control', 'no-store')
        // nginx and other proxies: pass each event on at once
        .header('x-accel-buffering', 'no');
      // the browser waits 3 s before its own reconnect; the comment makes the headers go out now
      stream.write(`retry: 3000\n: connected\n\n`);
      void reply.send(stream);
      timers.heartbeat = setInterval(() => {
        if (opts.revocations?.isEnded(user)) return end();
        stream.write(`: heartbeat ${Date.now()}\n\n`);
      }, opts.heartbeatMs).unref();
      // a stream lives as long as the token that asked for its ticket: the client reconnects with a new one
      if (typeof user.exp === 'number') {
        timers.expiry = setTimeout(end, Math.max(0, user.exp * 1000 - Date.now())).unref();
      }
      unsubscribe = await hub.subscribe(
        {
          user,
          lastId: 0,
          muted,
          write: (n) => {
            if (!stream.writableEnded) stream.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`);
          },
        },
        lastEventId,
      );
      if (stream.writableEnded) unsubscribe();
      return reply;
    },
  });
}
