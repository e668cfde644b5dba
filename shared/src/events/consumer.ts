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

  async handle(body: string | Uint8Array | unknown, meta: { subject?: string; deliveries?: number } = {}): Promise<HandleOutcome> {
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
    try {
      const outcome = await this.db.transaction(async (m) => {
        const fresh = await preparedIn(m, `INSERT INTO inbox_event (consumer, id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`, [this.spec.name, event.id, event.type]);
        if (!fresh.length) return 'duplicate' as const;
        await handler(m, event);
        return 'done' as const;
      });
      if (outcome === 'done') this.spec.afterCommit?.(event);
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
