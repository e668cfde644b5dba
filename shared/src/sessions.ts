import type { FastifyInstance } from 'fastify';
import { ACCESS_TOKEN_TTL_SECONDS } from './auth';
import { failoverFetch } from './failover';

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
 * Where a service's ended sessions come from. Today: polling the org service's feed
 * (PollingRevocationSource). When the event bus lands, a subscription to its `session.ended`
 * subject implements the same interface and nothing else changes.
 */
export interface RevocationSource {
  /** Delivers events to `apply` from now on; resolves after the first catch-up (or its failure, reported to onError). */
  start(apply: (events: RevocationEvent[]) => void): Promise<void>;
  /** Catches up now (after a revocation made in this process, and in tests). */
  sync(): Promise<void>;
  stop(): void;
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
 * a second). A failed poll keeps what is known and is retried at the next tick; onError hears of
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
    this.timer = setInterval(() => void tick(), this.opts.everyMs ?? REVOCATION_POLL_MS);
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

/**
 * The org service's feed over HTTP (`GET /api/org/internal/sessions/revocations`, with the internal
 * secret); with several org replicas (ORG_URLS), the next one when one cannot be reached.
 */
export function httpRevocationFetch(orgUrl: string | readonly string[], internalToken: string, timeoutMs = 2000): RevocationFetch {
  const call = failoverFetch(orgUrl);
  return async (after) => {
    const res = await call(`/api/org/internal/sessions/revocations${after === null ? '' : `?after=${after}`}`, {
      headers: { 'x-internal-token': internalToken },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`org service answered ${res.status} for the session revocations`);
    }
    return (await res.json()) as RevocationPage;
  };
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
