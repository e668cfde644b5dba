import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery } from '@redheart/shared';
import { writesNeed } from '../../policy';
import { ArchiveUnitDto, ChildrenQuery, CreateUnitDto, MoveUnitDto, SearchQuery, UpdateUnitDto } from './dto';
import { UnitService } from './service';
import { idParams, orgTypeSchema } from '../schemas';
import { orgUnitList as list, orgUnitSchema, orgUnitWithAncestorsSchema, ancestorsSchema, orgUnitProperties } from './schemas';


export default async function unitRoutes(app: FastifyInstance) {
  const service = new UnitService(app.db);
  app.addHook('onRequest', app.authenticate);
  // A role that may change nothing in the chart is refused first (403), before its body is read.
  app.addHook('preValidation', writesNeed('org.write'));
  const ctx = (req: { user: import('@redheart/shared').AuthUser; id: string }) => ({ user: req.user, requestId: req.id });

  app.get('/api/org/units/roots', {
    schema: { tags: ['org'], summary: 'Top organisations of the caller’s scope', response: { 200: list } },
    handler: async (req) => service.roots(req.user),
  });

  app.get('/api/org/units/search', {
    schema: {
      tags: ['org'], summary: 'Search organisations by name within scope',
      response: { 200: { type: 'array', items: { type: 'object', properties: { ...orgUnitProperties, ancestors: ancestorsSchema } } } }, dto: { query: SearchQuery }
    },
    handler: async (req) => {
      const q = await parseQuery(SearchQuery, req.query);
      return service.search(req.user, q.q.trim(), q.type, q.limit ?? 20);
    },
  });

  app.get<{ Params: { id: string } }>('/api/org/units/:id', {
    schema: { tags: ['org'], summary: 'One organisation with its ancestors', params: idParams, response: { 200: orgUnitWithAncestorsSchema } },
    handler: async (req) => service.get(req.user, parseId(req.params.id, 'Organisation')),
  });

  app.get<{ Params: { id: string } }>('/api/org/units/:id/children', {
    schema: { tags: ['org'], summary: 'Children, optionally as the tree stood on a past date (asOf)', params: idParams, response: { 200: list }, dto: { query: ChildrenQuery } },
    handler: async (req) => {
      const q = await parseQuery(ChildrenQuery, req.query);
      return service.children(req.user, parseId(req.params.id, 'Organisation'), q.asOf, q.includeArchived === 'true');
    },
  });

  app.get<{ Params: { id: string } }>('/api/org/units/:id/allowed-child-types', {
    schema: { tags: ['org'], summary: 'Types the caller may create under this organisation', params: idParams, response: { 200: { type: 'array', items: orgTypeSchema } } },
    handler: async (req) => service.allowedChildTypes(req.user, parseId(req.params.id, 'Organisation')),
  });

  app.post('/api/org/units', {
    schema: { tags: ['org'], summary: 'Create an organisation under a parent', response: { 201: orgUnitSchema }, dto: { body: CreateUnitDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateUnitDto, req.body);
      reply.status(201);
      return service.create(ctx(req), dto);
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/units/:id', {
    schema: { tags: ['org'], summary: 'Edit name, contacts or attributes (optimistic version)', params: idParams, response: { 200: orgUnitSchema }, dto: { body: UpdateUnitDto } },
    handler: async (req) => service.update(ctx(req), parseId(req.params.id, 'Organisation'), await parseDto(UpdateUnitDto, req.body)),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/archive', {
    schema: { tags: ['org'], summary: 'Archive (never delete) an organisation', params: idParams, response: { 200: orgUnitSchema }, dto: { body: ArchiveUnitDto } },
    handler: async (req) => service.archive(ctx(req), parseId(req.params.id, 'Organisation'), await parseDto(ArchiveUnitDto, req.body)),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/move', {
    schema: {
      tags: ['org'], summary: 'Move a whole subtree to a new parent in one transaction', params: idParams,
      response: { 200: { type: 'object', properties: { ...orgUnitProperties, movedCount: { type: 'integer' } } } }, dto: { body: MoveUnitDto }
    },
    handler: async (req) => service.move(ctx(req), parseId(req.params.id, 'Organisation'), await parseDto(MoveUnitDto, req.body)),
  });
}
