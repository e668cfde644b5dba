import { timingSafeEqual } from 'node:crypto';
import type { FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';
import { AppError, notFound } from '../errors';
import { type FailoverFetch, failoverFetch } from '../failover';
import { EventInbox, type EventConsumerSpec, type HandleOutcome, typeMatches } from './consumer';
import { NatsBus } from './nats';
import { isEnvelope, type EventEnvelope } from './outbox';
import { OutboxRelay, type RelaySink } from './relay';

export interface HttpEventTarget {
  /** The consuming service (`household`): its route is `<url>/api/<name>/internal/events`. */
  name: string;
  /** Its base URL, or every replica's (the next one when one cannot be reached, as failoverFetch). */
  url: string | readonly string[];
  /** The event types it reads (patterns as in EventConsumerSpec.types). */
  types: string[];
}

/**
 * The fallback without NATS: the relay POSTs each batch (in outbox order) to every consuming
 * service's internal events route, which applies it through the same inbox. A batch counts as
 * delivered only when every target took it; otherwise all of it goes again later (each target's
 * inbox drops what it had). One target down holds the others back: this is the single-machine
 * fallback, not the way to scale.
 */
export function httpSink(targets: HttpEventTarget[], internalToken: string, timeoutMs = 10_000): RelaySink {
  // Each target's failover client is made when first used, not when the sink is: the list may be filled in after the
  // producer starts (its consumers listen only later, as in tests/e2e/platform.ts). Made up front, a target added
  // later had no client, and every delivery failed on it, holding all the events back for good.
  const posts = new Map<HttpEventTarget, FailoverFetch>();
  const postOf = (t: HttpEventTarget) => {
    let p = posts.get(t);
    if (!p) posts.set(t, (p = failoverFetch(t.url)));
    return p;
  };
  return {
    name: 'http',
    deliver: async (events) => {
      for (const t of targets) {
        const mine = events.filter((e) => t.types.some((p) => typeMatches(p, e.type)));
        if (!mine.length) continue;
        const res = await postOf(t)(`/api/${t.name}/internal/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-internal-token': internalToken },
          body: JSON.stringify({ events: mine }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.body?.cancel().catch(() => undefined);
        if (!res.ok) throw new Error(`${t.name} answered ${res.status} for ${mine.length} events`);
      }
      return events.map((e) => e.id);
    },
  };
}

export interface EventsPluginOptions {
  service: string;
  /** NATS with JetStream (NATS_URL). */
  natsUrl?: string;
  /** Subject and stream prefix (EVENTS_PREFIX, default `redheart`). */
  prefix?: string;
  /** Without NATS: where the relay delivers over HTTP (the fallback). Neither: the outbox only fills. */
  httpTargets?: HttpEventTarget[];
  /** The shared secret of the internal routes (the fallback's events route and its calls). */
  internalToken?: string;
  /** What this service consumes. */
  consumers?: EventConsumerSpec[];
  /** Run the relay (default true). */
  relay?: boolean;
  relayPollMs?: number;
}

/** What an app's BuildOptions take (the service and its consumers are the app's own). */
export type AppEventsOptions = Omit<EventsPluginOptions, 'service' | 'consumers'>;

export interface AppEvents {
  mode: 'nats' | 'http' | 'none';
  relay: OutboxRelay | undefined;
  bus: NatsBus | undefined;
  inboxes: EventInbox[];
  /** Applies events delivered over HTTP (the fallback route; tests). */
  apply(events: unknown[]): Promise<HandleOutcome[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's outbox relay and event consumers (@redheart/shared events). */
    events: AppEvents;
  }
}

/**
 * `app.events`: the outbox relay (started when the app is ready, stopped before the pool closes)
 * and the consumers, on NATS JetStream when `natsUrl` is given, else on the HTTP fallback, whose
 * route `POST /api/<service>/internal/events` (internal secret; the gateway never routes it) this
 * registers in both modes.
 */
export const eventsPlugin = fp<EventsPluginOptions>(
  async (app, opts) => {
    const db: DataSource = app.db;
    const log = (msg: string, err?: unknown) => (err ? app.log.warn({ err }, msg) : app.log.info(msg));
    const mode: AppEvents['mode'] = opts.natsUrl ? 'nats' : opts.internalToken ? 'http' : 'none';
    const bus = opts.natsUrl ? new NatsBus({ url: opts.natsUrl, prefix: opts.prefix, name: `redheart-${opts.service}`, log }) : undefined;
    const specs = opts.consumers ?? [];
    const inboxes = bus ? specs.map((s) => bus.consume(db, s)) : specs.map((s) => new EventInbox(db, s, log));
    let sink: RelaySink | undefined;
    if (bus) sink = bus.sink(opts.service);
    // The fallback: events nobody reads over HTTP (no target for their type) count as delivered.
    else if (opts.internalToken) sink = httpSink(opts.httpTargets ?? [], opts.internalToken);
    const relay = sink && opts.relay !== false ? new OutboxRelay({ db, service: opts.service, sink, pollMs: opts.relayPollMs, log }) : undefined;

    const apply = async (events: unknown[]): Promise<HandleOutcome[]> => {
      const out: HandleOutcome[] = [];
      for (const e of events) {
        const type = isEnvelope(e) ? e.type : undefined;
        const targets = inboxes.filter((i) => type && typeMatches(i.spec.types, type));
        // Malformed or unknown: the first inbox parks it with the reason.
        if (!targets.length) {
          if (inboxes[0]) out.push(await inboxes[0].handle(e));
          continue;
        }
        for (const i of targets) out.push(await i.handle(e));
      }
      return out;
    };
    app.decorate('events', { mode, relay, bus, inboxes, apply });

    const expected = opts.internalToken ? Buffer.from(opts.internalToken) : undefined;
    app.post<{ Body: { events: EventEnvelope[] } }>(`/api/${opts.service}/internal/events`, {
      schema: {
        hide: true,
        body: { type: 'object', required: ['events'], properties: { events: { type: 'array', maxItems: 1000, items: {} } } },
        response: { 200: { type: 'object', properties: { handled: { type: 'integer' }, parked: { type: 'integer' } } } },
      } as FastifySchema,
      onRequest: async (req) => {
        const given = req.headers['x-internal-token'];
        const buf = typeof given === 'string' ? Buffer.from(given) : undefined;
        if (!expected || !buf || buf.length !== expected.length || !timingSafeEqual(buf, expected)) throw notFound('Route');
      },
      handler: async (req) => {
        const outcomes = await apply(req.body.events);
        if (outcomes.includes('retry')) throw new AppError(503, 'EVENTS_RETRY', 'Some events could not be applied now; send them again');
        return { handled: outcomes.filter((o) => o === 'done' || o === 'duplicate' || o === 'skipped').length, parked: outcomes.filter((o) => o === 'parked').length };
      },
    });

    app.addHook('onReady', async () => {
      bus?.start();
      if (relay) await relay.start();
    });
    app.addHook('preClose', async () => {
      await relay?.stop();
      await bus?.stop();
    });
  },
  { name: 'redheart-events', dependencies: ['redheart-db'] },
);
