import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Supervisor, freePort } from '../src';

// Real child processes (node), killed for real: the supervisor restarts the crashed one, gives up on
// one that crashes in a loop, and never touches the others.
const longRunning = () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
const crashesAtOnce = () => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });

const alive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const until = async (what: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('Supervisor', () => {
  let sup: Supervisor;
  const lines: string[] = [];
  afterEach(async () => {
    await sup?.stop('SIGTERM', 2000);
    lines.length = 0;
  });

  it('restarts a child killed with SIGKILL, after the back-off, with a log line for each, leaving the others alone', async () => {
    sup = new Supervisor({ initialBackoffMs: 100, log: (l) => lines.push(l) });
    const a = sup.add('a', longRunning);
    const b = sup.add('b', longRunning);
    await until(() => alive(a.pid) && alive(b.pid));
    const restarted = new Promise<number>((resolve) => sup.once('restart', (_name: string, pid: number) => resolve(pid)));
    const killedAt = Date.now();
    process.kill(a.pid as number, 'SIGKILL');
    const pid = await restarted;
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(100);
    expect(pid).not.toBe(a.pid);
    expect(alive(pid)).toBe(true);
    expect(sup.child('a')?.pid).toBe(pid);
    // b is the same process as before
    expect(sup.child('b')?.pid).toBe(b.pid);
    expect(alive(b.pid)).toBe(true);
    expect(lines[0]).toMatch(/^a exited \(signal SIGKILL\) after \d+ ms; restarting in 100 ms \(crash 1 of at most 5/);
    expect(lines[1]).toBe(`a restarted (pid ${pid}, restart 1)`);
    expect(sup.status()).toEqual([
      { name: 'a', state: 'running', pid, restarts: 1, recentCrashes: 1 },
      { name: 'b', state: 'running', pid: b.pid, restarts: 0, recentCrashes: 0 },
    ]);
  });

  it('runs a restarted child at the raised priority until it is ready, then every thread of it at normal priority again', async () => {
    sup = new Supervisor({ initialBackoffMs: 50, restartNice: -5, log: (l) => lines.push(l) });
    let markReady!: () => void;
    let readyCalls = 0;
    const a = sup.add('a', longRunning, {
      ready: () => {
        readyCalls++;
        return new Promise<void>((r) => (markReady = r));
      },
    });
    await until(() => alive(a.pid));
    // the first start is not boosted: every process starts alike
    expect(getPriority(a.pid)).toBe(getPriority());
    const restarted = new Promise<number>((resolve) => sup.once('restart', (_name: string, pid: number) => resolve(pid)));
    process.kill(a.pid as number, 'SIGKILL');
    const pid = await restarted;
    const permitted = !lines.some((l) => l.startsWith('cannot raise the priority'));
    if (permitted) {
      // root or CAP_SYS_NICE (as CI and the sessions run): raised until the ready check answers
      expect(lines).toContain(`a restarted (pid ${pid}, restart 1, at niceness -5 until ready)`);
      expect(getPriority(pid)).toBe(-5);
      expect(readyCalls).toBe(1);
      // node's own threads (V8 platform, libuv) inherit the raised niceness from the main thread
      const threads = () => readdirSync(`/proc/${pid}/task`).map(Number);
      await until(() => threads().length > 1);
      const started = threads();
      expect(started.map((tid) => getPriority(tid))).toEqual(started.map(() => -5));
      markReady();
      await until(() => threads().every((tid) => getPriority(tid) === getPriority()));
    } else {
      // not permitted: said once, and the child runs at normal priority
      expect(lines).toContain(`a restarted (pid ${pid}, restart 1)`);
      expect(getPriority(pid)).toBe(getPriority());
    }
  });

  it('doubles the back-off per crash up to the cap', async () => {
    sup = new Supervisor({ initialBackoffMs: 20, maxBackoffMs: 80, crashLimit: 10, log: (l) => lines.push(l) });
    sup.add('loop', crashesAtOnce);
    await until(() => lines.filter((l) => l.includes('restarting in')).length >= 5);
    const delays = lines.filter((l) => l.includes('restarting in')).slice(0, 5).map((l) => Number(/restarting in (\d+) ms/.exec(l)?.[1]));
    expect(delays).toEqual([20, 40, 80, 80, 80]);
  });

  it('gives up on a child that crashes in a loop and keeps the others running', async () => {
    sup = new Supervisor({ initialBackoffMs: 10, crashLimit: 3, crashWindowMs: 30_000, log: (l) => lines.push(l) });
    const other = sup.add('other', longRunning);
    sup.add('broken', crashesAtOnce);
    const gaveUp = new Promise<string>((resolve) => sup.once('giveup', resolve));
    expect(await gaveUp).toBe('broken');
    // started once, restarted 3 times, the 4th exit is over the limit
    const status = sup.status();
    expect(status.find((s) => s.name === 'broken')).toEqual({ name: 'broken', state: 'failed', restarts: 3, recentCrashes: 4 });
    expect(lines.at(-1)).toMatch(/^broken exited \(code 3\) after \d+ ms: 4 crashes within 30 s, giving up on it/);
    // nothing is restarted after giving up
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.status().find((s) => s.name === 'broken')?.restarts).toBe(3);
    expect(alive(other.pid)).toBe(true);
    expect(sup.status().find((s) => s.name === 'other')).toEqual({ name: 'other', state: 'running', pid: other.pid, restarts: 0, recentCrashes: 0 });
  });

  it('stop() ends every child and restarts none', async () => {
    sup = new Supervisor({ initialBackoffMs: 10, log: (l) => lines.push(l) });
    const a = sup.add('a', longRunning);
    const b = sup.add('b', longRunning);
    await until(() => alive(a.pid) && alive(b.pid));
    await sup.stop();
    expect(alive(a.pid)).toBe(false);
    expect(alive(b.pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toEqual([]);
    expect(sup.status().map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });
  it('hold() restarts nothing any more and leaves the children running; stop() ends them later', async () => {
    sup = new Supervisor({ initialBackoffMs: 10, log: (l) => lines.push(l) });
    const a = sup.add('a', longRunning);
    const b = sup.add('b', longRunning);
    await until(() => alive(a.pid) && alive(b.pid));
    sup.hold();
    // a exits by itself (as a child does on the terminal's SIGINT): not restarted
    a.kill('SIGINT');
    await until(() => !alive(a.pid));
    await new Promise((r) => setTimeout(r, 200));
    expect(sup.child('a')).toBe(a);
    expect(lines.filter((l) => /restart/.test(l))).toEqual([]);
    expect(alive(b.pid)).toBe(true);
    await sup.stop();
    expect(alive(b.pid)).toBe(false);
  });

  describe('warm standby', () => {
    // A real HTTP server on a free port that, as a standby, starts and waits for awaitActivation()
    // (the compiled shared package), then listens and answers its pid.
    const server = (port: number, standby: boolean) =>
      spawn(
        process.execPath,
        [
          '-e',
          `const { awaitActivation } = require(${JSON.stringify(require.resolve('../dist/supervisor.js'))});
           const http = require('node:http');
           awaitActivation().then(() => http.createServer((q, r) => r.end(String(process.pid))).listen(${port}, '127.0.0.1'));`,
        ],
        { stdio: ['ignore', 'ignore', 'inherit', ...(standby ? (['ipc'] as const) : [])], env: { ...process.env, SUPERVISOR_STANDBY: standby ? '1' : '' } },
      );
    const answer = async (port: number) => {
      try {
        return Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());
      } catch {
        return undefined;
      }
    };

    it('a crashed child is replaced by its started standby at once (no back-off), which serves the same port; a new standby follows; stop() ends both', async () => {
      const port = await freePort(0);
      sup = new Supervisor({ initialBackoffMs: 60_000, log: (l) => lines.push(l) });
      const ready = new Promise<number>((resolve) => sup.once('standby', (_n: string, pid: number) => resolve(pid)));
      const first = sup.add('svc', () => server(port, false), { standby: () => server(port, true) });
      const standbyPid = await ready;
      let served: number | undefined;
      for (let i = 0; i < 500 && (served = await answer(port)) !== first.pid; i++) await new Promise((r) => setTimeout(r, 20));
      expect(served).toBe(first.pid);
      // the standby is started but does not listen: the port still answers the first child only
      expect(alive(standbyPid)).toBe(true);

      const tookOver = new Promise<number>((resolve) => sup.once('takeover', (_n: string, pid: number) => resolve(pid)));
      const nextStandby = new Promise<number>((resolve) => sup.on('standby', (_n: string, pid: number) => pid !== standbyPid && resolve(pid)));
      first.kill('SIGKILL');
      // with a 60 s back-off, only a take-over can bring the port back within this test's time
      expect(await tookOver).toBe(standbyPid);
      for (let i = 0; i < 500 && (served = await answer(port)) !== standbyPid; i++) await new Promise((r) => setTimeout(r, 20));
      expect(served).toBe(standbyPid);
      expect(sup.child('svc')?.pid).toBe(standbyPid);
      expect(lines.some((l) => l.includes('svc exited (signal SIGKILL)') && l.includes(`warm standby (pid ${standbyPid}) took over`))).toBe(true);
      const second = await nextStandby;
      expect(second).not.toBe(standbyPid);
      expect(sup.standby('svc')?.pid).toBe(second);

      await sup.stop('SIGTERM', 2000);
      await until(() => !alive(standbyPid) && !alive(second));
    });

    it('starts the standby only once standbyAfter settles', async () => {
      sup = new Supervisor({ log: (l) => lines.push(l) });
      let standbys = 0;
      let up: () => void = () => undefined;
      const platformUp = new Promise<void>((resolve) => (up = resolve));
      const a = sup.add('a', longRunning, { standby: () => (standbys++, server(0, true)), standbyAfter: platformUp });
      await until(() => alive(a.pid));
      await new Promise((r) => setTimeout(r, 300));
      expect(standbys).toBe(0);
      const ready = new Promise<number>((resolve) => sup.once('standby', (_n: string, pid: number) => resolve(pid)));
      up();
      expect(alive(await ready)).toBe(true);
      expect(standbys).toBe(1);
    });

    it('without a ready standby the crash is handled as before: a cold restart after the back-off', async () => {
      sup = new Supervisor({ initialBackoffMs: 50, log: (l) => lines.push(l) });
      // a standby that never says it is ready (no IPC message)
      const a = sup.add('a', longRunning, { standby: () => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }) });
      const restarted = new Promise<number>((resolve) => sup.once('restart', (_n: string, pid: number) => resolve(pid)));
      await until(() => alive(a.pid));
      a.kill('SIGKILL');
      const pid = await restarted;
      expect(pid).not.toBe(a.pid);
      expect(lines.some((l) => l.startsWith('a exited (signal SIGKILL)') && l.includes('restarting in 50 ms'))).toBe(true);
    });
  });
});
