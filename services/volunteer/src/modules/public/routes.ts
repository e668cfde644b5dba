import type { FastifyInstance } from 'fastify';
import { maskPublicText, parseId, parseQuery } from '@redheart/shared';
import { evidenceParams, photoResponse } from '../../schemas';
import { BoardQuery } from './dto';
import { boardSchema, publicCommunitiesSchema, unitPledgesSchema } from './schemas';
import { PublicBoardService } from './service';

/** Re-exported: the board masks its free text with the shared rule (shared/src/pii.ts). */
export { maskPublicText };

const unitParams = { type: 'object', required: ['unitId'], properties: { unitId: { type: 'string' } } } as const;

/**
 * 公开履诺: the public pledge board, readable without login so residents can hold units to their
 * promises (public/service.ts). Every read here is on the replica (`dbRead`).
 */
export default async function publicRoutes(app: FastifyInstance, opts: { filesDir: string }) {
  const board = new PublicBoardService(app.dbRead, opts.filesDir);

  app.get('/api/volunteer/public/communities', {
    schema: {
      tags: ['public'],
      summary: 'Every community of the programme (id, name, street), no login: the board\'s filter and where a unit may report to',
      security: [],
      response: { 200: publicCommunitiesSchema },
    },
    handler: async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return board.communities();
    },
  });

  app.get('/api/volunteer/public/pledges', {
    schema: {
      tags: ['public'],
      summary: 'The public pledge board (no login): totals and a page of units (keyset by name) with their summary, their members\' teams (服务队, counts per group and its colour) and latest 3 pledges; ?communityId=&limit=&cursor=',
      security: [],
      response: { 200: boardSchema }, dto: { query: BoardQuery },
    },
    handler: async (req, reply) => {
      const out = await board.board(await parseQuery(BoardQuery, req.query));
      reply.header('cache-control', 'public, max-age=60');
      return out;
    },
  });

  app.get<{ Params: { unitId: string } }>('/api/volunteer/public/pledges/units/:unitId', {
    schema: {
      tags: ['public'],
      summary: 'One unit’s public pledges, newest first (keyset on id), with its summary (no login); ?communityId=&limit=&cursor=',
      security: [],
      params: unitParams, response: { 200: unitPledgesSchema }, dto: { query: BoardQuery },
    },
    handler: async (req, reply) => {
      const unitId = parseId(req.params.unitId, 'Unit');
      const out = await board.unitPledges(unitId, await parseQuery(BoardQuery, req.query));
      reply.header('cache-control', 'public, max-age=60');
      return out;
    },
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/volunteer/public/pledges/:id/evidence/:evidenceId', {
    // Only the photos of pledges the board shows (a unit holds them; not cancelled, merged or rejected).
    schema: { tags: ['public'], summary: 'A photo of a public pledge (no login)', security: [], params: evidenceParams, response: photoResponse },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      const photo = await board.photo(id, parseId(req.params.evidenceId, 'Evidence'));
      reply.header('content-type', photo.mime).header('cache-control', 'public, max-age=3600');
      return reply.send(photo.body);
    },
  });
}
