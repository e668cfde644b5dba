import type { FastifyInstance } from 'fastify';
import { parseDto, parseId } from '@redheart/shared';
import { idParams, list } from '../schemas';
import { recordRoutes, requestCtx } from '../org-records';
import { CreateDeskDto, UpdateDeskDto } from './dto';
import { deskCodeParams, deskSchema, publicDeskSchema } from './schemas';
import { DeskService } from './service';

/** Convenience desks (便民服务台) of a community or building group. */
export default async function deskRoutes(app: FastifyInstance) {
  recordRoutes(app);
  const service = new DeskService(app.db);

  app.get<{ Params: { id: string } }>('/api/org/units/:id/desks', {
    schema: { tags: ['desks'], summary: 'Convenience desks of a community or of a building group', params: idParams, response: { 200: list(deskSchema) } },
    handler: async (req) => service.list(requestCtx(req), parseId(req.params.id, 'Organisation')),
  });

  app.post<{ Params: { id: string } }>('/api/org/units/:id/desks', {
    schema: { tags: ['desks'], summary: 'Put up a convenience desk (便民服务台); the server draws its public code', params: idParams, response: { 201: deskSchema }, dto: { body: CreateDeskDto } },
    handler: async (req, reply) => {
      const dto = await parseDto(CreateDeskDto, req.body);
      const created = await service.create(requestCtx(req), parseId(req.params.id, 'Organisation'), dto);
      reply.status(201);
      return created;
    },
  });

  app.patch<{ Params: { id: string } }>('/api/org/desks/:id', {
    schema: { tags: ['desks'], summary: 'Edit a desk’s building, workers and hotlines (optimistic version)', params: idParams, response: { 200: deskSchema }, dto: { body: UpdateDeskDto } },
    handler: async (req) => service.update(requestCtx(req), parseId(req.params.id, 'Desk'), await parseDto(UpdateDeskDto, req.body)),
  });
}

/**
 * Routes readable without login (the convenience desk a QR code opens). This plugin is registered
 * beside, not inside, the authenticated desk plugin, so no onRequest authenticate hook reaches it.
 */
export async function publicDeskRoutes(app: FastifyInstance) {
  const service = new DeskService(app.db);

  app.get<{ Params: { code: string } }>('/api/org/public/desks/:code', {
    schema: {
      tags: ['public'], summary: 'A convenience desk as its QR code shows it (no login)', security: [],
      params: deskCodeParams,
      response: { 200: publicDeskSchema },
    },
    handler: async (req, reply) => {
      const desk = await service.findPublic(req.params.code);
      // Printed codes are read by many phones at once; a short shared cache spares the database.
      reply.header('Cache-Control', 'public, max-age=60');
      return desk;
    },
  });
}
