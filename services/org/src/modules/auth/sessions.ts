import type { DataSource, EntityManager } from 'typeorm';
import { emit, keysetPage, type RevocationPage, SESSION_ENDED_EVENT, type SessionEndedPayload } from '@redheart/shared';
import { AuthRepository } from './repository';

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
  const repo = new AuthRepository(m);
  const epoch = await repo.raiseSessionEpoch(accountId);
  await repo.revokeAccountTokens(accountId, keepFamily ?? null);
  return { accountId, sessionId: null, epoch: epoch ?? 0, reason };
}

/** Ends one session (a refresh-token family). Publish the answer with publishEnded. */
export async function endSession(m: EntityManager, accountId: number, familyId: string, reason: EndReason): Promise<Ended> {
  const repo = new AuthRepository(m);
  await repo.revokeFamily(familyId);
  return { accountId, sessionId: familyId, epoch: (await repo.sessionEpoch(accountId)) ?? 0, reason };
}

/**
 * Appends to the feed and emits `org.session.ended` for each (the outbox), in the caller's
 * transaction (so an ended session is published exactly when it ends: with NATS the services hear
 * of it from the event, without it they poll the feed). Takes the feed lock until commit: make it
 * the transaction's last statement.
 */
export async function publishEnded(m: EntityManager, ...ended: Ended[]): Promise<void> {
  if (!ended.length) return;
  const repo = new AuthRepository(m);
  await repo.advisoryXactLock(FEED_LOCK);
  for (const e of ended) {
    const row = await repo.insertRevocation(e);
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
  const repo = new AuthRepository(db);
  const from = after ?? (await repo.revocationStart(START_WINDOW));
  const rows = await repo.revocationsAfter(from, limit + 1);
  const { page, next } = keysetPage(rows, limit);
  return {
    events: page.map((r) => ({ id: Number(r.id), accountId: String(r.accountId), sessionId: r.sessionId, epoch: r.epoch, at: new Date(r.at).toISOString() })),
    more: next !== null,
    cursor: page.length ? Number(page[page.length - 1].id) : from,
  };
}
