// Child process of run.mjs: builds the real org service or the real gateway (their built dist,
// their own buildApp) and listens on a free 127.0.0.1 port, like `npm start` runs each in its own
// process. Driven over IPC: {cmd:'start', kind, options} → {ready, port}; {cmd:'stop'} → exit.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let app;

async function start(kind, o) {
  // Same log level as `npm start` runs the services with (LOG_LEVEL=warn): no per-request lines.
  const logger = { level: 'warn' };
  if (kind === 'org') {
    const { buildApp } = require(join(root, 'services/org/dist/src/app.js'));
    const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
    app = await buildApp({
      config: {
        privateKey: o.privateKey,
        publicKey: o.publicKey,
        secureCookies: false,
        refreshTokenDays: 7,
        loginRateLimit: { max: 1000, timeWindow: '1 minute' },
        lockout: { maxFailures: 5, minutes: 15 },
      },
      // the server's own pool size (createOrgDataSource's default), as server.ts uses it
      dataSource: createOrgDataSource(o.databaseUrl),
      ownsDataSource: true,
      logger,
    });
  } else if (kind === 'gateway') {
    const { buildApp } = require(join(root, 'services/gateway/dist/app.js'));
    app = await buildApp({ config: o.config, logger });
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

process.on('message', (msg) => {
  if (msg?.cmd === 'start') {
    start(msg.kind, msg.options).then(
      (port) => process.send({ ready: true, port }),
      (err) => {
        process.send({ ready: false, error: err instanceof Error ? err.stack : String(err) });
        process.exit(1);
      },
    );
  } else if (msg?.cmd === 'cpu') {
    // CPU time this process has used so far (µs), so run.mjs can put a CPU cost on each request
    const u = process.cpuUsage();
    process.send({ cpu: u.user + u.system });
  } else if (msg?.cmd === 'stop') {
    const done = () => process.exit(0);
    (app ? app.close() : Promise.resolve()).then(done, done);
  }
});
// run.mjs gone (killed): do not linger
process.on('disconnect', () => process.exit(0));
