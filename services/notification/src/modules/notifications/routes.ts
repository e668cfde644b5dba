import type { FastifyInstance } from 'fastify';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { bodyCheckedByDto, errorResponseSchema, pageQueryDoc, pageRequest, pageSchemaProperties, parseDto, parseId, parseQuery, NO_BODY } from '@redheart/shared';
import { ANNOUNCEMENT_KIND, RECORD_TYPES, RULE_KINDS, RULES } from './rules';
import type { NotificationService } from './service';

const KINDS = [...new Set(RULES.map((r) => r.kind)), ANNOUNCEMENT_KIND];

class ListQuery {
  @IsOptional() @IsInt() @Min(1) before?: number;
  /** Numbered pages (the console's list convention): ?page=&limit= with the total. */
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
  @IsOptional() @IsBoolean() unread?: boolean;
  @IsOptional() @IsIn(KINDS) kind?: string;
}

class PreferencesBody {
  @IsArray({ message: 'muted 应为通知类型的列表' }) @ArrayMaxSize(RULE_KINDS.length, { message: 'muted 应为通知类型的列表' })
  @IsString({ each: true, message: 'muted 应为通知类型的列表' })
  muted: string[];
}

const preferences = {
  type: 'object',
  properties: { items: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, muted: { type: 'boolean' } } } } },
} as const;

class ReadAllBody {
  @IsOptional() @IsInt() @Min(1) upTo?: number;
}

const notification = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string', enum: KINDS },
    recordType: { type: 'string', enum: RECORD_TYPES },
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
      summary: `My notifications, newest first, less the kinds I muted (keyset: ?before=<last id>&limit=; ${pageQueryDoc}; ?unread=true, ?kind=)`,
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: notification }, nextBefore: { type: ['integer', 'null'] }, ...pageSchemaProperties } },
        400: errorResponseSchema,
      },
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
      body: { type: 'object', required: ['muted'], properties: { muted: { type: 'array', maxItems: RULE_KINDS.length, items: { type: 'string' } } } },
      response: { 200: preferences, 400: errorResponseSchema },
    },
    handler: async (req) => {
      const body = await parseDto(PreferencesBody, req.body);
      return { items: await svc.setMuted(req.user, [...new Set(body.muted)]) };
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
