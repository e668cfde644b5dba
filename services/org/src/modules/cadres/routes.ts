import type { FastifyInstance } from 'fastify';
import { parseDto, parseId, parseQuery } from '@redheart/shared';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CadresQuery, CreateCadreAssignmentDto, EndCadreAssignmentDto } from './dto';
import { cadreSchema } from './schemas';
import { CadreService } from './service';

/** Street cadres linked to communities and their grids (街道干部联社区、包网格). */
export default async function cadreRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new CadreService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/cadres', {
    schema: { tags: ['cadres'], summary: 'Street cadres assigned to a community and its grids (or all of a street’s)', params: idParams, response: { 200: list(cadreSchema) }, dto: { query: CadresQuery } },
    handler: async (req) => {
      const q = await parseQuery(CadresQuery, req.query);
      return service.list(requestCtx(req), parseId(req.params.id, 'Organisation'), q.includeEnded === 'true');
    },
  });

  app.post('/api/org/cadre-assignments', {
    schema: { tags: ['cadres'], summary: 'Link a street cadre to a community, optionally to one of its grids', response: { 201: cadreSchema }, dto: { body: CreateCadreAssignmentDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateCadreAssignmentDto, req.body);
      const created = await service.assign(requestCtx(req), dto);
      reply.status(201);
      return created;
    },
  });

  app.post<{ Params: { id: string } }>('/api/org/cadre-assignments/:id/end', {
    schema: { tags: ['cadres'], summary: 'End a cadre assignment', params: idParams, response: { 200: cadreSchema }, dto: { body: EndCadreAssignmentDto } },
    handler: async (req) => service.end(requestCtx(req), parseId(req.params.id, 'Cadre assignment'), await parseDto(EndCadreAssignmentDto, req.body ?? {})),
  });
}
