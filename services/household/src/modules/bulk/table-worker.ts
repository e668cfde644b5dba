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
const BATCH = 500;

parentPort?.on('message', async (msg: { body: Uint8Array }) => {
  try {
    const table = await readTable(Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength));
    const rowCount = table.rows.length;
    const rows = rowCount > MAX_IMPORT_ROWS ? table.rows.slice(0, MAX_IMPORT_ROWS + 1) : table.rows;
    // in batches: each message is received as a task of its own, so the main thread takes the rows
    // in small slices between other requests instead of one long copy
    for (let i = 0; i < rows.length; i += BATCH) parentPort!.postMessage({ rows: rows.slice(i, i + BATCH) });
    parentPort!.postMessage({ ok: true, table: { header: table.header, rows: [], rowCount } });
  } catch (e) {
    const err = e instanceof AppError ? { statusCode: e.statusCode, code: e.code, message: e.message, details: e.details } : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ ok: false, error: err });
  }
});
