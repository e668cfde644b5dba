import type { FastifyInstance } from 'fastify';
import { notFound, parseId } from '@redheart/shared';
import { readPhoto } from '../items/evidence';

/**
 * The description is the reporter's free text and the board needs no login: ID numbers and phone
 * numbers written into it (a resident's mobile, a landline) are masked before it is shown.
 */
export function maskPublicText(text: string): string {
  return text
    .replace(/(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g, '$1********$2')
    .replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2')
    .replace(/(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)/g, '$1****$2');
}

/**
 * 公开履诺: the public pledge board, readable without login so residents can hold units to their
 * promises. Only pledge items and their photos are shown; nothing about residents.
 */
export default async function publicRoutes(app: FastifyInstance, opts: { filesDir: string }) {
  app.get('/api/volunteer/public/pledges', {
    schema: { tags: ['public'], summary: 'Units’ public pledges with progress and evidence (no login)', security: [] },
    handler: async (_req, reply) => {
      const rows = await app.db.query(
        `SELECT u.id AS "unitId", u.name AS "unitName", i.id, i.item_no AS "itemNo", cr.name AS "communityName", sc.name AS "categoryName", i.place,
                i.description, i.status, i.scheduled_date AS "scheduledDate", i.done_at AS "doneAt", i.rating,
                coalesce((SELECT json_agg(json_build_object('id', e.id, 'kind', e.kind, 'note', e.note) ORDER BY e.id) FROM item_evidence e WHERE e.item_id = i.id), '[]') AS evidence
           FROM item i JOIN unit_ref u ON u.id = i.unit_id JOIN community_ref cr ON cr.id = i.community_id JOIN service_category sc ON sc.id = i.category_id
          WHERE i.pledge AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')
          ORDER BY u.name, i.id`,
      );
      interface Board { unitId: number; unitName: string; total: number; delivered: number; pledges: Record<string, unknown>[] }
      const units = new Map<number, Board>();
      for (const r of rows) {
        const u: Board = units.get(r.unitId) ?? { unitId: r.unitId, unitName: r.unitName, total: 0, delivered: 0, pledges: [] };
        u.total++;
        if (['DONE', 'CONFIRMED', 'CLOSED'].includes(r.status)) u.delivered++;
        const { unitId: _u, unitName: _n, ...p } = r;
        void _u;
        void _n;
        u.pledges.push({ ...p, description: maskPublicText(p.description), doneAt: p.doneAt ? new Date(p.doneAt).toISOString() : null });
        units.set(r.unitId, u);
      }
      reply.header('cache-control', 'public, max-age=60');
      const list = [...units.values()];
      return { totals: { units: list.length, pledges: rows.length, delivered: list.reduce((s, u) => s + u.delivered, 0) }, units: list };
    },
  });

  app.get<{ Params: { id: string; evidenceId: string } }>('/api/volunteer/public/pledges/:id/evidence/:evidenceId', {
    // Only the photos of pledges the board shows (a unit holds them; not cancelled, merged or rejected).
    schema: { tags: ['public'], summary: 'A photo of a public pledge (no login)', security: [] },
    handler: async (req, reply) => {
      const id = parseId(req.params.id, 'Item');
      const rows = await app.db.query(
        `SELECT e.file_name, e.mime FROM item_evidence e JOIN item i ON i.id = e.item_id WHERE e.id = $1 AND e.item_id = $2 AND i.pledge AND e.kind = 'photo'
            AND i.unit_id IS NOT NULL AND i.status NOT IN ('CANCELLED', 'MERGED', 'REJECTED')`,
        [parseId(req.params.evidenceId, 'Evidence'), id],
      );
      if (!rows[0]) throw notFound('Evidence');
      reply.header('content-type', rows[0].mime).header('cache-control', 'public, max-age=3600');
      return reply.send(await readPhoto(opts.filesDir, id, rows[0].file_name));
    },
  });
}
