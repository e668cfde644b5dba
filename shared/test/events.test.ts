import Fastify, { type FastifyInstance } from 'fastify';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import type { DataSource, EntityManager } from 'typeorm';
import {
  createEventTables,
  dataSourcePlugin,
  emit,
  EventInbox,
  type EventConsumerSpec,
  type EventEnvelope,
  eventsPlugin,
  freePort,
  httpSink,
  inBatches,
  type HttpEventTarget,
  NatsBus,
  natsForTests,
  natsServerAvailable,
  OutboxRelay,
  outboxStats,
  PermanentEventError,
  privateNatsServer,
  publishInOrder,
  streamName,
  testEventsPrefix,
  typeMatches,
} from '../src';
import { emptyTestDatabase } from './db';

// The outbox → relay → JetStream → inbox path on real PostgreSQL and a real nats-server.

const until = async (what: string, ok: () => Promise<boolean>, timeoutMs = 60_000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const count = async (ds: DataSource, sql: string, params: unknown[] = []) => Number((await ds.query(sql, params))[0].n);

/** A consumer whose effect is one `effect` row per event (keyed by its own serial, so a second application would show). */
function effectSpec(name: string, from: string, extra: Partial<EventConsumerSpec['handlers']> = {}): EventConsumerSpec {
  return {
    name,
    from,
    types: `${from}.thing.>`,
    handlers: {
      [`${from}.thing.changed`]: async (m: EntityManager, e: EventEnvelope) => {
        await m.query(`INSERT INTO effect (consumer, event_id, aggregate_id, n) VALUES ($1, $2, $3, $4)`, [name, e.id, e.aggregateId, e.payload.n ?? null]);
      },
      ...(extra as EventConsumerSpec['handlers']),
    },
  };
}

describe('events', () => {
  let ds: DataSource;
  let natsUrl: string | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    ds = await emptyTestDatabase('events');
    const q = ds.createQueryRunner();
    await createEventTables(q);
    await q.release();
    await ds.query(`CREATE TABLE thing (id serial PRIMARY KEY, name text NOT NULL)`);
    await ds.query(`CREATE TABLE effect (id bigserial PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL, aggregate_id text, n int)`);
    natsUrl = await natsForTests();
  }, 120_000);
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await ds.query(`TRUNCATE outbox_event, inbox_event, dead_letter, effect`);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('an event exists exactly when its change commits', async () => {
    await expect(
      ds.transaction(async (m) => {
        const [t] = await m.query(`INSERT INTO thing (name) VALUES ('a') RETURNING id`);
        await emit(m, { type: 'test.thing.changed', aggregateId: t.id, orgPath: '/1/3/7/', actor: 'clerk', payload: { n: 1 } });
        throw new Error('forced rollback');
      }),
    ).rejects.toThrow('forced rollback');
    expect(await count(ds, `SELECT count(*) AS n FROM outbox_event`)).toBe(0);
    expect(await count(ds, `SELECT count(*) AS n FROM thing`)).toBe(0);

    const id = await ds.transaction(async (m) => {
      const [t] = await m.query(`INSERT INTO thing (name) VALUES ('b') RETURNING id`);
      return emit(m, { type: 'test.thing.changed', aggregateId: t.id, orgPath: '/1/3/7/', actor: 'clerk', payload: { n: 2 } });
    });
    const rows = await ds.query(`SELECT id, type, org_path, actor, payload, published_at FROM outbox_event`);
    expect(rows).toEqual([{ id, type: 'test.thing.changed', org_path: '/1/3/7/', actor: 'clerk', payload: { n: 2 }, published_at: null }]);
    expect((await outboxStats(ds)).pending).toBe(1);
  });

  it('refuses a clear ID number in a payload and an unusual type', async () => {
    await expect(ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: 1, payload: { residentId: '370686199001011234' } }))).rejects.toThrow(/residentId/);
    await expect(ds.transaction((m) => emit(m, { type: 'Thing changed', aggregateId: 1 }))).rejects.toThrow(/Unusual event type/);
    expect(await count(ds, `SELECT count(*) AS n FROM outbox_event`)).toBe(0);
  });

  it('the inbox applies an event once, parks the malformed and the unknown with the reason', async () => {
    const inbox = new EventInbox(ds, effectSpec('inbox-test', 'test'));
    const e: EventEnvelope = { id: '2b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.changed', aggregateId: '9', orgPath: null, actor: null, occurredAt: new Date().toISOString(), payload: { n: 5 } };
    expect(await inbox.handle(JSON.stringify(e))).toBe('done');
    expect(await inbox.handle(JSON.stringify(e))).toBe('duplicate');
    expect(await inbox.handle('{not json')).toBe('parked');
    expect(await inbox.handle({ id: 'x' })).toBe('parked');
    expect(await inbox.handle({ ...e, id: '3b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.exploded' })).toBe('parked');
    expect(await count(ds, `SELECT count(*) AS n FROM effect`)).toBe(1);
    const parked = await ds.query(`SELECT reason FROM dead_letter ORDER BY id`);
    expect(parked.map((p: { reason: string }) => p.reason)).toEqual(['malformed: not JSON', 'malformed: not an event envelope', 'unknown event type test.thing.exploded']);
  });

  it('a type of its pattern the consumer skips is let through with no transaction, no inbox row and no effect', async () => {
    const inbox = new EventInbox(ds, { ...effectSpec('skipping', 'test'), skips: () => true });
    const e: EventEnvelope = { id: '4b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.changed', aggregateId: '9', orgPath: null, actor: null, occurredAt: new Date().toISOString(), payload: { n: 6 } };
    const transactions = jest.spyOn(ds, 'transaction');
    try {
      expect(await inbox.handle(JSON.stringify(e))).toBe('skipped');
      expect(await inbox.handle(JSON.stringify(e))).toBe('skipped');
      expect(transactions).not.toHaveBeenCalled();
    } finally {
      transactions.mockRestore();
    }
    expect(await count(ds, `SELECT count(*) AS n FROM inbox_event WHERE consumer = 'skipping'`)).toBe(0);
    expect(await count(ds, `SELECT count(*) AS n FROM effect`)).toBe(0);
    // only types of its pattern (test.thing.>) are skipped: another type and the malformed are parked as before
    expect(await inbox.handle({ ...e, id: '5b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.widget.moved' })).toBe('parked');
    expect(await inbox.handle('{not json')).toBe('parked');
    expect(await count(ds, `SELECT count(*) AS n FROM dead_letter`)).toBe(2);
  });

  it('a failing handler is retried, then parked after the attempt limit; a permanent failure at once', async () => {
    let calls = 0;
    const inbox = new EventInbox(ds, {
      name: 'failing',
      from: 'test',
      types: 'test.>',
      handlers: {
        'test.thing.changed': async () => {
          calls++;
          throw new Error('boom');
        },
        'test.thing.refused': async () => {
          throw new PermanentEventError('no such unit');
        },
      },
    });
    const e: EventEnvelope = { id: '4b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.changed', aggregateId: '1', orgPath: null, actor: null, occurredAt: new Date().toISOString(), payload: {} };
    const outcomes = [];
    for (let d = 1; d <= 5; d++) outcomes.push(await inbox.handle(e, { deliveries: d }));
    expect(outcomes).toEqual(['retry', 'retry', 'retry', 'retry', 'parked']);
    expect(calls).toBe(5);
    expect(await inbox.handle({ ...e, id: '5b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.refused' })).toBe('parked');
    expect(await ds.query(`SELECT reason, deliveries FROM dead_letter ORDER BY id`)).toEqual([
      { reason: 'handler failed: boom', deliveries: 5 },
      { reason: 'handler failed: no such unit', deliveries: 1 },
    ]);
    // nothing of a failed attempt stays: no inbox row, so a later good delivery would still apply
    expect(await count(ds, `SELECT count(*) AS n FROM inbox_event`)).toBe(0);
  });

  it('a batch: one transaction for what applies, in order; the unreadable parked, a repeat a duplicate; a failing event alone retried while the others apply', async () => {
    let failOn: string | undefined;
    const seen: string[] = [];
    const spec = effectSpec('batch', 'test', {
      'test.thing.checked': async (m: EntityManager, e: EventEnvelope) => {
        seen.push(e.id);
        // each handler sees the effects of those before it in the batch
        const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM effect WHERE consumer = 'batch'`);
        if (e.id === failOn) throw new Error('not now');
        await m.query(`INSERT INTO effect (consumer, event_id, aggregate_id, n) VALUES ('batch', $1, 'checked', $2)`, [e.id, n]);
      },
    });
    const inbox = new EventInbox(ds, { ...spec, types: 'test.thing.>' });
    const ev = (k: number, type = 'test.thing.changed'): EventEnvelope => ({
      id: `6b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e${String(k).padStart(2, '0')}`, type, aggregateId: String(k), orgPath: null, actor: null, occurredAt: new Date().toISOString(), payload: { n: k },
    });
    const transactions = jest.spyOn(ds, 'transaction');
    try {
      const first = await inbox.handleBatch([
        { body: JSON.stringify(ev(1)) }, { body: '{not json' }, { body: JSON.stringify(ev(2)) }, { body: JSON.stringify(ev(1)) },
        { body: JSON.stringify(ev(3, 'test.thing.checked')) }, { body: JSON.stringify(ev(4, 'test.thing.exploded')) },
      ]);
      expect(first).toEqual(['done', 'parked', 'done', 'duplicate', 'done', 'parked']);
      expect(transactions).toHaveBeenCalledTimes(1);
      expect(await ds.query(`SELECT event_id AS id, n FROM effect ORDER BY id`)).toEqual([
        { id: ev(1).id, n: 1 }, { id: ev(2).id, n: 2 }, { id: ev(3).id, n: 2 },
      ]);
      // delivered again with a new one: only the new one applies
      expect(await inbox.handleBatch([{ body: JSON.stringify(ev(2)) }, { body: JSON.stringify(ev(5)) }])).toEqual(['duplicate', 'done']);
      // one handler fails: the batch's transaction rolls back, then each goes alone — the others apply, the failing one is to be retried
      transactions.mockClear();
      failOn = ev(7, 'test.thing.checked').id;
      const third = await inbox.handleBatch([{ body: JSON.stringify(ev(6)) }, { body: JSON.stringify(ev(7, 'test.thing.checked')), meta: { deliveries: 1 } }, { body: JSON.stringify(ev(8)) }]);
      expect(third).toEqual(['done', 'retry', 'done']);
      expect(transactions).toHaveBeenCalledTimes(4);
    } finally {
      transactions.mockRestore();
    }
    expect(await count(ds, `SELECT count(*) AS n FROM effect`)).toBe(6);
    expect(await count(ds, `SELECT count(*) AS n FROM inbox_event WHERE consumer = 'batch'`)).toBe(6);
    expect(await count(ds, `SELECT count(*) AS n FROM inbox_event WHERE id = $1`, [failOn])).toBe(0);
    expect(await count(ds, `SELECT count(*) AS n FROM dead_letter`)).toBe(2);
    expect(seen.filter((id) => id === failOn)).toHaveLength(2);
  });

  it('inBatches: one at a time when items come slowly, what queued up while a batch ran as the next batch, at most max', async () => {
    async function* source() {
      yield 1;
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 2; i <= 9; i++) yield i;
    }
    const batches: number[][] = [];
    await inBatches(source(), 3, async (b) => {
      batches.push(b);
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(batches[0]).toEqual([1]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(3);
    expect(batches.length).toBeLessThan(9);
    // a failing batch stops the source and throws
    let pulled = 0;
    async function* endless() {
      for (;;) {
        pulled++;
        yield pulled;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await expect(inBatches(endless(), 5, async () => {
      throw new Error('db down');
    })).rejects.toThrow('db down');
    const after = pulled;
    await new Promise((r) => setTimeout(r, 30));
    expect(pulled).toBeLessThanOrEqual(after + 1);
  });

  it('publishInOrder keeps each aggregate in order and stops an aggregate at its first failure', async () => {
    const ev = (agg: string, n: number): EventEnvelope => ({ id: `${agg}-${n}`, type: 'test.thing.changed', aggregateId: agg, orgPath: null, actor: null, occurredAt: '', payload: { n } });
    const events = [ev('a', 1), ev('b', 1), ev('a', 2), ev('b', 2), ev('a', 3), ev('b', 3)];
    const seen: string[] = [];
    const done = await publishInOrder(events, async (e) => {
      await new Promise((r) => setTimeout(r, e.aggregateId === 'a' ? 5 : 1));
      if (e.id === 'b-2') throw new Error('down');
      seen.push(e.id);
    });
    expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a-1', 'a-2', 'a-3']);
    expect(done.sort()).toEqual(['a-1', 'a-2', 'a-3', 'b-1']);
    expect(typeMatches('org.unit.>', 'org.unit.moved')).toBe(true);
    expect(typeMatches('org.unit.>', 'org.unit')).toBe(false);
    expect(typeMatches('org.*.moved', 'org.unit.moved')).toBe(true);
    expect(typeMatches('org.unit.moved', 'org.unit.renamed')).toBe(false);
  });

  it('one relay per database is active (advisory lock); the other takes over when it stops', async () => {
    const sink = { name: 'memory', deliver: async (es: EventEnvelope[]) => es.map((e) => e.id) };
    const a = new OutboxRelay({ db: ds, service: 'test', sink, pollMs: 200 });
    const b = new OutboxRelay({ db: ds, service: 'test', sink, pollMs: 200 });
    cleanups.push(() => a.stop(), () => b.stop());
    await a.start();
    await b.start();
    expect([a.active, b.active]).toEqual([true, false]);
    await a.stop();
    await until('the second relay to take over', async () => b.active, 10_000);
    await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: 1 }));
    await until('the event to be published', async () => (await outboxStats(ds)).pending === 0, 10_000);
    expect(b.totals.published).toBe(1);
  });

  it('HTTP fallback: the relay posts to the consumer route; a second delivery does nothing', async () => {
    // The producer's sink exists before its consumer listens (as the e2e platform's org does): the
    // target is added to its list afterwards and must still be delivered to.
    const targets: HttpEventTarget[] = [];
    const sink = httpSink(targets, 'secret-123');
    const consumer: FastifyInstance = Fastify();
    await consumer.register(dataSourcePlugin, { dataSource: ds, owned: false });
    // relay: false — the consumer's own relay would read this same outbox table (one database in this
    // test) and, having no HTTP target, count the events as delivered before the test's relay saw them.
    await consumer.register(eventsPlugin, { service: 'consumer', internalToken: 'secret-123', consumers: [effectSpec('http-consumer', 'test')], relay: false });
    const port = await freePort(0);
    await consumer.listen({ port, host: '127.0.0.1' });
    cleanups.push(() => consumer.close());
    targets.push({ name: 'consumer', url: `http://127.0.0.1:${port}`, types: ['test.thing.>'] });
    const relay = new OutboxRelay({ db: ds, service: 'test', sink, pollMs: 200 });
    for (let i = 0; i < 5; i++) await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: i % 2, payload: { n: i } }));
    await relay.start();
    cleanups.push(() => relay.stop());
    await until('5 effects', async () => (await count(ds, `SELECT count(*) AS n FROM effect`)) === 5);
    expect(await count(ds, `SELECT count(*) AS n FROM outbox_event WHERE published_at IS NULL`)).toBe(0);
    // the same events again (a relay that died before marking them): no second effect
    const again = await ds.query(`SELECT id, type, aggregate_id AS "aggregateId", org_path AS "orgPath", actor, occurred_at AS "occurredAt", payload FROM outbox_event`);
    const res = await fetch(`http://127.0.0.1:${port}/api/consumer/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': 'secret-123' },
      body: JSON.stringify({ events: again }),
    });
    expect(res.status).toBe(200);
    expect(await count(ds, `SELECT count(*) AS n FROM effect`)).toBe(5);
    // without the secret the route does not exist
    const anon = await fetch(`http://127.0.0.1:${port}/api/consumer/internal/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' });
    expect(anon.status).toBe(404);
  });

  describe('on NATS JetStream', () => {
    let nc: NatsConnection;
    beforeAll(async () => {
      if (natsUrl) nc = await connect({ servers: natsUrl });
    });
    /** The test's stream goes when the test ends (the machine's NATS is shared). */
    const dropStream = async (prefix: string) => (await nc.jetstreamManager()).streams.delete(streamName(prefix, 'test')).catch(() => false);
    afterAll(async () => {
      await nc?.close();
    });
    const natsIt = (name: string, fn: () => Promise<void>, timeout?: number) => it(name, async () => {
      if (!natsUrl) {
        process.stderr.write(`skipped (no NATS at NATS_URL or 127.0.0.1:4222): ${name}` + '\n');
        return;
      }
      await fn();
    }, timeout);

    natsIt('the relay publishes to JetStream, a durable consumer applies each event once; duplicates and malformed messages do no harm', async () => {
      const prefix = testEventsPrefix();
      cleanups.push(() => dropStream(prefix));
      const bus = new NatsBus({ url: natsUrl!, prefix });
      cleanups.push(() => bus.stop());
      bus.start();
      await bus.ready();
      const relay = new OutboxRelay({ db: ds, service: 'test', sink: bus.sink('test'), pollMs: 500 });
      cleanups.push(() => relay.stop());
      await relay.start();
      bus.consume(ds, effectSpec('nats-consumer', 'test'));
      for (let i = 0; i < 20; i++) await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: i % 3, payload: { n: i } }));
      await until('20 effects', async () => (await count(ds, `SELECT count(*) AS n FROM effect`)) === 20);
      // per aggregate, effects in the order of the changes
      const byAgg = await ds.query(`SELECT aggregate_id, array_agg(n ORDER BY id) AS ns FROM effect GROUP BY aggregate_id ORDER BY aggregate_id`);
      for (const r of byAgg as { ns: number[] }[]) expect(r.ns).toEqual([...r.ns].sort((x, y) => x - y));
      expect((await outboxStats(ds)).pending).toBe(0);

      // a duplicate delivery (published again without the dedupe id), garbage, an unknown type
      const [first] = await ds.query(`SELECT id, type, aggregate_id AS "aggregateId", org_path AS "orgPath", actor, occurred_at AS "occurredAt", payload FROM outbox_event ORDER BY seq LIMIT 1`);
      const js = nc.jetstream();
      await js.publish(`${prefix}.test.thing.changed`, new TextEncoder().encode(JSON.stringify(first)));
      await js.publish(`${prefix}.test.thing.changed`, new TextEncoder().encode('{"broken'));
      const h = natsHeaders();
      await js.publish(`${prefix}.test.thing.unheard`, new TextEncoder().encode(JSON.stringify({ ...first, id: '6b1c0a52-6f0e-4f7e-9f51-2a8c3d1b0e11', type: 'test.thing.unheard' })), { headers: h });
      await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: 'last', payload: { n: 99 } }));
      await until('the last effect', async () => (await count(ds, `SELECT count(*) AS n FROM effect WHERE n = 99`)) === 1);
      await until('two dead letters', async () => (await count(ds, `SELECT count(*) AS n FROM dead_letter`)) === 2);
      expect(await count(ds, `SELECT count(*) AS n FROM effect`)).toBe(21);
      expect((await ds.query(`SELECT reason FROM dead_letter ORDER BY reason`)).map((r: { reason: string }) => r.reason)).toEqual(['malformed: not JSON', 'unknown event type test.thing.unheard']);
    }, 120_000);

    natsIt('two replicas of a consumer share the work; each event applied once', async () => {
      const prefix = testEventsPrefix();
      cleanups.push(() => dropStream(prefix));
      const producer = new NatsBus({ url: natsUrl!, prefix });
      const r1 = new NatsBus({ url: natsUrl!, prefix });
      const r2 = new NatsBus({ url: natsUrl!, prefix });
      cleanups.push(() => producer.stop(), () => r1.stop(), () => r2.stop());
      const seen = { r1: 0, r2: 0 };
      const spec = (who: 'r1' | 'r2'): EventConsumerSpec => {
        const s = effectSpec('shared-consumer', 'test');
        const inner = s.handlers['test.thing.changed'];
        return { ...s, handlers: { 'test.thing.changed': async (m, e) => { seen[who]++; await inner(m, e); } } };
      };
      r1.consume(ds, spec('r1'));
      r2.consume(ds, spec('r2'));
      const relay = new OutboxRelay({ db: ds, service: 'test', sink: producer.sink('test'), pollMs: 500 });
      cleanups.push(() => relay.stop());
      producer.start();
      await relay.start();
      for (let i = 0; i < 200; i++) await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: i, payload: { n: i } }));
      await until('200 effects', async () => (await count(ds, `SELECT count(*) AS n FROM effect`)) === 200);
      expect(await count(ds, `SELECT count(DISTINCT event_id) AS n FROM effect`)).toBe(200);
      expect(seen.r1 + seen.r2).toBe(200);
      expect(seen.r1).toBeGreaterThan(0);
      expect(seen.r2).toBeGreaterThan(0);
    }, 120_000);
  });

  it('NATS down → 100 changes wait in the outbox → NATS started → exactly 100 effects', async () => {
    if (!natsServerAvailable()) {
      if (process.env.REQUIRE_NATS === '1') throw new Error('REQUIRE_NATS=1 but nats-server is not on PATH');
      process.stderr.write('skipped: no nats-server on PATH' + '\n');
      return;
    }
    const server = privateNatsServer(await freePort(0));
    cleanups.push(() => server.destroy());
    const prefix = testEventsPrefix();
    const bus = new NatsBus({ url: server.url, prefix });
    cleanups.push(() => bus.stop());
    bus.start();
    bus.consume(ds, effectSpec('outage-consumer', 'test'));
    const relay = new OutboxRelay({ db: ds, service: 'test', sink: bus.sink('test'), pollMs: 300 });
    cleanups.push(() => relay.stop());
    await relay.start();
    for (let i = 0; i < 100; i++) await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: i % 7, payload: { n: i } }));
    await relay.flush();
    expect((await outboxStats(ds)).pending).toBe(100);
    await server.start();
    await until('100 effects', async () => (await count(ds, `SELECT count(*) AS n FROM effect`)) === 100, 90_000);
    // NATS stops mid-stream and comes back: nothing lost, nothing twice
    await server.stop();
    for (let i = 100; i < 150; i++) await ds.transaction((m) => emit(m, { type: 'test.thing.changed', aggregateId: i % 7, payload: { n: i } }));
    await server.start();
    await until('150 effects', async () => (await count(ds, `SELECT count(*) AS n FROM effect`)) === 150, 90_000);
    await relay.flush();
    expect((await outboxStats(ds)).pending).toBe(0);
    expect(await count(ds, `SELECT count(DISTINCT n) AS n FROM effect`)).toBe(150);
    expect(await count(ds, `SELECT count(*) AS n FROM inbox_event WHERE consumer = 'outage-consumer'`)).toBe(150);
  }, 180_000);
});
