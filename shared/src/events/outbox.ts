import { randomUUID } from 'node:crypto';
import type { EntityManager, QueryRunner } from 'typeorm';
import { preparedIn } from '../db';

/**
 * Events (docs/architecture.md "Events"): a change that another service or a person cares about
 * writes an `outbox_event` row in the same transaction as the change (`emit`). A relay per service
 * database publishes the rows to NATS JetStream (relay.ts); consumers apply them once each
 * (consumer.ts: `inbox_event`), and park what they cannot read in `dead_letter`.
 */

/** What travels: small, never a clear ID number (resident IDs stay in the service that owns them). */
export interface EventEnvelope<P extends object = Record<string, unknown>> {
  /** uuid; also the JetStream message id (the server drops a second publish of it) and the inbox key. */
  id: string;
  /** `<service>.<aggregate>.<what>`: `org.unit.moved`, `household.case.approved`, `volunteer.item.assigned`. */
  type: string;
  /** The record the event is about (its id as text). Events of one aggregate are published in order. */
  aggregateId: string;
  /** The org path the event concerns (`/1/3/7/`), for scope checks of whoever acts on it; null when none. */
  orgPath: string | null;
  /** Who made the change (username), or null for the system. */
  actor: string | null;
  /** When the change committed (ISO). */
  occurredAt: string;
  payload: P;
}

export interface NewEvent<P extends object = Record<string, unknown>> {
  type: string;
  aggregateId: string | number;
  orgPath?: string | null;
  actor?: string | null;
  payload?: P;
}

/** The channel the relay LISTENs on; `emit` notifies it (delivered at commit, never on rollback). */
export const OUTBOX_CHANNEL = 'redheart_outbox';

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,5}$/;
/** Payload keys that must never travel (clear ID numbers and the like). */
const FORBIDDEN_KEYS = /^(residentId|resident_id|idNumber|id_number|idCard|password)$/i;
const MAX_PAYLOAD_BYTES = 8 * 1024;

function checkPayload(p: unknown, depth = 0): void {
  if (p === null || typeof p !== 'object') return;
  if (depth > 4) throw new Error('event payload nests too deep');
  for (const [k, v] of Object.entries(p)) {
    if (FORBIDDEN_KEYS.test(k)) throw new Error(`event payload must not carry ${k}`);
    checkPayload(v, depth + 1);
  }
}

/** The columns of an outbox row, in the order of `outboxValues`. */
export const OUTBOX_COLUMNS = 'id, type, aggregate_id, org_path, actor, payload';

/**
 * The row `emit` writes, checked as `emit` checks it (type, payload keys, size), in the order of OUTBOX_COLUMNS: for a
 * statement that writes the change and its event together. Whoever writes it also calls pg_notify(OUTBOX_CHANNEL).
 */
export function outboxValues(e: NewEvent): unknown[] {
  if (!TYPE_RE.test(e.type)) throw new Error(`Unusual event type ${e.type}`);
  const payload = e.payload ?? {};
  checkPayload(payload);
  const json = JSON.stringify(payload);
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) throw new Error(`event payload of ${e.type} is over ${MAX_PAYLOAD_BYTES} bytes`);
  return [randomUUID(), e.type, String(e.aggregateId), e.orgPath ?? null, e.actor ?? null, json];
}

/**
 * Writes the event in the caller's transaction (pass the transaction's manager): it exists exactly
 * when the change commits. Returns the event id.
 */
export async function emit(m: EntityManager, e: NewEvent): Promise<string> {
  const values = outboxValues(e);
  await preparedIn(m,
    `WITH ins AS (
       INSERT INTO outbox_event (${OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING 1
     ) SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM ins`,
    values,
  );
  return values[0] as string;
}

/** Many events in one statement (bulk paths); same guarantees as `emit`. */
export async function emitMany(m: EntityManager, events: NewEvent[]): Promise<string[]> {
  const ids: string[] = [];
  for (const e of events) ids.push(await emit(m, e));
  return ids;
}

/**
 * The event tables of a service database (its migration calls this): the outbox, the inbox of
 * handled event ids (per consumer), the dead letters, and the relay's per-target cursors (the
 * HTTP fallback).
 */
export async function createEventTables(q: QueryRunner): Promise<void> {
  await q.query(`
    CREATE TABLE outbox_event (
      seq bigserial PRIMARY KEY,
      id uuid NOT NULL UNIQUE,
      type text NOT NULL,
      aggregate_id text NOT NULL,
      org_path text,
      actor text,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      published_at timestamptz
    )`);
  await q.query(`CREATE INDEX outbox_event_pending_idx ON outbox_event (seq) WHERE published_at IS NULL`);
  await q.query(`CREATE INDEX outbox_event_published_idx ON outbox_event (published_at) WHERE published_at IS NOT NULL`);
  await q.query(`
    CREATE TABLE inbox_event (
      consumer text NOT NULL,
      id uuid NOT NULL,
      type text NOT NULL,
      handled_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, id)
    )`);
  await q.query(`CREATE INDEX inbox_event_handled_idx ON inbox_event (handled_at)`);
  await q.query(`
    CREATE TABLE dead_letter (
      id bigserial PRIMARY KEY,
      consumer text NOT NULL,
      event_id text,
      subject text,
      reason text NOT NULL,
      body text,
      deliveries int NOT NULL DEFAULT 1,
      parked_at timestamptz NOT NULL DEFAULT now()
    )`);
  await q.query(`
    CREATE TABLE outbox_cursor (
      target text PRIMARY KEY,
      last_seq bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
}

export async function dropEventTables(q: QueryRunner): Promise<void> {
  await q.query(`DROP TABLE IF EXISTS outbox_cursor, dead_letter, inbox_event, outbox_event`);
}

export interface OutboxRow {
  seq: string;
  id: string;
  type: string;
  aggregate_id: string;
  org_path: string | null;
  actor: string | null;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

export function envelopeOf(r: OutboxRow): EventEnvelope {
  return {
    id: r.id,
    type: r.type,
    aggregateId: r.aggregate_id,
    orgPath: r.org_path,
    actor: r.actor,
    occurredAt: new Date(r.occurred_at).toISOString(),
    payload: r.payload,
  };
}

export function isEnvelope(v: unknown): v is EventEnvelope {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(e.id) &&
    typeof e.type === 'string' && TYPE_RE.test(e.type) &&
    typeof e.aggregateId === 'string' &&
    (e.orgPath === null || typeof e.orgPath === 'string') &&
    (e.actor === null || typeof e.actor === 'string') &&
    typeof e.occurredAt === 'string' && !Number.isNaN(Date.parse(e.occurredAt)) &&
    !!e.payload && typeof e.payload === 'object' && !Array.isArray(e.payload)
  );
}
