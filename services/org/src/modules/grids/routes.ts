import type { FastifyInstance } from 'fastify';
import { parseDto, parseId } from '@redheart/shared';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CreateGridDto, UpdateGridDto } from './dto';
import { gridSchema } from './schemas';
import { GridService } from './service';

/** Grids (网格) of a community. */
export default async function gridRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new GridService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/grids', {
    schema: { tags: ['grids'], summary: 'Current grids of a community with their worker and street cadre', params: idParams, response: { 200: list(gridSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/grids', {
    schema: { tags: ['grids'], summary: 'Create a grid (网格) in a community', params: idParams, response: { 201: gridSchema }, dto: { body: CreateGridDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateGridDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/grids/:id', {
    schema: { tags: ['grids'], summary: 'Edit a grid (optimistic version)', params: idParams, response: { 200: gridSchema }, dto: { body: UpdateGridDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Grid'), await parseDto(UpdateGridDto, req.body)),
  });
}
