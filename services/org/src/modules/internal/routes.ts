import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { notFound } from '@redheart/shared';

/**
 * Service-to-service reads, guarded by a shared secret (never by a user token) and never routed by
 * the gateway: the household and volunteer services copy the community list (with paths, which
 * decide scope) from here.
 */
export default async function internalRoutes(app: FastifyInstance, opts: { internalToken?: string }) {
  const expected = opts.internalToken ? Buffer.from(opts.internalToken) : undefined;
  app.addHook('onRequest', async (req) => {
    const given = req.headers['x-internal-token'];
    const buf = typeof given === 'string' ? Buffer.from(given) : undefined;
    if (!expected || !buf || buf.length !== expected.length || !timingSafeEqual(buf, expected)) throw notFound('Route');
  });

  app.get('/api/org/internal/communities', {
    schema: {
      hide: true,
      response: {
        200: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, path: { type: 'string' }, streetName: { type: ['string', 'null'] }, divisionCode: { type: ['string', 'null'] } } },
        },
      },
    },
    handler: async () =>
      app.db.query(
        `SELECT c.id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
           FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id
          WHERE c.type = 'community_committee' AND c.valid_to IS NULL ORDER BY c.path`,
      ),
  });
}
