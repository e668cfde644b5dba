import type { FastifyInstance } from 'fastify';
import { parseDto, parseId } from '@redheart/shared';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CreateCompoundDto, UpdateCompoundDto } from './dto';
import { compoundSchema } from './schemas';
import { CompoundService } from './service';

/** Residential compounds (小区) of a community and their party branch. */
export default async function compoundRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new CompoundService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/compounds', {
    schema: { tags: ['compounds'], summary: 'Compounds (小区) of a community with the state of their party branch', params: idParams, response: { 200: list(compoundSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/compounds', {
    schema: { tags: ['compounds'], summary: 'Record a compound of a community', params: idParams, response: { 201: compoundSchema }, dto: { body: CreateCompoundDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCompoundDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/compounds/:id', {
    schema: { tags: ['compounds'], summary: 'Edit a compound, link its branch or mark one as planned (optimistic version)', params: idParams, response: { 200: compoundSchema }, dto: { body: UpdateCompoundDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Compound'), await parseDto(UpdateCompoundDto, req.body)),
  });
}
