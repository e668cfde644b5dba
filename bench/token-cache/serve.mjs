// Child process of run.mjs: a Fastify app with the auth stack every service registers (request ids,
// error handler, input guard, the shared authPlugin with ended sessions checked) and one cheap
// authenticated route, built from shared's dist and listening on a free 127.0.0.1 port.
// Driven over IPC (serveOverIpc of bench/lib/common.mjs): {cmd:'start', options: {publicKey, cacheSize}}.
import { loadShared, require, serveOverIpc } from '../lib/common.mjs';

serveOverIpc(async ({ options: o }) => {
  const Fastify = require('fastify');
  const { authPlugin, DEFAULT_BODY_LIMIT, genReqId, registerErrorHandler, registerInputGuard, RevokedSessions } = loadShared();
  const app = Fastify({ logger: { level: 'warn' }, genReqId, trustProxy: true, bodyLimit: DEFAULT_BODY_LIMIT });
  registerErrorHandler(app);
  registerInputGuard(app);
  // one ended session (not the bench's), so the check has something to look up
  const revoked = new RevokedSessions();
  revoked.apply([{ id: 1, accountId: 'nobody', sessionId: '00000000-0000-4000-8000-000000000000', epoch: 0, at: new Date().toISOString() }]);
  await app.register(authPlugin, { publicKey: o.publicKey, cacheSize: o.cacheSize, revocations: revoked });
  app.get('/api/bench/me', { onRequest: [app.authenticate] }, async (request) => {
    const u = request.user;
    return { sub: u.sub, username: u.username, role: u.role, orgId: u.orgId };
  });
  return app;
});
