import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { type EventEnvelope, NatsBus, natsForTests, streamName, testEventsPrefix } from '../src/events';
import {
  NatsRevocationSource, type RevocationEvent, type RevocationPage, PollingRevocationSource, revocationOfEvent, revocationSourceFor, RevokedSessions,
  SESSION_ENDED_EVENT, type SessionEndedPayload,
} from '../src/sessions';

const at = (msAgo = 0) => new Date(Date.now() - msAgo).toISOString();
const ev = (id: number, e: Partial<RevocationEvent>): RevocationEvent => ({ id, accountId: '7', sessionId: null, epoch: 0, at: at(), ...e });

describe('RevokedSessions', () => {
  it('an ended session refuses its tokens only; an epoch refuses every older token of the account', () => {
    const r = new RevokedSessions();
    r.apply([ev(1, { sessionId: 's1' }), ev(2, { accountId: '9', epoch: 2 })]);
    expect(r.isEnded({ sub: '7', sid: 's1', sv: 0 })).toBe(true);
    expect(r.isEnded({ sub: '7', sid: 's2', sv: 0 })).toBe(false);
    expect(r.isEnded({ sub: '9', sid: 'x', sv: 1 })).toBe(true);
    expect(r.isEnded({ sub: '9', sid: 'x', sv: 2 })).toBe(false);
    expect(r.isEnded({ sub: '9' })).toBe(true);
    // an older epoch arriving late does not lower it
    r.apply([ev(3, { accountId: '9', epoch: 1 })]);
    expect(r.isEnded({ sub: '9', sid: 'x', sv: 1 })).toBe(true);
  });

  it('forgets what no live token can carry any more (older than a token lifetime and a minute)', () => {
    let now = Date.now();
    const r = new RevokedSessions(() => now);
    r.apply([ev(1, { sessionId: 'old', at: at(20 * 60_000) }), ev(2, { sessionId: 'new' })]);
    expect(r.size).toBe(1);
    now += 17 * 60_000;
    r.apply([]);
    expect(r.size).toBe(0);
  });
});

describe('PollingRevocationSource', () => {
  it('pages through the feed from its cursor; a failed catch-up rejects and keeps the cursor', async () => {
    const pages: (RevocationPage | Error)[] = [
      { events: [ev(1, { sessionId: 'a' })], more: true, cursor: 1 },
      { events: [ev(2, { sessionId: 'b' })], more: false, cursor: 2 },
      new Error('down'),
      new Error('still down'),
      { events: [], more: false, cursor: 2 },
    ];
    const asked: (number | null)[] = [];
    const errors: unknown[] = [];
    const src = new PollingRevocationSource(async (after) => {
      asked.push(after);
      const p = pages.shift()!;
      if (p instanceof Error) throw p;
      return p;
    }, { everyMs: 60_000, onError: (e) => errors.push(e) });
    const r = new RevokedSessions();
    await src.start((events) => r.apply(events));
    expect(asked).toEqual([null, 1]);
    expect(r.isEnded({ sub: '7', sid: 'b', sv: 0 })).toBe(true);
    await expect(src.sync()).rejects.toThrow('down');
    src.stop();
    expect(asked).toEqual([null, 1, 2]);
    expect(errors).toEqual([]); // sync() itself rejects; the timer's ticks report
  });

  it('its ticks report the first failure of each streak only', async () => {
    // fails, fails, fails, works, fails, fails, then works from then on
    const script = [false, false, false, true, false, false];
    let calls = 0;
    const errors: unknown[] = [];
    const src = new PollingRevocationSource(async () => {
      const ok = script[calls++] ?? true;
      if (!ok) throw new Error(`down ${calls}`);
      return { events: [], more: false, cursor: 0 };
    }, { everyMs: 5, onError: (e) => errors.push(e) });
    await src.start(() => undefined);
    while (calls < script.length + 2) await new Promise((r) => setTimeout(r, 5));
    src.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['down 1', 'down 5']);
  });
});

/** An `org.session.ended` event as the org service's outbox writes it. */
const endedEvent = (p: Partial<SessionEndedPayload>, type = SESSION_ENDED_EVENT): EventEnvelope => {
  const payload: SessionEndedPayload = { revocationId: 1, accountId: '7', sessionId: null, epoch: 0, at: at(), reason: 'logout', ...p };
  return { id: randomUUID(), type, aggregateId: payload.accountId, orgPath: null, actor: null, occurredAt: at(), payload: payload as unknown as Record<string, unknown> };
};

describe('org.session.ended events', () => {
  it('stand for the feed entry they mirror; other or malformed events for none', () => {
    expect(revocationOfEvent(endedEvent({ revocationId: 12, accountId: '9', sessionId: 's9', epoch: 3 }))).toMatchObject({ id: 12, accountId: '9', sessionId: 's9', epoch: 3 });
    expect(revocationOfEvent(endedEvent({}, 'org.unit.moved'))).toBeUndefined();
    expect(revocationOfEvent({ ...endedEvent({}), payload: { accountId: 7, epoch: 'x' } })).toBeUndefined();
  });

  it('without NATS a service polls the feed; with it, it follows the events', async () => {
    expect(revocationSourceFor({ orgUrl: 'http://127.0.0.1:1', internalToken: 't', name: 'x' })).toBeInstanceOf(PollingRevocationSource);
    const viaBus = revocationSourceFor({ natsUrl: 'nats://127.0.0.1:1', orgUrl: 'http://127.0.0.1:1', internalToken: 't', name: 'x' });
    expect(viaBus).toBeInstanceOf(NatsRevocationSource);
    await viaBus.stop();
  });

  it('on NATS JetStream: every replica hears every session end (not one of a queue group), after its catch-up from the feed', async () => {
    const natsUrl = await natsForTests();
    if (!natsUrl) {
      process.stderr.write('skipped (no NATS at NATS_URL or 127.0.0.1:4222): the NATS revocation source\n');
      return;
    }
    const prefix = testEventsPrefix();
    const org = new NatsBus({ url: natsUrl, prefix });
    const replicas: { source: NatsRevocationSource; revoked: RevokedSessions; heard: RevocationEvent[]; asked: (number | null)[] }[] = [];
    try {
      org.start();
      await org.ready();
      // ended before the replicas start: within a token's lifetime, so they replay it from the stream
      expect(await org.sink('org').deliver([endedEvent({ sessionId: 'before' })])).toHaveLength(1);
      for (let i = 0; i < 2; i++) {
        const asked: (number | null)[] = [];
        const heard: RevocationEvent[] = [];
        // the feed's catch-up at start knows of one more (ended while the bus was away)
        const source = new NatsRevocationSource({
          bus: { url: natsUrl, prefix },
          catchUp: async (after) => {
            asked.push(after);
            return { events: after === null ? [ev(5, { sessionId: 'from-feed' })] : [], more: false, cursor: 5 };
          },
          onEvent: (e) => heard.push(e),
        });
        const revoked = new RevokedSessions();
        replicas.push({ source, revoked, heard, asked });
        await source.start((events) => revoked.apply(events));
        expect(revoked.isEnded({ sub: '7', sid: 'from-feed', sv: 0 })).toBe(true);
      }
      await org.sink('org').deliver([endedEvent({ sessionId: 'after' }), endedEvent({ accountId: '9', epoch: 4 })]);
      for (const r of replicas) {
        const end = Date.now() + 30_000;
        while (r.heard.length < 3 && Date.now() < end) await new Promise((res) => setTimeout(res, 20));
        expect(r.heard.map((e) => e.sessionId ?? `epoch ${e.epoch}`)).toEqual(['before', 'after', 'epoch 4']);
        expect(r.revoked.isEnded({ sub: '7', sid: 'after', sv: 0 })).toBe(true);
        expect(r.revoked.isEnded({ sub: '9', sid: 'x', sv: 3 })).toBe(true);
        // nothing polled after the catch-up at start
        expect(r.asked).toEqual([null]);
      }
    } finally {
      for (const r of replicas) await r.source.stop();
      await org.stop();
      const nc = await connect({ servers: natsUrl });
      await (await nc.jetstreamManager()).streams.delete(streamName(prefix, 'org')).catch(() => false);
      await nc.close();
    }
  }, 120_000);
});
