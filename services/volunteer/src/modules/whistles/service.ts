import type { DataSource, EntityManager } from 'typeorm';
import {
  actionsFor, type AuthUser, badRequest, conflict, forbidden, guardTransition, inScope, notFound, pageRequest, RESPONSE_WORKFLOW_DEF, type TransitionMessages,
  WHISTLE_WORKFLOW_DEF, writeAudit,
} from '@redheart/shared';
import { assertMay, may, scopeKind } from '../../policy';
import {
  RESPONSE_RULES, type ResponseAction, type ResponseStatus, type WhistleAction, type WhistleStatus, whistleStatusFrom,
} from '../../domain';
import type { CreateWhistleDto, DepartmentScorecardQuery, ListWhistlesQuery, ResponseTransitionDto, WhistleTransitionDto } from './dto';
import { type ResponseRow, WhistleRepository, type WhistleRow } from './repository';

export interface Ctx {
  user: AuthUser;
  requestId?: string;
}

/** The longest a street may give departments to answer. */
const MAX_DEADLINE_DAYS = 90;
const SYSTEM: AuthUser = { sub: 'system', username: 'system', role: 'admin', orgId: 0, scopePaths: [] };

/** 400 VALIDATION_FAILED naming the field; `code` (and `params`) word it in the SPA, else the field's code says `invalid`. */
const invalid = (field: string, message: string, why: string, code?: string, params?: Record<string, unknown>) =>
  badRequest(message, [{ field, errors: [why], ...(code ? { code } : {}), ...(params ? { params } : {}) }], 'VALIDATION_FAILED');

/** The path of the street above a community's path (`/1/3/7/` → `/1/3/`) and the street's id. */
function streetOf(communityPath: string): { path: string; id: number } {
  const ids = communityPath.split('/').filter(Boolean);
  return { path: `/${ids.slice(0, -1).join('/')}/`, id: Number(ids.at(-2)) };
}

function checkDeadline(raw: string, field = 'deadline'): Date {
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) throw invalid(field, `${field} 不是有效的时间`, 'invalid');
  if (d.getTime() <= Date.now()) throw invalid(field, `${field} 应晚于当前时间`, 'past', 'notInFuture');
  if (d.getTime() > Date.now() + MAX_DEADLINE_DAYS * 86400_000) {
    throw invalid(field, `${field} 最长为 ${MAX_DEADLINE_DAYS} 天内`, `more than ${MAX_DEADLINE_DAYS} days ahead`, 'tooFarAhead', { days: MAX_DEADLINE_DAYS });
  }
  return d;
}

/** The texts of the workflows' refusals (403, 409 WRONG_STATE, 400 for a field the action needs). */
const WHISTLE_MESSAGES: TransitionMessages = {
  forbidden: (action) => `您的角色不能对街呼县应执行 ${action}`,
  wrongState: (state, action) => `状态为 ${state} 的街呼县应不能 ${action}`,
  missing: (field, action) => `${action} 需要填写 ${field}`,
};
const RESPONSE_MESSAGES: TransitionMessages = {
  forbidden: (action) => `您的角色不能对部门答复执行 ${action}`,
  wrongState: (state, action) => `状态为 ${state} 的部门答复不能 ${action}`,
  missing: WHISTLE_MESSAGES.missing,
};

/** A proposed whistle, or one declined or withdrawn: its responses take no action. */
const responsesClosed = (w: WhistleRow): boolean => ['PROPOSED', 'DECLINED', 'WITHDRAWN'].includes(w.status);

export class WhistleService {
  private readonly repo: WhistleRepository;

  constructor(
    private readonly ds: DataSource,
    read: DataSource = ds,
  ) {
    this.repo = new WhistleRepository(read);
  }

  /** The county departments a whistle may go to (the org service marks them; synced into unit_ref). */
  async departments(user: AuthUser) {
    assertMay(user, 'whistle.read');
    return this.repo.departments();
  }

  private async checkDepartments(m: EntityManager, ids: number[], field = 'departmentIds'): Promise<void> {
    const known = new Set(await this.repo.knownDepartments(m, ids));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length) throw invalid(field, `${field} 中 ${unknown.join('、')} 不是县直部门`, `not a county department: ${unknown.join(', ')}`);
  }

  /**
   * The whistle in the caller's scope (404 outside): a department's staff see only the whistles sent to their
   * department (not a community's proposal before the street sends it); everyone else the whistles at or below their
   * scope, and a community also those its street raised for it.
   */
  private async load(m: EntityManager, user: AuthUser, id: number, lock = false): Promise<WhistleRow> {
    assertMay(user, 'whistle.read');
    const w = await this.repo.find(m, id, lock);
    if (!w || !(await this.visible(m, user, w))) throw notFound('Whistle');
    return w;
  }

  private async visible(m: EntityManager, user: AuthUser, w: WhistleRow): Promise<boolean> {
    if (scopeKind(user) === 'unit') return this.repo.sentTo(m, w.id, user.orgId);
    return inScope(w.path, user.scopePaths) || (w.communityPath !== null && inScope(w.communityPath, user.scopePaths));
  }

  async create(ctx: Ctx, dto: CreateWhistleDto, m: EntityManager) {
    const { user } = ctx;
    assertMay(user, 'whistle.raise');
    const deadline = checkDeadline(dto.deadline);
    let street: { path: string; id: number };
    let community: { id: number; path: string; street_name: string } | undefined;
    const sends = may(user, 'whistle.send');
    if (sends) {
      street = { path: user.scopePaths[0], id: user.orgId };
      if (dto.communityId !== undefined) {
        community = await this.repo.community(m, dto.communityId);
        if (!community || !inScope(community.path, user.scopePaths)) throw notFound('Community');
      }
    } else {
      // A community proposes; its street decides whether and to whom it goes.
      if (dto.communityId !== undefined && dto.communityId !== user.orgId) throw invalid('communityId', 'communityId 只能是本社区', 'only your own community');
      community = await this.repo.community(m, user.orgId);
      if (!community) throw notFound('Community');
      street = streetOf(community.path);
    }
    const streetName: string = community?.street_name
      ?? (await this.repo.streetName(m, street.path))
      ?? '街道';
    await this.checkDepartments(m, dto.departmentIds);
    const proposed = !sends;
    const status: WhistleStatus = proposed ? 'PROPOSED' : 'SENT';
    const path = proposed ? community!.path : street.path;
    const id = await this.repo.insert(m, {
      streetId: street.id, streetName, communityId: community?.id ?? null, path, title: dto.title, description: dto.description, place: dto.place || null,
      deadline, status, raisedBy: user.username, raisedRole: user.role,
    });
    await this.repo.insertResponses(m, id, dto.departmentIds, proposed ? 'PROPOSED' : 'PENDING', deadline);
    await this.event(m, user, id, null, proposed ? 'propose' : 'raise', null, status, null, { departmentIds: dto.departmentIds, deadline: deadline.toISOString() });
    await writeAudit(m, {
      actor: user, action: proposed ? 'whistle.propose' : 'whistle.raise', entityType: 'whistle', entityId: id,
      after: { title: dto.title, departmentIds: dto.departmentIds, deadline: deadline.toISOString(), communityId: community?.id ?? null, status }, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  async detail(m: EntityManager, user: AuthUser, id: number) {
    const w = await this.load(m, user, id);
    const responses = await this.repo.responses(m, id);
    const timeline = await this.repo.timeline(m, id);
    const { communityPath: _cp, path: _p, ...rest } = w;
    void _cp;
    void _p;
    return {
      ...rest,
      responses: responses.map((r) => ({ ...r, allowedActions: this.responseActions(user, w, r) })),
      timeline,
      allowedActions: this.whistleActions(user, w),
    };
  }

  private whistleActions(user: AuthUser, w: WhistleRow): WhistleAction[] {
    return actionsFor(WHISTLE_WORKFLOW_DEF, w.status, user.role);
  }

  private responseActions(user: AuthUser, w: WhistleRow, r: ResponseRow): ResponseAction[] {
    if (responsesClosed(w)) return [];
    return actionsFor(RESPONSE_WORKFLOW_DEF, r.status, user.role).filter((a) => {
      const rule = RESPONSE_RULES[a];
      return (!rule.ownDepartment || r.unitId === user.orgId) && (!rule.overdueOnly || r.overdue);
    });
  }

  async list(user: AuthUser, q: ListWhistlesQuery) {
    assertMay(user, 'whistle.read');
    const paged = pageRequest({ page: q.page ?? 1, limit: q.limit }, 20)!;
    const { rows, total } = await this.repo.list({
      unitId: scopeKind(user) === 'unit' ? user.orgId : undefined, scopePaths: user.scopePaths, open: q.view === 'open', status: q.status, text: q.q ? q.q.trim() : undefined,
    }, paged);
    const items = rows.map(({ communityPath: _cp, path: _p, ...rest }) => (void _cp, void _p, rest));
    return { items, ...total, page: paged.page, limit: paged.limit };
  }

  /** The street's actions on a whistle (send a proposal, decline it, withdraw, close). */
  async transition(ctx: Ctx, id: number, dto: WhistleTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const w = await this.load(m, user, id, true);
    const rule = guardTransition(WHISTLE_WORKFLOW_DEF, {
      action: dto.action, role: user.role, state: w.status, entity: 'whistle', fields: dto,
      version: { record: w.version, request: dto.version, stale: () => conflict('该街呼县应已被他人修改，请刷新后重试', 'STALE_VERSION') },
    }, WHISTLE_MESSAGES);
    const responses = await this.repo.responses(m, id, true);
    let data: Record<string, unknown> | null = null;
    const set: Record<string, unknown> = {};
    switch (dto.action) {
      case 'send': {
        const deadline = dto.deadline ? checkDeadline(dto.deadline) : new Date(w.deadline);
        if (!dto.deadline && deadline.getTime() <= Date.now()) throw invalid('deadline', '原定期限已过，请给出新的 deadline', 'past');
        const departmentIds = dto.departmentIds ?? responses.map((r) => r.unitId);
        await this.checkDepartments(m, departmentIds);
        await this.repo.dropProposedExcept(m, id, departmentIds);
        await this.repo.sendResponses(m, id, departmentIds, deadline);
        set.deadline = deadline;
        // The street's whistle now: it is kept (and scoped) at the street, the community still sees it through community_id.
        set.path = w.communityPath ? streetOf(w.communityPath).path : w.path;
        data = { departmentIds, deadline: deadline.toISOString() };
        break;
      }
      case 'withdraw':
        await this.repo.withdrawResponses(m, id);
        break;
      case 'close':
        if (responses.some((r) => r.status === 'REPORTED')) throw conflict('还有部门的答复未评价，请先评价', 'UNRATED');
        set.closed_at = new Date();
        break;
      default:
        break;
    }
    await this.applyWhistle(m, w, dto.version, rule.to, set);
    await this.event(m, user, id, null, dto.action, w.status, rule.to, dto.reason ?? null, data);
    await writeAudit(m, {
      actor: user, action: `whistle.${dto.action}`, entityType: 'whistle', entityId: id,
      before: { status: w.status, version: w.version }, after: { status: rule.to, ...(data ?? {}) }, reason: dto.reason, requestId: ctx.requestId,
    });
    return this.detail(m, user, id);
  }

  /** A department's 报到 (accept, act, report, refuse), the street's rating or return, the county's 督办. */
  async respond(ctx: Ctx, id: number, unitId: number, dto: ResponseTransitionDto, m: EntityManager) {
    const { user } = ctx;
    const w = await this.load(m, user, id, true);
    // The role first (403), before the responses are read; the state and the rest once the response is known.
    const { ownDepartment } = guardTransition(RESPONSE_WORKFLOW_DEF, { action: dto.action, role: user.role, entity: 'whistle_response' }, RESPONSE_MESSAGES);
    const responses = await this.repo.responses(m, id, true);
    const r = responses.find((x) => x.unitId === unitId);
    if (!r || (scopeKind(user) === 'unit' && r.status === 'PROPOSED')) throw notFound('Department response');
    if (ownDepartment && r.unitId !== user.orgId) throw forbidden('只能答复本部门收到的街呼县应');
    const rule = guardTransition(RESPONSE_WORKFLOW_DEF, {
      action: dto.action, role: user.role, state: r.status, entity: 'whistle_response', blocked: responsesClosed(w), fields: dto,
      also: (x) => {
        if (x.overdueOnly && !r.overdue) throw conflict('只有超期未答复的部门才能督办', 'NOT_OVERDUE');
      },
      version: { record: r.version, request: dto.version, stale: () => conflict('该部门答复已被他人修改，请刷新后重试', 'STALE_VERSION') },
    }, RESPONSE_MESSAGES);
    const to: ResponseStatus = rule.to ?? r.status;
    const set: Record<string, unknown> = {};
    let data: Record<string, unknown> | null = null;
    switch (dto.action) {
      case 'accept':
        set.accepted_at = new Date();
        break;
      case 'refuse':
        set.decline_reason = dto.reason;
        break;
      case 'act':
        set.acting_note = dto.note;
        data = { note: dto.note };
        break;
      case 'report':
        Object.assign(set, { result: dto.result, reported_at: new Date() });
        if (!r.acceptedAt) set.accepted_at = new Date();
        data = { result: dto.result };
        break;
      case 'rate':
        Object.assign(set, { rating: dto.rating, rating_comment: dto.reason ?? null, rated_by: user.username, rated_at: new Date() });
        data = { rating: dto.rating };
        break;
      case 'return':
        Object.assign(set, { returned_count: r.returnedCount + 1, reported_at: null, result: null });
        break;
      case 'supervise': {
        const deadline = checkDeadline(dto.deadline!);
        Object.assign(set, { deadline, overdue: false, supervised_count: r.supervisedCount + 1 });
        data = { deadline: deadline.toISOString() };
        break;
      }
      default:
        break;
    }
    if (!(await this.repo.updateResponse(m, r.id, dto.version, to, set))) throw conflict('该部门答复已被他人修改，请刷新后重试', 'STALE_VERSION');
    await this.event(m, user, id, unitId, dto.action, r.status, to, dto.reason ?? null, data);
    await writeAudit(m, {
      actor: user, action: `whistle.${dto.action}`, entityType: 'whistle_response', entityId: r.id,
      before: { whistleId: id, unitId, status: r.status, version: r.version }, after: { status: to, ...(data ?? {}) }, reason: dto.reason, requestId: ctx.requestId,
    });
    await this.follow(m, w, responses.map((x) => (x.id === r.id ? { ...x, status: to, overdue: dto.action === 'supervise' ? false : x.overdue } : x)));
    return this.detail(m, user, id);
  }

  /**
   * The whistle's status follows its responses: after an answer it may be ANSWERED, after the last rating CLOSED
   * (by the system, in the same transaction), after 督办 no longer ESCALATED.
   */
  private async follow(m: EntityManager, w: WhistleRow, responses: { status: ResponseStatus; overdue: boolean }[]) {
    const next = whistleStatusFrom(w.status, responses);
    if (next === w.status) return;
    await this.repo.setStatus(m, w.id, next);
    await this.event(m, SYSTEM, w.id, null, next === 'CLOSED' ? 'close' : 'follow', w.status, next, null, null);
  }

  private async applyWhistle(m: EntityManager, w: WhistleRow, version: number, to: WhistleStatus, set: Record<string, unknown>) {
    if (!(await this.repo.update(m, w.id, version, to, set))) throw conflict('该街呼县应已被他人修改，请刷新后重试', 'STALE_VERSION');
  }

  /**
   * The overdue job (上下联动): every response still owed past its deadline is marked overdue and goes up to the
   * county (its whistle ESCALATED). The `NOT overdue` condition makes a second or concurrent run change nothing.
   */
  async escalateOverdue(now = new Date()): Promise<{ whistleId: number; unitId: number }[]> {
    return this.ds.transaction(async (m) => {
      const hit = await this.repo.markOverdue(m, now);
      const whistles = [...new Set(hit.map((h) => Number(h.whistle_id)))];
      for (const h of hit) {
        await this.event(m, SYSTEM, Number(h.whistle_id), Number(h.unit_id), 'overdue', null, null, '超过期限未答复，上报县级督办', null);
        await writeAudit(m, { actor: null, action: 'whistle.overdue', entityType: 'whistle_response', entityId: Number(h.id), after: { overdue: true }, reason: 'unanswered past the deadline' });
      }
      if (whistles.length) {
        const up = await this.repo.escalate(m, whistles, now);
        for (const { id } of up) {
          await this.event(m, SYSTEM, Number(id), null, 'escalate', 'SENT', 'ESCALATED', '部门超期未答复', null);
          await writeAudit(m, { actor: null, action: 'whistle.escalate', entityType: 'whistle', entityId: Number(id), after: { status: 'ESCALATED' }, reason: 'a department did not answer by the deadline' });
        }
      }
      return hit.map((h) => ({ whistleId: Number(h.whistle_id), unitId: Number(h.unit_id) }));
    });
  }

  /**
   * Department scorecards (街呼县应 考评), beside the unit scorecards: per county department, over the whistles sent
   * to it that the caller may see (a street: its own; the county: all of it; a department: itself).
   */
  async scorecards(user: AuthUser, q: DepartmentScorecardQuery) {
    assertMay(user, 'departmentScorecard.read');
    if (q.from && q.to && q.from > q.to) throw invalid('from', 'from 不能晚于 to', 'after to');
    const rows = await this.repo.departmentScores({ ...(scopeKind(user) === 'unit' ? { unitId: user.orgId } : { scopePaths: user.scopePaths }), from: q.from, to: q.to });
    return rows.map((row) => ({
      ...row,
      onTimeRate: row.whistled ? Math.round((row.answeredOnTime / row.whistled) * 1000) / 1000 : null,
    }));
  }

  async event(m: EntityManager, user: AuthUser, whistleId: number, unitId: number | null, action: string, from: string | null, to: string | null, reason: string | null, data: unknown) {
    await this.repo.insertEvent(m, { whistleId, unitId, action, from, to, actorId: user.sub, actorUsername: user.username, actorRole: user.role, reason, data });
  }
}
