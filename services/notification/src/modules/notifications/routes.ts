import type { FastifyInstance } from 'fastify';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { parseId, parseQuery, NO_BODY } from '@redheart/shared';
import { RULES } from './rules';
import type { NotificationService } from './service';

const KINDS = [...new Set(RULES.map((r) => r.kind))];

class ListQuery {
  @IsOptional() @IsInt() @Min(1) before?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsBoolean() unread?: boolean;
  @IsOptional() @IsIn(KINDS) kind?: string;
}

class ReadAllBody {
  @IsOptional() @IsInt() @Min(1) upTo?: number;
}

const notification = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: KINDS },
    recordType: { type: 'string', enum: ['case', 'item', 'unit_report'] },
    recordId: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } },
    actor: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    read: { type: 'boolean' },
  },
} as const;

/** /api/notify/notifications: what is addressed to the caller (its account, its role in its organisation). */
export default async function notificationRoutes(app: FastifyInstance, opts: { notifications: NotificationService }) {
  const svc = opts.notifications;
  app.addHook('onRequest', app.authenticate);

  app.get('/api/notify/notifications', {
    schema: {
      tags: ['notifications'],
      summary: 'My notifications, newest first (keyset: ?before=<last id>&limit=, ?unread=true, ?kind=)',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: notification }, nextBefore: { type: ['integer', 'null'] } } } }, dto: { query: ListQuery }
    },
    handler: async (req) => {
      const q = await parseQuery(ListQuery, req.query);
      return svc.list(req.user, { before: q.before, limit: q.limit ?? 20, unread: q.unread, kind: q.kind });
    },
  });

  app.get('/api/notify/notifications/unread-count', {
    schema: { tags: ['notifications'], summary: 'How many of my notifications are unread (the bell)', response: { 200: { type: 'object', properties: { unread: { type: 'integer' } } } } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return { unread: await svc.unreadCount(req.user) };
    },
  });

  app.post<{ Params: { id: string } }>('/api/notify/notifications/:id/read', {
    schema: { tags: ['notifications'], summary: 'Mark one of my notifications read (404: not mine)', response: { 204: { type: 'null' } }, dto: { body: NO_BODY } },
    handler: async (req, reply) => {
      await svc.markRead(req.user, parseId(req.params.id, 'Notification'));
      return reply.status(204).send();
    },
  });

  app.post('/api/notify/notifications/read-all', {
    schema: {
      tags: ['notifications'],
      summary: 'Mark all my notifications read (up to upTo, the newest id I saw, when given)',
      response: { 200: { type: 'object', properties: { marked: { type: 'integer' } } } },
      dto: { body: ReadAllBody },
    },
    handler: async (req) => {
      const body = await parseQuery(ReadAllBody, req.body ?? {});
      return { marked: await svc.markAllRead(req.user, body.upTo) };
    },
  });
}
