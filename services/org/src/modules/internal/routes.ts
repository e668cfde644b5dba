import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { IsBoolean, IsInt, Min } from 'class-validator';
import { badRequest, notFound, parseDto, writeAudit } from '@redheart/shared';
import { clearScopeCache } from '../scope/scope';
import { readRevocations } from '../auth/sessions';
import { DESK_CODE } from '../details/desks';

class UnitReportSyncDto {
  @IsInt() @Min(1) unitId: number;
  @IsInt() @Min(1) communityId: number;
  @IsBoolean() active: boolean;
}

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

  // A convenience desk by the code its QR page carries: the volunteer service files a resident's need from that page
  // into the desk's community. A desk of an archived community is gone (404), as on the public page.
  app.get<{ Params: { code: string } }>('/api/org/internal/desks/:code', {
    schema: {
      hide: true,
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      response: {
        200: { type: 'object', properties: { code: { type: 'string' }, building: { type: 'string' }, communityId: { type: 'integer' }, communityName: { type: 'string' } } },
      },
    },
    handler: async (req) => {
      if (!DESK_CODE.test(req.params.code)) throw notFound('Desk');
      const rows = await app.db.query(
        `SELECT d.code, d.building, d.community_id AS "communityId", c.name AS "communityName"
           FROM desk d JOIN org_unit c ON c.id = d.community_id WHERE d.code = $1 AND c.valid_to IS NULL`,
        [req.params.code],
      );
      if (!rows[0]) throw notFound('Desk');
      return rows[0];
    },
  });

  // Ended sessions, in feed order: ?after=<the previous answer's cursor> (none: the last quarter of an hour).
  app.get<{ Querystring: { after?: string } }>('/api/org/internal/sessions/revocations', {
    schema: { hide: true },
    handler: async (req) => {
      const raw = req.query.after;
      if (raw !== undefined && !/^\d{1,15}$/.test(raw)) throw badRequest('after 必须是非负整数', [{ field: 'after', errors: ['not a non-negative integer'] }]);
      return readRevocations(app.db, raw === undefined ? null : Number(raw));
    },
  });

  app.get('/api/org/internal/work-units', {
    schema: {
      hide: true,
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, path: { type: 'string' }, department: { type: 'boolean' } } } } },
    },
    handler: async () => app.db.query(`SELECT id, name, path, department FROM org_unit WHERE type = 'work_unit' AND valid_to IS NULL ORDER BY id`),
  });

  // The volunteer service owns dual reports; an approved (or ended) one changes the unit staff's scope here.
  app.post('/api/org/internal/unit-reports', {
    schema: { hide: true },
    handler: async (req) => {
      const dto = await parseDto(UnitReportSyncDto, req.body);
      const out = await app.db.transaction(async (m) => {
        const ok: { n: number }[] = await m.query(
          `SELECT count(*)::int AS n FROM org_unit u, org_unit c WHERE u.id = $1 AND u.type = 'work_unit' AND c.id = $2 AND c.type = 'community_committee'`,
          [dto.unitId, dto.communityId],
        );
        if (!ok[0].n) throw notFound('Work unit or community');
        if (dto.active) {
          await m.query(
            `INSERT INTO unit_community_report (unit_id, community_id) VALUES ($1, $2)
             ON CONFLICT (unit_id, community_id) DO UPDATE SET ended_on = NULL`,
            [dto.unitId, dto.communityId],
          );
        } else {
          await m.query(`UPDATE unit_community_report SET ended_on = current_date WHERE unit_id = $1 AND community_id = $2`, [dto.unitId, dto.communityId]);
        }
        await writeAudit(m, { actor: null, action: dto.active ? 'unit_report.approved' : 'unit_report.ended', entityType: 'unit_community_report', entityId: `${dto.unitId}:${dto.communityId}`, after: dto, reason: 'from the volunteer service' });
        return { unitId: dto.unitId, communityId: dto.communityId, active: dto.active };
      });
      clearScopeCache();
      return out;
    },
  });
}
