import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, scopeSql } from '@redheart/shared';
import type { NewCasePerson } from '../cases/repository';
import type { HouseholdFilter, HouseholdRow, MemberRow } from '../register/repository';

/** The SQL of imports and exports, with typed rows; no rules (the services check roles, scope and every row). */

/** A community in the caller's scope, as an import's community column may name it. */
export interface ScopedCommunityRow {
  id: number;
  name: string;
  divisionCode: string | null;
}

/** The persons of a case in one cell: name（masked ID number）、… */
export interface CasePersonsRow {
  caseId: number;
  persons: string;
}

export type ExportHouseholdRow = Omit<HouseholdRow, 'communityId'>;

export type ExportMemberRow = Pick<MemberRow, 'name' | 'idMasked' | 'sex' | 'birthDate' | 'relation' | 'since'> & { householdId: number };

/** The filters of GET /households but the page. */
export type ExportHouseholdFilter = Omit<HouseholdFilter, 'after'>;

/** A household to create, as the import checked it. */
export type NewHousehold = Omit<HouseholdRow, 'id' | 'communityName'>;

/** A person to create (or whose name to update, by the keyed hash of the ID number). */
export type NewPerson = Omit<NewCasePerson, 'relation' | 'employer'>;

export interface NewRegistration {
  personId: number | undefined;
  householdId: number | undefined;
  relation: string;
  since: string;
}

const scopeValues = (scopePaths: readonly string[]) => scopePaths.map((p) => `${likeEscape(p)}%`);

export class BulkRepository {
  constructor(private readonly ds: DataSource) {}

  /** The communities in scope (ordered by id). */
  static async communitiesInScope(m: EntityManager, scopePaths: string[]): Promise<ScopedCommunityRow[]> {
    return m.query(
      `SELECT id, name, division_code AS "divisionCode" FROM community_ref WHERE ${scopeSql('path', scopePaths, 1)} ORDER BY id`,
      scopeValues(scopePaths),
    );
  }

  /** The persons of each case, in one cell per case. */
  async casePersons(caseIds: number[]): Promise<CasePersonsRow[]> {
    return this.ds.query(
      `SELECT case_id AS "caseId", string_agg(name || '（' || id_masked || '）', '、' ORDER BY id) AS persons
           FROM case_person WHERE case_id = ANY($1::bigint[]) GROUP BY case_id`,
      [caseIds],
    );
  }

  /** Households in scope matching the filters of GET /households, by id; `limit` rows at most. */
  async households(scopePaths: string[], q: ExportHouseholdFilter, limit: number): Promise<ExportHouseholdRow[]> {
    const params: unknown[] = scopeValues(scopePaths);
    const where = [scopeSql('cr.path', scopePaths, 1)];
    const add = (f: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(f(params.length));
    };
    if (q.communityId) add((n) => `h.community_id = $${n}`, q.communityId);
    if (q.kind) add((n) => `h.kind = $${n}`, q.kind);
    if (q.q) add((n) => `(h.household_no LIKE $${n} OR h.address LIKE '%' || $${n})`, `${likeEscape(q.q.trim())}%`);
    params.push(limit);
    return this.ds.query(
      `SELECT h.id, h.household_no AS "householdNo", cr.name AS "communityName", h.kind, h.building, h.unit, h.room, h.address, h.grid_code AS "gridCode"
         FROM household h JOIN community_ref cr ON cr.id = h.community_id
        WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT $${params.length}`,
      params,
    );
  }

  /** The current members of these households: each household's head first, then by age. */
  async members(householdIds: number[]): Promise<ExportMemberRow[]> {
    return this.ds.query(
      `SELECT r.household_id AS "householdId", p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", r.relation, r.start_date AS since
           FROM registration r JOIN person p ON p.id = r.person_id
          WHERE r.status = 'active' AND r.household_id = ANY($1::bigint[])
          ORDER BY r.household_id, CASE r.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date`,
      [householdIds],
    );
  }

  /** Those of these household numbers that are taken. */
  async takenHouseholdNos(m: EntityManager, householdNos: string[]): Promise<string[]> {
    const rows: { householdNo: string }[] = await m.query(`SELECT household_no AS "householdNo" FROM household WHERE household_no = ANY($1::text[])`, [householdNos]);
    return rows.map((r) => r.householdNo);
  }

  /** Those of these ID hashes whose person has an active registration. */
  async registeredIdHashes(m: EntityManager, idHashes: string[]): Promise<string[]> {
    const rows: { idHash: string }[] = await m.query(
      `SELECT p.id_hash AS "idHash" FROM person p JOIN registration r ON r.person_id = p.id AND r.status = 'active' WHERE p.id_hash = ANY($1::text[])`,
      [idHashes],
    );
    return rows.map((r) => r.idHash);
  }

  /** Those of these communities that have a collective household already. */
  async communitiesWithCollective(m: EntityManager, communityIds: number[]): Promise<number[]> {
    const rows: { communityId: number }[] = await m.query(
      `SELECT community_id AS "communityId" FROM household WHERE kind = 'collective' AND community_id = ANY($1::bigint[])`,
      [communityIds],
    );
    return rows.map((r) => r.communityId);
  }

  /** Creates the households; their ids by household number. */
  async insertHouseholds(m: EntityManager, hh: NewHousehold[]): Promise<{ id: number; householdNo: string }[]> {
    return m.query(
      `INSERT INTO household (household_no, community_id, grid_code, kind, building, unit, room, address)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       RETURNING id, household_no AS "householdNo"`,
      [hh.map((h) => h.householdNo), hh.map((h) => h.communityId), hh.map((h) => h.gridCode), hh.map((h) => h.kind), hh.map((h) => h.building),
        hh.map((h) => h.unit), hh.map((h) => h.room), hh.map((h) => h.address)],
    );
  }

  /** Creates the persons, or renames those already known by their ID hash; their ids by ID hash. */
  async upsertPersons(m: EntityManager, persons: NewPerson[]): Promise<{ id: number; idHash: string }[]> {
    return m.query(
      `INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::char(1)[], $6::date[])
         ON CONFLICT (id_hash) DO UPDATE SET name = EXCLUDED.name
         RETURNING id, id_hash AS "idHash"`,
      [persons.map((p) => p.name), persons.map((p) => p.idCipher), persons.map((p) => p.idHash), persons.map((p) => p.idMasked),
        persons.map((p) => p.sex), persons.map((p) => p.birthDate)],
    );
  }

  /** Active registrations; the partial unique index refuses a person registered twice (the caller's transaction then rolls back). */
  async insertRegistrations(m: EntityManager, regs: NewRegistration[]): Promise<void> {
    await m.query(
      `INSERT INTO registration (person_id, household_id, relation, status, start_date)
         SELECT p, h, rel, 'active', d FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::date[]) AS x(p, h, rel, d)`,
      [regs.map((r) => r.personId), regs.map((r) => r.householdId), regs.map((r) => r.relation), regs.map((r) => r.since)],
    );
  }
}
