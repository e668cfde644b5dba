import { createHash } from 'node:crypto';
import { Column, Entity, PrimaryGeneratedColumn, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { AuthUser } from './auth';
import { preparedIn } from './db';
import { OUTBOX_CHANNEL, OUTBOX_COLUMNS } from './events/outbox';
import { maskIdNumbers } from './resident-id';
import type { AuditEntityType } from './workflows/vocabulary';

/**
 * Append-only audit trail. Every service keeps its own `audit_entry` table (each owns its data)
 * but shares this entity, the writer and the migration that makes UPDATE/DELETE impossible.
 */
@Entity({ name: 'audit_entry' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_username', type: 'text', nullable: true })
  actorUsername: string | null;

  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after: unknown;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;
}

export interface AuditInput {
  actor: Pick<AuthUser, 'sub' | 'username' | 'role'> | null;
  action: string;
  entityType: AuditEntityType;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  requestId?: string | null;
}

/** The columns an entry is written with, in the order of `auditValues`. */
export const AUDIT_COLUMNS = 'actor_id, actor_username, actor_role, action, entity_type, entity_id, before, after, reason, request_id';

/** The values of an entry, in the order of AUDIT_COLUMNS. */
export function auditValues(input: AuditInput): unknown[] {
  return [
    input.actor?.sub ?? null,
    input.actor?.username ?? null,
    input.actor?.role ?? null,
    input.action,
    input.entityType,
    String(input.entityId),
    input.before === undefined ? null : JSON.stringify(input.before),
    input.after === undefined ? null : JSON.stringify(input.after),
    input.reason ?? null,
    input.requestId ?? null,
  ];
}

/**
 * The one INSERT of an entry (writeAudit and writeChange): `INSERT INTO audit_entry … SELECT <values> [FROM <from>]`, its
 * values added as parameters by `p` (before/after cast to jsonb). `from` makes it write only for the rows of a CTE
 * (writeChange: only when the record's UPDATE matched). Add `RETURNING *` to read the row the chain trigger filled.
 */
export function auditInsertSql(input: AuditInput, p: (v: unknown) => string, from?: string): string {
  const values = auditValues(input).map((v, i) => (i === 6 || i === 7 ? `${p(v)}::jsonb` : p(v)));
  return `INSERT INTO audit_entry (${AUDIT_COLUMNS}) SELECT ${values.join(', ')}${from ? ` FROM ${from}` : ''}`;
}

/**
 * The audit stream on events: a service database registered here (its app, with registerAuditRoute or directly)
 * emits `<service>.audit.recorded` for every entry written through its pool, in the entry's transaction, so a
 * consumer (the org service's system log) follows every service's audit without polling. The event carries the
 * entry's position and who did what to which record, and the org path its record belongs to (`ownerPathSql`,
 * as the operation log scopes it); never `before`/`after` (they may hold a clear ID number), and a resident ID
 * number in the reason is masked.
 */
export interface AuditStream {
  service: string;
  /** SQL over the entry `a` (audit_entry) giving its record's org path, or NULL (AuditRouteOptions.ownerPathSql). */
  ownerPathSql: string;
  /** Also called in the entry's transaction (the org service copies its own entries into its system log). */
  alsoInTransaction?: (m: EntityManager, e: AuditRecorded) => Promise<void>;
}

/** Who did what to which record: the columns an audit entry is listed and streamed with. */
export type AuditWhoWhat = {
  actorId: string | null;
  actorUsername: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string;
};

/** The payload of `<service>.audit.recorded`. */
export type AuditRecorded = AuditWhoWhat & {
  service: string;
  auditId: number;
  seq: number | null;
  occurredAt: string;
  reason: string | null;
  requestId: string | null;
  orgPath: string | null;
};

const auditStreams = new WeakMap<DataSource, AuditStream>();

/** Emits the entries written through `ds` as `<service>.audit.recorded` events from now on. */
export function streamAuditAsEvents(ds: DataSource, stream: AuditStream): void {
  if (!/^[a-z][a-z0-9_]*$/.test(stream.service)) throw new Error(`Unusual service name ${stream.service}`);
  auditStreams.set(ds, stream);
}

/** The audit stream registered for a database (streamAuditAsEvents), if any. */
export function auditStreamOf(ds: DataSource): AuditStream | undefined {
  return auditStreams.get(ds);
}

/**
 * The `<service>.audit.recorded` event of an entry as SQL over its inserted row `a` (audit_entry, as its chain trigger
 * filled it): the outbox row's values, in the order of OUTBOX_COLUMNS; `p` adds a parameter. The one place the event is
 * built: writeAudit and writeChange both write it with the entry, in the same statement, and PostgreSQL builds the payload
 * (AuditRecorded) from the row. Each entry is an aggregate of its own (`audit-<id>`): the entries are independent records
 * (the system log inserts each once and lists them by time), so the relay publishes them side by side. As one aggregate
 * they went out one acknowledged publish after another, and every event of a relay round waited for the whole trail:
 * 1.4–1.8 s from commit to the stream at 150 changes/s (bench:events:sse).
 */
export function auditRecordedSql(stream: AuditStream, input: AuditInput, p: (v: unknown) => string): string[] {
  const path = `(${stream.ownerPathSql})`;
  const payload = `jsonb_build_object('service', ${p(stream.service)}::text, 'auditId', a.id, 'seq', a.seq,
      'occurredAt', to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'actorId', ${p(input.actor?.sub ?? null)}::text, 'actorUsername', ${p(input.actor?.username ?? null)}::text, 'actorRole', ${p(input.actor?.role ?? null)}::text,
      'action', ${p(input.action)}::text, 'entityType', ${p(input.entityType)}::text, 'entityId', ${p(maskIdNumbers(String(input.entityId)))}::text,
      'reason', ${p(input.reason ? maskIdNumbers(input.reason).slice(0, 1000) : null)}::text, 'requestId', ${p(input.requestId ?? null)}::text, 'orgPath', ${path})`;
  return ['gen_random_uuid()', `${p(`${stream.service}.audit.recorded`)}::text`, `'audit-' || a.id`, path, `${p(input.actor?.username ?? null)}::text`, payload];
}

/** Writes one entry inside the caller's transaction, so the change and its audit land together or not at all. */
export async function writeAudit(manager: EntityManager, input: AuditInput): Promise<void> {
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const stream = auditStreams.get(manager.connection);
  if (!stream) {
    await preparedIn(manager, auditInsertSql(input, p), params);
    return;
  }
  // the entry and its event in one statement, in one transaction (the caller's, or one of their own)
  const sql = `WITH a AS (${auditInsertSql(input, p)} RETURNING *),
    ob AS (INSERT INTO outbox_event (${OUTBOX_COLUMNS}) SELECT ${auditRecordedSql(stream, input, p).join(', ')} FROM a RETURNING payload)
    SELECT ob.payload, pg_notify('${OUTBOX_CHANNEL}', '') FROM ob`;
  const write = async (m: EntityManager) => {
    const [row] = await preparedIn<{ payload: AuditRecorded }>(m, sql, params);
    await stream.alsoInTransaction?.(m, row.payload);
  };
  if (manager.queryRunner?.isTransactionActive) await write(manager);
  else await manager.transaction(write);
}

/** Used by each service's first migration. */
export async function createAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`
    CREATE TABLE audit_entry (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_id text,
      actor_username text,
      actor_role text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      reason text,
      request_id text
    )`);
  await queryRunner.query(`CREATE INDEX audit_entry_entity_idx ON audit_entry (entity_type, entity_id, occurred_at DESC)`);
  await queryRunner.query(`CREATE INDEX audit_entry_time_idx ON audit_entry (occurred_at DESC)`);
  await queryRunner.query(`
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_entry is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`);
  await queryRunner.query(`
    CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()`);
}

export async function dropAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS audit_entry`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS audit_entry_append_only()`);
}

/** The `prev_hash` of the first entry of a chain. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);
/** The advisory lock (per database) that keeps two inserts from linking to the same predecessor. */
export const AUDIT_CHAIN_LOCK = 7712999;

/**
 * The canonical serialisation of an entry (`e` is a row of audit_entry): a JSON array, as
 * PostgreSQL's jsonb prints it, of the chain position, id, time (UTC, microseconds) and every field.
 * The hash of an entry is sha256(prev_hash || canonical), hex. The trigger and the verifier each
 * hold their own copy of this expression (the verifier does not trust a function in the database).
 */
export const auditCanonicalSql = (e: string) => `jsonb_build_array(${e}.seq, ${e}.id,
  to_char(${e}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), ${e}.actor_id, ${e}.actor_username, ${e}.actor_role,
  ${e}.action, ${e}.entity_type, ${e}.entity_id, ${e}.before, ${e}.after, ${e}.reason, ${e}.request_id)::text`;

/**
 * Hash-chains audit_entry (each service's migration calls it): `seq` (the position in the chain),
 * `prev_hash` and `hash` columns, filled by a BEFORE INSERT trigger owned by the owner that takes a
 * per-database advisory lock (held to the end of the inserting transaction) and reads the last link
 * under it; a unique `seq` makes a fork impossible even then. Entries already there are chained in id order.
 */
export async function chainAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`ALTER TABLE audit_entry ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text`);
  await queryRunner.query(`
    CREATE FUNCTION audit_entry_link(e audit_entry, prev text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT encode(sha256(convert_to(prev || ${auditCanonicalSql('e')}, 'UTF8')), 'hex')
    $$`);
  await queryRunner.query(`ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change`);
  await queryRunner.query(`
    DO $$
    DECLARE r audit_entry; prev text := '${AUDIT_GENESIS_HASH}'; n bigint := 0;
    BEGIN
      FOR r IN SELECT * FROM audit_entry ORDER BY id LOOP
        n := n + 1;
        r.seq := n;
        UPDATE audit_entry SET seq = n, prev_hash = prev, hash = audit_entry_link(r, prev) WHERE id = r.id RETURNING hash INTO prev;
      END LOOP;
    END $$`);
  await queryRunner.query(`ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change`);
  await queryRunner.query(`ALTER TABLE audit_entry ALTER seq SET NOT NULL, ALTER prev_hash SET NOT NULL, ALTER hash SET NOT NULL`);
  await queryRunner.query(`ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_seq_key UNIQUE (seq)`);
  await queryRunner.query(`
    CREATE FUNCTION audit_entry_chain() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE last record;
    BEGIN
      PERFORM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK});
      SELECT seq, hash INTO last FROM audit_entry ORDER BY seq DESC LIMIT 1;
      NEW.seq := coalesce(last.seq, 0) + 1;
      NEW.prev_hash := coalesce(last.hash, '${AUDIT_GENESIS_HASH}');
      NEW.hash := audit_entry_link(NEW, NEW.prev_hash);
      RETURN NEW;
    END $$`);
  await queryRunner.query(`CREATE TRIGGER audit_entry_chain BEFORE INSERT ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_chain()`);
}

export async function unchainAuditTable(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(`DROP TRIGGER IF EXISTS audit_entry_chain ON audit_entry`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS audit_entry_chain()`);
  await queryRunner.query(`ALTER TABLE audit_entry DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS audit_entry_link(audit_entry, text)`);
}

export interface AuditChainReport {
  /** Entries checked. */
  entries: number;
  /** The first entry whose link does not hold, and why; absent when the chain is whole. */
  broken?: { id: string; seq: string; reason: string };
}

/**
 * Walks audit_entry in chain order and recomputes every link itself (the canonical text comes from
 * its own copy of the expression, the hash from Node's sha256): the first entry whose hash does not
 * match its content, whose prev_hash is not its predecessor's hash, or whose position skips one (an
 * entry deleted before it) is reported. Entries removed from the very end cannot be told apart from
 * entries never written (the chain has no outside anchor).
 */
export async function verifyAuditChain(query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>, batch = 5000): Promise<AuditChainReport> {
  let prevHash = AUDIT_GENESIS_HASH;
  let prevSeq = 0n;
  let entries = 0;
  for (;;) {
    const rows = await query(
      `SELECT a.id::text AS id, a.seq::text AS seq, a.prev_hash, a.hash, ${auditCanonicalSql('a')} AS canonical
       FROM audit_entry a WHERE a.seq > $1 ORDER BY a.seq LIMIT $2`,
      [prevSeq.toString(), batch],
    );
    for (const r of rows) {
      const id = String(r.id);
      const seq = String(r.seq);
      const at = (reason: string): AuditChainReport => ({ entries, broken: { id, seq, reason } });
      if (BigInt(seq) !== prevSeq + 1n) return at(`position ${seq} follows ${prevSeq}: an entry before it is missing`);
      if (r.prev_hash !== prevHash) return at('prev_hash is not the hash of the entry before it');
      const hash = createHash('sha256').update(`${prevHash}${String(r.canonical)}`, 'utf8').digest('hex');
      if (r.hash !== hash) return at('hash does not match the entry\'s content');
      entries++;
      prevHash = hash;
      prevSeq = BigInt(seq);
    }
    if (rows.length < batch) return { entries };
  }
}
