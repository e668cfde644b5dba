import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery } from '@redheart/shared';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CreatePositionDto, EndPositionDto, PositionsQuery, UpdatePositionDto } from './dto';
import { positionSchema } from './schemas';
import { PositionService } from './service';

/** Committee positions (班子成员): appointed, corrected and ended by the org chart's writers. */
export default async function positionRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new PositionService(app.db);
  const one = { 200: positionSchema };

  app.get<{ Params: { id: string } }>('/api/org/units/:id/positions', {
    schema: { tags: ['positions'], summary: 'Committee positions of an organisation (current terms unless includeEnded=true)', params: idParams, response: { 200: list(positionSchema) }, dto: { query: PositionsQuery } },
    handler: async (req) => {
      const q = await parseQuery(PositionsQuery, req.query);
      return service.list(requestCtx(req), parseId(req.params.id, 'Organisation'), q.includeEnded === 'true');
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/positions', {
    schema: { tags: ['positions'], summary: 'Appoint a person to a committee position', params: idParams, response: { 201: positionSchema }, dto: { body: CreatePositionDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreatePositionDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/positions/:id', {
    schema: { tags: ['positions'], summary: 'Correct a position (optimistic version)', params: idParams, response: one, dto: { body: UpdatePositionDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Position'), await parseDto(UpdatePositionDto, req.body)),
  });

  app.post<{ Params: { id: string } }>('/api/org/positions/:id/end', {
    schema: { tags: ['positions'], summary: 'End a term of office', params: idParams, response: one, dto: { body: EndPositionDto } },
    handler: async (req) => service.end(requestCtx(req), parseId(req.params.id, 'Position'), await parseDto(EndPositionDto, req.body)),
  });
}
