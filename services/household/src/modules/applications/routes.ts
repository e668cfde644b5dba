import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery, sendIdempotent } from '@redheart/shared';
import { requireMay } from '../../policy';
import { ApplicationStatsQuery, ApplicationTransitionDto, CatalogueQuery, CreateApplicationDto, ListApplicationsQuery } from './dto';
import { applicationDetailSchema, applicationListSchema, applicationStatsSchema, catalogueListSchema } from './schemas';
import type { ApplicationService } from './service';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;

/** 一网通办: service applications taken at a community's window (docs/api.md, "Service applications"). */
export default async function applicationRoutes(app: FastifyInstance, opts: { applications: ApplicationService }) {
  const { applications } = opts;
  app.addHook('onRequest', app.authenticate);
  // The role first (403), before the body is read or validated.
  app.addHook('preValidation', requireMay('readApplications'));

  app.get('/api/household/service-catalogue', {
    schema: { tags: ['service-applications'], summary: 'The catalogue of services communities handle (政务服务事项目录清单), with materials and time limits; ?q= name or code', response: { 200: catalogueListSchema }, dto: { query: CatalogueQuery } },
    handler: async (req) => applications.services(req.user, (await parseQuery(CatalogueQuery, req.query)).q),
  });

  app.post('/api/household/service-applications', {
    preValidation: requireMay('takeApplications'),
    schema: { tags: ['service-applications'], summary: 'Take a resident\'s application for a catalogue service (SUBMITTED) with the materials handed in; Idempotency-Key makes retries safe', response: { 201: applicationDetailSchema, 200: applicationDetailSchema }, dto: { body: CreateApplicationDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateApplicationDto, req.body);
      return sendIdempotent(app.db, req, reply, 201, (m) => applications.create({ user: req.user, requestId: req.id }, dto, m));
    },
  });

  app.get('/api/household/service-applications', {
    schema: { tags: ['service-applications'], summary: 'The application queue in scope: status, serviceId, communityId, overdue, q (number, applicant, service); numbered pages', response: { 200: applicationListSchema }, dto: { query: ListApplicationsQuery } },
    handler: async (req) => applications.list(req.user, await parseQuery(ListApplicationsQuery, req.query)),
  });

  app.get('/api/household/service-applications/stats', {
    schema: { tags: ['service-applications'], summary: 'Applications per service and per community in scope (or one community): total, open, done, rejected, handed over, overdue, done in time', response: { 200: applicationStatsSchema }, dto: { query: ApplicationStatsQuery } },
    handler: async (req) => applications.stats(req.user, await parseQuery(ApplicationStatsQuery, req.query)),
  });

  app.get<{ Params: { id: string } }>('/api/household/service-applications/:id', {
    schema: { tags: ['service-applications'], summary: 'An application with its materials checklist, time limit light, timeline and the actions you may take', params: idParams, response: { 200: applicationDetailSchema } },
    handler: async (req) => applications.detail(app.db.manager, req.user, parseId(req.params.id, 'Application')),
  });

  app.post<{ Params: { id: string } }>('/api/household/service-applications/:id/transitions', {
    schema: { tags: ['service-applications'], summary: 'Every state change: {action, version, …} (request_supplement, supplement, accept, hand_over, complete, reject, withdraw); stale version → 409', params: idParams, response: { 200: applicationDetailSchema }, dto: { body: ApplicationTransitionDto } },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Application');
      const dto = await parseDto(ApplicationTransitionDto, req.body);
      return sendIdempotent(app.db, req, reply, 200, (m) => applications.transition({ user: req.user, requestId: req.id }, id, dto, m), { id });
    },
  });
}
