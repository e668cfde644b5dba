import { Client, type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { envelopeOf, OUTBOX_CHANNEL, type EventEnvelope, type OutboxRow } from './outbox';

/** Where the relay delivers (NATS JetStream, or the HTTP fallback). Answers the ids delivered. */
export interface RelaySink {
  name: string;
  deliver(events: EventEnvelope[]): Promise<string[]>;
}

export interface RelayOptions {
  /** The service's own pool (its role may read and update the outbox). */
  db: DataSource;
  service: string;
  sink: RelaySink;
  /** Rows per round (default 500). */
  batchSize?: number;
  /** The slow poll: catches what a lost NOTIFY missed, retries after a failure, and takes over the lock (default 2 s). */
  pollMs?: number;
  /**
   * How long a NOTIFY waits before the round it wakes (default 15 ms): commits arriving meanwhile go in
   * the same round (one read, one publish batch, one update) instead of a round each.
   */
  wakeDelayMs?: number;
  log?: (msg: string, err?: unknown) => void;
}

/** The advisory lock (per database) that makes one relay active among a service's replicas. */
export const RELAY_LOCK_KEY = 7713001;
/** Published rows are kept this long (outboxStats, debugging), then deleted. */
const KEEP_PUBLISHED_MS = 24 * 3600 * 1000;

/**
 * The outbox relay of one service database. One is active per database (a session advisory lock on
 * a connection of its own; a replica whose relay does not hold it polls for it, so another takes
 * over within `pollMs` when the active one dies). Woken by NOTIFY at each commit that emitted an
 * event, and by a slow poll. Publishes in `seq` order (in order per aggregate, see publishInOrder)
 * and marks the rows published; a row that failed stays and goes again next round, where the
 * stream's duplicate window drops a second copy of one that did arrive.
 */
export class OutboxRelay {
  private client: Client | undefined;
  private holder = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private wake: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  /** Totals since start (for benches and logs). */
  readonly totals = { published: 0, rounds: 0, failures: 0 };

  constructor(private readonly opts: RelayOptions) {}

  get active(): boolean {
    return this.holder;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.pollMs ?? 2000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.wake) clearTimeout(this.wake);
    this.wake = undefined;
    await this.running?.catch(() => undefined);
    await this.dropClient();
  }

  /** Runs a round now (after a commit in this process; tests). */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  /** A commit announced an event: one round shortly after, for it and whatever commits meanwhile. */
  private wakeSoon(): void {
    if (this.wake || this.stopped) return;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      void this.kick();
    }, this.opts.wakeDelayMs ?? 15);
  }

  /** Drains everything pending now (tests, benches): resolves when nothing is left or a round failed. */
  async flush(): Promise<void> {
    await this.tick();
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.holder) await this.takeLock();
    } catch (err) {
      this.opts.log?.('outbox relay: cannot reach the database for its lock; retrying', err);
      await this.dropClient();
      return;
    }
    if (this.holder) await this.kick();
  }

  private async takeLock(): Promise<void> {
    if (!this.client) {
      const pool = (this.opts.db.driver as unknown as { master?: { options: ClientConfig } }).master;
      if (!pool) throw new Error('the DataSource is not initialised');
      const client = new Client({ ...pool.options, application_name: `${this.opts.service}-outbox-relay` });
      client.on('error', (err) => {
        this.opts.log?.('outbox relay: its connection failed; it will reconnect', err);
        void this.dropClient();
      });
      client.on('notification', () => this.wakeSoon());
      await client.connect();
      this.client = client;
    }
    const [row] = (await this.client.query('SELECT pg_try_advisory_lock($1) AS ok', [RELAY_LOCK_KEY])).rows as { ok: boolean }[];
    if (row.ok) {
      await this.client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.holder = true;
    }
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.holder = false;
    if (c) await c.end().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    const batch = this.opts.batchSize ?? 500;
    try {
      for (;;) {
        if (this.stopped || !this.holder) return;
        const rows: OutboxRow[] = await this.opts.db.query(
          `SELECT seq, id, type, aggregate_id, org_path, actor, occurred_at, payload FROM outbox_event WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
          [batch],
        );
        if (!rows.length) break;
        this.totals.rounds++;
        const events = rows.map(envelopeOf);
        let done: string[];
        try {
          done = await this.opts.sink.deliver(events);
        } catch (err) {
          this.totals.failures++;
          this.opts.log?.(`outbox relay: delivery to ${this.opts.sink.name} failed; ${rows.length} events wait`, err);
          return;
        }
        if (done.length) {
          await this.opts.db.query(`UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::uuid[])`, [done]);
          this.totals.published += done.length;
        }
        if (done.length < rows.length) {
          this.totals.failures++;
          return; // the rest waits for the next poll
        }
        if (rows.length < batch) break;
      }
      await this.prune();
    } catch (err) {
      this.opts.log?.('outbox relay: round failed; retrying at the next poll', err);
    }
  }

  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 3600_000) return;
    this.lastPrune = now;
    await this.opts.db.query(`DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => $1)`, [KEEP_PUBLISHED_MS / 1000]);
    await this.opts.db.query(`DELETE FROM inbox_event WHERE handled_at < now() - interval '8 days'`);
  }
}

export interface OutboxStats {
  /** Events committed and not yet published. */
  pending: number;
  /** Age of the oldest pending event, seconds (0 when none): the relay's lag. */
  oldestPendingSeconds: number;
  /** Events in dead_letter (parked by this database's consumers). */
  deadLetters: number;
}

/** Outbox depth and relay lag of a service database (for the metrics endpoint). */
export async function outboxStats(db: DataSource): Promise<OutboxStats> {
  const [r] = await db.query(
    `SELECT (SELECT count(*)::int FROM outbox_event WHERE published_at IS NULL) AS pending,
            COALESCE((SELECT extract(epoch FROM now() - min(occurred_at))::float8 FROM outbox_event WHERE published_at IS NULL), 0) AS "oldestPendingSeconds",
            (SELECT count(*)::int FROM dead_letter) AS "deadLetters"`,
  );
  return { pending: r.pending, oldestPendingSeconds: Number(r.oldestPendingSeconds), deadLetters: r.deadLetters };
}
