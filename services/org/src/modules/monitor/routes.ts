import type { FastifyInstance } from 'fastify';
import { parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { errorSchema } from '../schemas';
import { LoginLogQuery, loginLogPageSchema, loginLogQuerySchema, sessionParams, SessionsQuery, sessionsPageSchema, sessionsQuerySchema } from './schemas';
import { MonitorService } from './service';

/**
 * 系统监控: the login log (登录日志) and the online sessions (在线用户) with a forced logout. The
 * operation log (操作日志) is each service's GET …/audit (shared/src/audit-route.ts).
 */
export default async function monitorRoutes(app: FastifyInstance, opts: { onSessionsEnded?: () => Promise<void> }) {
  const service = new MonitorService(app.db, app.dbRead, opts.onSessionsEnded);
  app.addHook('onRequest', app.authenticate);
  // the role first (403), before the query or the params are looked at
  app.addHook('preValidation', requireMay('monitor.read'));

  app.get('/api/org/login-log', {
    schema: {
      tags: ['monitor'], summary: 'The login log, newest first: every attempt (success, bad_password, locked, disabled, throttled) by username and address; admins all, a street admin its street’s accounts',
      querystring: loginLogQuerySchema,
      response: { 200: loginLogPageSchema, 400: errorSchema }, dto: { query: LoginLogQuery }
    },
    handler: async (req) => service.loginLog(req.user, await parseQuery(LoginLogQuery, req.query)),
  });

  app.get('/api/org/sessions', {
    schema: {
      tags: ['monitor'], summary: 'Online sessions (a live refresh token), latest activity first: who, since when, last seen, address; admins all, a street admin its street’s accounts',
      querystring: sessionsQuerySchema,
      response: { 200: sessionsPageSchema, 400: errorSchema }, dto: { query: SessionsQuery }
    },
    handler: async (req) => service.sessions(req.user, await parseQuery(SessionsQuery, req.query)),
  });

  app.delete<{ Params: { sessionId: string } }>('/api/org/sessions/:sessionId', {
    schema: {
      tags: ['monitor'], summary: 'Forced logout of one session: its next request gets 401 SESSION_ENDED (everywhere within a second); audited',
      params: sessionParams,
      response: { 204: { type: 'null' }, 404: errorSchema },
    },
    handler: async (req, reply) => {
      await service.endSession({ user: req.user, requestId: req.id }, req.params.sessionId);
      return reply.status(204).send();
    },
  });
}
