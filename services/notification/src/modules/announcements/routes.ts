import type { FastifyInstance } from 'fastify';
import { bodyCheckedByDto, errorResponseSchema, pageQueryDoc, pageRequest, parseDto, parseId, parseQuery, requireRole, NO_BODY } from '@redheart/shared';
import { ListQuery, PageQuery, PublishAnnouncementDto } from './dto';
import { announcement, errors, idParams, pageOf, pageQuery, publicAnnouncement, publishBody, receiptPage } from './schemas';
import { ANNOUNCEMENT_PUBLISHERS, type AnnouncementService } from './service';

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
      response: { 200: receiptPage, ...errors },
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
