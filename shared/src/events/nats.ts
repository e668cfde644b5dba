import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers,
  JSONCodec,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type StreamConfig,
} from 'nats';
import type { DataSource } from 'typeorm';
import { EventInbox, type EventConsumerSpec } from './consumer';
import { type EventEnvelope, isEnvelope } from './outbox';
import type { RelaySink } from './relay';

/** `redheart` unless EVENTS_PREFIX names another (tests: one per run, so parallel runs never share a stream). */
export const DEFAULT_EVENTS_PREFIX = 'redheart';

export const streamName = (prefix: string, service: string): string => `${prefix}_${service}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
export const subjectOf = (prefix: string, type: string): string => `${prefix}.${type}`;

/** Events are kept a week in the stream (a consumer that was away that long resyncs instead). */
const STREAM_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** The server drops a second publish of an event id within this window (the relay's retries). */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

export function streamConfig(prefix: string, service: string): Partial<StreamConfig> {
  return {
    name: streamName(prefix, service),
    subjects: [`${prefix}.${service}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(STREAM_MAX_AGE_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  };
}

export interface NatsBusOptions {
  url: string;
  prefix?: string;
  /** Connection name (shows in the server's monitoring). */
  name?: string;
  log?: (msg: string, err?: unknown) => void;
  /** How long one publish waits for the stream's ack (default 5 s). */
  publishTimeoutMs?: number;
}

/**
 * One NATS connection per process (JetStream), made in the background: a service starts and
 * serves with the bus down, events wait in the outbox, and the relay and consumers begin when it
 * connects; the client reconnects by itself after that.
 */
export class NatsBus {
  readonly prefix: string;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private stopped = false;
  private connecting: Promise<void> | undefined;
  private readonly ensured = new Set<string>();
  private readonly waiters: (() => void)[] = [];
  private readonly codec = JSONCodec<EventEnvelope>();
  private readonly loops: Promise<void>[] = [];
  private readonly iterators = new Set<ConsumerMessages>();

  constructor(private readonly opts: NatsBusOptions) {
    this.prefix = opts.prefix ?? DEFAULT_EVENTS_PREFIX;
  }

  get connected(): boolean {
    return !!this.nc && !this.nc.isClosed();
  }

  /** Starts connecting (retrying every second until it works); resolves at once. */
  start(): void {
    this.connecting ??= this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    let warned = false;
    while (!this.stopped) {
      let nc: NatsConnection | undefined;
      try {
        // noAsyncTraces: without it the client makes an Error (a stack trace) for every request and every
        // publish's ack timer, to point a later failure at its caller: a measurable share of a write's CPU
        // (the relay publishes each event), for a trace that our errors, logged with the event, do not need
        nc = await connect({ servers: this.opts.url, name: this.opts.name, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 500, timeout: 2000, noAsyncTraces: true });
        if (this.stopped) {
          await nc.close();
          return;
        }
        // the JetStream check can time out on a busy server: then this connection is closed before the next try
        const jsm = await nc.jetstreamManager();
        this.nc = nc;
        this.jsm = jsm;
        this.js = nc.jetstream({ timeout: this.opts.publishTimeoutMs ?? 5000 });
        for (const w of this.waiters.splice(0)) w();
        return;
      } catch (err) {
        if (nc && this.nc !== nc) await nc.close().catch(() => undefined);
        if (!warned) this.opts.log?.(`NATS at ${this.opts.url} cannot be reached; retrying every second`, err);
        warned = true;
        await sleep(1000);
      }
    }
  }

  /** Resolves once connected (or never, if stopped first). */
  ready(): Promise<void> {
    this.start();
    if (this.js) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  async ensureStream(service: string): Promise<string> {
    const name = streamName(this.prefix, service);
    if (this.ensured.has(name)) return name;
    const jsm = this.jsm;
    if (!jsm) throw new Error('NATS is not connected');
    const cfg = streamConfig(this.prefix, service);
    try {
      await jsm.streams.info(name);
      await jsm.streams.update(name, cfg);
    } catch (err) {
      if (!/stream not found/i.test(String((err as Error)?.message))) throw err;
      try {
        await jsm.streams.add(cfg);
      } catch (e) {
        // another replica made it meanwhile
        if (!/already in use|exists/i.test(String((e as Error)?.message))) throw e;
      }
    }
    this.ensured.add(name);
    return name;
  }

  /** The relay's sink: publishes to `<prefix>.<type>` with `Nats-Msg-Id` = event id. */
  sink(service: string): RelaySink {
    return {
      name: 'nats',
      deliver: async (events) => {
        if (!this.js) throw new Error('NATS is not connected');
        await this.ensureStream(service);
        return publishInOrder(events, async (e) => {
          const h = headers();
          h.set('Nats-Msg-Id', e.id);
          h.set('Redheart-Event-Type', e.type);
          await this.js!.publish(subjectOf(this.prefix, e.type), this.codec.encode(e), { msgID: e.id, headers: h, expect: { streamName: streamName(this.prefix, service) } });
        });
      },
    };
  }

  /**
   * A durable pull consumer `spec.name` on the producing service's stream: every replica that runs
   * it pulls from the same durable, so the replicas share the work (a JetStream queue group). Runs
   * until stop(); survives the bus going away (it waits for the connection and pulls again).
   */
  consume(db: DataSource, spec: EventConsumerSpec): EventInbox {
    const inbox = new EventInbox(db, spec, this.opts.log);
    this.loops.push(this.consumeLoop(inbox, spec));
    return inbox;
  }

  private async consumeLoop(inbox: EventInbox, spec: EventConsumerSpec): Promise<void> {
    const durable = `${spec.name}`.replace(/[^A-Za-z0-9_-]/g, '_');
    while (!this.stopped) {
      try {
        await this.ready();
        if (this.stopped) return;
        const stream = await this.ensureStream(spec.from);
        try {
          await this.jsm!.consumers.info(stream, durable);
        } catch {
          await this.jsm!.consumers.add(stream, {
            durable_name: durable,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            filter_subject: subjectOf(this.prefix, spec.types),
            ack_wait: nanos(30_000),
            // Bounded by the inbox (MAX_EVENT_ATTEMPTS, then dead_letter); a database outage waits unbounded.
            max_deliver: -1,
            max_ack_pending: 1000,
          });
        }
        const consumer = await this.js!.consumers.get(stream, durable);
        const messages = await consumer.consume({ max_messages: 200 });
        this.iterators.add(messages);
        try {
          // What arrives while a batch is being applied forms the next one: one event at a time when they come slowly,
          // one transaction for many when a backlog builds up (a commit per event was the consumers' main cost).
          await inBatches(messages, CONSUME_BATCH, async (batch) => {
            const outcomes = await inbox.handleBatch(batch.map((m) => ({ body: m.data, meta: { subject: m.subject, deliveries: m.info.deliveryCount } })));
            batch.forEach((m, i) => {
              if (outcomes[i] === 'retry') m.nak(Math.min(30_000, 500 * 2 ** Math.min(m.info.deliveryCount, 6)));
              else m.ack();
            });
          });
        } finally {
          this.iterators.delete(messages);
        }
      } catch (err) {
        if (this.stopped) return;
        this.opts.log?.(`consumer ${spec.name} stopped; starting it again`, err);
        await sleep(1000);
      }
    }
  }

  /**
   * Every event of `types` (`org.session.>`) from `service`'s stream reaches `handle` in this
   * process: an ordered consumer of the process's own (ephemeral, not a durable shared among the
   * replicas as `consume` is), for what each replica must see itself (ended sessions). It starts
   * at `since()` (taken when the bus first answers) and, after the bus went away and came back,
   * goes on after the last message it saw. Unreadable messages are skipped (nothing to park: the
   * producer's own outbox and feed keep the record).
   */
  follow(service: string, types: string, handle: (e: EventEnvelope) => void, since: () => Date): void {
    this.loops.push(this.followLoop(service, types, handle, since));
  }

  private async followLoop(service: string, types: string, handle: (e: EventEnvelope) => void, since: () => Date): Promise<void> {
    let nextSeq: number | undefined;
    while (!this.stopped) {
      try {
        await this.ready();
        if (this.stopped) return;
        const stream = await this.ensureStream(service);
        const consumer = await this.js!.consumers.get(stream, {
          // one subject as a string: filter_subject, which NATS servers before 2.10 understand too (an array is filter_subjects)
          filterSubjects: subjectOf(this.prefix, types),
          ...(nextSeq === undefined
            ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since().toISOString() }
            : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: nextSeq }),
        });
        const messages = await consumer.consume({ max_messages: 200 });
        this.iterators.add(messages);
        try {
          for await (const m of messages) {
            nextSeq = m.seq + 1;
            let e: unknown;
            try {
              e = this.codec.decode(m.data);
            } catch {
              continue;
            }
            if (isEnvelope(e)) handle(e);
          }
        } finally {
          this.iterators.delete(messages);
        }
      } catch (err) {
        if (this.stopped) return;
        this.opts.log?.(`following ${types} stopped; starting it again`, err);
        await sleep(1000);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const w of this.waiters.splice(0)) w();
    for (const it of this.iterators) it.stop();
    await Promise.allSettled(this.loops);
    await this.connecting?.catch(() => undefined);
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc?.close());
  }
}

/**
 * Publishes events in order per aggregate: each aggregate's events one after another (the next
 * only once the stream acked the previous), different aggregates side by side. Answers the ids
 * that were published; an aggregate stops at its first failure (its later events wait for the next
 * round, so they never overtake it).
 */
export async function publishInOrder(events: EventEnvelope[], publish: (e: EventEnvelope) => Promise<void>, parallel = 64): Promise<string[]> {
  const chains = new Map<string, EventEnvelope[]>();
  for (const e of events) {
    const c = chains.get(e.aggregateId);
    if (c) c.push(e);
    else chains.set(e.aggregateId, [e]);
  }
  const queue = [...chains.values()];
  const done: string[] = [];
  let firstError: unknown;
  const worker = async () => {
    for (let chain = queue.shift(); chain; chain = queue.shift()) {
      for (const e of chain) {
        try {
          await publish(e);
          done.push(e.id);
        } catch (err) {
          firstError ??= err;
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker));
  if (!done.length && firstError) throw firstError;
  return done;
}

/** The most events a consumer applies in one transaction. */
export const CONSUME_BATCH = 100;

/**
 * Runs `work` over what `source` has delivered so far, at most `max` at a time and one batch after another: a batch
 * is whatever queued up while the previous one ran (so no delay is added when messages come slowly). When `work`
 * fails, the source is stopped (its undelivered messages are redelivered by the server) and the error thrown.
 */
export async function inBatches<T>(source: AsyncIterable<T>, max: number, work: (batch: T[]) => Promise<void>): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  let ended = false;
  let failed: unknown;
  let wake: (() => void) | undefined;
  const pump = (async () => {
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) {
        queue.push(r.value);
        wake?.();
      }
    } catch (err) {
      failed = err;
    } finally {
      ended = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (queue.length) await work(queue.splice(0, max));
      else if (ended) break;
      else await new Promise<void>((r) => (wake = r));
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
  await pump;
  if (failed) throw failed;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
