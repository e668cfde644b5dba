import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * A process supervisor for the local launcher (`npm start`): each child it is given is restarted
 * when it exits on its own, after a back-off (250 ms doubling to 8 s, back to 250 ms once a run has
 * lasted a healthy minute), with a log line per crash and per restart. A child that crashes more
 * than `crashLimit` times within `crashWindowMs` is given up (logged, state `failed`); the other
 * children are never touched by one child's crash. `stop()` ends every child (SIGTERM, then SIGKILL
 * after a grace period) and restarts nothing any more.
 */
export interface SupervisorOptions {
  /** First restart delay, ms (250). */
  initialBackoffMs?: number;
  /** Longest restart delay, ms (8000). */
  maxBackoffMs?: number;
  /** A run that lasted this long resets the back-off, ms (60 000). */
  healthyAfterMs?: number;
  /** More crashes than this within crashWindowMs: the child is given up (5). */
  crashLimit?: number;
  /** ms (60 000). */
  crashWindowMs?: number;
  /** Where the log lines go (default: stderr). */
  log?: (line: string) => void;
}

export type ChildState = 'running' | 'backoff' | 'failed' | 'stopped';

export interface ChildStatus {
  name: string;
  state: ChildState;
  pid?: number;
  /** Restarts so far. */
  restarts: number;
  /** Crashes within the current window. */
  recentCrashes: number;
}

interface Entry {
  name: string;
  spawn: () => ChildProcess;
  child?: ChildProcess;
  state: ChildState;
  startedAt: number;
  backoffMs: number;
  restarts: number;
  crashes: number[];
  timer?: NodeJS.Timeout;
}

/** Events: `exit` (name, code, signal), `restart` (name, pid), `giveup` (name). */
export class Supervisor extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;
  private readonly o: Required<Omit<SupervisorOptions, 'log'>> & { log: (line: string) => void };

  constructor(opts: SupervisorOptions = {}) {
    super();
    this.o = {
      initialBackoffMs: opts.initialBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 8000,
      healthyAfterMs: opts.healthyAfterMs ?? 60_000,
      crashLimit: opts.crashLimit ?? 5,
      crashWindowMs: opts.crashWindowMs ?? 60_000,
      log: opts.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  /** Starts `spawn()` now and keeps it running under `name` (unique). */
  add(name: string, spawn: () => ChildProcess): ChildProcess {
    if (this.entries.has(name)) throw new Error(`${name} is supervised already`);
    const e: Entry = { name, spawn, state: 'running', startedAt: 0, backoffMs: this.o.initialBackoffMs, restarts: 0, crashes: [] };
    this.entries.set(name, e);
    this.launch(e);
    return e.child as ChildProcess;
  }

  /** The current process of `name` (changes on each restart). */
  child(name: string): ChildProcess | undefined {
    return this.entries.get(name)?.child;
  }

  status(): ChildStatus[] {
    const now = Date.now();
    return [...this.entries.values()].map((e) => ({
      name: e.name,
      state: e.state,
      ...(e.state === 'running' && e.child?.pid ? { pid: e.child.pid } : {}),
      restarts: e.restarts,
      recentCrashes: e.crashes.filter((t) => now - t <= this.o.crashWindowMs).length,
    }));
  }

  private launch(e: Entry): void {
    const child = e.spawn();
    e.child = child;
    e.state = 'running';
    e.startedAt = Date.now();
    child.once('exit', (code, signal) => this.onExit(e, child, code, signal));
  }

  private onExit(e: Entry, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.emit('exit', e.name, code, signal);
    if (this.stopping || e.child !== child || e.state === 'stopped') return;
    const now = Date.now();
    const ranMs = now - e.startedAt;
    if (ranMs >= this.o.healthyAfterMs) e.backoffMs = this.o.initialBackoffMs;
    e.crashes = [...e.crashes.filter((t) => now - t <= this.o.crashWindowMs), now];
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (e.crashes.length > this.o.crashLimit) {
      e.state = 'failed';
      this.o.log(`${e.name} exited (${how}) after ${ranMs} ms: ${e.crashes.length} crashes within ${this.o.crashWindowMs / 1000} s, giving up on it (the other services keep running)`);
      this.emit('giveup', e.name);
      return;
    }
    const delay = e.backoffMs;
    e.backoffMs = Math.min(e.backoffMs * 2, this.o.maxBackoffMs);
    e.state = 'backoff';
    this.o.log(`${e.name} exited (${how}) after ${ranMs} ms; restarting in ${delay} ms (crash ${e.crashes.length} of at most ${this.o.crashLimit} within ${this.o.crashWindowMs / 1000} s)`);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      if (this.stopping || e.state !== 'backoff') return;
      e.restarts++;
      this.launch(e);
      this.o.log(`${e.name} restarted (pid ${e.child?.pid}, restart ${e.restarts})`);
      this.emit('restart', e.name, e.child?.pid);
    }, delay);
  }

  /** Stops every child (SIGTERM; SIGKILL after `graceMs`) and restarts nothing any more. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const waits: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.state = 'stopped';
      const c = e.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) continue;
      waits.push(
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
          c.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          c.kill(signal);
        }),
      );
    }
    await Promise.all(waits);
  }
}
