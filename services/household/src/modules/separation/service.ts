import type { DataSource, EntityManager } from 'typeorm';
import {
  actionsFor, AppError, type AuthUser, type TaskAction, type TaskStatus, TASK_WORKFLOW_DEF, badRequest, type CommunityDirectory, conflict, guardTransition, inScope, keysetPage, notFound, pageRequest,
  type Role, writeAudit,
} from '@redheart/shared';
import { assertMay } from '../../policy';
import { type LockedTaskRow, SeparationRepository, type TaskFilter, type TaskRow } from './repository';

/** A linked case refused (409): named on the `caseId` field, with its number, so the form shows it there. */
const caseRefused = (code: string, message: string, caseNo: string) =>
  new AppError(409, code, message, [{ field: 'caseId', errors: [message], params: { caseNo } }], undefined, { caseNo });

/**
 * A SETTLED move-in of the person proves nothing once they have moved out again (a later comparison found them
 * separated anew): it links or settles a task only while the person is registered in the community.
 */
const movedAwaySince = (c: { caseNo: string }, t: { communityName: string }) =>
  caseRefused('PERSON_NOT_REGISTERED', `The person is no longer registered in ${t.communityName}; case ${c.caseNo} no longer settles this task`, c.caseNo);

export { type TaskFilter, type TaskRow } from './repository';
// The outreach task workflow and its kinds are written once in @redheart/shared's workflows.
export { TASK_KINDS, type TaskKind, OPEN_TASK, TASK_ACTIONS, TASK_STATUSES, TASK_WORKERS, type TaskAction, type TaskStatus } from '@redheart/shared';

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

/** Live rates per community and per grid, computed from the registers as they stand. */
export async function measureSeparation(repo: SeparationRepository, m: EntityManager, communityIds: number[]): Promise<Map<number, { total: SeparationMeasure; grids: GridMeasure[] }>> {
  const out = new Map<number, { total: SeparationMeasure; grids: GridMeasure[] }>();
  for (const id of communityIds) out.set(id, { total: measure(0, 0, 0, 0), grids: [] });
  if (!communityIds.length) return out;
  for (const r of await repo.measure(m, communityIds)) {
    const entry = out.get(r.communityId)!;
    const mm = measure(r.flats, r.flatsSeparated, r.residents, r.residentsElsewhere);
    if (r.total) entry.total = mm;
    else entry.grids.push({ gridCode: r.gridCode, ...mm });
  }
  return out;
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

export interface CompareResult {
  takenAt: string;
  tasksCreated: number;
  communities: ({ communityId: number; communityName: string; snapshotId: number; tasksCreated: number; grids: GridMeasure[] } & SeparationMeasure)[];
}

export class SeparationService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityDirectory,
    private readonly repo: SeparationRepository = new SeparationRepository(ds),
  ) {}

  assertReader(user: AuthUser): void {
    assertMay(user, 'readRegister');
  }

  /** The communities a request is about: the one asked for (404 outside scope), else all in scope. */
  async targetCommunities(m: EntityManager, user: AuthUser, communityId?: number): Promise<{ id: number; name: string }[]> {
    if (communityId) {
      const c = await this.communities.visible(m, user, communityId);
      return [{ id: c.id, name: c.name }];
    }
    return this.repo.communitiesInScope(m, user.scopePaths);
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
      await this.repo.lockCommunity(m, c.id);
      const measured = (await measureSeparation(this.repo, m, [c.id])).get(c.id)!;
      const snapshotId = await this.repo.insertSnapshot(m, {
        communityId: c.id, takenAt, takenBy: actor.username, ...measured.total, byGrid: measured.grids,
      });
      const created = await this.repo.insertTasks(m, c.id, snapshotId, takenAt);
      await this.repo.setSnapshotTasks(m, snapshotId, created);
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
    const rows = await this.repo.funnel(communities.map((c) => c.id));
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
      const { rows, ...total } = await this.repo.taskPage(user.scopePaths, f, paged);
      return { items: rows.map((t) => presentTask(t, user.role)), ...total, page: paged.page, limit: paged.limit };
    }
    const limit = Math.min(f.limit ?? 50, 200);
    const rows = await this.queryTasks(user, f, limit + 1, f.after);
    const { page, next } = keysetPage(rows, limit);
    return { items: page.map((t) => presentTask(t, user.role)), nextAfter: next ? next.id : null };
  }

  /** Tasks in scope matching the filters, by id (keyset); the export reads through here too. */
  async queryTasks(user: AuthUser, f: TaskFilter, limit: number, after?: number): Promise<TaskRow[]> {
    return this.repo.tasks(user.scopePaths, f, limit, after);
  }

  private async loadTask(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<LockedTaskRow> {
    const t = await this.repo.findTask(m, id, lock);
    if (!t || !inScope(t.path, user.scopePaths)) throw notFound('Task');
    return t;
  }

  async getTask(user: AuthUser, id: number) {
    this.assertReader(user);
    const { path: _p, idHash: _h, ...t } = await this.loadTask(this.ds.manager, user, id);
    void _p;
    void _h;
    return presentTask(t, user.role);
  }

  /** contact → apply → settle, or decline; a settled task must point at a SETTLED move-in of the same person here. */
  async transition(ctx: Ctx, id: number, dto: { action: TaskAction; version: number; caseId?: number; note?: string }, m: EntityManager) {
    const { user } = ctx;
    this.assertReader(user);
    const t = await this.loadTask(m, user, id, true);
    const rule = guardTransition(TASK_WORKFLOW_DEF, {
      action: dto.action, role: user.role, state: t.status, entity: 'outreach_task',
      version: { record: t.version, request: dto.version, stale: () => conflict('The task was changed by someone else; reload it', 'STALE_VERSION') },
    }, {
      forbidden: () => '您的角色无权处理走访任务',
      wrongState: (state, action) => `Cannot ${action} a task that is ${state}`,
    });
    let caseId = t.caseId;
    if (dto.action === 'decline' && !dto.note) throw badRequest('decline needs a note saying why', [{ field: 'note', errors: ['required'] }], 'VALIDATION_FAILED');
    if (dto.action === 'apply' && dto.caseId) {
      const c = await this.caseOfPerson(m, user, dto.caseId, t);
      if (['REJECTED', 'WITHDRAWN', 'REVOKED'].includes(c.status)) throw caseRefused('CASE_CLOSED', `Case ${c.caseNo} is ${c.status}; link an open one`, c.caseNo);
      if (c.status === 'SETTLED' && !c.registeredHere) throw movedAwaySince(c, t);
      caseId = c.id;
    }
    if (dto.action === 'settle') {
      caseId = dto.caseId ?? t.caseId;
      if (!caseId) throw badRequest('settle needs caseId: the settled move-in case of this person', [{ field: 'caseId', errors: ['required'] }], 'VALIDATION_FAILED');
      const c = await this.caseOfPerson(m, user, caseId, t);
      if (c.status !== 'SETTLED') throw caseRefused('CASE_NOT_SETTLED', `Case ${c.caseNo} is ${c.status}, not SETTLED`, c.caseNo);
      // a move-in settled once proves nothing if the person has since moved out again (a later comparison
      // found them separated anew): the task is settled only while they are registered here
      if (!c.registeredHere) throw movedAwaySince(c, t);
    }
    if (dto.action !== 'apply' && dto.action !== 'settle' && dto.caseId) {
      throw badRequest(`caseId belongs to apply and settle only`, [{ field: 'caseId', errors: ['not allowed for this action'] }], 'VALIDATION_FAILED');
    }
    const stepped = await this.repo.stepTask(
      m, { id, version: dto.version, from: t.status },
      { action: dto.action, to: rule.to, caseId, note: dto.note ?? null, assignTo: dto.action === 'contact' ? user.username : null },
    );
    if (!stepped) throw conflict('The task was changed by someone else; reload it', 'STALE_VERSION');
    await writeAudit(m, {
      actor: user, action: `outreach.${dto.action}`, entityType: 'outreach_task', entityId: id,
      before: { status: t.status, version: t.version }, after: { status: rule.to, version: t.version + 1, caseId }, reason: dto.note ?? null, requestId: ctx.requestId,
    });
    const { path: _p, idHash: _h, ...fresh } = await this.loadTask(m, user, id);
    void _p;
    void _h;
    return presentTask(fresh, user.role);
  }

  /** The case must be visible, a move-in into the task's community, and hold the task's person (by ID hash). */
  private async caseOfPerson(m: EntityManager, user: AuthUser, caseId: number, t: TaskRow & { idHash: string }) {
    const c = await this.repo.caseForTask(m, caseId, t.idHash);
    if (!c || !inScope(c.path, user.scopePaths)) throw notFound('Case');
    if (c.type === 'move_out' || c.communityId !== t.communityId || !c.hasPerson) {
      throw caseRefused('CASE_MISMATCH', `Case ${c.caseNo} is not a move-in of this person into ${t.communityName}`, c.caseNo);
    }
    return c;
  }

  /** The comparison history of the communities (oldest first): the "before" and every "after". */
  async snapshots(user: AuthUser, communityId?: number) {
    this.assertReader(user);
    const communities = await this.targetCommunities(this.ds.manager, user, communityId);
    const rows = await this.repo.snapshots(communities.map((c) => c.id));
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
    const f = await this.repo.firstSnapshots(m, communityIds);
    return {
      communities: f.communities,
      before: f.communities ? { takenAt: new Date(f.takenAt!).toISOString(), ...measure(f.flats, f.flatsSeparated, f.residents, f.residentsElsewhere) } : null,
      now: f.communities ? { takenAt: new Date().toISOString(), ...measure(f.nowFlats, f.nowFlatsSeparated, f.nowResidents, f.nowResidentsElsewhere) } : null,
    };
  }
}

