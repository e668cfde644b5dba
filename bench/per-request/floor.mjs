// The floor of bench/per-request: a plain Fastify + pg server (no TypeORM, no class-validator, no services'
// plugins) that, for `GET /floor/<name>`, checks the bearer token exactly as the services do (the shared
// authPlugin on ES256 with its verified-token cache and the ended-sessions feed of the org service), then
// runs the SQL statements the real service sent for that request (recorded by capture.cjs), with the same
// values and, where the service prepared them (a named statement), prepared the same way, on one pooled connection, and answers the rows of the statement that returned the most.
// Forked by run.mjs (startChild); one pool per service database, as many connections as a service's pool.
import { join } from 'node:path';
import { require, root, serveOverIpc } from '../lib/common.mjs';

const Fastify = require(require.resolve('fastify', { paths: [join(root, 'services/org')] }));
const pg = require(require.resolve('pg', { paths: [join(root, 'shared')] }));
const shared = require(join(root, 'shared/dist/index.js'));

serveOverIpc(async ({ options }) => {
  const { publicKey, databases, requests, orgUrl, internalToken, poolSize, timezone } = options;
  const pools = Object.fromEntries(
    Object.entries(databases).map(([name, url]) => [name, new pg.Pool({ connectionString: url, max: poolSize, options: `-c timezone=${timezone}` })]),
  );
  const app = Fastify({ logger: false });
  const source = new shared.PollingRevocationSource(shared.httpRevocationFetch(orgUrl, internalToken));
  await app.register(shared.authPlugin, { publicKey, revocations: shared.revokedSessionsFor(app, source) });
  app.addHook('onClose', async () => Promise.all(Object.values(pools).map((p) => p.end())));
  for (const [name, r] of Object.entries(requests)) {
    const pool = pools[r.db];
    app.get(`/floor/${name}`, { onRequest: app.authenticate }, async () => {
      const client = await pool.connect();
      try {
        let best = [];
        for (const s of r.statements) {
          // named as the service names it (a prepared statement, planned once per connection), unnamed when it was
          const res = await client.query(s.name ? { name: s.name, text: s.text, values: s.values } : { text: s.text, values: s.values });
          if (res.rows && res.rows.length >= best.length) best = res.rows;
        }
        return { items: best };
      } finally {
        client.release();
      }
    });
  }
  return app;
});
