import { type RevocationEvent, type RevocationPage, PollingRevocationSource, RevokedSessions } from '../src/sessions';

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
