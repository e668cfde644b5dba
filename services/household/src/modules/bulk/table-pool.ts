import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { AppError } from '@redheart/shared';
import { readTable, type Table } from './sheet';

type Reply = { ok: true; table: Table } | { ok: false; error: { statusCode?: number; code?: string; message: string; details?: unknown } };

/** At most this many uploads are parsed at once; more wait their turn (each worker holds one file). */
export const DEFAULT_TABLE_WORKERS = 2;

/**
 * Reads uploads (CSV or .xlsx) in worker threads so that parsing a 10 MB file never holds the
 * service's event loop: the other requests keep being answered meanwhile (bench/import). At most
 * `size` workers, started on first use and kept; `size` 0 parses on the event loop (the benchmark's
 * "before"). Under jest the sources are TypeScript, so the worker loads them through ts-node.
 */
export class TableReaderPool {
  private readonly idle: Worker[] = [];
  private started = 0;
  private readonly waiting: ((w: Worker) => void)[] = [];
  private closed = false;

  constructor(private readonly size = DEFAULT_TABLE_WORKERS) {}

  async read(body: Buffer): Promise<Table> {
    if (this.size <= 0) return readTable(body);
    const worker = await this.acquire();
    let healthy = true;
    try {
      const reply = await this.run(worker, body).catch((err: unknown) => {
        healthy = false;
        throw err;
      });
      if (!reply.ok) {
        const e = reply.error;
        if (e.statusCode) throw new AppError(e.statusCode, e.code ?? 'IMPORT_INVALID', e.message, e.details);
        throw new Error(`reading the upload failed: ${e.message}`);
      }
      return reply.table;
    } finally {
      this.release(worker, healthy);
    }
  }

  /** Stops the workers (the app's onClose). */
  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    await Promise.all(all.map((w) => w.terminate()));
  }

  private run(worker: Worker, body: Buffer): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const rows: Table['rows'] = [];
      const onMessage = (m: Reply | { rows: Table['rows'] }) => {
        if ('rows' in m) {
          for (const r of m.rows) rows.push(r);
          return;
        }
        off();
        if (m.ok) m.table.rows = rows;
        resolve(m);
      };
      const onError = (err: Error) => {
        off();
        reject(err);
      };
      const onExit = (code: number) => {
        off();
        reject(new Error(`the table worker stopped (exit ${code})`));
      };
      const off = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const copy = new Uint8Array(body); // its own ArrayBuffer, handed over without another copy
      worker.postMessage({ body: copy }, [copy.buffer]);
    });
  }

  private acquire(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return Promise.resolve(w);
    if (this.started < this.size) {
      this.started++;
      return Promise.resolve(spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker, healthy: boolean): void {
    if (!healthy || this.closed) {
      void worker.terminate();
      this.started--;
      const next = this.waiting.shift();
      if (next && !this.closed) {
        this.started++;
        next(spawn());
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }
}

function spawn(): Worker {
  const ts = __filename.endsWith('.ts');
  const file = join(__dirname, `table-worker${ts ? '.ts' : '.js'}`);
  const project = join(__dirname, '../../../tsconfig.json');
  const worker = ts
    ? new Worker(`require('ts-node').register({ transpileOnly: true, project: ${JSON.stringify(project)} }); require(${JSON.stringify(file)});`, { eval: true })
    : new Worker(file);
  worker.unref(); // an idle worker never keeps the process alive
  return worker;
}
