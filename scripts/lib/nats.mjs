// Which events path `npm start` gives the services (docs/architecture.md "Events", "Where it runs"):
//   NATS_URL set      → that NATS (passed through; nothing started);
//   NATS=off          → the HTTP fallback (needs nothing but PostgreSQL);
//   nats-server on PATH → a local `nats-server -js` of this checkout: store in .data/nats, on NATS_PORT or a free
//                        port (4222 when free), supervised (restarted when it crashes), stopped with the platform;
//   otherwise         → the HTTP fallback.
// A local server that does not answer (with JetStream) within NATS_START_TIMEOUT_MS (15 s) is stopped and the
// platform runs on the HTTP fallback, saying so.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { delimiter, join } from 'node:path';

/** The first executable `name` on PATH, or undefined. */
export function onPath(name, path = process.env.PATH ?? '') {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Resolves true once a NATS server at host:port greets with its INFO line and has JetStream on. */
function natsGreets(port, timeoutMs) {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    let buf = '';
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      done(/^INFO /.test(line) && /"jetstream"\s*:\s*true/.test(line));
    });
    s.once('error', () => done(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A nats-server of an earlier start (killed without stopping it) that still holds the store: its pid, if alive. */
function leftoverPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    process.kill(pid, 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('nats-server') && cmd.includes(pidFile) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function waitExit(pid, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(100);
  }
  return false;
}

/**
 * Decides the events path and, when it is a local nats-server, starts it. Answers
 * `{ mode: 'nats' | 'http', url?, describe, stop() }`: `url` goes to every service as NATS_URL,
 * `describe` is the start banner's line, `stop()` ends the local server (after the services).
 */
export async function eventsBus({ root, shared, log, env = process.env }) {
  const none = async () => undefined;
  if (env.NATS_URL) {
    return { mode: 'nats', url: env.NATS_URL, describe: `NATS JetStream at NATS_URL (${env.NATS_URL.replace(/\/\/[^@/]*@/, '//***@')})`, stop: none };
  }
  const fallback = (why) => ({ mode: 'http', describe: `HTTP fallback between the services (${why}; docs/architecture.md "Events")`, stop: none });
  if (/^(off|0|false|no)$/i.test(env.NATS ?? '')) return fallback('NATS=off');
  const bin = onPath('nats-server', env.PATH);
  if (!bin) return fallback('no nats-server on PATH');

  const dir = join(root, '.data', 'nats');
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'nats-server.pid');
  const logFile = join(dir, 'nats-server.log');
  const old = leftoverPid(pidFile);
  if (old) {
    log(`a nats-server of an earlier start still holds .data/nats (pid ${old}); stopping it`);
    process.kill(old, 'SIGTERM');
    if (!(await waitExit(old, 10_000))) process.kill(old, 'SIGKILL');
  }
  const port = env.NATS_PORT ? Number(env.NATS_PORT) : await shared.freePort(4222);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`NATS_PORT must be a TCP port, got ${env.NATS_PORT}`);
  const timeoutMs = Number(env.NATS_START_TIMEOUT_MS ?? 15_000);
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir, '-n', 'redheart-local', '-P', pidFile, '-l', logFile];

  // Supervised like the services: a crash is restarted on the same port and store (the services reconnect by themselves).
  const supervisor = new shared.Supervisor({ log: (line) => log(line) });
  const first = supervisor.add('nats-server', () => spawn(bin, args, { cwd: root, stdio: 'ignore' }));
  // and never outlives this process (a crash of the start script): the current one gets SIGTERM on exit
  const onExit = () => supervisor.child('nats-server')?.kill('SIGTERM');
  process.once('exit', onExit);
  const stop = async () => {
    await supervisor.stop('SIGTERM', 10_000);
    process.off('exit', onExit);
  };
  // On Ctrl+C the terminal's SIGINT reaches nats-server too, which exits while the services drain: that is no crash.
  const hold = () => supervisor.hold();
  let exited = false;
  first.once('exit', () => (exited = true));
  log(`starting nats-server -js on 127.0.0.1:${port} (store .data/nats, log .data/nats/nats-server.log) …`);
  const t = Date.now();
  while (!exited && Date.now() - t < timeoutMs) {
    if (await natsGreets(port, 1000)) {
      log(`NATS ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      const url = `nats://127.0.0.1:${port}`;
      return { mode: 'nats', url, describe: `NATS JetStream, a local nats-server on ${url} (store .data/nats)`, stop, hold };
    }
    await sleep(200);
  }
  await stop();
  const why = exited ? 'it exited' : `it did not answer within ${timeoutMs / 1000} s`;
  log(`nats-server did not start (${why}; see .data/nats/nats-server.log): the services use the HTTP fallback`);
  return fallback(`the local nats-server did not start: ${why}`);
}
