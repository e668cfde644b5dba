import type { EntityManager } from 'typeorm';
import { preparedIn } from './db';
import { type AuditInput, auditInsertSql, auditRecordedSql, auditStreamOf } from './audit';
import { type NewEvent, OUTBOX_CHANNEL, OUTBOX_COLUMNS, outboxValues } from './events/outbox';

/** Adds a parameter to the statement and answers its placeholder (`$n`). */
export type Param = (value: unknown) => string;

export interface ChangeWrite {
  /**
   * The record as the change leaves it (the CTE `u`): its `UPDATE … RETURNING *`, or a SELECT of it when the change is
   * in rows of their own, written by an earlier statement of the transaction (a sign-up). No row: nothing else is written
   * and the answer is undefined.
   */
  update: (p: Param) => string;
  /** The timeline event, one row: its table, columns and the values as SQL over `u` (the CTE `ev`, RETURNING *); cast parameters of columns that are not text. */
  event: { table: string; columns: string[]; values: (p: Param) => string[] };
  /** The event on the bus (an outbox row, as `emit` writes it, with its pg_notify). */
  outbox?: NewEvent;
  /** The audit entry (hash-chained at COMMIT by its deferred trigger, which locks and reads the chain's end itself: audit-chain-commit.ts). */
  audit: AuditInput;
  /** The answer: one SELECT over `u` (the record as updated) and `ev` (the event as written). */
  answer: (p: Param) => string;
}

/**
 * A state change in one statement (one round trip): the record's UPDATE, its timeline event, its outbox row and its audit
 * entry as data-modifying CTEs, each written only when the UPDATE matched (they read `u`), and the answer from the
 * UPDATE's RETURNING instead of a read back. The answer's subqueries see the statement's snapshot (the table as before
 * the statement): read the new event from `ev`, not from its table. Statement triggers (rollups) fire once at its end.
 */
export async function writeChange<R>(m: EntityManager, w: ChangeWrite): Promise<R | undefined> {
  const params: unknown[] = [];
  const p: Param = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const ctes = [
    `u AS (${w.update(p)})`,
    `ev AS (INSERT INTO ${w.event.table} (${w.event.columns.join(', ')}) SELECT ${w.event.values(p).join(', ')} FROM u RETURNING *)`,
    `au AS (${auditInsertSql(w.audit, p, 'u')} RETURNING *)`,
  ];
  const outboxes: string[] = [];
  if (w.outbox) {
    const values = outboxValues(w.outbox).map(p);
    values[0] = `${values[0]}::uuid`;
    values[5] = `${values[5]}::jsonb`;
    ctes.push(`ob AS (INSERT INTO outbox_event (${OUTBOX_COLUMNS}) SELECT ${values.join(', ')} FROM u RETURNING 1)`);
    outboxes.push('ob');
  }
  // the audit stream on events (streamAuditAsEvents): the entry's own event, as writeAudit writes it
  const stream = auditStreamOf(m.connection);
  if (stream?.alsoInTransaction) throw new Error(`the audit stream of ${stream.service} copies entries in their transaction: write them with writeAudit`);
  if (stream) {
    ctes.push(`aob AS (INSERT INTO outbox_event (${OUTBOX_COLUMNS}) SELECT ${auditRecordedSql(stream, w.audit, p).join(', ')} FROM au a RETURNING 1)`);
    outboxes.push('aob');
  }
  if (outboxes.length) ctes.push(`nt AS (SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (${outboxes.map((o) => `SELECT 1 FROM ${o}`).join(' UNION ALL ')} LIMIT 1) x)`);
  const answer = w.answer(p);
  const rows = await preparedIn<R>(m,
    `WITH ${ctes.join(',\n')}
     SELECT a.* FROM (${answer}) a${outboxes.length ? ` WHERE (SELECT count(*) FROM nt) >= 0` : ''}`,
    params,
  );
  return rows[0];
}
