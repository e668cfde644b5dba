import { preparedQuery, scopeSql } from '@redheart/shared';
import type { FastifyInstance } from 'fastify';
import { IsIn, IsInt, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import {
  assertRole, type AuthUser, type Role, badRequest, inScope, likeEscape, notFound, parseDto, parseId, parseQuery, parseResidentId, type PiiVault, requireRole, writeAudit,
} from '@redheart/shared';
import { REGISTER_READERS } from '../cases/service';

/** Who reads the log of revealed ID numbers: the county's admins (all), street admins (their streets'). */
const REVEAL_LOG_READERS: readonly Role[] = ['admin', 'street_admin'];

class PersonQuery {
  @IsOptional() @IsString() @Length(1, 40) idNumber?: string;
  @IsOptional() @IsString() @Length(1, 20) name?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}

class HouseholdQuery {
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsIn(['family', 'collective']) kind?: 'family' | 'collective';
  @IsOptional() @IsString() @MaxLength(40) q?: string;
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(1) after?: number;
}

class RevealDto {
  @IsString() @Length(4, 300) reason: string;
}

class PropertyQuery {
  @IsOptional() @IsString() @Length(4, 40) certificateNo?: string;
  @IsOptional() @IsInt() @Min(1) communityId?: number;
  @IsOptional() @IsInt() @Min(1) limit?: number;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } as const;
const memberSchema = {
  type: 'object',
  properties: {
    personId: { type: 'integer' }, name: { type: 'string' }, idMasked: { type: 'string' }, sex: { type: 'string' }, birthDate: { type: 'string' },
    relation: { type: 'string' }, since: { type: 'string' }, caseId: { type: ['integer', 'null'] },
  },
} as const;
const householdProps = {
  id: { type: 'integer' }, householdNo: { type: 'string' }, communityId: { type: 'integer' }, communityName: { type: 'string' }, kind: { type: 'string' },
  building: { type: ['string', 'null'] }, unit: { type: ['string', 'null'] }, room: { type: ['string', 'null'] }, address: { type: 'string' },
  gridCode: { type: ['string', 'null'] }, members: { type: 'integer' },
} as const;

/** The household register: lookups by exact ID number, households and their book, properties, and audited reveals. */
export default async function registerRoutes(app: FastifyInstance, opts: { vault: PiiVault }) {
  const { vault } = opts;
  app.addHook('onRequest', app.authenticate);
  app.addHook('preValidation', requireRole(...REGISTER_READERS));
  const scopeParams = (u: AuthUser) => u.scopePaths.map((p) => `${likeEscape(p)}%`);

  app.get('/api/household/persons', {
    schema: {
      tags: ['register'], summary: 'Find persons by exact ID number (keyed hash) or name prefix, within scope; IDs masked',
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, idMasked: { type: 'string' }, sex: { type: 'string' }, birthDate: { type: 'string' }, householdId: { type: ['integer', 'null'] }, householdNo: { type: ['string', 'null'] }, communityName: { type: ['string', 'null'] }, relation: { type: ['string', 'null'] } } } } }, dto: { query: PersonQuery }
    },
    handler: async (req) => {
      const q = await parseQuery(PersonQuery, req.query);
      if (!q.idNumber && !q.name) throw badRequest('Give idNumber or name', undefined, 'VALIDATION_FAILED');
      const params: unknown[] = scopeParams(req.user);
      let cond: string;
      if (q.idNumber) {
        const parsed = parseResidentId(q.idNumber);
        if (!parsed.ok) throw badRequest(`idNumber: ${parsed.message}`, [{ field: 'idNumber', errors: [parsed.message] }], 'INVALID_ID_NUMBER');
        params.push(vault.hash(parsed.info.id));
        cond = `p.id_hash = $${params.length}`;
      } else {
        params.push(`${likeEscape(q.name!.trim())}%`);
        // Byte order (COLLATE "C") matches person_name_c_id_idx, so the first page stops early.
        cond = `p.name COLLATE "C" LIKE $${params.length}`;
      }
      params.push(Math.min(q.limit ?? 20, 100));
      // Only persons registered in a community in scope are found.
      const sql = `SELECT p.id, p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", h.id AS "householdId", h.household_no AS "householdNo",
                cr.name AS "communityName", r.relation
           FROM person p
           JOIN registration r ON r.person_id = p.id AND r.status = 'active'
           JOIN household h ON h.id = r.household_id
           JOIN community_ref cr ON cr.id = h.community_id
          WHERE ${cond} AND ${scopeSql('cr.path', req.user.scopePaths, 1)}
          ORDER BY p.name COLLATE "C", p.id LIMIT $${params.length}`;
      // The exact lookup is an equality on a unique hash: a prepared statement (planned once per
      // connection) serves it; a name prefix keeps a plan made for its own pattern.
      return q.idNumber ? preparedQuery(app.db, sql, params) : app.db.query(sql, params);
    },
  });

  app.post<{ Params: { id: string } }>('/api/household/persons/:id/reveal', {
    schema: { tags: ['register'], summary: 'Show a full ID number: needs a stated reason, written to the access log', params: idParams, response: { 200: { type: 'object', properties: { id: { type: 'integer' }, idNumber: { type: 'string' } } } }, dto: { body: RevealDto } },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Person');
      const dto = await parseDto(RevealDto, req.body);
      return app.db.transaction(async (m) => {
        const rows = await m.query(
          `SELECT p.id, p.id_cipher AS cipher, cr.path, h.community_id AS "communityId" FROM person p
             JOIN registration r ON r.person_id = p.id AND r.status = 'active'
             JOIN household h ON h.id = r.household_id JOIN community_ref cr ON cr.id = h.community_id
            WHERE p.id = $1`,
          [id],
        );
        if (!rows[0] || !inScope(rows[0].path, req.user.scopePaths)) throw notFound('Person');
        await m.query(
          `INSERT INTO id_reveal_log (subject_type, subject_id, actor_id, actor_username, actor_role, reason, community_id) VALUES ('person', $1, $2, $3, $4, $5, $6)`,
          [id, req.user.sub, req.user.username, req.user.role, dto.reason, rows[0].communityId],
        );
        await writeAudit(m, { actor: req.user, action: 'person.reveal_id', entityType: 'person', entityId: id, reason: dto.reason, requestId: req.id });
        return { id, idNumber: vault.decrypt(rows[0].cipher) };
      });
    },
  });

  app.get('/api/household/reveal-log', {
    schema: { tags: ['register'], summary: 'Who revealed which ID number and why (admins)' },
    handler: async (req) => {
      assertRole(req.user, REVEAL_LOG_READERS, '只有管理员可以查看身份证号查看记录');
      // A street admin reads the reveals of its own streets' communities; the county's admin all of them.
      const all = req.user.role === 'admin';
      return (await app.db.query(
        `SELECT l.id, l.subject_type AS "subjectType", l.subject_id AS "subjectId", l.community_id AS "communityId", cr.name AS "communityName",
                l.actor_username AS "actorUsername", l.actor_role AS "actorRole", l.reason, l.at
           FROM id_reveal_log l LEFT JOIN community_ref cr ON cr.id = l.community_id
          ${all ? '' : `WHERE ${scopeSql('cr.path', req.user.scopePaths, 1)}`} ORDER BY l.id DESC LIMIT 200`,
        all ? [] : req.user.scopePaths.map((p) => `${likeEscape(p)}%`),
      )).map((r: { at: Date }) => ({ ...r, at: new Date(r.at).toISOString() }));
    },
  });

  app.get('/api/household/households', {
    schema: { tags: ['register'], summary: 'Households in scope (keyset by id)', response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: householdProps } }, nextAfter: { type: ['integer', 'null'] } } } }, dto: { query: HouseholdQuery } },
    handler: async (req) => {
      const q = await parseQuery(HouseholdQuery, req.query);
      const params: unknown[] = scopeParams(req.user);
      const where = [scopeSql('cr.path', req.user.scopePaths, 1)];
      const add = (f: (n: number) => string, v: unknown) => { params.push(v); where.push(f(params.length)); };
      if (q.communityId) add((n) => `h.community_id = $${n}`, (await app.communities.visible(app.db.manager, req.user, q.communityId)).id);
      if (q.kind) add((n) => `h.kind = $${n}`, q.kind);
      if (q.q) add((n) => `(h.household_no LIKE $${n} OR h.address LIKE '%' || $${n})`, `${likeEscape(q.q.trim())}%`);
      if (q.after) add((n) => `h.id > $${n}`, q.after);
      const limit = Math.min(q.limit ?? 50, 200);
      params.push(limit + 1);
      const rows = await app.db.query(
        `SELECT h.id, h.household_no AS "householdNo", h.community_id AS "communityId", cr.name AS "communityName", h.kind, h.building, h.unit, h.room,
                h.address, h.grid_code AS "gridCode",
                (SELECT count(*) FROM registration r WHERE r.household_id = h.id AND r.status = 'active')::int AS members
           FROM household h JOIN community_ref cr ON cr.id = h.community_id
          WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT $${params.length}`,
        params,
      );
      return { items: rows.slice(0, limit), nextAfter: rows.length > limit ? rows[limit - 1].id : null };
    },
  });

  app.get<{ Params: { id: string } }>('/api/household/households/:id', {
    schema: {
      tags: ['register'], summary: 'The household book (户口簿): current members, and past ones', params: idParams,
      response: { 200: { type: 'object', properties: { ...householdProps, current: { type: 'array', items: memberSchema }, past: { type: 'array', items: { type: 'object', properties: { ...memberSchema.properties, until: { type: 'string' }, endReason: { type: ['string', 'null'] } } } } } } },
    },
    handler: async (req) => {
      const id = parseId(req.params.id, 'Household');
      const rows = await app.db.query(
        `SELECT h.id, h.household_no AS "householdNo", h.community_id AS "communityId", cr.name AS "communityName", cr.path, h.kind, h.building, h.unit,
                h.room, h.address, h.grid_code AS "gridCode" FROM household h JOIN community_ref cr ON cr.id = h.community_id WHERE h.id = $1`,
        [id],
      );
      const h = rows[0];
      if (!h || !inScope(h.path, req.user.scopePaths)) throw notFound('Household');
      const members = await app.db.query(
        `SELECT p.id AS "personId", p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", r.relation, r.start_date AS since,
                r.case_id AS "caseId", r.status, r.end_date AS until, r.end_reason AS "endReason"
           FROM registration r JOIN person p ON p.id = r.person_id WHERE r.household_id = $1
          ORDER BY r.status, CASE r.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date`,
        [id],
      );
      const { path: _p, ...rest } = h;
      void _p;
      return {
        ...rest,
        members: members.filter((x: { status: string }) => x.status === 'active').length,
        current: members.filter((x: { status: string }) => x.status === 'active'),
        past: members.filter((x: { status: string }) => x.status === 'ended'),
      };
    },
  });

  app.get('/api/household/properties', {
    schema: { tags: ['register'], summary: 'Properties (flats) by certificate number or community; owners masked', dto: { query: PropertyQuery } },
    handler: async (req) => {
      const q = await parseQuery(PropertyQuery, req.query);
      const params: unknown[] = scopeParams(req.user);
      const where = [scopeSql('cr.path', req.user.scopePaths, 1)];
      if (q.certificateNo) { params.push(q.certificateNo.trim()); where.push(`pr.certificate_no = $${params.length}`); }
      if (q.communityId) { params.push((await app.communities.visible(app.db.manager, req.user, q.communityId)).id); where.push(`pr.community_id = $${params.length}`); }
      params.push(Math.min(q.limit ?? 50, 200));
      return app.db.query(
        `SELECT pr.id, pr.certificate_no AS "certificateNo", pr.community_id AS "communityId", cr.name AS "communityName", pr.building, pr.unit, pr.room,
                pr.address, pr.area::float AS area, pr.grid_code AS "gridCode",
                coalesce((SELECT json_agg(json_build_object('name', o.owner_name, 'idMasked', o.id_masked)) FROM property_owner o WHERE o.property_id = pr.id), '[]') AS owners
           FROM property pr JOIN community_ref cr ON cr.id = pr.community_id
          WHERE ${where.join(' AND ')} ORDER BY pr.id LIMIT $${params.length}`,
        params,
      );
    },
  });
}
