import type { FastifyInstance } from 'fastify';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Min } from 'class-validator';
import {
  assertInScope, emit, assertRole, badRequest, conflict, type CommunityDirectory, likeEscape, notFound, pageRequest, parseDto, parseId, parseQuery, readPage, type Role, rowsOf,
  scopeSql, writeAudit, wrongState,
} from '@redheart/shared';

class UnitReportDto {
  @IsInt() @Min(1) communityId: number;
  @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) resources: string[];
  @IsString() @Length(1, 40) contactName: string;
  @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'contactPhone must be a phone number', context: { code: 'phone' } }) contactPhone: string;
}

class MemberReportDto {
  @IsString() @Length(1, 40) name: string;
  @IsOptional() @IsString() @Matches(/^[0-9+\-() ]{5,20}$/, { message: 'phone must be a phone number', context: { code: 'phone' } }) phone?: string;
  @IsOptional() @IsInt() @Min(1) unitId?: number;
}

class DecisionDto {
  @IsIn(['approve', 'reject', 'end']) decision: 'approve' | 'reject' | 'end';
  @IsInt() @Min(1) version: number;
  @IsOptional() @IsString() @Length(2, 300) reason?: string;
}

class ListQuery {
  @IsOptional() @IsIn(['pending', 'approved', 'rejected', 'ended']) status?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  /** A name (the unit's or its contact's; the member's or their username), part of it. */
  @IsOptional() @IsString() @Length(1, 40) q?: string;
  /** Page mode (numbered pages with a total, @redheart/shared paging); without `page` the whole list as before. */
  @IsOptional() @IsInt() @Min(1) page?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}


const COMMUNITY_STAFF: readonly Role[] = ['community_clerk', 'community_secretary', 'admin'];
const MEMBER_LIST_READERS: readonly Role[] = [...COMMUNITY_STAFF, 'street_admin'];

/**
 * 双报到: a work unit reports to communities (with what it offers and a contact), a member reports
 * where they live; the community approves. An approved unit report also tells the org service, which
 * puts the community into the unit staff's token scope.
 */
export default async function reportRoutes(app: FastifyInstance, opts: { communities: CommunityDirectory }) {
  const { communities } = opts;
  app.addHook('onRequest', app.authenticate);

  app.post('/api/volunteer/reports', {
    schema: { tags: ['reports'], summary: 'A unit reports to a community (unit staff, for their own unit)', dto: { body: UnitReportDto } },
    handler: async (req, reply) => {
      assertRole(req.user, ['unit_staff'], '只有单位工作人员可以为本单位报到');
      const dto = await parseDto(UnitReportDto, req.body);
      const c = await communities.get(app.db.manager, dto.communityId);
      if (!c) throw notFound('Community');
      const unit = await app.db.query(`SELECT id FROM unit_ref WHERE id = $1`, [req.user.orgId]);
      if (!unit.length) throw notFound('Work unit');
      return app.db.transaction(async (m) => {
        const live = await m.query(`SELECT id FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status IN ('pending','approved')`, [req.user.orgId, dto.communityId]);
        if (live.length) throw conflict('Your unit has reported to this community already', 'ALREADY_REPORTED');
        const r = await m.query(
          `INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES ($1,$2,$3,$4,$5,'pending') RETURNING id`,
          [req.user.orgId, dto.communityId, JSON.stringify(dto.resources), dto.contactName, dto.contactPhone],
        );
        await writeAudit(m, { actor: req.user, action: 'report.unit', entityType: 'unit_report', entityId: r[0].id, after: dto, requestId: req.id });
        reply.status(201);
        return { id: r[0].id, status: 'pending' };
      });
    },
  });

  app.get('/api/volunteer/reports', {
    schema: { tags: ['reports'], summary: 'Unit reports: a community sees those to it, a unit its own (filters status, communityId, q; page mode: page, limit → total)', dto: { query: ListQuery } },
    handler: async (req) => {
      const q = await parseQuery(ListQuery, req.query);
      const params: unknown[] = [];
      const where: string[] = [];
      if (req.user.role === 'unit_staff') {
        params.push(req.user.orgId);
        where.push(`r.unit_id = $1`);
      } else {
        params.push(...req.user.scopePaths.map((p) => `${likeEscape(p)}%`));
        where.push(scopeSql('cr.path', req.user.scopePaths, 1));
      }
      if (q.status) { params.push(q.status); where.push(`r.status = $${params.length}`); }
      if (q.communityId) {
        // A unit names a community it reported to (in any state); everyone else one in their scope.
        if (req.user.role === 'unit_staff') {
          const own = await app.db.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 LIMIT 1`, [req.user.orgId, q.communityId]);
          assertInScope(own.length, '社区');
        } else await communities.visible(app.db.manager, req.user, q.communityId);
        params.push(q.communityId);
        where.push(`r.community_id = $${params.length}`);
      }
      if (q.q) { params.push(likeEscape(q.q.trim())); where.push(`(u.name LIKE '%' || $${params.length} || '%' OR r.contact_name LIKE '%' || $${params.length} || '%')`); }
      const from = `FROM unit_report r JOIN unit_ref u ON u.id = r.unit_id JOIN community_ref cr ON cr.id = r.community_id WHERE ${where.join(' AND ')}`;
      const select = `SELECT r.id, r.unit_id AS "unitId", u.name AS "unitName", r.community_id AS "communityId", cr.name AS "communityName", r.resources,
                r.contact_name AS "contactName", r.contact_phone AS "contactPhone", r.status, r.reported_at AS "reportedAt", r.decided_by AS "decidedBy", r.version
           ${from} ORDER BY r.reported_at DESC, r.id DESC`;
      const shape = (r: { reportedAt: Date }) => ({ ...r, reportedAt: new Date(r.reportedAt).toISOString() });
      const paged = pageRequest(q, 20);
      if (paged) {
        const { rows, ...total } = await readPage<{ reportedAt: Date }>(app.db, select, `SELECT 1 ${from}`, params, paged);
        return { items: rows.map(shape), ...total, page: paged.page, limit: paged.limit };
      }
      return (await app.db.query(`${select} LIMIT 500`, params)).map(shape);
    },
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/reports/:id/decision', {
    schema: { tags: ['reports'], summary: 'The community approves, rejects or ends a unit report', dto: { body: DecisionDto } },
    handler: async (req) => {
      assertRole(req.user, COMMUNITY_STAFF, '只有社区可以审核报到');
      const id = parseId(req.params.id, 'Report');
      const dto = await parseDto(DecisionDto, req.body);
      const out = await app.db.transaction(async (m) => {
        const rows = await m.query(`SELECT r.*, cr.path, cr.name AS community_name FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id WHERE r.id = $1 FOR UPDATE OF r`, [id]);
        const r = rows[0];
        if (!r || !req.user.scopePaths.some((p) => r.path.startsWith(p))) throw notFound('Report');
        if (r.version !== dto.version) throw conflict('The report was changed by someone else; reload it', 'STALE_VERSION');
        const allowed: Record<string, string[]> = { approve: ['pending'], reject: ['pending'], end: ['approved'] };
        if (!allowed[dto.decision].includes(r.status)) throw wrongState(`A ${r.status} report cannot be ${dto.decision}d`, { entity: 'unit_report', from: r.status, action: dto.decision });
        if (dto.decision !== 'approve' && !dto.reason) throw badRequest(`${dto.decision} needs a reason`, [{ field: 'reason', errors: ['required'] }], 'VALIDATION_FAILED');
        const status = { approve: 'approved', reject: 'rejected', end: 'ended' }[dto.decision];
        const upd = rowsOf(await m.query(
          `UPDATE unit_report SET status = $3, decided_by = $4, decided_at = now(), decision_reason = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING version`,
          [id, dto.version, status, req.user.username, dto.reason ?? null],
        ));
        await writeAudit(m, { actor: req.user, action: `report.${dto.decision}`, entityType: 'unit_report', entityId: id, before: { status: r.status }, after: { status }, reason: dto.reason, requestId: req.id });
        // The org service puts the community into (or out of) the unit staff's scope when this event
        // reaches it: the decision commits whether or not the org service is up.
        await emit(m, {
          type: `volunteer.report.${status}`, aggregateId: id, orgPath: r.path, actor: req.user.username,
          payload: { reportId: id, unitId: Number(r.unit_id), communityId: Number(r.community_id), communityName: r.community_name, status },
        });
        return { id, status, version: (upd[0] as { version: number }).version, unitId: Number(r.unit_id), communityId: Number(r.community_id) };
      });
      return out;
    },
  });

  app.post('/api/volunteer/members', {
    schema: { tags: ['reports'], summary: 'A party member reports to the community where they live', dto: { body: MemberReportDto } },
    handler: async (req, reply) => {
      assertRole(req.user, ['member'], '只有党员本人可以报到');
      const dto = await parseDto(MemberReportDto, req.body);
      const c = await communities.visible(app.db.manager, req.user, req.user.orgId);
      const r = await app.db.query(
        `INSERT INTO member (username, name, phone, unit_id, community_id, status, account_id) VALUES ($1,$2,$3,$4,$5,'pending',$6)
         ON CONFLICT (username) DO NOTHING RETURNING id`,
        [req.user.username, dto.name, dto.phone ?? null, dto.unitId ?? null, c.id, req.user.sub],
      );
      if (!r.length) throw conflict('You have reported already', 'ALREADY_REPORTED');
      reply.status(201);
      return { id: r[0].id, status: 'pending' };
    },
  });

  app.get('/api/volunteer/members', {
    schema: { tags: ['reports'], summary: 'Members reported to communities in scope, with their group (服务队) and its colour (filters status, communityId, q; page mode: page, limit → total)', dto: { query: ListQuery } },
    handler: async (req) => {
      assertRole(req.user, MEMBER_LIST_READERS);
      const q = await parseQuery(ListQuery, req.query);
      const params: unknown[] = req.user.scopePaths.map((p) => `${likeEscape(p)}%`);
      const where = [scopeSql('cr.path', req.user.scopePaths, 1)];
      if (q.status) { params.push(q.status); where.push(`m.status = $${params.length}`); }
      if (q.communityId) { params.push((await communities.visible(app.db.manager, req.user, q.communityId)).id); where.push(`m.community_id = $${params.length}`); }
      if (q.q) { params.push(likeEscape(q.q.trim())); where.push(`(m.name LIKE '%' || $${params.length} || '%' OR m.username LIKE '%' || $${params.length} || '%')`); }
      const from = `FROM member m JOIN community_ref cr ON cr.id = m.community_id WHERE ${where.join(' AND ')}`;
      const groupJoin = 'LEFT JOIN member_group g ON g.id = m.group_id';
      const select = `SELECT m.id, m.name, m.phone, m.username, m.unit_id AS "unitId", m.community_id AS "communityId", cr.name AS "communityName", m.status, m.version,
                coalesce((SELECT sum(h.hours) FROM item_hours h WHERE h.member_id = m.id AND h.posted), 0)::float AS hours,
                m.group_id AS "groupId", CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('id', g.id, 'name', g.name, 'nameEn', g.name_en, 'color', g.color) END AS "group"
           ${from.replace('JOIN community_ref cr ON cr.id = m.community_id', `JOIN community_ref cr ON cr.id = m.community_id ${groupJoin}`)} ORDER BY m.id`;
      const paged = pageRequest(q, 20);
      if (paged) {
        const { rows, ...total } = await readPage(app.db, select, `SELECT 1 ${from}`, params, paged);
        return { items: rows, ...total, page: paged.page, limit: paged.limit };
      }
      return app.db.query(`${select} LIMIT 1000`, params);
    },
  });

  app.post<{ Params: { id: string } }>('/api/volunteer/members/:id/decision', {
    schema: { tags: ['reports'], summary: 'The community approves or rejects a member report', dto: { body: DecisionDto } },
    handler: async (req) => {
      assertRole(req.user, COMMUNITY_STAFF, '只有社区可以审核报到');
      const id = parseId(req.params.id, 'Member');
      const dto = await parseDto(DecisionDto, req.body);
      return app.db.transaction(async (m) => {
        const rows = await m.query(`SELECT mb.status, mb.version, cr.path FROM member mb JOIN community_ref cr ON cr.id = mb.community_id WHERE mb.id = $1 FOR UPDATE OF mb`, [id]);
        if (!rows[0] || !req.user.scopePaths.some((p) => rows[0].path.startsWith(p))) throw notFound('Member');
        if (rows[0].version !== dto.version) throw conflict('The member was changed by someone else; reload it', 'STALE_VERSION');
        if (rows[0].status !== 'pending' || dto.decision === 'end') throw wrongState(`A ${rows[0].status} member report cannot be ${dto.decision}d`, { entity: 'member_report', from: rows[0].status, action: dto.decision });
        if (dto.decision === 'reject' && !dto.reason) throw badRequest('reject needs a reason', [{ field: 'reason', errors: ['required'] }], 'VALIDATION_FAILED');
        const status = dto.decision === 'approve' ? 'approved' : 'rejected';
        await m.query(`UPDATE member SET status = $2, decided_by = $3, version = version + 1 WHERE id = $1`, [id, status, req.user.username]);
        await writeAudit(m, { actor: req.user, action: `member.${dto.decision}`, entityType: 'member', entityId: id, after: { status }, reason: dto.reason, requestId: req.id });
        return { id, status };
      });
    },
  });
}
