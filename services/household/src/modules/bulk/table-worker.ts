import { parentPort } from 'node:worker_threads';
import { AppError } from '@redheart/shared';
import { MAX_IMPORT_ROWS } from './issues';
import { readTable } from './sheet';

/**
 * The worker thread of TableReaderPool: reads one upload (CSV decoding and parsing, or unzipping an
 * .xlsx) per message, off the service's event loop. A file with more rows than an import takes
 * sends back only the first MAX_IMPORT_ROWS + 1 and the true count: enough for the 400, and no
 * 100,000-row copy for the main thread to receive.
 */
parentPort?.on('message', async (msg: { body: Uint8Array }) => {
  try {
    const table = await readTable(Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength));
    const rowCount = table.rows.length;
    if (rowCount > MAX_IMPORT_ROWS) table.rows = table.rows.slice(0, MAX_IMPORT_ROWS + 1);
    parentPort!.postMessage({ ok: true, table: { ...table, rowCount } });
  } catch (e) {
    const err = e instanceof AppError ? { statusCode: e.statusCode, code: e.code, message: e.message, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ ok: false, error: err });
  }
});
