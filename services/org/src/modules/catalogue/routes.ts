import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery } from '@redheart/shared';
import { requireMay } from '../../policy';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CatalogueQuery, CreateCatalogueServiceDto, SetCommunityCatalogueDto, UpdateCatalogueServiceDto } from './dto';
import { catalogueServiceSchema } from './schemas';
import { CatalogueServiceService } from './service';

/** The service catalogue (政务服务事项目录清单, the county's) and what each community offers of it. */
export default async function catalogueRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new CatalogueServiceService(app.db);

  app.get('/api/org/catalogue', {
    schema: { tags: ['catalogue'], summary: 'The service catalogue, searchable by name or code and by category', response: { 200: list(catalogueServiceSchema) }, dto: { query: CatalogueQuery } },
    handler: async (req) => {
      const q = await parseQuery(CatalogueQuery, req.query);
      return service.search(q.q, q.category);
    },
  });

  app.post('/api/org/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Add a service to the catalogue (admin)', response: { 201: catalogueServiceSchema }, dto: { body: CreateCatalogueServiceDto } },
    preValidation: requireMay('catalogue.write'),
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCatalogueServiceDto, req.body);
      const created = await service.create(requestCtx(req), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/catalogue/:id', {
    schema: { tags: ['catalogue'], summary: 'Edit a catalogue service (admin, optimistic version)', params: idParams, response: { 200: catalogueServiceSchema }, dto: { body: UpdateCatalogueServiceDto } },
    preValidation: requireMay('catalogue.write'),
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Catalogue service'), await parseDto(UpdateCatalogueServiceDto, req.body)),
  });

  app.get<{ Params: { id: string } }>('/api/org/units/:id/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Services a community offers', params: idParams, response: { 200: list(catalogueServiceSchema) } },
    handler: async (req) => service.offeredBy(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.put<{ Params: { id: string } }>('/api/org/units/:id/catalogue', {
    schema: { tags: ['catalogue'], summary: 'Set the services a community offers, all at once', params: idParams, response: { 200: list(catalogueServiceSchema) }, dto: { body: SetCommunityCatalogueDto } },
    handler: async (req) => service.setOffered(requestCtx(req), parseId(req.params.id, 'Organisation'), await parseDto(SetCommunityCatalogueDto, req.body)),
  });
}
