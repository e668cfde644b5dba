import type { DataSource, EntityManager } from 'typeorm';
import {
  actionsFor, assertRole, type AuthUser, type TaskAction, type TaskStatus, TASK_WORKFLOW_DEF, badRequest, type CommunityDirectory, conflict, inScope, likeEscape, notFound, pageRequest, readPage, type Role, rowsOf, scopeSql, writeAudit,
  wrongState,
} from '@redheart/shared';
import { REGISTER_READERS } from '../cases/service';

export const TASK_KINDS = ['owner_elsewhere', 'resident_elsewhere'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
// The outreach task workflow is written once in @redheart/shared's workflows.
export { OPEN_TASK, TASK_ACTIONS, TASK_STATUSES, TASK_WORKERS, type TaskAction, type TaskStatus } from '@redheart/shared';

/** Who may compare the registers (it writes snapshots and tasks). */
export const COMPARERS: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk'];
/** The column each step stamps; from, to and roles are the shared table's (TASK_WORKFLOW_DEF). */
const TASK_STAMPS: Record<TaskAction, string> = { contact: 'contacted_at', apply: 'applied_at', settle: 'settled_at', decline: 'declined_at' };
const TASK_RULES = TASK_WORKFLOW_DEF.rules;

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

export interface SeparationMeasure {
  flats: number;
  flatsSeparated: number;
  /** 房户分离率: flats none of whose owners is registered in the community. */
  flatRate: number | null;
  residents: number;
  residentsElsewhere: number;
  /** 人户分离率: owners of the community's flats registered in another community or nowhere in the register. */
  residentRate: number | null;
}

export interface GridMeasure extends SeparationMeasure {
  gridCode: string | null;
}

export const ratio = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : null);

export function measure(flats: number, flatsSeparated: number, residents: number, residentsElsewhere: number): SeparationMeasure {
  return { flats, flatsSeparated, flatRate: ratio(flatsSeparated, flats), residents, residentsElsewhere, residentRate: ratio(residentsElsewhere, residents) };
}

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

interface MeasureRow {
  communityId: number;
  gridCode: string | null;
  total: boolean;
  flats: number;
  flatsSeparated: number;
  residents: number;
  residentsElsewhere: number;
}

/** Live rates per community and per grid, computed from the registers as they stand. */
export async function measureSeparation(m: EntityManager, communityIds: number[]): Promise<Map<number, { total: SeparationMeasure; grids: GridMeasure[] }>> {
  const out = new Map<number, { total: SeparationMeasure; grids: GridMeasure[] }>();
  for (const id of communityIds) out.set(id, { total: measure(0, 0, 0, 0), grids: [] });
  if (!communityIds.length) return out;
  const rows: MeasureRow[] = await m.query(
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
  for (const r of rows) {
    const entry = out.get(r.communityId)!;
    const mm = measure(r.flats, r.flatsSeparated, r.residents, r.residentsElsewhere);
    if (r.total) entry.total = mm;
    else entry.grids.push({ gridCode: r.gridCode, ...mm });
  }
  return out;
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
  caseStatus: string | null;
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

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function taskActions(status: TaskStatus, role: Role): TaskAction[] {
  return actionsFor(TASK_WORKFLOW_DEF, status, role);
}

export function presentTask(t: TaskRow, role: Role) {
  return {
    ...t,
    identifiedAt: iso(t.identifiedAt)!,
    contactedAt: iso(t.contactedAt),
    appliedAt: iso(t.appliedAt),
    settledAt: iso(t.settledAt),
    declinedAt: iso(t.declinedAt),
    updatedAt: iso(t.updatedAt)!,
    allowedActions: taskActions(t.status, role),
  };
}

export interface TaskFilter {
  communityId?: number;
  gridCode?: string;
  status?: TaskStatus;
  kind?: TaskKind;
}

export interface CompareResult {
  takenAt: string;
  tasksCreated: number;
  communities: ({ communityId: number; communityName: string; snapshotId: number; tasksCreated: number; grids: GridMeasure[] } & SeparationMeasure)[];
}

export class SeparationService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityDirectory,
  ) {}

  assertReader(user: AuthUser): void {
    assertRole(user, REGISTER_READERS, '您的角色无权查看户籍');
  }

  /** The communities a request is about: the one asked for (404 outside scope), else all in scope. */
  async targetCommunities(m: EntityManager, user: AuthUser, communityId?: number): Promise<{ id: number; name: string }[]> {
    if (communityId) {
      const c = await this.communities.visible(m, user, communityId);
      return [{ id: c.id, name: c.name }];
    }
    return m.query(
      `SELECT id, name FROM community_ref WHERE ${scopeSql('path', user.scopePaths, 1)} ORDER BY path, id`,
      user.scopePaths.map((p) => `${likeEscape(p)}%`),
    );
  }

  /**
   * Compares the property register with the household register for each community: records a
   * snapshot of the rates and opens an outreach task for every separated owner who has no open (or
   * declined) task there yet, so a second run adds nothing. `at` backdates the run (demo history).
   */
  async compare(m: EntityManager, actor: { username: string; user?: AuthUser; requestId?: string }, communities: { id: number; name: string }[], at?: Date): Promise<CompareResult> {
    const takenAt = at ?? new Date();
    const result: CompareResult = { takenAt: takenAt.toISOString(), tasksCreated: 0, communities: [] };
    for (const c of communities) {
      // One comparison per community at a time: the snapshot and its tasks must agree.
      await m.query(`SELECT pg_advisory_xact_lock(7712140, $1::int)`, [c.id]);
      const measured = (await measureSeparation(m, [c.id])).get(c.id)!;
      const snap: { id: number }[] = await m.query(
        `INSERT INTO separation_snapshot (community_id, taken_at, taken_by, flats, flats_separated, residents, residents_elsewhere, tasks_created, by_grid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) RETURNING id`,
        [c.id, takenAt, actor.username, measured.total.flats, measured.total.flatsSeparated, measured.total.residents, measured.total.residentsElsewhere,
          JSON.stringify(measured.grids)],
      );
      const snapshotId = snap[0].id;
      // One task per separated person: 房户分离 when no owner of their flat is registered here,
      // 人户分离 when the flat's household is registered here but this co-owner is not.
      const created = rowsOf(await m.query(
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
        [[c.id], c.id, snapshotId, takenAt],
      )).length;
      await m.query(`UPDATE separation_snapshot SET tasks_created = $2 WHERE id = $1`, [snapshotId, created]);
      if (actor.user) {
        await writeAudit(m, {
          actor: actor.user, action: 'separation.compare', entityType: 'community', entityId: c.id,
          after: { snapshotId, ...measured.total, tasksCreated: created }, requestId: actor.requestId,
        });
      }
      result.tasksCreated += created;
      result.communities.push({ communityId: c.id, communityName: c.name, snapshotId, tasksCreated: created, ...measured.total, grids: measured.grids });
    }
    return result;
  }

  /** Per grid: how many separated persons were identified, contacted, applied, settled, declined, and the rates. */
  async funnel(user: AuthUser, communityId?: number) {
    this.assertReader(user);
    const communities = await this.targetCommunities(this.ds.manager, user, communityId);
    const rows: { communityId: number; communityName: string; gridCode: string | null; total: boolean; identified: number; contacted: number; applied: number; settled: number; declined: number }[] = await this.ds.query(
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
      [communities.map((c) => c.id)],
    );
    const withRates = <T extends { identified: number; contacted: number; applied: number; settled: number; declined: number }>(r: T) => ({
      identified: r.identified, contacted: r.contacted, applied: r.applied, settled: r.settled, declined: r.declined,
      open: r.identified - r.settled - r.declined,
      rates: { contacted: ratio(r.contacted, r.identified), applied: ratio(r.applied, r.identified), settled: ratio(r.settled, r.identified), declined: ratio(r.declined, r.identified) },
    });
    const total = rows.find((r) => r.total) ?? { identified: 0, contacted: 0, applied: 0, settled: 0, declined: 0 };
    return {
      communityId: communityId ?? null,
      totals: withRates(total),
      grids: rows.filter((r) => !r.total).map((r) => ({ communityId: r.communityId, communityName: r.communityName, gridCode: r.gridCode, ...withRates(r) })),
    };
  }

  async listTasks(user: AuthUser, f: TaskFilter & { limit?: number; after?: number; page?: number }) {
    this.assertReader(user);
    if (f.page !== undefined && f.after !== undefined) {
      throw badRequest('按页码翻页时不能同时给出 after（page 与 after 二选一）', [{ field: 'after', errors: ['must be absent when page is given'] }], 'VALIDATION_FAILED');
    }
    const paged = pageRequest({ page: f.page, limit: f.limit }, 20);
    if (f.communityId) await this.targetCommunities(this.ds.manager, user, f.communityId);
    if (paged) {
      // Numbered pages (the console's list): the same filters, the total alongside (exact up to 1,000, else estimated).
      const { sql, params } = this.taskWhere(user, f);
      const { rows, ...total } = await readPage<TaskRow>(this.ds, `SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE ${sql} ORDER BY t.id`, `SELECT 1 FROM ${TASK_FROM} WHERE ${sql}`, params, paged);
      return { items: rows.map((t) => presentTask(t, user.role)), ...total, page: paged.page, limit: paged.limit };
    }
    const limit = Math.min(f.limit ?? 50, 200);
    const rows = await this.queryTasks(user, f, limit + 1, f.after);
    const page = rows.slice(0, limit);
    return { items: page.map((t) => presentTask(t, user.role)), nextAfter: rows.length > limit ? page[page.length - 1].id : null };
  }

  /** Tasks in scope matching the filters, by id (keyset); the export reads through here too. */
  async queryTasks(user: AuthUser, f: TaskFilter, limit: number, after?: number): Promise<TaskRow[]> {
    const { sql, params } = this.taskWhere(user, f, after);
    params.push(limit);
    return this.ds.query(`SELECT ${TASK_COLUMNS} FROM ${TASK_FROM} WHERE ${sql} ORDER BY t.id LIMIT $${params.length}`, params);
  }

  /** The condition of the tasks in scope matching the filters (after an id: keyset). */
  private taskWhere(user: AuthUser, f: TaskFilter, after?: number): { sql: string; params: unknown[] } {
    const params: unknown[] = user.scopePaths.map((p) => `${likeEscape(p)}%`);
    const where = [scopeSql('cr.path', user.scopePaths, 1)];
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

  private async loadTask(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<TaskRow> {
    const rows = await m.query(`SELECT ${TASK_COLUMNS}, cr.path, t.id_hash AS "idHash" FROM ${TASK_FROM} WHERE t.id = $1 ${lock ? 'FOR UPDATE OF t' : ''}`, [id]);
    const t = rows[0];
    if (!t || !inScope(t.path, user.scopePaths)) throw notFound('Task');
    return t;
  }

  async getTask(user: AuthUser, id: number) {
    this.assertReader(user);
    const { path: _p, idHash: _h, ...t } = (await this.loadTask(this.ds.manager, user, id)) as TaskRow & { path: string; idHash: string };
    void _p;
    void _h;
    return presentTask(t, user.role);
  }

  /** contact → apply → settle, or decline; a settled task must point at a SETTLED move-in of the same person here. */
  async transition(ctx: Ctx, id: number, dto: { action: TaskAction; version: number; caseId?: number; note?: string }, m: EntityManager) {
    const { user } = ctx;
    this.assertReader(user);
    const t = (await this.loadTask(m, user, id, true)) as TaskRow & { path: string; idHash: string };
    const rule = TASK_RULES[dto.action];
    assertRole(user, rule.roles, '您的角色无权处理走访任务');
    if (!rule.from.includes(t.status)) throw wrongState(`Cannot ${dto.action} a task that is ${t.status}`, { entity: 'outreach_task', from: t.status, action: dto.action });
    if (t.version !== dto.version) throw conflict('The task was changed by someone else; reload it', 'STALE_VERSION');
    let caseId = t.caseId;
    if (dto.action === 'decline' && !dto.note) throw badRequest('decline needs a note saying why', [{ field: 'note', errors: ['required'] }], 'VALIDATION_FAILED');
    if (dto.action === 'apply' && dto.caseId) {
      const c = await this.caseOfPerson(m, user, dto.caseId, t);
      if (['REJECTED', 'WITHDRAWN', 'REVOKED'].includes(c.status)) throw conflict(`Case ${c.caseNo} is ${c.status}; link an open one`, 'CASE_CLOSED');
      caseId = c.id;
    }
    if (dto.action === 'settle') {
      caseId = dto.caseId ?? t.caseId;
      if (!caseId) throw badRequest('settle needs caseId: the settled move-in case of this person', [{ field: 'caseId', errors: ['required'] }], 'VALIDATION_FAILED');
      const c = await this.caseOfPerson(m, user, caseId, t);
      if (c.status !== 'SETTLED') throw conflict(`Case ${c.caseNo} is ${c.status}, not SETTLED`, 'CASE_NOT_SETTLED');
    }
    if (dto.action !== 'apply' && dto.action !== 'settle' && dto.caseId) {
      throw badRequest(`caseId belongs to apply and settle only`, [{ field: 'caseId', errors: ['not allowed for this action'] }], 'VALIDATION_FAILED');
    }
    const updated = await m.query(
      `UPDATE outreach_task SET status = $3, ${TASK_STAMPS[dto.action]} = now(), version = version + 1, updated_at = now(), case_id = $4,
              note = coalesce($5, note), assigned_to = CASE WHEN $6 THEN coalesce(assigned_to, $7) ELSE assigned_to END
        WHERE id = $1 AND version = $2 AND status = $8 RETURNING id`,
      [id, dto.version, rule.to, caseId, dto.note ?? null, dto.action === 'contact', user.username, t.status],
    );
    if (!rowsOf(updated).length) throw conflict('The task was changed by someone else; reload it', 'STALE_VERSION');
    await writeAudit(m, {
      actor: user, action: `outreach.${dto.action}`, entityType: 'outreach_task', entityId: id,
      before: { status: t.status, version: t.version }, after: { status: rule.to, version: t.version + 1, caseId }, reason: dto.note ?? null, requestId: ctx.requestId,
    });
    const { path: _p, idHash: _h, ...fresh } = (await this.loadTask(m, user, id)) as TaskRow & { path: string; idHash: string };
    void _p;
    void _h;
    return presentTask(fresh, user.role);
  }

  /** The case must be visible, a move-in into the task's community, and hold the task's person (by ID hash). */
  private async caseOfPerson(m: EntityManager, user: AuthUser, caseId: number, t: TaskRow & { idHash: string }) {
    const rows: { id: number; caseNo: string; status: string; type: string; communityId: number; path: string; hasPerson: boolean }[] = await m.query(
      `SELECT c.id, c.case_no AS "caseNo", c.status, c.type, c.community_id AS "communityId", cr.path,
              EXISTS (SELECT 1 FROM case_person cp WHERE cp.case_id = c.id AND cp.id_hash = $2) AS "hasPerson"
         FROM move_case c JOIN community_ref cr ON cr.id = c.community_id WHERE c.id = $1`,
      [caseId, t.idHash],
    );
    const c = rows[0];
    if (!c || !inScope(c.path, user.scopePaths)) throw notFound('Case');
    if (c.type === 'move_out' || c.communityId !== t.communityId || !c.hasPerson) {
      throw conflict(`Case ${c.caseNo} is not a move-in of this person into ${t.communityName}`, 'CASE_MISMATCH');
    }
    return c;
  }

  /** The comparison history of the communities (oldest first): the "before" and every "after". */
  async snapshots(user: AuthUser, communityId?: number) {
    this.assertReader(user);
    const communities = await this.targetCommunities(this.ds.manager, user, communityId);
    const rows: { id: number; communityId: number; communityName: string; takenAt: Date; takenBy: string; flats: number; flatsSeparated: number; residents: number; residentsElsewhere: number; tasksCreated: number }[] = await this.ds.query(
      `SELECT s.id, s.community_id AS "communityId", cr.name AS "communityName", s.taken_at AS "takenAt", s.taken_by AS "takenBy", s.flats,
              s.flats_separated AS "flatsSeparated", s.residents, s.residents_elsewhere AS "residentsElsewhere", s.tasks_created AS "tasksCreated"
         FROM separation_snapshot s JOIN community_ref cr ON cr.id = s.community_id
        WHERE s.community_id = ANY($1::bigint[]) ORDER BY s.taken_at, s.id LIMIT 2000`,
      [communities.map((c) => c.id)],
    );
    return rows.map((r) => ({
      id: r.id, communityId: r.communityId, communityName: r.communityName, takenAt: new Date(r.takenAt).toISOString(), takenBy: r.takenBy, tasksCreated: r.tasksCreated,
      ...measure(r.flats, r.flatsSeparated, r.residents, r.residentsElsewhere),
    }));
  }

  /**
   * Rates at each community's first comparison (summed) against the registers now, over the same
   * communities, so the two figures compare like with like. "Now" is read from separation_rollup (kept
   * by triggers equal to the live measure of each community: migration SeparationRollup), not
   * re-measured from the registers: one statement over the compared communities' snapshots and rollup rows.
   */
  async beforeAfter(m: EntityManager, communityIds: number[]) {
    const [f]: { communities: number; takenAt: Date | null; flats: number; flatsSeparated: number; residents: number; residentsElsewhere: number;
      nowFlats: number; nowFlatsSeparated: number; nowResidents: number; nowResidentsElsewhere: number }[] = await m.query(
      `SELECT count(*)::int AS communities, min(s.taken_at) AS "takenAt", coalesce(sum(s.flats), 0)::int AS flats,
              coalesce(sum(s.flats_separated), 0)::int AS "flatsSeparated", coalesce(sum(s.residents), 0)::int AS residents,
              coalesce(sum(s.residents_elsewhere), 0)::int AS "residentsElsewhere",
              coalesce(sum(r.flats), 0)::int AS "nowFlats", coalesce(sum(r.flats_separated), 0)::int AS "nowFlatsSeparated",
              coalesce(sum(r.residents), 0)::int AS "nowResidents", coalesce(sum(r.residents_elsewhere), 0)::int AS "nowResidentsElsewhere"
         FROM (SELECT DISTINCT ON (community_id) * FROM separation_snapshot WHERE community_id = ANY($1::bigint[]) ORDER BY community_id, taken_at, id) s
         LEFT JOIN separation_rollup r ON r.community_id = s.community_id`,
      [communityIds],
    );
    return {
      communities: f.communities,
      before: f.communities ? { takenAt: new Date(f.takenAt!).toISOString(), ...measure(f.flats, f.flatsSeparated, f.residents, f.residentsElsewhere) } : null,
      now: f.communities ? { takenAt: new Date().toISOString(), ...measure(f.nowFlats, f.nowFlatsSeparated, f.nowResidents, f.nowResidentsElsewhere) } : null,
    };
  }
}

