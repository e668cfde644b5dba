import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './embedded-pg';

// For the tests: a throw-away PostgreSQL primary and a streaming hot standby made with the
// machine's PostgreSQL binaries (initdb, pg_ctl, pg_basebackup -R). Never used by a running service.

/** Where the machine's PostgreSQL 15 binaries are (PG15_BIN overrides). */
export const PG15_BIN = process.env.PG15_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why a replica pair cannot be made here (the binaries are missing), or undefined when it can. */
export function replicaPairUnavailable(bin = PG15_BIN): string | undefined {
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres']) {
    if (!existsSync(join(bin, tool))) return `${join(bin, tool)} is missing (install PostgreSQL 15, or set PG15_BIN)`;
  }
  return undefined;
}

export interface ReplicaPair {
  /** Superuser URLs (database `postgres`) of the primary and the standby. */
  primaryUrl: string;
  standbyUrl: string;
  /** Resolves when the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** Stops and resumes the standby's replay (to show which server a read went to). */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
}

const query = async (url: string, sql: string, params: unknown[] = []) => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
};

/**
 * initdb a primary in a temp folder, start it on a free port, pg_basebackup -R a standby from it and
 * start that on another: password (scram) authentication for TCP, so roles log in as they would in
 * production. PostgreSQL refuses to run as root: then every binary runs as the `postgres` user.
 */
export async function startReplicaPair(bin = PG15_BIN): Promise<ReplicaPair> {
  const why = replicaPairUnavailable(bin);
  if (why) throw new Error(why);
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'rh-replica-'));
  const owner = asRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : undefined;
  const group = asRoot ? Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) : undefined;
  if (asRoot) chownSync(dir, owner!, group!);
  const password = 'replica-test';
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, password, { mode: 0o600 });
  if (asRoot) chownSync(pwfile, owner!, group!);
  const run = (tool: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const primaryDir = join(dir, 'primary');
  const standbyDir = join(dir, 'standby');
  const primaryPort = await freePort(0);
  const standbyPort = await freePort(0);
  const serverOpts = (port: number) => `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c max_connections=60 -c fsync=off`;
  const started: string[] = [];
  const stop = async () => {
    for (const d of started.reverse()) {
      try {
        run('pg_ctl', ['-D', d, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', primaryDir, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--no-sync']);
    run('pg_ctl', ['-D', primaryDir, '-o', serverOpts(primaryPort), '-l', join(dir, 'primary.log'), '-w', 'start']);
    started.push(primaryDir);
    run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream', '--no-sync'], { PGPASSWORD: password });
    run('pg_ctl', ['-D', standbyDir, '-o', serverOpts(standbyPort), '-l', join(dir, 'standby.log'), '-w', 'start']);
    started.push(standbyDir);
  } catch (e) {
    await stop();
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`could not make the replica pair: ${err.stderr?.toString() || err.message}`);
  }
  const url = (port: number) => `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const primaryUrl = url(primaryPort);
  const standbyUrl = url(standbyPort);
  return {
    primaryUrl,
    standbyUrl,
    caughtUp: async (timeoutMs = 30_000) => {
      const [{ lsn }] = await query(primaryUrl, 'SELECT pg_current_wal_lsn()::text AS lsn');
      const until = Date.now() + timeoutMs;
      for (;;) {
        const [{ done }] = await query(standbyUrl, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]);
        if (done) return;
        if (Date.now() > until) throw new Error(`the standby did not replay up to ${lsn} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    pauseReplay: async () => {
      await query(standbyUrl, 'SELECT pg_wal_replay_pause()');
      // The request is asynchronous: wait until replay has actually stopped.
      for (let i = 0; i < 600; i++) {
        const [{ state }] = await query(standbyUrl, 'SELECT pg_get_wal_replay_pause_state() AS state');
        if (state === 'paused') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the standby did not pause its replay');
    },
    resumeReplay: async () => {
      await query(standbyUrl, 'SELECT pg_wal_replay_resume()');
    },
    stop,
  };
}
