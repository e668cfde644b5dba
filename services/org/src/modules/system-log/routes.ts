import type { FastifyInstance } from 'fastify';
import { type AuthUser, pageSchema, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { errorSchema } from '../schemas';
import { SystemLogQuery } from './dto';
import { systemLogEntrySchema, systemLogQuerySchema } from './schemas';
import { listSystemLogFor } from './service';

/** GET /api/org/system-log (系统日志; ./service.ts). */
export default async function systemLogRoutes(app: FastifyInstance) {
  app.get('/api/org/system-log', {
    onRequest: [app.authenticate],
    // the role first (403), before the query is looked at
    preValidation: requireMay('systemLog.read'),
    schema: {
      tags: ['audit'],
      summary: 'The system log (系统日志): every service’s audit entries in one list, newest first, as they arrived on events; admins all, a street admin the entries of its street’s records; no before/after',
      querystring: systemLogQuerySchema,
      response: { 200: pageSchema(systemLogEntrySchema), 400: errorSchema, 403: errorSchema },
      dto: { query: SystemLogQuery },
    },
    handler: async (req) => listSystemLogFor(app.dbRead ?? app.db, req.user as AuthUser, await parseQuery(SystemLogQuery, req.query)),
  });
}
