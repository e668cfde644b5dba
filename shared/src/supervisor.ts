import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

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
  /**
   * The niceness a restarted child runs at until it is ready (its `ready` check answers), then the supervisor's own
   * again (RESTART_NICE; null: no change). A service restarted under load competes for the CPU with every other
   * process while it loads its modules (≈ 2 CPU s): at normal priority on a busy 2-core host that took 6.8–8.9 s; a
   * higher priority for those seconds gets it back sooner without slowing the others for longer. Raising a priority
   * needs root or CAP_SYS_NICE: without it the child starts at normal priority (one log line says so).
   */
  restartNice?: number | null;
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

export interface AddOptions {
  /**
   * A warm standby: spawns a second copy of the child (with an IPC channel) that starts up (modules,
   * database pool, caches) and then waits — `awaitActivation()` in the child — without listening.
   * When the child crashes, the standby is told to take over at once (`{ activate: true }`) instead
   * of a cold start, and a new standby starts. On a busy machine a cold start of a service takes tens
   * of seconds (module loading competing for the CPU); a take-over takes milliseconds (bench:cluster).
   */
  standby?: () => ChildProcess;
  /** Start the standby only once this settles (e.g. when every process is up: not competing with them for the CPU). */
  standbyAfter?: Promise<unknown>;
  /** Resolves once a (re)started child answers (its health route): ends its raised priority after a restart. */
  ready?: () => Promise<unknown>;
}

interface Entry {
  name: string;
  spawn: () => ChildProcess;
  standbySpawn?: () => ChildProcess;
  ready?: () => Promise<unknown>;
  /** The current standby, and whether it said it is ready. */
  standby?: ChildProcess;
  standbyReady?: boolean;
  standbyTimer?: NodeJS.Timeout;
  child?: ChildProcess;
  state: ChildState;
  startedAt: number;
  backoffMs: number;
  restarts: number;
  crashes: number[];
  timer?: NodeJS.Timeout;
}

/** Events: `exit` (name, code, signal), `restart` (name, pid), `takeover` (name, pid: a standby took over), `standby` (name, pid: a standby is ready), `giveup` (name). */
export class Supervisor extends EventEmitter {
  private readonly entries = new Map<string, Entry>();
  private stopping = false;
  private readonly o: Required<Omit<SupervisorOptions, 'log' | 'restartNice'>> & { log: (line: string) => void; restartNice: number | null };
  /** Said once: raising a restarted child's priority is not permitted here. */
  private niceRefused = false;

  constructor(opts: SupervisorOptions = {}) {
    super();
    this.o = {
      initialBackoffMs: opts.initialBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 8000,
      healthyAfterMs: opts.healthyAfterMs ?? 60_000,
      crashLimit: opts.crashLimit ?? 5,
      crashWindowMs: opts.crashWindowMs ?? 60_000,
      log: opts.log ?? ((line) => process.stderr.write(`${line}\n`)),
      restartNice: opts.restartNice ?? null,
    };
  }

  /** Starts `spawn()` now and keeps it running under `name` (unique). */
  add(name: string, spawn: () => ChildProcess, opts: AddOptions = {}): ChildProcess {
    if (this.entries.has(name)) throw new Error(`${name} is supervised already`);
    const e: Entry = { name, spawn, standbySpawn: opts.standby, ready: opts.ready, state: 'running', startedAt: 0, backoffMs: this.o.initialBackoffMs, restarts: 0, crashes: [] };
    this.entries.set(name, e);
    this.launch(e);
    if (opts.standbyAfter) void opts.standbyAfter.finally(() => this.launchStandby(e));
    else this.launchStandby(e);
    return e.child as ChildProcess;
  }

  /** The ready standby of `name`, if any. */
  standby(name: string): ChildProcess | undefined {
    const e = this.entries.get(name);
    return e?.standbyReady ? e.standby : undefined;
  }

  private launchStandby(e: Entry): void {
    if (!e.standbySpawn || this.stopping || e.standby || e.state === 'stopped' || e.state === 'failed') return;
    const sb = e.standbySpawn();
    e.standby = sb;
    e.standbyReady = false;
    sb.on('message', (m: unknown) => {
      if (e.standby === sb && (m as { standby?: string } | null)?.standby === 'ready') {
        e.standbyReady = true;
        this.emit('standby', e.name, sb.pid);
      }
    });
    sb.once('exit', (code, signal) => {
      if (e.standby !== sb) return; // promoted: its exit is the child's (launch's handler)
      e.standby = undefined;
      e.standbyReady = false;
      if (this.stopping || e.state === 'stopped' || e.state === 'failed') return;
      this.o.log(`${e.name}'s standby exited (${signal ? `signal ${signal}` : `code ${code}`}); starting another in ${this.o.maxBackoffMs} ms`);
      e.standbyTimer = setTimeout(() => {
        e.standbyTimer = undefined;
        if (!e.standby) this.launchStandby(e);
      }, this.o.maxBackoffMs);
    });
  }

  /** Makes the ready standby the child (it listens on the child's port as soon as it is told). */
  private takeOver(e: Entry): boolean {
    const sb = e.standby;
    if (!sb || !e.standbyReady || sb.exitCode !== null || sb.signalCode !== null || !sb.connected) return false;
    e.standby = undefined;
    e.standbyReady = false;
    try {
      sb.send({ activate: true });
    } catch {
      return false;
    }
    e.child = sb;
    e.state = 'running';
    e.startedAt = Date.now();
    e.restarts++;
    sb.once('exit', (code, signal) => this.onExit(e, sb, code, signal));
    this.launchStandby(e);
    return true;
  }

  /**
   * A restarted child at `restartNice` until its `ready` check resolves (or it exits), then at the supervisor's own
   * niceness — every thread of it (Linux: a thread's niceness is its own; the ones the child started meanwhile
   * inherited the raised one). False when not asked for or not permitted.
   */
  private boost(e: Entry): boolean {
    const child = e.child;
    const nice = this.o.restartNice;
    if (nice === null || !child?.pid || !e.ready || this.niceRefused) return false;
    const pid = child.pid;
    const base = getPriority();
    try {
      setPriority(pid, nice);
    } catch (err) {
      this.niceRefused = true;
      this.o.log(`cannot raise the priority of a restarted process (${(err as NodeJS.ErrnoException).code ?? err}): restarts run at normal priority`);
      return false;
    }
    const restore = () => {
      let tids: number[] = [pid];
      try {
        tids = readdirSync(`/proc/${pid}/task`).map(Number);
      } catch {
        /* not Linux, or it has exited */
      }
      for (const tid of tids) {
        try {
          setPriority(tid, base);
        } catch {
          /* exited meanwhile */
        }
      }
    };
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    void Promise.race([e.ready().catch(() => undefined), exited]).then(() => {
      if (child.exitCode === null && child.signalCode === null) restore();
    });
    return true;
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
    if (this.takeOver(e)) {
      this.o.log(`${e.name} exited (${how}) after ${ranMs} ms; its warm standby (pid ${e.child?.pid}) took over, a new standby is starting (crash ${e.crashes.length} of at most ${this.o.crashLimit} within ${this.o.crashWindowMs / 1000} s)`);
      this.emit('takeover', e.name, e.child?.pid);
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
      const boosted = this.boost(e);
      this.o.log(`${e.name} restarted (pid ${e.child?.pid}, restart ${e.restarts}${boosted ? `, at niceness ${this.o.restartNice} until ready` : ''})`);
      this.emit('restart', e.name, e.child?.pid);
    }, delay);
  }

  /**
   * Restarts nothing any more, and leaves the children running: for a shutdown that stops them later, in its own order,
   * while they may already be exiting by themselves (Ctrl+C sends SIGINT to the terminal's whole process group).
   */
  hold(): void {
    this.stopping = true;
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      if (e.standbyTimer) clearTimeout(e.standbyTimer);
    }
  }

  /** Stops every child (SIGTERM; SIGKILL after `graceMs`) and restarts nothing any more. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    this.hold();
    const waits: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      e.state = 'stopped';
      for (const c of [e.child, e.standby]) {
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
    }
    await Promise.all(waits);
  }
}

/**
 * In a child started as a warm standby (`SUPERVISOR_STANDBY=1` and an IPC channel): tells the
 * supervisor it is ready and resolves when it is told to take over; exits when the supervisor goes
 * away first. Anywhere else: resolves at once.
 */
export function awaitActivation(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (env.SUPERVISOR_STANDBY !== '1' || !process.send) return Promise.resolve();
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if ((m as { activate?: boolean } | null)?.activate) {
        process.off('message', onMessage);
        process.off('disconnect', onDisconnect);
        resolve();
      }
    };
    const onDisconnect = () => process.exit(0);
    process.on('message', onMessage);
    process.once('disconnect', onDisconnect);
    process.send?.({ standby: 'ready' });
  });
}
