import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, type PageRequest, readPage, rowsOf, scopeSql, type TaskAction, type TaskKind, type TaskStatus } from '@redheart/shared';
import type { CaseStatus, CaseType } from '../../domain';
import type { PropertyRow } from '../register/repository';

/**
 * Every owner of a flat in the given communities with the community they are actively registered
 * in (NULL: nowhere in this register), and whether any owner of the flat is registered in the
 * flat's community. The one definition used by compare, the live rates and the statistics.
 */
const OWNERS_CTE = `
  own AS (
    SELECT pr.community_id, pr.id AS property_id, pr.grid_code, o.owner_name, o.id_hash, o.id_masked, reg.community_id AS reg_community
      FROM property pr
      JOIN property_owner o ON o.property_id = pr.id
      LEFT JOIN LATERAL (
        SELECT h.community_id FROM person p
          JOIN registration r ON r.person_id = p.id AND r.status = 'active'
          JOIN household h ON h.id = r.household_id
         WHERE p.id_hash = o.id_hash) reg ON true
     WHERE pr.community_id = ANY($1::bigint[])
  ),
  flat AS (
    SELECT community_id, property_id, coalesce(bool_or(reg_community = community_id), false) AS any_here
      FROM own GROUP BY community_id, property_id
  )`;

/** The counts of one community (`total`) or one of its grids. */
export interface MeasureRow {
  communityId: number;
  gridCode: string | null;
  total: boolean;
  flats: number;
  flatsSeparated: number;
  residents: number;
  residentsElsewhere: number;
}

const TASK_COLUMNS = `t.id, t.community_id AS "communityId", cr.name AS "communityName", t.grid_code AS "gridCode", t.kind, t.property_id AS "propertyId",
  pr.certificate_no AS "certificateNo", pr.address, t.person_name AS "personName", t.id_masked AS "idMasked",
  t.registered_community_id AS "registeredCommunityId", rc.name AS "registeredCommunityName", t.status, t.case_id AS "caseId",
  mc.case_no AS "caseNo", mc.status AS "caseStatus", t.assigned_to AS "assignedTo", t.note, t.identified_at AS "identifiedAt",
  t.contacted_at AS "contactedAt", t.applied_at AS "appliedAt", t.settled_at AS "settledAt", t.declined_at AS "declinedAt",
  t.updated_at AS "updatedAt", t.version`;
const TASK_FROM = `outreach_task t
  JOIN community_ref cr ON cr.id = t.community_id
  JOIN property pr ON pr.id = t.property_id
  LEFT JOIN community_ref rc ON rc.id = t.registered_community_id
  LEFT JOIN move_case mc ON mc.id = t.case_id`;

export interface TaskRow {
  id: number;
  communityId: number;
  communityName: string;
  gridCode: string | null;
  kind: TaskKind;
  propertyId: number;
  certificateNo: string;
  address: string;
  personName: string;
  idMasked: string;
  registeredCommunityId: number | null;
  registeredCommunityName: string | null;
  status: TaskStatus;
  caseId: number | null;
  caseNo: string | null;
  caseStatus: CaseStatus | null;
  assignedTo: string | null;
  note: string | null;
  identifiedAt: Date;
  contactedAt: Date | null;
  appliedAt: Date | null;
  settledAt: Date | null;
  declinedAt: Date | null;
  updatedAt: Date;
  version: number;
}

/** A task with what the rules need and the answer leaves out: its community's path and its person's ID hash. */
export type LockedTaskRow = TaskRow & { path: string; idHash: string };

export interface TaskFilter {
  communityId?: number;
  gridCode?: string;
  status?: TaskStatus;
  kind?: TaskKind;
}

export interface FunnelRow {
  communityId: number;
  communityName: string;
  gridCode: string | null;
  total: boolean;
  identified: number;
  contacted: number;
  applied: number;
  settled: number;
  declined: number;
}

export interface SnapshotRow {
  id: number;
  communityId: number;
  communityName: string;
  takenAt: Date;
  takenBy: string;
  flats: number;
  flatsSeparated: number;
  residents: number;
  residentsElsewhere: number;
  tasksCreated: number;
}

/** The first comparison of each community, summed. */
export interface FirstSnapshotsRow {
  communities: number;
  takenAt: Date | null;
  flats: number;
  flatsSeparated: number;
  residents: number;
  residentsElsewhere: number;
  nowFlats: number;
  nowFlatsSeparated: number;
  nowResidents: number;
  nowResidentsElsewhere: number;
}

export interface TaskCaseRow {
  id: number;
  caseNo: string;
  status: CaseStatus;
  type: CaseType;
  communityId: number;
  path: string;
  hasPerson: boolean;
  /** The task's person holds an active registration in a household of the case's community now. */
  registeredHere: boolean;
}

/** The column each step stamps (from, to and roles are the shared workflow table's). */
const TASK_STAMPS: Record<TaskAction, string> = { contact: 'contacted_at', apply: 'applied_at', settle: 'settled_at', decline: 'declined_at' };

/** The condition of the tasks in scope matching the filters (after an id: keyset). */
function taskWhere(scopePaths: string[], f: TaskFilter, after?: number): { sql: string; params: unknown[] } {
  const params: unknown[] = scopePaths.map((p) => `${likeEscape(p)}%`);
  const where = [scopeSql('cr.path', scopePaths, 1)];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    where.push(sql(params.length));
  };
  if (f.communityId) add((n) => `t.community_id = $${n}`, f.communityId);
  if (f.gridCode) add((n) => `t.grid_code = $${n}`, f.gridCode);
  if (f.status) add((n) => `t.status = $${n}`, f.status);
  if (f.kind) add((n) => `t.kind = $${n}`, f.kind);
  if (after) add((n) => `t.id > $${n}`, after);
  return { sql: where.join(' AND '), params };
}

/** The registers compared (property, household), their snapshots and the outreach tasks; SQL only, no rules. */
/** A flat of the property register to write (its area in square metres). */
export type PropertyUpsert = Omit<PropertyRow, 'id' | 'communityName' | 'owners'>;

/** A flat written by an import: `inserted` when created, not updated. */
export interface WrittenPropertyRow {
  id: number;
  certificateNo: string;
  inserted: boolean;
}

/** An owner of a flat as stored: the ID number encrypted, hashed and masked. */
export interface OwnerUpsert {
  propertyId: number;
  name: string;
  idCipher: string;
  idHash: string;
  idMasked: string;
}

export class SeparationRepository {
  constructor(private readonly ds: DataSource) {}

  async communitiesInScope(m: EntityManager, scopePaths: string[]): Promise<{ id: number; name: string }[]> {
    return m.query(`SELECT id, name FROM community_ref WHERE ${scopeSql('path', scopePaths, 1)} ORDER BY path, id`, scopePaths.map((p) => `${likeEscape(p)}%`));
  }

  /** One comparison per community at a time (until the transaction ends). */
  async lockCommunity(m: EntityManager, communityId: number): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(7712140, $1::int)`, [communityId]);
  }

  /** Live counts per community and per grid, from the registers as they stand. */
  async measure(m: EntityManager, communityIds: number[]): Promise<MeasureRow[]> {
    return m.query(
      `WITH ${OWNERS_CTE}
       SELECT o.community_id AS "communityId", o.grid_code AS "gridCode", GROUPING(o.grid_code) = 1 AS total,
              count(DISTINCT o.property_id)::int AS flats,
              count(DISTINCT o.property_id) FILTER (WHERE NOT f.any_here)::int AS "flatsSeparated",
              count(DISTINCT o.id_hash)::int AS residents,
              count(DISTINCT o.id_hash) FILTER (WHERE o.reg_community IS DISTINCT FROM o.community_id)::int AS "residentsElsewhere"
         FROM own o JOIN flat f ON f.community_id = o.community_id AND f.property_id = o.property_id
        GROUP BY GROUPING SETS ((o.community_id, o.grid_code), (o.community_id))
        ORDER BY 1, 2 NULLS LAST`,
      [communityIds],
    );
  }

  async insertSnapshot(
    m: EntityManager,
    s: { communityId: number; takenAt: Date; takenBy: string; flats: number; flatsSeparated: number; residents: number; residentsElsewhere: number; byGrid: unknown },
  ): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO separation_snapshot (community_id, taken_at, taken_by, flats, flats_separated, residents, residents_elsewhere, tasks_created, by_grid)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) RETURNING id`,
      [s.communityId, s.takenAt, s.takenBy, s.flats, s.flatsSeparated, s.residents, s.residentsElsewhere, JSON.stringify(s.byGrid)],
    );
    return rows[0].id;
  }

  /**
   * One task per separated person with no open (or declined) task in the community yet: 房户分离 when no owner of their
   * flat is registered here, 人户分离 when the flat's household is registered here but this co-owner is not. How many.
   */
  async insertTasks(m: EntityManager, communityId: number, snapshotId: number, takenAt: Date): Promise<number> {
    return rowsOf(await m.query(
      `WITH ${OWNERS_CTE},
       cand AS (
         SELECT DISTINCT ON (o.id_hash) o.id_hash, o.owner_name, o.id_masked, o.property_id, o.grid_code, o.reg_community,
                CASE WHEN f.any_here THEN 'resident_elsewhere' ELSE 'owner_elsewhere' END AS kind
           FROM own o JOIN flat f ON f.community_id = o.community_id AND f.property_id = o.property_id
          WHERE o.reg_community IS DISTINCT FROM o.community_id
          ORDER BY o.id_hash, f.any_here, o.property_id
       )
       INSERT INTO outreach_task (community_id, grid_code, kind, property_id, person_name, id_hash, id_masked, registered_community_id, snapshot_id,
                                  identified_at, updated_at)
       SELECT $2::bigint, c.grid_code, c.kind, c.property_id, c.owner_name, c.id_hash, c.id_masked, c.reg_community, $3::bigint, $4::timestamptz, $4::timestamptz
         FROM cand c
        WHERE NOT EXISTS (SELECT 1 FROM outreach_task t WHERE t.community_id = $2 AND t.id_hash = c.id_hash
                             AND t.status IN ('identified', 'contacted', 'applied', 'declined'))
        ORDER BY c.grid_code NULLS LAST, c.property_id, c.id_hash
       ON CONFLICT (community_id, id_hash) WHERE status IN ('identified', 'contacted', 'applied') DO NOTHING
       RETURNING id`,
      [[communityId], communityId, snapshotId, takenAt],
    )).length;
  }

  async setSnapshotTasks(m: EntityManager, snapshotId: number, tasksCreated: number): Promise<void> {
    await m.query(`UPDATE separation_snapshot SET tasks_created = $2 WHERE id = $1`, [snapshotId, tasksCreated]);
  }

  /** Per grid and in total: tasks identified, contacted, applied, settled, declined. */
  async funnel(communityIds: number[]): Promise<FunnelRow[]> {
    return this.ds.query(
      `SELECT t.community_id AS "communityId", min(cr.name) AS "communityName", t.grid_code AS "gridCode", GROUPING(t.community_id, t.grid_code) = 3 AS total,
              count(*)::int AS identified,
              count(*) FILTER (WHERE t.contacted_at IS NOT NULL)::int AS contacted,
              count(*) FILTER (WHERE t.applied_at IS NOT NULL)::int AS applied,
              count(*) FILTER (WHERE t.status = 'settled')::int AS settled,
              count(*) FILTER (WHERE t.status = 'declined')::int AS declined
         FROM outreach_task t JOIN community_ref cr ON cr.id = t.community_id
        WHERE t.community_id = ANY($1::bigint[])
        GROUP BY GROUPING SETS ((t.community_id, t.grid_code), ())
        ORDER BY 1, 3 NULLS LAST`,
      [communityIds],
    );
  }

  /** A numbered page of the tasks in scope matching the filters, by id, with the total (exact up to 1,000, else estimated). */
  async taskPage(scopePaths: string[], f: TaskFilter, paged: PageRequest) {
    const { sql, params } = taskWhere(scopePaths, f);
    return readPage<TaskRow>(this.ds, `SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE ${sql} ORDER BY t.id`, `SELECT 1 FROM ${TASK_FROM} WHERE ${sql}`, params, paged);
  }

  /** Tasks in scope matching the filters, by id (keyset: after an id). */
  async tasks(scopePaths: string[], f: TaskFilter, limit: number, after?: number): Promise<TaskRow[]> {
    const { sql, params } = taskWhere(scopePaths, f, after);
    params.push(limit);
    return this.ds.query(`SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE ${sql} ORDER BY t.id LIMIT $${params.length}`, params);
  }

  async findTask(m: EntityManager, id: number, lock = false): Promise<LockedTaskRow | undefined> {
    const rows: LockedTaskRow[] = await m.query(`SELECT ${TASK_COLUMNS}, cr.path, t.id_hash AS "idHash" FROM ${TASK_FROM} WHERE t.id = $1 ${lock ? 'FOR UPDATE OF t' : ''}`, [id]);
    return rows[0];
  }

  /** The step, if the task is still at `version` and `from`; false when someone changed it first. */
  async stepTask(
    m: EntityManager,
    t: { id: number; version: number; from: TaskStatus },
    step: { action: TaskAction; to: TaskStatus | null; caseId: number | null; note: string | null; assignTo: string | null },
  ): Promise<boolean> {
    const updated = await m.query(
      `UPDATE outreach_task SET status = $3, ${TASK_STAMPS[step.action]} = now(), version = version + 1, updated_at = now(), case_id = $4,
              note = coalesce($5, note), assigned_to = CASE WHEN $6 THEN coalesce(assigned_to, $7) ELSE assigned_to END
        WHERE id = $1 AND version = $2 AND status = $8 RETURNING id`,
      [t.id, t.version, step.to, step.caseId, step.note, step.assignTo !== null, step.assignTo, t.from],
    );
    return rowsOf(updated).length > 0;
  }

  /** A case with its community's path and whether it holds the person of this ID hash. */
  async caseForTask(m: EntityManager, caseId: number, idHash: string): Promise<TaskCaseRow | undefined> {
    const rows: TaskCaseRow[] = await m.query(
      `SELECT c.id, c.case_no AS "caseNo", c.status, c.type, c.community_id AS "communityId", cr.path,
              EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.id_hash = $2) AS "hasPerson",
              EXISTS (SELECT 1 FROM person p
                        JOIN registration r ON r.person_id = p.id AND r.status = 'active'
                        JOIN household h ON h.id = r.household_id
                       WHERE p.id_hash = $2 AND h.community_id = c.community_id) AS "registeredHere"
         FROM move_case c JOIN community_ref cr ON cr.id = c.community_id WHERE c.id = $1`,
      [caseId, idHash],
    );
    return rows[0];
  }

  /** The comparisons of the communities, oldest first (at most 2000). */
  async snapshots(communityIds: number[]): Promise<SnapshotRow[]> {
    return this.ds.query(
      `SELECT s.id, s.community_id AS "communityId", cr.name AS "communityName", s.taken_at AS "takenAt", s.taken_by AS "takenBy", s.flats,
              s.flats_separated AS "flatsSeparated", s.residents, s.residents_elsewhere AS "residentsElsewhere", s.tasks_created AS "tasksCreated"
         FROM separation_snapshot s JOIN community_ref cr ON cr.id = s.community_id
        WHERE s.community_id = ANY($1::bigint[]) ORDER BY s.taken_at, s.id LIMIT 2000`,
      [communityIds],
    );
  }

  /** The first comparison of each community (summed), and the same communities' rates now from separation_rollup. */
  async firstSnapshots(m: EntityManager, communityIds: number[]): Promise<FirstSnapshotsRow> {
    const rows: FirstSnapshotsRow[] = await m.query(
      `SELECT count(*)::int AS communities, min(s.taken_at) AS "takenAt", coalesce(sum(s.flats), 0)::int AS flats,
              coalesce(sum(s.flats_separated), 0)::int AS "flatsSeparated", coalesce(sum(s.residents), 0)::int AS residents,
              coalesce(sum(s.residents_elsewhere), 0)::int AS "residentsElsewhere",
              coalesce(sum(r.flats), 0)::int AS "nowFlats", coalesce(sum(r.flats_separated), 0)::int AS "nowFlatsSeparated",
              coalesce(sum(r.residents), 0)::int AS "nowResidents", coalesce(sum(r.residents_elsewhere), 0)::int AS "nowResidentsElsewhere"
         FROM (SELECT DISTINCT ON (community_id) * FROM separation_snapshot WHERE community_id = ANY($1::bigint[]) ORDER BY community_id, taken_at, id) s
         LEFT JOIN separation_rollup r ON r.community_id = s.community_id`,
      [communityIds],
    );
    return rows[0];
  }

  /** The community of each of these certificate numbers already in the register. */
  async propertyCommunities(m: EntityManager, certificateNos: string[]): Promise<{ certificateNo: string; communityId: number }[]> {
    return m.query(
      `SELECT certificate_no AS "certificateNo", community_id AS "communityId" FROM property WHERE certificate_no = ANY($1::text[])`,
      [certificateNos],
    );
  }

  /**
   * Creates the flats, or updates those of the same certificate number in the same community (one in another
   * community is not written, and not returned); `inserted`: created, not updated.
   */
  async upsertProperties(m: EntityManager, flats: PropertyUpsert[]): Promise<WrittenPropertyRow[]> {
    return m.query(
      `INSERT INTO property (community_id, certificate_no, building, unit, room, address, area, grid_code)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[])
         ON CONFLICT (certificate_no) DO UPDATE SET building = EXCLUDED.building, unit = EXCLUDED.unit, room = EXCLUDED.room,
           address = EXCLUDED.address, area = EXCLUDED.area, grid_code = EXCLUDED.grid_code
         WHERE property.community_id = EXCLUDED.community_id
         RETURNING id, certificate_no AS "certificateNo", (xmax = 0) AS inserted`,
      [flats.map((p) => p.communityId), flats.map((p) => p.certificateNo), flats.map((p) => p.building), flats.map((p) => p.unit), flats.map((p) => p.room),
        flats.map((p) => p.address), flats.map((p) => p.area), flats.map((p) => p.gridCode)],
    );
  }

  /** Removes the owners of these flats that `keep` (property id and ID hash) does not list. */
  async removeOtherOwners(m: EntityManager, propertyIds: number[], keep: { propertyId: number; idHash: string }[]): Promise<void> {
    await m.query(
      `DELETE FROM property_owner o WHERE o.property_id = ANY($1::bigint[])
          AND NOT EXISTS (SELECT 1 FROM unnest($2::bigint[], $3::text[]) AS n(property_id, id_hash) WHERE n.property_id = o.property_id AND n.id_hash = o.id_hash)`,
      [propertyIds, keep.map((o) => o.propertyId), keep.map((o) => o.idHash)],
    );
  }

  /** Adds the owners, or renames those a flat already has (by ID hash). */
  async upsertOwners(m: EntityManager, owners: OwnerUpsert[]): Promise<void> {
    await m.query(
      `INSERT INTO property_owner (property_id, owner_name, id_cipher, id_hash, id_masked)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (property_id, id_hash) DO UPDATE SET owner_name = EXCLUDED.owner_name`,
      [owners.map((o) => o.propertyId), owners.map((o) => o.name), owners.map((o) => o.idCipher), owners.map((o) => o.idHash), owners.map((o) => o.idMasked)],
    );
  }
}
