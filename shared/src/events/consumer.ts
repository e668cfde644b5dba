import type { DataSource, EntityManager } from 'typeorm';
import { preparedIn } from '../db';
import { isDatabaseUnavailable } from '../db-outage';
import { type EventEnvelope, isEnvelope } from './outbox';

/** True when `type` (`org.unit.moved`) falls under a NATS-style pattern (`org.unit.>`, `org.*.moved`, exact). */
export function typeMatches(pattern: string, type: string): boolean {
  const p = pattern.split('.');
  const t = type.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return t.length > i;
    if (i >= t.length) return false;
    if (p[i] !== '*' && p[i] !== t[i]) return false;
  }
  return p.length === t.length;
}

/** A handler's verdict that the event can never be applied (it is parked at once, not retried). */
export class PermanentEventError extends Error {}

/** Applies one event inside the consumer's transaction (the inbox row commits with its effect). */
export type EventHandler = (m: EntityManager, e: EventEnvelope) => Promise<void>;

export interface EventConsumerSpec {
  /** Unique per service (`household-community-ref`): the durable consumer's name and the inbox key. */
  name: string;
  /** The producing service (its stream) and the event types read: `org.unit.>` (a NATS subject pattern, without the prefix). */
  from: string;
  types: string;
  handlers: Record<string, EventHandler>;
  /** Runs after an event's transaction committed (clear a cache). */
  afterCommit?: (e: EventEnvelope) => void;
  /**
   * Types of the pattern this consumer makes nothing of (the notification service reads `volunteer.>` and has rules for
   * a few of its types): acknowledged as they come, with no transaction and no inbox row. Only types of `types` are
   * skipped; anything else that reaches the inbox is parked as unknown, as without it.
   */
  skips?: (type: string) => boolean;
}

/** Failed handler attempts (not database outages, which wait) before an event is parked. */
export const MAX_EVENT_ATTEMPTS = 5;

export type HandleOutcome = 'done' | 'duplicate' | 'skipped' | 'parked' | 'retry';

/** What the transport knows of a delivery: its subject and how many times it was delivered (1 the first time). */
export interface DeliveryMeta {
  subject?: string;
  deliveries?: number;
}

/**
 * The transport-independent half of a consumer: reads a delivered message, parks what cannot be
 * read (malformed, unknown type, failing `MAX_EVENT_ATTEMPTS` times, PermanentEventError), lets through
 * what the consumer `skips`, and otherwise writes the inbox row and the effect in one transaction, so a second delivery of the
 * same event id does nothing. Answers 'retry' only when it could not decide (the database is down,
 * or an attempt failed before the limit): the transport redelivers later.
 */
export class EventInbox {
  constructor(
    private readonly db: DataSource,
    readonly spec: EventConsumerSpec,
    private readonly log: (msg: string, err?: unknown) => void = () => undefined,
  ) {}

  async handle(body: string | Uint8Array | unknown, meta: DeliveryMeta = {}): Promise<HandleOutcome> {
    const read = await this.read(body, meta);
    if (typeof read === 'string') return read;
    const { event, handler, raw } = read;
    const deliveries = meta.deliveries ?? 1;
    try {
      const [outcome] = await this.applyTogether([{ event, handler }]);
      return outcome;
    } catch (err) {
      if (isDatabaseUnavailable(err)) return 'retry';
      if (err instanceof PermanentEventError || deliveries >= MAX_EVENT_ATTEMPTS) {
        return this.park(event.id, meta.subject, `handler failed: ${err instanceof Error ? err.message : String(err)}`, raw, deliveries);
      }
      this.log(`event ${event.type} ${event.id} failed (attempt ${deliveries}); it will be retried`, err);
      return 'retry';
    }
  }

  /**
   * Several delivered messages at once, in order (the transport's backlog): what cannot be read is parked and what is
   * skipped let through as `handle` does, and the rest applied in ONE transaction — their inbox rows in one statement,
   * then each handler in turn (each sees the ones before it) — so a backlog costs one commit, not one per event. When
   * that transaction fails (a handler refused its event), each event goes again on its own through `handle`, which
   * retries or parks it by itself; a database outage answers 'retry' for all. Answers one outcome per message.
   */
  async handleBatch(messages: { body: string | Uint8Array | unknown; meta?: DeliveryMeta }[]): Promise<HandleOutcome[]> {
    if (messages.length <= 1) return Promise.all(messages.map((x) => this.handle(x.body, x.meta)));
    const out: HandleOutcome[] = new Array(messages.length);
    const ready: { at: number; event: EventEnvelope; handler: EventHandler }[] = [];
    for (let at = 0; at < messages.length; at++) {
      const read = await this.read(messages[at].body, messages[at].meta ?? {});
      if (typeof read === 'string') out[at] = read;
      else ready.push({ at, event: read.event, handler: read.handler });
    }
    if (!ready.length) return out;
    try {
      const outcomes = await this.applyTogether(ready);
      ready.forEach((r, i) => (out[r.at] = outcomes[i]));
      return out;
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        for (const r of ready) out[r.at] = 'retry';
        return out;
      }
      // one of them failed: each on its own, so the others apply and the failing one is retried or parked
      for (const r of ready) out[r.at] = await this.handle(messages[r.at].body, messages[r.at].meta);
      return out;
    }
  }

  /**
   * Events in ONE transaction, in order: their inbox rows in one statement, then the handler of each one that is new
   * (a second copy, earlier or in the same list, is a duplicate); `afterCommit` once it committed. Throws what failed.
   */
  private async applyTogether(events: { event: EventEnvelope; handler: EventHandler }[]): Promise<('done' | 'duplicate')[]> {
    const outcomes = await this.db.transaction(async (m) => {
      const fresh = new Set((await preparedIn<{ id: string }>(m,
        `INSERT INTO inbox_event (consumer, id, type) SELECT $1, x.id, x.type FROM unnest($2::uuid[], $3::text[]) AS x(id, type) ON CONFLICT DO NOTHING RETURNING id`,
        [this.spec.name, events.map((r) => r.event.id), events.map((r) => r.event.type)])).map((r) => r.id));
      const done: ('done' | 'duplicate')[] = [];
      for (const { event, handler } of events) {
        if (!fresh.delete(event.id)) {
          done.push('duplicate');
          continue;
        }
        await handler(m, event);
        done.push('done');
      }
      return done;
    });
    events.forEach((r, i) => outcomes[i] === 'done' && this.spec.afterCommit?.(r.event));
    return outcomes;
  }

  /** A delivered message read: its event and handler, or what became of it (parked, skipped). */
  private async read(body: string | Uint8Array | unknown, meta: DeliveryMeta): Promise<HandleOutcome | { event: EventEnvelope; handler: EventHandler; raw: string }> {
    const deliveries = meta.deliveries ?? 1;
    let event: unknown = body;
    const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
    if (text !== undefined) {
      try {
        event = JSON.parse(text);
      } catch {
        return this.park(null, meta.subject, 'malformed: not JSON', text, deliveries);
      }
    }
    const raw = text ?? safeJson(body);
    if (!isEnvelope(event)) return this.park(idOf(event), meta.subject, 'malformed: not an event envelope', raw, deliveries);
    if (this.spec.skips?.(event.type) && typeMatches(this.spec.types, event.type)) return 'skipped';
    const handler = this.spec.handlers[event.type];
    if (!handler) return this.park(event.id, meta.subject, `unknown event type ${event.type}`, raw, deliveries);
    return { event, handler, raw };
  }

  private async park(eventId: string | null, subject: string | undefined, reason: string, body: string, deliveries: number): Promise<HandleOutcome> {
    try {
      await this.db.query(`INSERT INTO dead_letter (consumer, event_id, subject, reason, body, deliveries) VALUES ($1, $2, $3, $4, $5, $6)`, [
        this.spec.name,
        eventId,
        subject ?? null,
        reason.slice(0, 1000),
        body.slice(0, 16_000),
        deliveries,
      ]);
      this.log(`event parked in dead_letter: ${reason}`);
      return 'parked';
    } catch (err) {
      this.log('could not park an event; it will be retried', err);
      return 'retry';
    }
  }
}

function idOf(v: unknown): string | null {
  const id = v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id.slice(0, 100) : null;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
