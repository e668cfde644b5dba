import type { DataSource, EntityManager } from 'typeorm';
import { emit, type RevocationPage, SESSION_ENDED_EVENT, type SessionEndedPayload } from '@redheart/shared';

/** Why sessions ended (kept in the feed for the record). */
export type EndReason = 'forced_logout' | 'logout' | 'logout_everywhere' | 'password_change' | 'password_reset' | 'disabled' | 'role_change' | 'refresh_reuse';

export interface Ended {
  accountId: number;
  /** One session (refresh family), or null: all the account's sessions up to `epoch`. */
  sessionId: string | null;
  epoch: number;
  reason: EndReason;
}

/** Serialises appends to the feed so that its ids become visible in order (a poller never skips one). */
const FEED_LOCK = 7712101;

/**
 * Ends every session of the account: its refresh tokens are revoked (but those of `keepFamily`, a
 * session that goes on with a new token) and its epoch rises, so every access token issued before
 * (`sv` < epoch) is refused. Publish the answer with publishEnded as the transaction's last statement.
 */
export async function endAllSessions(m: EntityManager, accountId: number, reason: EndReason, keepFamily?: string): Promise<Ended> {
  const rows: { session_epoch: number }[] = await m.query(
    // (as a CTE: TypeORM answers an UPDATE … RETURNING with [rows, count])
    `WITH u AS (UPDATE account SET session_epoch = session_epoch + 1 WHERE id = $1 RETURNING session_epoch) SELECT session_epoch FROM u`,
    [accountId],
  );
  await m.query(
    `UPDATE refresh_token SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
    [accountId, keepFamily ?? null],
  );
  return { accountId, sessionId: null, epoch: rows[0]?.session_epoch ?? 0, reason };
}

/** Ends one session (a refresh-token family). Publish the answer with publishEnded. */
export async function endSession(m: EntityManager, accountId: number, familyId: string, reason: EndReason): Promise<Ended> {
  await m.query(`UPDATE refresh_token SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, [familyId]);
  const rows: { session_epoch: number }[] = await m.query(`SELECT session_epoch FROM account WHERE id = $1`, [accountId]);
  return { accountId, sessionId: familyId, epoch: rows[0]?.session_epoch ?? 0, reason };
}

/**
 * Appends to the feed and emits `org.session.ended` for each (the outbox), in the caller's
 * transaction (so an ended session is published exactly when it ends: with NATS the services hear
 * of it from the event, without it they poll the feed). Takes the feed lock until commit: make it
 * the transaction's last statement.
 */
export async function publishEnded(m: EntityManager, ...ended: Ended[]): Promise<void> {
  if (!ended.length) return;
  await m.query(`SELECT pg_advisory_xact_lock($1)`, [FEED_LOCK]);
  for (const e of ended) {
    const [row]: { id: string; at: Date }[] = await m.query(
      `INSERT INTO session_revocation (account_id, session_id, epoch, reason) VALUES ($1, $2, $3, $4) RETURNING id, at`,
      [e.accountId, e.sessionId, e.epoch, e.reason],
    );
    const payload: SessionEndedPayload = {
      revocationId: Number(row.id), accountId: String(e.accountId), sessionId: e.sessionId, epoch: e.epoch, at: new Date(row.at).toISOString(), reason: e.reason,
    };
    await emit(m, { type: SESSION_ENDED_EVENT, aggregateId: e.accountId, payload });
  }
}

/** How far back a reader that starts without a cursor begins: an access token's lifetime and a minute. */
const START_WINDOW = `16 minutes`;

/** One page of the feed after `after` (null: from the events of the last quarter of an hour). */
export async function readRevocations(db: DataSource | EntityManager, after: number | null, limit = 500): Promise<RevocationPage> {
  let from = after;
  if (from === null) {
    const r: { start: string }[] = await db.query(
      `SELECT coalesce((SELECT min(id) - 1 FROM session_revocation WHERE at > now() - interval '${START_WINDOW}'),
                       (SELECT max(id) FROM session_revocation), 0) AS start`,
    );
    from = Number(r[0].start);
  }
  const rows: { id: string; accountId: string; sessionId: string | null; epoch: number; at: Date }[] = await db.query(
    `SELECT id, account_id AS "accountId", session_id AS "sessionId", epoch, at FROM session_revocation WHERE id > $1 ORDER BY id LIMIT $2`,
    [from, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({ id: Number(r.id), accountId: String(r.accountId), sessionId: r.sessionId, epoch: r.epoch, at: new Date(r.at).toISOString() })),
    more: rows.length > limit,
    cursor: page.length ? Number(page[page.length - 1].id) : from,
  };
}
