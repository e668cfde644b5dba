import type { FastifyInstance } from 'fastify';
import { bodyCheckedByDto, pageQueryDoc, pageRequest, parseDto, parseId, parseQuery, NO_BODY } from '@redheart/shared';
import { ListQuery, PreferencesBody, ReadAllBody } from './dto';
import { idParams, listErrors, markedSchema, notificationPage, preferences, preferencesBody, unreadSchema } from './schemas';
import type { NotificationService } from './service';

/** /api/notify/notifications: what is addressed to the caller (its account, its role in its organisation). */
export default async function notificationRoutes(app: FastifyInstance, opts: { notifications: NotificationService }) {
  const svc = opts.notifications;
  app.addHook('onRequest', app.authenticate);

  app.get('/api/notify/notifications', {
    schema: {
      tags: ['notifications'],
      summary: `My notifications, newest first, less the kinds I muted (keyset: ?before=<last id>&limit=; ${pageQueryDoc}; ?unread=true, ?kind=)`,
      response: { 200: notificationPage, ...listErrors },
      dto: { query: ListQuery },
    },
    handler: async (req) => {
      const q = await parseQuery(ListQuery, req.query);
      const paged = pageRequest({ page: q.page, limit: q.limit }, 20);
      return svc.list(req.user, { before: q.before, limit: q.limit ?? 20, unread: q.unread, kind: q.kind, paged });
    },
  });

  app.get('/api/notify/preferences', {
    schema: {
      tags: ['notifications'],
      summary: 'The notification kinds my role can receive, each muted or not (a muted kind is hidden from my list, bell and stream, and named to the outbound channels)',
      response: { 200: preferences },
    },
    handler: async (req) => ({ items: await svc.preferences(req.user) }),
  });

  app.put('/api/notify/preferences', {
    ...bodyCheckedByDto,
    schema: {
      tags: ['notifications'],
      summary: 'Set the kinds I mute (the whole set: the others are unmuted); 400 naming muted for a kind my role cannot receive (announcements cannot be muted)',
      body: preferencesBody,
      response: { 200: preferences, ...listErrors },
    },
    handler: async (req) => {
      const body = await parseDto(PreferencesBody, req.body);
      return { items: await svc.setMuted(req.user, [...new Set(body.muted)]) };
    },
  });

  app.get('/api/notify/notifications/unread-count', {
    schema: { tags: ['notifications'], summary: 'How many of my notifications are unread (the bell)', response: { 200: unreadSchema } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return { unread: await svc.unreadCount(req.user) };
    },
  });

  app.post<{ Params: { id: string } }>('/api/notify/notifications/:id/read', {
    schema: { tags: ['notifications'], summary: 'Mark one of my notifications read (404: not mine)', params: idParams, response: { 204: { type: 'null' } }, dto: { body: NO_BODY } },
    handler: async (req, reply) => {
      await svc.markRead(req.user, parseId(req.params.id, 'Notification'));
      return reply.status(204).send();
    },
  });

  app.post('/api/notify/notifications/read-all', {
    schema: {
      tags: ['notifications'],
      summary: 'Mark all my notifications read (up to upTo, the newest id I saw, when given)',
      response: { 200: markedSchema },
      dto: { body: ReadAllBody },
    },
    handler: async (req) => {
      const body = await parseQuery(ReadAllBody, req.body ?? {});
      return { marked: await svc.markAllRead(req.user, body.upTo) };
    },
  });
}
