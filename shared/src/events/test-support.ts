import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Helpers for the tests and benches of the event bus. Never used by a running service.

/** NATS for the tests: NATS_URL, else the machine's (CI's) 127.0.0.1:4222. */
export const testNatsUrl = (): string => process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A subject and stream prefix of this test run's own (`t<random>`), so parallel runs never share a stream. */
export const testEventsPrefix = (): string => `t${randomBytes(5).toString('hex')}`;

/** True when something accepts TCP connections at the URL's host and port (within `timeoutMs`). */
export function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const u = new URL(url.replace(/^nats:/, 'http:'));
  return new Promise((resolve) => {
    const s = createConnection({ host: u.hostname, port: Number(u.port || 4222) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Whether the NATS tests run: yes when NATS answers; when it does not, they are skipped, unless
 * REQUIRE_NATS=1 (CI), where that is a failure. `TEST_EVENTS=http`: never (the tests that can run either
 * way take the HTTP fallback, as `npm start` does without NATS; CI runs the events e2e so too).
 */
export async function natsForTests(): Promise<string | undefined> {
  if (process.env.TEST_EVENTS === 'http') return undefined;
  const url = testNatsUrl();
  if (await reachable(url)) return url;
  if (process.env.REQUIRE_NATS === '1') throw new Error(`REQUIRE_NATS=1 but no NATS answers at ${url}`);
  return undefined;
}

export const natsServerAvailable = (): boolean => spawnSync('nats-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface PrivateNatsServer {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and removes its store. */
  destroy(): Promise<void>;
}

/** A `nats-server -js` of the test's own on `port`, with its store in a temporary folder (kept across stop/start). */
export function privateNatsServer(port: number): PrivateNatsServer {
  const dir = mkdtempSync(join(tmpdir(), 'redheart-nats-'));
  let child: ChildProcess | undefined;
  const url = `nats://127.0.0.1:${port}`;
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once('exit', () => r());
      c.kill('SIGTERM');
    });
  };
  return {
    url,
    port,
    async start() {
      child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (await reachable(url, 200)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`nats-server did not start on ${port}`);
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
