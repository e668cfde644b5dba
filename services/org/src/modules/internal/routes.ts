import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '@redheart/shared';
import { readRevocations } from '../auth/sessions';
import { CatalogueRepository } from '../catalogue/repository';
import { DESK_CODE, DeskRepository } from '../desks/repository';
import { deskCodeParams } from '../desks/schemas';
import { InternalRepository } from './repository';

/**
 * Service-to-service reads, guarded by a shared secret (never by a user token) and never routed by
 * the gateway: the household and volunteer services copy the community list (with paths, which
 * decide scope) from here.
 */
export default async function internalRoutes(app: FastifyInstance, opts: { internalToken?: string }) {
  const chart = new InternalRepository(app.db.manager);
  const readChart = new InternalRepository(app.dbRead.manager);
  const catalogue = new CatalogueRepository(app.db.manager);
  const desks = new DeskRepository(app.db.manager);
  const expected = opts.internalToken ? Buffer.from(opts.internalToken) : undefined;
  app.addHook('onRequest', async (req) => {
    const given = req.headers['x-internal-token'];
    const buf = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!expected || !buf || buf.length !== expected.length || !timingSafeEqual(buf, expected)) throw notFound('Route');
  });

  app.get('/api/org/internal/communities', {
    schema: {
      hide: true,
      response: {
        200: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, path: { type: 'string' }, streetName: { type: ['string', 'null'] }, divisionCode: { type: ['string', 'null'] } } },
        },
      },
    },
    handler: async () => chart.communities(),
  });

  // The service catalogue (政务服务事项目录清单): the household service takes 一网通办 applications for these.
  app.get('/api/org/internal/catalogue', {
    schema: {
      hide: true,
      response: {
        200: {
          type: 'array',
          items: {
            type: 'object',
            properties: { id: { type: 'integer' }, code: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' }, materials: { type: 'array', items: { type: 'string' } }, timeLimitDays: { type: 'integer' }, version: { type: 'integer' } },
          },
        },
      },
    },
    handler: async () => catalogue.copyForServices(),
  });

  // A convenience desk by the code its QR page carries: the volunteer service files a resident's need from that page
  // into the desk's community. A desk of an archived community is gone (404), as on the public page.
  app.get<{ Params: { code: string } }>('/api/org/internal/desks/:code', {
    schema: {
      hide: true,
      params: deskCodeParams,
      response: {
        200: { type: 'object', properties: { code: { type: 'string' }, building: { type: 'string' }, communityId: { type: 'integer' }, communityName: { type: 'string' } } },
      },
    },
    handler: async (req) => {
      if (!DESK_CODE.test(req.params.code)) throw notFound('Desk');
      const desk = await desks.findInternal(req.params.code);
      if (!desk) throw notFound('Desk');
      return desk;
    },
  });

  // Ended sessions, in feed order: ?after=<the previous answer's cursor> (none: the last quarter of an hour).
  app.get<{ Querystring: { after?: string } }>('/api/org/internal/sessions/revocations', {
    schema: { hide: true },
    handler: async (req) => {
      const raw = req.query.after;
      if (raw !== undefined && !/^\d{1,15}$/.test(raw)) throw badRequest('after 必须是非负整数', [{ field: 'after', errors: ['not a non-negative integer'] }]);
      return readRevocations(app.db, raw === undefined ? null : Number(raw));
    },
  });

  // How many accounts an announcement is addressed to (the notification service's read receipts: read N of M): the
  // enabled accounts whose own organisation lies under `under`, of `roles` (comma-separated; none: every role).
  app.get<{ Querystring: { under: string; roles?: string } }>('/api/org/internal/accounts/count', {
    schema: {
      hide: true,
      querystring: {
        type: 'object', required: ['under'],
        properties: { under: { type: 'string', pattern: '^(/[0-9]{1,12})+/$' }, roles: { type: 'string', pattern: '^[a-z_]{1,40}(,[a-z_]{1,40}){0,20}$' } },
      },
      response: { 200: { type: 'object', properties: { count: { type: 'integer' } } } },
    },
    handler: async (req) => {
      const roles = req.query.roles ? req.query.roles.split(',') : null;
      return { count: await readChart.enabledAccountsUnder(req.query.under, roles) };
    },
  });

  app.get('/api/org/internal/work-units', {
    schema: {
      hide: true,
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, path: { type: 'string' }, department: { type: 'boolean' } } } } },
    },
    handler: async () => chart.workUnits(),
  });
}
