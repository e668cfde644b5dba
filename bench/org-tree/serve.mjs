// Child process of run.mjs: builds the real org service or the real gateway (their built dist,
// their own buildApp) and listens on a free 127.0.0.1 port, like `npm start` runs each in its own
// process. Driven over IPC (serveOverIpc of bench/lib/common.mjs): {cmd:'start', kind, options} →
// {ready, port}; {cmd:'cpu'} → {cpu}; {cmd:'stop'} → exit.
import { join } from 'node:path';
import { require, root, serveOverIpc } from '../lib/common.mjs';

serveOverIpc(async ({ kind, options: o }) => {
  // Same log level as `npm start` runs the services with (LOG_LEVEL=warn): no per-request lines.
  const logger = { level: 'warn' };
  if (kind === 'org') {
    const { buildApp } = require(join(root, 'services/org/dist/src/app.js'));
    const { createOrgDataSource } = require(join(root, 'services/org/dist/src/data-source.js'));
    return buildApp({
      config: {
        privateKey: o.privateKey,
        publicKey: o.publicKey,
        secureCookies: false,
        refreshTokenDays: 7,
        loginThrottle: { addressMaxFailures: 1000, maxFailures: 5 },
      },
      // the server's own pool size (createOrgDataSource's default), as server.ts uses it
      dataSource: createOrgDataSource(o.databaseUrl),
      ownsDataSource: true,
      logger,
    });
  }
  if (kind === 'gateway') {
    const { buildApp } = require(join(root, 'services/gateway/dist/app.js'));
    return buildApp({ config: o.config, logger });
  }
  throw new Error(`unknown kind ${kind}`);
});
