/**
 * Node's on-disk module compile cache (`module.enableCompileCache`, Node.js ≥ 22.1): the second start of a
 * process reuses the V8 code of every module it loaded (typeorm, class-validator, fastify, …) instead of
 * compiling it again (bench/startup, docs/benchmarks.md "Start-up"). `enable-compile-cache.ts` turns it on as
 * the FIRST import of every service's and the gateway's server.ts, before anything else loads; this file
 * requires nothing but node: modules and does nothing when imported. On Node.js 20 (no such API) both
 * functions do nothing.
 *
 * `COMPILE_CACHE=off` disables it; `COMPILE_CACHE_DIR` is the folder (`npm start`: `.data/compile-cache`;
 * default `<os.tmpdir()>/redheart-compile-cache`). Node's own `NODE_COMPILE_CACHE`, when set, wins (Node
 * enabled it before this runs). The cache is keyed by each file's content, so a rebuilt file is compiled anew.
 */
import * as nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface CompileCacheApi {
  enableCompileCache?: (dir?: string) => { status: number; message?: string; directory?: string };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: Record<string, number> };
}
const api = nodeModule as unknown as CompileCacheApi;

/** Where the cache is kept, or undefined when it is off (COMPILE_CACHE=off). */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (['off', '0', 'false'].includes((env.COMPILE_CACHE ?? '').toLowerCase())) return undefined;
  return env.COMPILE_CACHE_DIR || join(tmpdir(), 'redheart-compile-cache');
}

/** Enables the cache when this Node.js has it and it is not off; returns the folder in use, if any. */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = compileCacheDir(env);
  if (!dir || typeof api.enableCompileCache !== 'function') return undefined;
  try {
    const result = api.enableCompileCache(dir);
    // ENABLED or ALREADY_ENABLED (NODE_COMPILE_CACHE): a folder; FAILED / DISABLED: none (never fatal)
    return result.directory;
  } catch {
    return undefined;
  }
}

/**
 * Writes what has been compiled so far (Node.js ≥ 22.10; earlier 22.x write it at exit): called once a
 * process is listening, so a process killed later (SIGKILL, a crash) still leaves a warm cache behind.
 */
export function flushCompileCache(): void {
  try {
    api.flushCompileCache?.();
  } catch {
    /* a cache that cannot be written only costs the next start its compile time */
  }
}
