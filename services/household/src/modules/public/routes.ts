import type { FastifyInstance } from 'fastify';
import { bodyCheckedByDto, parseDto, type PublicRateLimit } from '@redheart/shared';
import { CaseLookupDto } from './dto';
import { caseLookupBody, publicCaseSchema, publicErrors } from './schemas';
import type { PublicCaseService } from './service';

/**
 * 居民查件: no login. Registered beside (not inside) the authenticated case routes, so no authenticate hook
 * reaches it; the gateway lets /api/household/public/ through without a token. Rate-limited per address.
 */
export default async function publicCaseRoutes(app: FastifyInstance, opts: { cases: PublicCaseService; limit: PublicRateLimit }) {
  app.post('/api/household/public/case-lookup', {
    onRequest: opts.limit,
    ...bodyCheckedByDto,
    schema: {
      tags: ['public'],
      summary: 'A resident looks up a hukou case by its number and the last 4 digits of the applicant\'s phone (no login; 10 tries a minute per address): status and steps, never an ID number. Unknown number and wrong phone give the same 404',
      security: [],
      body: caseLookupBody,
      response: { 200: publicCaseSchema, ...publicErrors }, dto: { body: CaseLookupDto }
    },
    handler: async (req, reply) => {
      const dto = await parseDto(CaseLookupDto, req.body);
      reply.header('cache-control', 'no-store');
      return opts.cases.lookup(dto);
    },
  });
}
