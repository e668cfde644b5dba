import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, preparedIn, scopeSql } from '@redheart/shared';

/** The register's rows; SQL only, no rules (the service checks roles, scope and input). */
export interface PersonRow {
  id: number;
  name: string;
  idMasked: string;
  sex: string;
  birthDate: string;
  householdId: number | null;
  householdNo: string | null;
  communityName: string | null;
  relation: string | null;
}

export interface RevealTarget {
  id: number;
  cipher: string;
  path: string;
  communityId: number;
}

export interface RevealLogRow {
  id: number;
  subjectType: string;
  subjectId: number;
  communityId: number | null;
  communityName: string | null;
  actorUsername: string;
  actorRole: string;
  reason: string;
  at: Date;
}

export interface HouseholdRow {
  id: number;
  householdNo: string;
  communityId: number;
  communityName: string;
  kind: string;
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  gridCode: string | null;
}

export interface HouseholdListRow extends HouseholdRow {
  members: number;
}

export interface MemberRow {
  personId: number;
  name: string;
  idMasked: string;
  sex: string;
  birthDate: string;
  relation: string;
  since: string;
  caseId: number | null;
  status: 'active' | 'ended';
  until: string | null;
  endReason: string | null;
}

export interface PropertyRow {
  id: number;
  certificateNo: string;
  communityId: number;
  communityName: string;
  building: string | null;
  unit: string | null;
  room: string | null;
  address: string;
  area: number | null;
  gridCode: string | null;
  owners: { name: string; idMasked: string }[];
}

export interface HouseholdFilter {
  communityId?: number;
  kind?: string;
  /** a household number prefix, or an address ending */
  q?: string;
  after?: number;
}

export interface PropertyFilter {
  certificateNo?: string;
  communityId?: number;
}

const scopeValues = (scopePaths: readonly string[]) => scopePaths.map((p) => `${likeEscape(p)}%`);

/** `WHERE`-parts over a scope (its values first, $1…) and the filters after it. */
class Where {
  readonly params: unknown[];
  readonly parts: string[];
  constructor(col: string, scopePaths: string[]) {
    this.params = scopeValues(scopePaths);
    this.parts = [scopeSql(col, scopePaths, 1)];
  }

  add(sql: (n: number) => string, value: unknown): void {
    this.params.push(value);
    this.parts.push(sql(this.params.length));
  }

  /** The last parameter ($n) after pushing `value` (a limit). */
  last(value: unknown): number {
    this.params.push(value);
    return this.params.length;
  }

  get sql(): string {
    return this.parts.join(' AND ');
  }
}

export class RegisterRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Persons registered (active) in a community in scope, by the keyed hash of their ID number or a name prefix. The exact
   * lookup is an equality on a unique hash: a prepared statement (planned once per connection) serves it; a name prefix
   * keeps a plan made for its own pattern.
   */
  async findPersons(scopePaths: string[], by: { idHash: string } | { namePrefix: string }, limit: number): Promise<PersonRow[]> {
    const params: unknown[] = scopeValues(scopePaths);
    let cond: string;
    if ('idHash' in by) {
      params.push(by.idHash);
      cond = `p.id_hash = $${params.length}`;
    } else {
      params.push(`${likeEscape(by.namePrefix)}%`);
      // Byte order (COLLATE "C") matches person_name_c_id_idx, so the first page stops early.
      cond = `p.name COLLATE "C" LIKE $${params.length}`;
    }
    params.push(limit);
    const sql = `SELECT p.id, p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", h.id AS "householdId", h.household_no AS "householdNo",
                cr.name AS "communityName", r.relation
           FROM person p
           JOIN registration r ON r.person_id = p.id AND r.status = 'active'
           JOIN household h ON h.id = r.household_id
           JOIN community_ref cr ON cr.id = h.community_id
          WHERE ${cond} AND ${scopeSql('cr.path', scopePaths, 1)}
          ORDER BY p.name COLLATE "C", p.id LIMIT $${params.length}`;
    return 'idHash' in by ? preparedIn<PersonRow>(this.ds.manager, sql, params) : this.ds.query(sql, params);
  }

  /** A person with an active registration: the ciphertext of their ID number and their community. */
  async revealTarget(m: EntityManager, personId: number): Promise<RevealTarget | undefined> {
    const rows: RevealTarget[] = await m.query(
      `SELECT p.id, p.id_cipher AS cipher, cr.path, h.community_id AS "communityId" FROM person p
         JOIN registration r ON r.person_id = p.id AND r.status = 'active'
         JOIN household h ON h.id = r.household_id JOIN community_ref cr ON cr.id = h.community_id
        WHERE p.id = $1`,
      [personId],
    );
    return rows[0];
  }

  async logReveal(m: EntityManager, entry: { personId: number; actorId: string; actorUsername: string; actorRole: string; reason: string; communityId: number }): Promise<void> {
    await m.query(
      `INSERT INTO id_reveal_log (subject_type, subject_id, actor_id, actor_username, actor_role, reason, community_id) VALUES ('person', $1, $2, $3, $4, $5, $6)`,
      [entry.personId, entry.actorId, entry.actorUsername, entry.actorRole, entry.reason, entry.communityId],
    );
  }

  /** The latest 200 reveals: every one (`scopePaths` null), or those of the communities in scope. */
  async revealLog(scopePaths: string[] | null): Promise<RevealLogRow[]> {
    return this.ds.query(
      `SELECT l.id, l.subject_type AS "subjectType", l.subject_id AS "subjectId", l.community_id AS "communityId", cr.name AS "communityName",
              l.actor_username AS "actorUsername", l.actor_role AS "actorRole", l.reason, l.at
         FROM id_reveal_log l LEFT JOIN community_ref cr ON cr.id = l.community_id
        ${scopePaths ? `WHERE ${scopeSql('cr.path', scopePaths, 1)}` : ''} ORDER BY l.id DESC LIMIT 200`,
      scopePaths ? scopeValues(scopePaths) : [],
    );
  }

  /** Households in scope, keyset by id; `limit` rows at most. */
  async households(scopePaths: string[], f: HouseholdFilter, limit: number): Promise<HouseholdListRow[]> {
    const w = new Where('cr.path', scopePaths);
    if (f.communityId) w.add((n) => `h.community_id = $${n}`, f.communityId);
    if (f.kind) w.add((n) => `h.kind = $${n}`, f.kind);
    if (f.q !== undefined) w.add((n) => `(h.household_no LIKE $${n} OR h.address LIKE '%' || $${n})`, `${likeEscape(f.q)}%`);
    if (f.after) w.add((n) => `h.id > $${n}`, f.after);
    const n = w.last(limit);
    return this.ds.query(
      `SELECT h.id, h.household_no AS "householdNo", h.community_id AS "communityId", cr.name AS "communityName", h.kind, h.building, h.unit, h.room,
              h.address, h.grid_code AS "gridCode",
              (SELECT count(*) FROM registration r WHERE r.household_id = h.id AND r.status = 'active')::int AS members
         FROM household h JOIN community_ref cr ON cr.id = h.community_id
        WHERE ${w.sql} ORDER BY h.id LIMIT $${n}`,
      w.params,
    );
  }

  /** A household with its community's org path (for the scope check). */
  async household(id: number): Promise<(HouseholdRow & { path: string }) | undefined> {
    const rows: (HouseholdRow & { path: string })[] = await this.ds.query(
      `SELECT h.id, h.household_no AS "householdNo", h.community_id AS "communityId", cr.name AS "communityName", cr.path, h.kind, h.building, h.unit,
              h.room, h.address, h.grid_code AS "gridCode" FROM household h JOIN community_ref cr ON cr.id = h.community_id WHERE h.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** Every registration of a household, current and ended: active first, the head first, then by age. */
  async members(householdId: number): Promise<MemberRow[]> {
    return this.ds.query(
      `SELECT p.id AS "personId", p.name, p.id_masked AS "idMasked", p.sex, p.birth_date AS "birthDate", r.relation, r.start_date AS since,
              r.case_id AS "caseId", r.status, r.end_date AS until, r.end_reason AS "endReason"
         FROM registration r JOIN person p ON p.id = r.person_id WHERE r.household_id = $1
        ORDER BY r.status, CASE r.relation WHEN 'head' THEN 0 ELSE 1 END, p.birth_date`,
      [householdId],
    );
  }

  /** Properties in scope with their owners (masked). */
  async properties(scopePaths: string[], f: PropertyFilter, limit: number): Promise<PropertyRow[]> {
    const w = new Where('cr.path', scopePaths);
    if (f.certificateNo !== undefined) w.add((n) => `pr.certificate_no = $${n}`, f.certificateNo);
    if (f.communityId) w.add((n) => `pr.community_id = $${n}`, f.communityId);
    const n = w.last(limit);
    return this.ds.query(
      `SELECT pr.id, pr.certificate_no AS "certificateNo", pr.community_id AS "communityId", cr.name AS "communityName", pr.building, pr.unit, pr.room,
              pr.address, pr.area::float AS area, pr.grid_code AS "gridCode",
              coalesce((SELECT json_agg(json_build_object('name', o.owner_name, 'idMasked', o.id_masked)) FROM property_owner o WHERE o.property_id = pr.id), '[]') AS owners
         FROM property pr JOIN community_ref cr ON cr.id = pr.community_id
        WHERE ${w.sql} ORDER BY pr.id LIMIT $${n}`,
      w.params,
    );
  }
}
