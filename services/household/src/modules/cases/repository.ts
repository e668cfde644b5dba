import type { DataSource, EntityManager } from 'typeorm';
import { cursorAtSql, isoSql, likeEscape, type PageTotal, preparedIn, rowsOf, withPageTotal } from '@redheart/shared';
import { type CaseStatus, type CaseType, type DuplicateKind, OVERDUE_SQL } from '../../domain';

/** Scopes of up to this many communities read the case list community by community (one index walk each). */
const PER_COMMUNITY_WALKS = 64;
export const OPEN: readonly CaseStatus[] = ['DRAFT', 'SUBMITTED', 'NEEDS_SUPPLEMENT', 'ACCEPTED', 'APPROVED'];
const OPEN_SQL = OPEN.map((s) => `'${s}'`).join(', ');

/**
 * The potential-duplicate flag, computed when read so it is always current: an open case is flagged while
 * another open case (any community) names one of its persons (compared by the keyed ID hash, never clear
 * text) or the same property certificate number. Closed cases (settled, rejected, withdrawn, revoked) never
 * count and are never flagged. Accepting is refused on the narrower rule in `duplicates` (same person AND
 * same certificate, or already in the target household).
 * Each of the case's persons is one case_person_hash_idx lookup (the LIMITed LATERAL keeps it a nested loop): a
 * join of the two case_person sides is planned as a merge join that walks the whole hash index per open case.
 */
const POTENTIAL_DUPLICATE_SQL = `(c.status IN (${OPEN_SQL}) AND (
    EXISTS (SELECT 1 FROM case_person cp CROSS JOIN LATERAL (
              SELECT 1 FROM case_person ocp JOIN move_case oc ON oc.id = ocp.case_id AND oc.status IN (${OPEN_SQL})
               WHERE ocp.id_hash = cp.id_hash AND ocp.case_id <> c.id LIMIT 1) o
             WHERE cp.case_id = c.id)
    OR (c.property_certificate_no IS NOT NULL AND EXISTS (
          SELECT 1 FROM move_case oc WHERE oc.property_certificate_no = c.property_certificate_no AND oc.id <> c.id
             AND oc.status IN (${OPEN_SQL})))))`;

export interface CaseRow {
  id: number;
  caseNo: string;
  type: CaseType;
  status: CaseStatus;
  communityId: number;
  targetHouseholdId: number | null;
  newHousehold: { kind: 'family' | 'collective'; building?: string; unit?: string; room?: string; address: string; gridCode?: string } | null;
  sourceHouseholdId: number | null;
  destination: string | null;
  propertyCertificateNo: string | null;
  applicantName: string;
  applicantPhone: string | null;
  greenChannel: boolean;
  checklist: Record<string, { provided: boolean; verified?: boolean }>;
  approvalNo: string | null;
  potentialDuplicate: boolean;
  revokeRequestedBy: string | null;
  revokeReason: string | null;
  stepStartedAt: Date;
  settledAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export const CASE_COLUMNS = `c.id, c.case_no AS "caseNo", c.type, c.status, c.community_id AS "communityId", c.target_household_id AS "targetHouseholdId",
  c.new_household AS "newHousehold", c.source_household_id AS "sourceHouseholdId", c.destination, c.property_certificate_no AS "propertyCertificateNo",
  c.applicant_name AS "applicantName", c.applicant_phone AS "applicantPhone", c.green_channel AS "greenChannel", c.checklist,
  c.approval_no AS "approvalNo", ${POTENTIAL_DUPLICATE_SQL} AS "potentialDuplicate", c.revoke_requested_by AS "revokeRequestedBy",
  c.revoke_reason AS "revokeReason", c.step_started_at AS "stepStartedAt", c.settled_at AS "settledAt", c.created_by AS "createdBy",
  c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version`;

export interface CasePersonRow {
  id: number;
  name: string;
  idHash: string;
  idMasked: string;
  sex: 'M' | 'F';
  birthDate: string;
  relation: string;
}

/**
 * The detail's lists as JSON columns of the case's own row: the whole detail is one round trip. `events`: where the
 * timeline is read (a transition's answer adds the event its own statement wrote, which the table does not show it yet).
 */
export const detailParts = (events = 'case_event') => `
  coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'idMasked', p.id_masked, 'sex', p.sex,
      'birthDate', to_char(p.birth_date, 'YYYY-MM-DD'), 'relation', p.relation, 'employer', p.employer) ORDER BY p.id)
    FROM case_person p WHERE p.case_id = c.id), '[]') AS persons,
  coalesce((SELECT json_agg(json_build_object('id', e.id, 'action', e.action, 'fromStatus', e.from_status, 'toStatus', e.to_status,
      'actorUsername', e.actor_username, 'actorRole', e.actor_role, 'at', ${isoSql('e.at')}, 'reason', e.reason, 'attachments', e.attachments,
      'data', e.data) ORDER BY e.id)
    FROM ${events} e WHERE e.case_id = c.id), '[]') AS timeline,
  coalesce((SELECT json_agg(json_build_object('id', n.id, 'items', n.items, 'note', n.note, 'issuedBy', n.issued_by, 'issuedAt', ${isoSql('n.issued_at')})
      ORDER BY n.id)
    FROM supplement_notice n WHERE n.case_id = c.id), '[]') AS notices`;
const DETAIL_PARTS = detailParts();

export interface DetailParts {
  persons: Omit<CasePersonRow, 'idHash'>[];
  timeline: unknown[];
  notices: unknown[];
}

/** A case as loaded for a rule or an answer: with its community's path and name (and, asked for, the detail's lists). */
export type LoadedCase = CaseRow & { path: string; communityName: string } & Partial<DetailParts>;

/** What the bus event of a case transition names (household.case.*). */
export interface CaseEventInfo {
  caseNo: string;
  communityId: number;
  communityName: string | null;
  path: string | null;
  createdBy: string;
}

export interface NewCase {
  type: CaseType;
  communityId: number;
  targetHouseholdId: number | null;
  newHousehold: CaseRow['newHousehold'];
  sourceHouseholdId: number | null;
  destination: string | null;
  propertyCertificateNo: string | null;
  propertyId: number | null;
  applicantName: string;
  applicantPhone: string | null;
  greenChannel: boolean;
  checklist: CaseRow['checklist'];
  createdBy: string;
}

/** A person of a case as stored: the ID number encrypted, hashed and masked. */
export interface NewCasePerson {
  name: string;
  idCipher: string;
  idHash: string;
  idMasked: string;
  sex: string;
  birthDate: string;
  relation: string;
  employer: string | null;
}

/** A person of a case as settle reads it: where they were registered at acceptance. */

/** One person of a settle (CaseRepository.settleAll). */
export interface SettleCheckRow {
  idMasked: string;
  changed: boolean;
  here: boolean;
  moved: number;
  tasks: number;
}

export interface DuplicateRow {
  kind: DuplicateKind;
  idMasked: string;
  caseNo: string | null;
}

export interface NoticeRow {
  id: number;
  items: string[];
  note: string | null;
  issuedBy: string;
  issuedAt: Date;
}

/** The work queue's filters, as SQL sees them (the service turns the free text into one of idHash, caseNo, text). */
export interface CaseListFilter {
  communityIds: number[];
  status?: CaseStatus;
  type?: CaseType;
  greenChannel?: boolean;
  overdue?: boolean;
  /** a person of the case, by the keyed hash of their ID number */
  idHash?: string;
  caseNo?: string;
  /** an applicant's or a person's name prefix */
  text?: string;
  /** keyset: below this (created_at, id) */
  cursor?: [string, string | number];
}

export type CaseListRow = CaseRow & { communityName: string; cursorAt: string };

/** The row the bus event of a case transition names, in the transition's transaction. */
export async function caseEventInfo(m: EntityManager, caseId: number): Promise<CaseEventInfo | undefined> {
  const rows: CaseEventInfo[] = await m.query(
    `SELECT mc.case_no AS "caseNo", mc.community_id::int AS "communityId", cr.name AS "communityName", cr.path, mc.created_by AS "createdBy"
       FROM move_case mc LEFT JOIN community_ref cr ON cr.id = mc.community_id WHERE mc.id = $1`,
    [caseId],
  );
  return rows[0];
}

/** move_case, case_person, supplement_notice and the registrations a case writes; SQL only, no rules. */
export class CaseRepository {
  /** `read`: the replica for the work queue (list and search tolerate a little lag). */
  constructor(private readonly read: DataSource) {}

  /** A flat of the community's property register by its certificate number. */
  async propertyId(m: EntityManager, certificateNo: string, communityId: number): Promise<number | null> {
    const rows: { id: number }[] = await m.query(`SELECT id FROM property WHERE certificate_no = $1 AND community_id = $2`, [certificateNo, communityId]);
    return rows[0]?.id ?? null;
  }

  /** A new DRAFT case with the next HJ number; its id. */
  async insert(m: EntityManager, c: NewCase): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO move_case (case_no, type, status, community_id, target_household_id, new_household, source_household_id, destination,
          property_certificate_no, property_id, applicant_name, applicant_phone, green_channel, checklist, created_by)
       VALUES ('HJ' || to_char(now(), 'YYYY') || '-' || lpad(nextval('move_case_no_seq')::text, 6, '0'), $1, 'DRAFT', $2, $3, $4, $5, $6, $7, $13, $8, $9, $10, $11, $12)
       RETURNING id`,
      [c.type, c.communityId, c.targetHouseholdId, c.newHousehold ? JSON.stringify(c.newHousehold) : null, c.sourceHouseholdId, c.destination,
        c.propertyCertificateNo, c.applicantName, c.applicantPhone, c.greenChannel, JSON.stringify(c.checklist), c.createdBy, c.propertyId],
    );
    return rows[0].id;
  }

  async insertPerson(m: EntityManager, caseId: number, p: NewCasePerson): Promise<void> {
    await m.query(
      `INSERT INTO case_person (case_id, name, id_cipher, id_hash, id_masked, sex, birth_date, relation, employer) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [caseId, p.name, p.idCipher, p.idHash, p.idMasked, p.sex, p.birthDate, p.relation, p.employer],
    );
  }

  /** How many persons of the case are not actively registered in that household. */
  /** The ID hashes of the case's persons not registered in the household now. */
  async personsNotIn(m: EntityManager, caseId: number, householdId: number): Promise<string[]> {
    const rows: { idHash: string }[] = await m.query(
      `SELECT cp.id_hash AS "idHash" FROM case_person cp WHERE cp.case_id = $1 AND NOT EXISTS (
         SELECT 1 FROM registration r JOIN person p ON p.id = r.person_id
          WHERE p.id_hash = cp.id_hash AND r.household_id = $2 AND r.status = 'active')`,
      [caseId, householdId],
    );
    return rows.map((r) => r.idHash);
  }

  async household(m: EntityManager, id: number): Promise<{ id: number; communityId: number; kind: string } | undefined> {
    const rows: { id: number; communityId: number; kind: string }[] = await m.query(`SELECT id, community_id AS "communityId", kind FROM household WHERE id = $1`, [id]);
    return rows[0];
  }

  async find(m: EntityManager, id: number, opts: { lock?: boolean; withDetail?: boolean } = {}): Promise<LoadedCase | undefined> {
    const rows = await preparedIn<LoadedCase>(m,
      `SELECT ${CASE_COLUMNS}, cr.path, cr.name AS "communityName" ${opts.withDetail ? `, ${DETAIL_PARTS}` : ''}
         FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE c.id = $1 ${opts.lock ? 'FOR UPDATE OF c' : ''}`,
      [id],
    );
    return rows[0];
  }

  /**
   * Potential duplicates: the same person in another open case for the same property certificate,
   * or the same person already registered in the target household.
   */
  async duplicates(m: EntityManager, c: Pick<CaseRow, 'id' | 'propertyCertificateNo' | 'targetHouseholdId'>): Promise<DuplicateRow[]> {
    return m.query(
      `SELECT 'open_case_same_property' AS kind, cp.id_masked AS "idMasked", oc.case_no AS "caseNo"
         FROM case_person cp
         JOIN case_person ocp ON ocp.id_hash = cp.id_hash AND ocp.case_id <> cp.case_id
         JOIN move_case oc ON oc.id = ocp.case_id AND oc.status = ANY($2::text[])
        WHERE cp.case_id = $1 AND $3::text IS NOT NULL AND oc.property_certificate_no = $3
       UNION ALL
       SELECT 'already_in_target' AS kind, cp.id_masked, NULL
         FROM case_person cp JOIN person p ON p.id_hash = cp.id_hash
         JOIN registration r ON r.person_id = p.id AND r.status = 'active' AND r.household_id = $4
        WHERE cp.case_id = $1`,
      [c.id, OPEN, c.propertyCertificateNo, c.targetHouseholdId ?? -1],
    );
  }

  /**
   * The work queue, newest first: keyset (`limit` + 1 rows: the extra one says whether a next page exists) or a
   * numbered page with its total. The communities are resolved first, so the cases are read by community_id (an index
   * range walk), never by a LIKE on the joined path (which no index of move_case can serve).
   */
  async list(f: CaseListFilter, page: { limit: number } | { offset: number; limit: number }): Promise<{ rows: CaseListRow[]; total?: PageTotal }> {
    const paged = 'offset' in page ? page : null;
    const ids = f.communityIds;
    // $1: the communities (one, or an array)
    const params: unknown[] = [ids.length === 1 ? ids[0] : ids];
    const idsParam = '$1';
    const inCommunities = (alias: string) => (ids.length === 1 ? `${alias}.community_id = ${idsParam}` : `${alias}.community_id = ANY(${idsParam}::bigint[])`);
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.status) add((n) => `c.status = $${n}`, f.status);
    if (f.type) add((n) => `c.type = $${n}`, f.type);
    if (f.greenChannel !== undefined) add((n) => `c.green_channel = $${n}`, f.greenChannel);
    if (f.overdue) where.push(OVERDUE_SQL);
    if (f.idHash !== undefined) add((n) => `EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.id_hash = $${n})`, f.idHash);
    else if (f.caseNo !== undefined) add((n) => `c.case_no = $${n}`, f.caseNo);
    // A name prefix: the cases of the communities whose applicant or one of whose persons has it, read by the
    // (community_id, name) indexes of move_case and case_person — the few dozen matches of a community — rather than
    // walking the community's cases newest first until a page of them matches (about one case in 200 matches a
    // two-character name: a 498 ms median in bench:city's 20,669-case community under load).
    else if (f.text !== undefined) {
      add((n) => `c.id IN (SELECT cp.case_id FROM case_person cp WHERE ${inCommunities('cp')} AND cp.name LIKE $${n}
                  UNION SELECT a.id FROM move_case a WHERE ${inCommunities('a')} AND a.applicant_name LIKE $${n})`, `${likeEscape(f.text)}%`);
    }
    if (f.cursor) {
      const [at, id] = f.cursor;
      params.push(at, id);
      where.push(`(c.created_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    // Keyset: limit+1 rows. Numbered pages: the rows up to the end of the page (each per-community walk needs them
    // all), the page is the outer OFFSET. The page's bounds are parameters of the rows statement only (appended after
    // the filters' parameters, so the total's statement takes the filters' parameters and the statement text does not
    // change from page to page).
    const rowParams = [...params];
    const bound = (v: number) => {
      rowParams.push(v);
      return `$${rowParams.length}::int`;
    };
    // Every bound written into the statement is used by it (an unused parameter has no type).
    // (not for a name: its matches are found by index whatever the number of communities)
    const perWalk = ids.length > 1 && ids.length <= PER_COMMUNITY_WALKS && f.text === undefined;
    const lim = perWalk || !paged ? bound(paged ? paged.offset + paged.limit : page.limit) : '';
    const order = `ORDER BY c.created_at DESC, c.id DESC LIMIT ${lim}`;
    const pageBounds = paged ? `LIMIT ${bound(paged.limit)} OFFSET ${bound(paged.offset)}` : `LIMIT ${lim}`;
    const pageOrder = `ORDER BY c.created_at DESC, c.id DESC ${pageBounds}`;
    const cond = (community: string) => [community, ...where].join(' AND ');
    const columns = `${CASE_COLUMNS}, ${cursorAtSql('c.created_at')} AS "cursorAt"`;
    let sql: string;
    if (ids.length === 1) {
      // One community (a community's staff, or an explicit communityId): move_case_list_idx from the cursor on.
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE ${cond(inCommunities('c'))} ${pageOrder}`;
    } else if (perWalk) {
      // A street's (or a few) communities: one move_case_list_idx walk per community, at most limit+1 rows each, merged.
      // The walks read (id, created_at) only, from the index; the merged page's rows and names are fetched
      // after the LIMIT (a LIMITed subquery is not flattened).
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM (
          SELECT x.id FROM unnest(${idsParam}::bigint[]) AS s(id)
           CROSS JOIN LATERAL (SELECT c.id, c.created_at FROM move_case c WHERE ${cond('c.community_id = s.id')} ${order}) x
           ORDER BY x.created_at DESC, x.id DESC ${pageBounds}) y
          JOIN move_case c ON c.id = y.id JOIN community_ref cr ON cr.id = c.community_id
         ORDER BY c.created_at DESC, c.id DESC`;
    } else {
      // A county or the city: most cases are in scope, so the newest-first walk of move_case_all_idx stops early.
      sql = `SELECT ${columns}, cr.name AS "communityName" FROM move_case c JOIN community_ref cr ON cr.id = c.community_id
        WHERE ${cond(inCommunities('c'))} ${pageOrder}`;
    }
    // The clerk's queue (one community, no filter but the cursor) is the hot read: a named prepared statement, parsed
    // once per connection. PostgreSQL still plans it per call while a custom plan is cheaper than the generic one (a
    // community holding most cases walks move_case_all_idx; the generic plan walks move_case_list_idx): about 0.3 ms.
    // Filtered lists stay unnamed: a status or text filter's best plan depends on its value.
    const hot = ids.length === 1 && where.length === (f.cursor ? 1 : 0);
    const rowsQuery = hot ? preparedIn<CaseListRow>(this.read.manager, sql, rowParams) : (this.read.query(sql, rowParams) as Promise<CaseListRow[]>);
    if (paged) {
      // The total over the same filters; the count stops at 1,001 index entries, beyond which the planner estimates.
      const { rows, ...total } = await withPageTotal(this.read, rowsQuery, `SELECT 1 FROM move_case c WHERE ${cond(inCommunities('c'))}`, params, paged);
      return { rows, total };
    }
    return { rows: await rowsQuery };
  }

  /** The one-time notice (一次性告知) of a supplement request. */
  async insertNotice(m: EntityManager, caseId: number, items: string[], note: string | null, issuedBy: string): Promise<void> {
    await m.query(`INSERT INTO supplement_notice (case_id, items, note, issued_by) VALUES ($1, $2, $3, $4)`, [caseId, JSON.stringify(items), note, issuedBy]);
  }

  /** Remembers where each person of the case is registered now (settle moves them only from there). */
  async recordSourceRegistrations(m: EntityManager, caseId: number): Promise<void> {
    await m.query(
      `UPDATE case_person cp SET source_registration_id = (
         SELECT r.id FROM registration r JOIN person p ON p.id = r.person_id WHERE p.id_hash = cp.id_hash AND r.status = 'active')
        WHERE cp.case_id = $1`,
      [caseId],
    );
  }

  /** Move-out: every person's active registration in the household ends, in one statement; each says whether it did. */
  async moveOutAll(m: EntityManager, caseId: number, householdId: number | null, day: string): Promise<{ idMasked: string; ended: boolean }[]> {
    return preparedIn(m,
        `WITH cp AS (SELECT id, id_hash, id_masked FROM case_person WHERE case_id = $1),
         ended AS (
           UPDATE registration r SET status = 'ended', end_date = $3, end_reason = 'moved_out', ended_by_case_id = $1
             FROM person p, cp WHERE p.id = r.person_id AND p.id_hash = cp.id_hash AND r.household_id = $2 AND r.status = 'active' RETURNING p.id_hash)
         SELECT cp.id_masked AS "idMasked", EXISTS (SELECT 1 FROM ended e WHERE e.id_hash = cp.id_hash) AS ended FROM cp ORDER BY cp.id`,
      [caseId, householdId, day],
    );
  }

  async collectiveHousehold(m: EntityManager, communityId: number): Promise<number | undefined> {
    const rows: { id: number }[] = await m.query(`SELECT id FROM household WHERE community_id = $1 AND kind = 'collective'`, [communityId]);
    return rows[0]?.id;
  }

  async createHousehold(m: EntityManager, communityId: number, h: NonNullable<CaseRow['newHousehold']>): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO household (household_no, community_id, kind, building, unit, room, address, grid_code)
       SELECT 'HH' || coalesce(cr.division_code, cr.id::text) || '-' || lpad(nextval('household_no_seq')::text, 6, '0'), cr.id, $2, $3, $4, $5, $6, $7
         FROM community_ref cr WHERE cr.id = $1
       RETURNING id`,
      [communityId, h.kind, h.building ?? null, h.unit ?? null, h.room ?? null, h.address, h.gridCode ?? null],
    );
    return rows[0].id;
  }

  /**
   * A settle's register writes in one statement (see CaseService.settle): the household's lock, the persons upserted,
   * their active registrations locked and checked, and only when every person passes the ends, the new registrations and
   * the outreach tasks done. One row per person: whether its registration changed since acceptance, whether it is
   * already in this household, and (the same on every row) how many registrations ended and tasks were done.
   */
  async settleAll(
    m: EntityManager, a: { caseId: number; householdId: number; day: string; communityId: number; lockHousehold: boolean },
  ): Promise<SettleCheckRow[]> {
    return preparedIn(m,
        `WITH lk AS (SELECT id FROM household WHERE id = $2 AND $5::boolean FOR UPDATE),
         cp AS (SELECT id, name, id_cipher, id_hash, id_masked, sex, birth_date, employer, relation, source_registration_id
                  FROM case_person WHERE case_id = $1 AND (SELECT count(*) FROM lk) >= 0),
         p AS (
           INSERT INTO person (name, id_cipher, id_hash, id_masked, sex, birth_date, employer)
           SELECT name, id_cipher, id_hash, id_masked, sex, birth_date, employer FROM cp ORDER BY id
           ON CONFLICT (id_hash) DO UPDATE SET name = EXCLUDED.name, employer = coalesce(EXCLUDED.employer, person.employer)
           RETURNING id, id_hash),
         cur AS (
           SELECT r.id, r.person_id, r.household_id FROM registration r
            WHERE r.person_id IN (SELECT id FROM p) AND r.status = 'active' ORDER BY r.person_id FOR UPDATE),
         chk AS (
           SELECT cp.id AS cp_id, cp.id_hash, cp.id_masked, cp.relation, p.id AS person_id, cur.id AS reg_id,
                  cur.id IS DISTINCT FROM cp.source_registration_id AS changed, coalesce(cur.household_id = $2, false) AS here
             FROM cp JOIN p ON p.id_hash = cp.id_hash LEFT JOIN cur ON cur.person_id = p.id),
         ok AS (SELECT NOT EXISTS (SELECT 1 FROM chk WHERE changed OR here) AS ok),
         ended AS (
           UPDATE registration r SET status = 'ended', end_date = $3, end_reason = 'moved', ended_by_case_id = $1
             FROM chk WHERE (SELECT ok FROM ok) AND r.id = chk.reg_id RETURNING r.id),
         ins AS (
           INSERT INTO registration (person_id, household_id, relation, status, start_date, case_id)
           SELECT person_id, $2, relation, 'active', $3, $1 FROM chk
            WHERE (SELECT ok FROM ok) AND (SELECT count(*) FROM ended) >= 0 ORDER BY cp_id RETURNING id),
         tasks AS (
           UPDATE outreach_task SET status = 'settled', case_id = $1, settled_at = now(), updated_at = now(), version = version + 1
            WHERE (SELECT ok FROM ok) AND community_id = $4 AND id_hash IN (SELECT id_hash FROM cp) AND status IN ('identified', 'contacted', 'applied')
            RETURNING id)
         SELECT chk.id_masked AS "idMasked", chk.changed, chk.here, (SELECT count(*) FROM ended)::int AS moved, (SELECT count(*) FROM tasks)::int AS tasks
           FROM chk ORDER BY chk.cp_id`,
      [a.caseId, a.householdId, a.day, a.communityId, a.lockHousehold],
    );
  }

  /** Revocation: ends the registrations the case made; how many. */
  async endCaseRegistrations(m: EntityManager, caseId: number, day: string): Promise<number> {
    return rowsOf(await m.query(
      `UPDATE registration SET status = 'ended', end_date = $2, end_reason = 'revoked' WHERE case_id = $1 AND status = 'active' RETURNING id`,
      [caseId, day],
    )).length;
  }

  /** Revocation: brings back the registrations the case ended; how many (23505 when a person registered elsewhere since). */
  async restoreEndedRegistrations(m: EntityManager, caseId: number): Promise<number> {
    return rowsOf(await m.query(
      `UPDATE registration SET status = 'active', end_date = NULL, end_reason = NULL, ended_by_case_id = NULL WHERE ended_by_case_id = $1 RETURNING id`,
      [caseId],
    )).length;
  }

  async notice(m: EntityManager, caseId: number, noticeId: number): Promise<NoticeRow | undefined> {
    const rows: NoticeRow[] = await m.query(`SELECT id, items, note, issued_by AS "issuedBy", issued_at AS "issuedAt" FROM supplement_notice WHERE id = $1 AND case_id = $2`, [noticeId, caseId]);
    return rows[0];
  }

  async noticePersons(m: EntityManager, caseId: number): Promise<{ name: string; idMasked: string; relation: string }[]> {
    return m.query(`SELECT name, id_masked AS "idMasked", relation FROM case_person WHERE case_id = $1 ORDER BY id`, [caseId]);
  }
}
