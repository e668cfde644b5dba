import type { FastifyInstance } from 'fastify';
import { bodyCheckedByDto, parseDto, parseId, publicRateLimit, type PublicRateLimitOptions, requireRole, NO_BODY } from '@redheart/shared';
import { PublicNeedDto, PublicRatingDto } from './dto';
import {
  categoriesSchema, idParams, needBody, needCreatedSchema, needTrackSchema, publicErrors, rateTargetSchema, ratingBody, ratingDoneSchema, ratingLinkSchema,
  tokenParams, trackingParams,
} from './schemas';
import { RATING_LINK_ISSUERS, type ResidentService } from './service';

/** Writes without login (a need, a rating): 10 a minute per address. Reads by number or token: 30 a minute. */
export const RESIDENT_WRITE_LIMIT: PublicRateLimitOptions = { max: 10, windowMs: 60_000 };
export const RESIDENT_READ_LIMIT: PublicRateLimitOptions = { max: 30, windowMs: 60_000 };

export interface ResidentRouteOptions {
  residents: ResidentService;
  limits?: { write?: Partial<PublicRateLimitOptions>; read?: Partial<PublicRateLimitOptions> };
}

/**
 * 居民无需登录: the desk QR page's 反映需求, following it by its tracking number, and the rating link on a completion
 * notice. Everything under /api/volunteer/public/ passes the gateway without a token; the one staff route (issuing a
 * rating link) authenticates itself.
 */
export default async function residentRoutes(app: FastifyInstance, opts: ResidentRouteOptions) {
  const { residents } = opts;
  const write = publicRateLimit({ ...RESIDENT_WRITE_LIMIT, ...opts.limits?.write });
  const read = publicRateLimit({ ...RESIDENT_READ_LIMIT, ...opts.limits?.read });

  app.get('/api/volunteer/public/categories', {
    schema: { tags: ['public'], summary: 'The service categories a resident may report a need under (no login)', security: [], response: { 200: categoriesSchema } },
    handler: async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return residents.categories();
    },
  });

  app.post('/api/volunteer/public/needs', {
    onRequest: write,
    ...bodyCheckedByDto,
    schema: {
      tags: ['public'],
      summary: 'A resident reports a need from a convenience desk\'s QR page (no login; 10 a minute per address): it lands in the desk\'s community triage as REPORTED with source resident; answers the tracking number',
      security: [],
      body: needBody,
      response: { 201: needCreatedSchema, ...publicErrors }, dto: { body: PublicNeedDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(PublicNeedDto, req.body);
      const out = await residents.reportNeed(dto, req.id);
      return reply.status(201).header('cache-control', 'no-store').send(out);
    },
  });

  app.get<{ Params: { trackingNo: string } }>('/api/volunteer/public/needs/:trackingNo', {
    onRequest: read,
    schema: {
      tags: ['public'],
      summary: 'A resident follows a need by its tracking number (no login): status and steps, the description masked, nothing about the reporter',
      security: [],
      params: trackingParams,
      response: { 200: needTrackSchema, ...publicErrors },
    },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return residents.track(req.params.trackingNo);
    },
  });

  app.get<{ Params: { token: string } }>('/api/volunteer/public/rate/:token', {
    onRequest: read,
    schema: {
      tags: ['public'],
      summary: 'What a rating link rates (no login): the delivered item, masked, and whether it was rated already',
      security: [],
      params: tokenParams,
      response: { 200: rateTargetSchema, ...publicErrors },
    },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return residents.rateTarget(req.params.token);
    },
  });

  app.post('/api/volunteer/public/ratings', {
    onRequest: write,
    ...bodyCheckedByDto,
    schema: {
      tags: ['public'],
      summary: 'A resident rates a delivered item once through the link on its completion notice (no login): stars 1–5 and a comment; 409 ALREADY_RATED the second time',
      security: [],
      body: ratingBody,
      response: { 201: ratingDoneSchema, 409: publicErrors[400], ...publicErrors }, dto: { body: PublicRatingDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(PublicRatingDto, req.body);
      return reply.status(201).send(await residents.rate(dto, req.id));
    },
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/items/:id/rating-link', {
    onRequest: app.authenticate,
    preValidation: requireRole(...RATING_LINK_ISSUERS),
    schema: {
      tags: ['items'],
      summary: 'A one-time rating link for a delivered item, printed on its completion notice (the community); a new link replaces an unused earlier one; 409 once rated',
      params: idParams,
      response: { 201: ratingLinkSchema },
      dto: { body: NO_BODY },
    },
    handler: async (req, reply) => reply.status(201).send(await residents.ratingLink(req.user, parseId(req.params.id, 'Item'), req.id)),
  });
}
