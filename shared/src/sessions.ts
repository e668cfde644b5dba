import type { FastifyInstance } from 'fastify';
import { ACCESS_TOKEN_TTL_SECONDS } from './auth';
import { NatsBus } from './events/nats';
import type { EventEnvelope } from './events/outbox';
import { internalGetJson } from './failover';

/**
 * Ended sessions, as every service learns of them.
 *
 * An access token carries `sid` (its session: the refresh-token family) and `sv` (the account's
 * session epoch when it was issued). The org service, which owns accounts, appends a row to its
 * `session_revocation` feed whenever a session ends: one session (`sessionId`: logout, a replayed
 * refresh token) or all of an account's sessions (`sessionId` null, `epoch` = the account's new
 * epoch: password change or reset, disable, role or organisation change, logout everywhere).
 * Each service keeps the feed's last quarter of an hour in memory (RevokedSessions) and checks
 * every request against it: no database round trip per request.
 */
export interface RevocationEvent {
  /** Position in the feed; ids become visible in order. */
  id: number;
  accountId: string;
  /** The one session ended, or null: every session whose token carries `sv` < `epoch`. */
  sessionId: string | null;
  epoch: number;
  /** When it happened (ISO). */
  at: string;
}

export interface RevocationPage {
  events: RevocationEvent[];
  /** More events wait after these: ask again at once. */
  more: boolean;
  /** The `after` of the next call. */
  cursor: number;
}

/**
 * Where a service's ended sessions come from: with NATS, the org service's `org.session.ended`
 * events (NatsRevocationSource: each replica follows them itself, after a catch-up from the feed at
 * start); without NATS (the HTTP fallback of `npm start`), polling the feed (PollingRevocationSource).
 * revocationSourceFor picks one.
 */
export interface RevocationSource {
  /** Delivers events to `apply` from now on; resolves after the first catch-up (or its failure, reported to onError). */
  start(apply: (events: RevocationEvent[]) => void): Promise<void>;
  /** Catches up now (after a revocation made in this process, and in tests). */
  sync(): Promise<void>;
  stop(): void | Promise<void>;
}

/** What a token says about its session. */
export interface SessionClaims {
  sub: string;
  sid?: string;
  sv?: number;
}

/** Entries are kept while a token issued before them could still be alive (its TTL plus a minute of clock skew). */
const KEEP_MS = (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;

/** The ended sessions of the last quarter of an hour, in memory. */
export class RevokedSessions {
  private readonly sessions = new Map<string, number>();
  private readonly epochs = new Map<string, { epoch: number; forgetAt: number }>();
  private nextPrune = 0;

  constructor(private readonly now: () => number = Date.now) {}

  apply(events: readonly RevocationEvent[]): void {
    for (const e of events) {
      const forgetAt = Date.parse(e.at) + KEEP_MS;
      if (e.sessionId) {
        this.sessions.set(e.sessionId, Math.max(forgetAt, this.sessions.get(e.sessionId) ?? 0));
      } else {
        const had = this.epochs.get(e.accountId);
        if (!had || e.epoch >= had.epoch) this.epochs.set(e.accountId, { epoch: e.epoch, forgetAt: Math.max(forgetAt, had?.forgetAt ?? 0) });
      }
    }
    this.prune();
  }

  /** True when the token's session has ended. */
  isEnded(claims: SessionClaims): boolean {
    if (claims.sid !== undefined && this.sessions.has(claims.sid)) return true;
    const min = this.epochs.get(claims.sub);
    return min !== undefined && (claims.sv ?? -1) < min.epoch;
  }

  get size(): number {
    return this.sessions.size + this.epochs.size;
  }

  private prune(): void {
    const now = this.now();
    if (now < this.nextPrune) return;
    this.nextPrune = now + 10_000;
    for (const [k, at] of this.sessions) if (at <= now) this.sessions.delete(k);
    for (const [k, v] of this.epochs) if (v.forgetAt <= now) this.epochs.delete(k);
  }
}

/** Reads one page of the feed after `after` (null: from the start of the last quarter of an hour). */
export type RevocationFetch = (after: number | null) => Promise<RevocationPage>;

export const REVOCATION_POLL_MS = 250;

/**
 * Polls the feed every `everyMs` (250 ms: a session ended anywhere is refused everywhere within
 * a second; 0: never, only the catch-up at start and sync()). A failed poll keeps what is known and is retried at the next tick; onError hears of
 * the first failure of each streak (not four times a second while the org service is down).
 */
export class PollingRevocationSource implements RevocationSource {
  private cursor: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private apply: (events: RevocationEvent[]) => void = () => undefined;
  private failing = false;

  constructor(
    private readonly fetchPage: RevocationFetch,
    private readonly opts: { everyMs?: number; onError?: (err: unknown) => void } = {},
  ) {}

  async start(apply: (events: RevocationEvent[]) => void): Promise<void> {
    this.apply = apply;
    const tick = () =>
      this.sync().then(
        () => {
          this.failing = false;
        },
        (err) => {
          if (!this.failing) this.opts.onError?.(err);
          this.failing = true;
        },
      );
    await tick();
    const every = this.opts.everyMs ?? REVOCATION_POLL_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => void tick(), every);
    this.timer.unref();
  }

  /** One catch-up at a time; a call during one waits for it and then runs its own. */
  sync(): Promise<void> {
    const run = async () => {
      for (;;) {
        const page = await this.fetchPage(this.cursor);
        this.apply(page.events);
        this.cursor = page.cursor;
        if (!page.more) return;
      }
    };
    const next = (this.running ?? Promise.resolve()).catch(() => undefined).then(run);
    this.running = next;
    return next;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The org service's event for an ended session (its outbox, in the transaction that ends it). */
export const SESSION_ENDED_EVENT = 'org.session.ended';

/** What an `org.session.ended` event carries (no more than the feed row it mirrors). */
export type SessionEndedPayload = {
  /** The feed row's id (session_revocation). */
  revocationId: number;
  accountId: string;
  sessionId: string | null;
  epoch: number;
  at: string;
  reason: string;
};

/** The feed entry an `org.session.ended` event stands for; undefined when it is not one. */
export function revocationOfEvent(e: EventEnvelope): RevocationEvent | undefined {
  if (e.type !== SESSION_ENDED_EVENT) return undefined;
  const p = e.payload as Partial<SessionEndedPayload>;
  if (typeof p.accountId !== 'string' || typeof p.epoch !== 'number' || !(p.sessionId === null || typeof p.sessionId === 'string')) return undefined;
  const at = typeof p.at === 'string' && !Number.isNaN(Date.parse(p.at)) ? p.at : e.occurredAt;
  return { id: typeof p.revocationId === 'number' ? p.revocationId : 0, accountId: p.accountId, sessionId: p.sessionId, epoch: p.epoch, at };
}

export interface NatsRevocationOptions {
  /** The bus (its own connection unless one is given: `{ url, prefix }`). */
  bus: NatsBus | { url: string; prefix?: string; name?: string };
  /** The catch-up at start and at sync(): the org service's feed (httpRevocationFetch). */
  catchUp: RevocationFetch;
  onError?: (err: unknown) => void;
  /** Hears each event applied from the bus (tests: when one arrived). */
  onEvent?: (e: RevocationEvent) => void;
}

/**
 * Ended sessions from the org service's `org.session.ended` events on NATS JetStream. Every replica
 * must see every one, so each process follows the stream with an ordered consumer of its own (not a
 * durable shared by the replicas), from a token lifetime and a minute back; at start (and at
 * sync()) it also catches up from the org service's feed, as the polling source does, so a session
 * ended while the bus was away is known too. Nothing is polled after that.
 */
export class NatsRevocationSource implements RevocationSource {
  private readonly bus: NatsBus;
  private readonly ownsBus: boolean;
  private readonly feed: PollingRevocationSource;

  constructor(private readonly opts: NatsRevocationOptions) {
    if (opts.bus instanceof NatsBus) {
      this.bus = opts.bus;
      this.ownsBus = false;
    } else {
      const onError = opts.onError;
      this.bus = new NatsBus({ url: opts.bus.url, prefix: opts.bus.prefix, name: opts.bus.name, log: onError ? (msg, err) => onError(err ?? new Error(msg)) : undefined });
      this.ownsBus = true;
    }
    this.feed = new PollingRevocationSource(opts.catchUp, { everyMs: 0, onError: opts.onError });
  }

  async start(apply: (events: RevocationEvent[]) => void): Promise<void> {
    this.bus.follow('org', SESSION_ENDED_EVENT, (e) => {
      const r = revocationOfEvent(e);
      if (!r) return;
      apply([r]);
      this.opts.onEvent?.(r);
    }, () => new Date(Date.now() - KEEP_MS));
    this.bus.start();
    await this.feed.start(apply);
  }

  sync(): Promise<void> {
    return this.feed.sync();
  }

  async stop(): Promise<void> {
    this.feed.stop();
    if (this.ownsBus) await this.bus.stop();
  }
}

/**
 * The source a service's token check reads: the `org.session.ended` events when NATS is there
 * (natsUrl), else polling the org service's feed every 250 ms (the HTTP fallback).
 */
export function revocationSourceFor(opts: {
  natsUrl?: string;
  prefix?: string;
  /** The org service's replicas and the internal secret (the feed). */
  orgUrl: string | readonly string[];
  internalToken: string;
  /** This process (the NATS connection's name). */
  name: string;
  onError?: (err: unknown) => void;
}): RevocationSource {
  const feed = httpRevocationFetch(opts.orgUrl, opts.internalToken);
  if (opts.natsUrl) return new NatsRevocationSource({ bus: { url: opts.natsUrl, prefix: opts.prefix, name: `redheart-${opts.name}-sessions` }, catchUp: feed, onError: opts.onError });
  return new PollingRevocationSource(feed, { onError: opts.onError });
}

/**
 * The org service's feed over HTTP (`GET /api/org/internal/sessions/revocations`, with the internal
 * secret); with several org replicas (ORG_URLS), the next one when one cannot be reached.
 */
export function httpRevocationFetch(orgUrl: string | readonly string[], internalToken: string, timeoutMs = 2000): RevocationFetch {
  const get = internalGetJson(orgUrl, internalToken, timeoutMs);
  return (after) => get<RevocationPage>(`/api/org/internal/sessions/revocations${after === null ? '' : `?after=${after}`}`, 'the session revocations');
}

/**
 * The ended sessions an app checks (pass them to authPlugin as `revocations`): fed by `source` from
 * the app's ready (the first catch-up is awaited) to its close. No source: nothing is checked.
 */
export function revokedSessionsFor(app: FastifyInstance, source: RevocationSource | undefined): RevokedSessions | undefined {
  if (!source) return undefined;
  const revoked = new RevokedSessions();
  app.addHook('onReady', async () => source.start((events) => revoked.apply(events)));
  app.addHook('onClose', async () => source.stop());
  return revoked;
}
