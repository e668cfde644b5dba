import type { FastifyInstance } from 'fastify';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min,
} from 'class-validator';
import { bodyCheckedByDto, errorResponseSchema, pageQueryDoc, pageRequest, pageSchemaProperties, parseDto, parseId, parseQuery, requireRole, ROLES, NO_BODY } from '@redheart/shared';
import { ANNOUNCEMENT_PUBLISHERS, type AnnouncementService } from './service';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const ROLES_MSG = `roles 应为不重复的角色（${ROLES.join(' / ')}），最多 ${ROLES.length} 个`;

export class PublishAnnouncementDto {
  @Transform(trim) @IsString({ message: 'title 应为 2 至 80 个字' }) @Length(2, 80, { message: 'title 应为 2 至 80 个字' }) title: string;
  @Transform(trim) @IsString({ message: 'body 应为 2 至 5000 个字' }) @Length(2, 5000, { message: 'body 应为 2 至 5000 个字' }) body: string;
  @IsInt({ message: 'scopeOrgId 应为组织编号' }) @Min(1, { message: 'scopeOrgId 应为组织编号' }) scopeOrgId: number;
  @IsString({ message: 'scopePath 应为组织路径（如 /1/3/7/）' }) @Matches(/^(\/\d{1,12})+\/$/, { message: 'scopePath 应为组织路径（如 /1/3/7/）' }) scopePath: string;
  @Transform(trim) @IsString({ message: 'scopeName 应为 1 至 100 个字' }) @Length(1, 100, { message: 'scopeName 应为 1 至 100 个字' }) scopeName: string;
  @IsOptional() @IsArray({ message: ROLES_MSG }) @ArrayMaxSize(ROLES.length, { message: ROLES_MSG }) @ArrayUnique({ message: ROLES_MSG })
  @IsIn(ROLES as unknown as string[], { each: true, message: ROLES_MSG })
  roles?: (typeof ROLES)[number][];
  @IsOptional() @IsBoolean({ message: 'public 应为 true 或 false' }) public?: boolean;
  @IsOptional() @Transform(trim) @IsString({ message: 'publisherName 最多 100 个字' }) @Length(1, 100, { message: 'publisherName 最多 100 个字' }) publisherName?: string;
}

class ListQuery {
  @IsOptional() @IsIn(['received', 'managed'], { message: 'view 应为 received 或 managed' }) view?: 'received' | 'managed';
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

class PageQuery {
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}

const s = { type: 'string' } as const;
const ns = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: s } } as const;
/** Documented here, checked by the DTOs (a 400 naming the field). */
const pageQuery = { type: 'object', properties: { page: { type: 'integer', description: 'from 1' }, limit: { type: 'integer', description: '1–100' } } } as const;

const announcement = {
  type: 'object',
  properties: {
    id: int, title: s, body: s, scopeOrgId: int, scopeName: s, scopePath: s,
    roles: { type: ['array', 'null'], items: { type: 'string', enum: [...ROLES] } },
    public: { type: 'boolean' }, publisherName: s, publisherUsername: s,
    publishedAt: { type: 'string', format: 'date-time' }, withdrawnAt: { type: ['string', 'null'], format: 'date-time' },
    notificationId: { type: ['integer', 'null'] }, read: { type: 'boolean' }, readCount: { type: ['integer', 'null'] }, canManage: { type: 'boolean' },
  },
} as const;
const publicAnnouncement = { type: 'object', properties: { id: int, title: s, body: s, publisherName: s, publishedAt: { type: 'string', format: 'date-time' } } } as const;
const pageOf = (item: object, extra: object = {}) => ({ type: 'object', properties: { items: { type: 'array', items: item }, ...pageSchemaProperties, ...extra } });
const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema };

const publishBody = {
  type: 'object',
  required: ['title', 'body', 'scopeOrgId', 'scopePath', 'scopeName'],
  properties: {
    title: { type: 'string', minLength: 2, maxLength: 80 },
    body: { type: 'string', minLength: 2, maxLength: 5000 },
    scopeOrgId: { type: 'integer', minimum: 1, description: 'The organisation unit every account under which receives it' },
    scopePath: { type: 'string', pattern: '^(/[0-9]{1,12})+/$', description: 'That unit’s path (the org chart’s), within the publisher’s scope' },
    scopeName: { type: 'string', minLength: 1, maxLength: 100 },
    roles: { type: 'array', uniqueItems: true, maxItems: ROLES.length, items: { type: 'string', enum: [...ROLES] }, description: 'Only these roles (absent or empty: every role)' },
    public: { type: 'boolean', description: 'Also shown on the public pages (no login)' },
    publisherName: { type: 'string', minLength: 1, maxLength: 100, description: 'Shown as the publisher (default: the username)' },
  },
} as const;

/** 通知公告 (staff): publish, read, receipts, withdraw. */
export default async function announcementRoutes(app: FastifyInstance, opts: { announcements: AnnouncementService }) {
  const svc = opts.announcements;
  app.addHook('onRequest', app.authenticate);
  const publishers = requireRole(...ANNOUNCEMENT_PUBLISHERS);

  app.post('/api/notify/announcements', {
    ...bodyCheckedByDto,
    schema: {
      tags: ['announcements'],
      summary: 'Publish an announcement to every account (or the chosen roles) under one unit of my scope, optionally also public; it reaches their bells',
      body: publishBody,
      response: { 201: announcement, ...errors },
    },
    preValidation: publishers,
    handler: async (req, reply) => {
      const dto = await parseDto(PublishAnnouncementDto, req.body);
      return reply.status(201).send(await svc.publish({ user: req.user, requestId: req.id }, dto));
    },
  });

  app.get('/api/notify/announcements', {
    schema: {
      tags: ['announcements'],
      summary: `Announcements: view=received (default; addressed to me) or managed (publishers: published from my scope, with read counts); ${pageQueryDoc}`,
      querystring: { type: 'object', properties: { view: { type: 'string', enum: ['received', 'managed'] }, ...pageQuery.properties } },
      response: { 200: pageOf(announcement), ...errors },
    },
    handler: async (req) => {
      const q = await parseQuery(ListQuery, req.query);
      return svc.list(req.user, q.view ?? 'received', pageRequest({ page: q.page ?? 1, limit: q.limit }, 20)!);
    },
  });

  app.get<{ Params: { id: string } }>('/api/notify/announcements/:id', {
    schema: { tags: ['announcements'], summary: 'One announcement I received (opening it is my read receipt) or manage', params: idParams, response: { 200: announcement, ...errors } },
    handler: async (req) => svc.detail(req.user, parseId(req.params.id, 'Announcement')),
  });

  app.get<{ Params: { id: string } }>('/api/notify/announcements/:id/receipts', {
    schema: {
      tags: ['announcements'],
      summary: `Who has read an announcement I manage (newest first), how many, and of how many addressed; ${pageQueryDoc}`,
      params: idParams,
      querystring: pageQuery,
      response: {
        200: pageOf({ type: 'object', properties: { account: s, username: ns, role: ns, readAt: { type: 'string', format: 'date-time' } } }, {
          readCount: int,
          addressedCount: { type: ['integer', 'null'], description: 'the enabled accounts its scope and roles reach now (null: the org service could not say)' },
        }),
        ...errors,
      },
    },
    preValidation: publishers,
    handler: async (req) => {
      const id = parseId(req.params.id, 'Announcement');
      const q = await parseQuery(PageQuery, req.query);
      return svc.receipts(req.user, id, pageRequest({ page: q.page ?? 1, limit: q.limit }, 20)!);
    },
  });

  app.post<{ Params: { id: string } }>('/api/notify/announcements/:id/withdraw', {
    schema: {
      tags: ['announcements'],
      summary: 'Withdraw an announcement I manage: gone from every bell and the public pages (409 when already withdrawn); its receipts stay',
      params: idParams,
      response: { 200: announcement, ...errors, 409: errorResponseSchema },
      dto: { body: NO_BODY },
    },
    preValidation: publishers,
    handler: async (req) => svc.withdraw({ user: req.user, requestId: req.id }, parseId(req.params.id, 'Announcement')),
  });
}

/** The public announcements (公开信 …): no login, as the resident pages. */
export async function publicAnnouncementRoutes(app: FastifyInstance, opts: { announcements: AnnouncementService }) {
  app.get('/api/notify/public/announcements', {
    schema: {
      tags: ['announcements'],
      summary: `The public announcements, newest first (no login); ${pageQueryDoc}`,
      security: [],
      querystring: pageQuery,
      response: { 200: pageOf(publicAnnouncement), 400: errorResponseSchema },
    },
    handler: async (req, reply) => {
      const q = await parseQuery(PageQuery, req.query);
      reply.header('cache-control', 'public, max-age=60');
      return opts.announcements.publicList(pageRequest({ page: q.page ?? 1, limit: q.limit }, 10)!);
    },
  });
}
