import type { DataSource } from 'typeorm';
import {
  actionsFor, type ActionRule, AppError, assertInScope, type AuthUser, type CommunityDirectory, conflict, emit, guardTransition, notFound, pageRequest, type Role,
  type WorkflowDefinition, writeAudit,
} from '@redheart/shared';
import { MEMBER_REPORT_WORKFLOW_DEF, type MemberReportStatus, type ReportDecision, UNIT_REPORT_WORKFLOW_DEF, type UnitReportStatus } from '../../domain';
import { scopeKind } from '../../policy';
import type { Ctx } from '../items/service';
import type { DecisionDto, ListQuery, MemberReportDto, UnitReportDto } from './dto';
import { type Listing, ReportRepository } from './repository';

/** The whole list, or in page mode `{items, total, totalExact, page, limit}`. */
function answer<R, O>(l: Listing<R>, shape: (r: R) => O) {
  if (!l.page) return l.rows.map(shape);
  return { items: l.rows.map(shape), total: l.total, totalExact: l.totalExact, page: l.page.page, limit: l.page.limit };
}

const DONE: Record<ReportDecision, string> = { approve: 'approved', reject: 'rejected', end: 'ended' };

/**
 * The decision's row of a report workflow, checked against the caller's role (403), the report's status (409
 * WRONG_STATE), its version (409 STALE_VERSION) and the reason it needs (400), in that order as every workflow: the rows are UNIT_REPORT_WORKFLOW_DEF / MEMBER_REPORT_WORKFLOW_DEF.
 * A decision the workflow does not have (a member report's `end`) is a wrong state, as no status allows it.
 */
function ruleFor<S extends string, A extends string>(
  def: WorkflowDefinition<S, A, ActionRule<S>>, entity: string, status: S, decision: ReportDecision, role: Role, reason: string | undefined,
  version: { record: number; request: number; stale: string },
): ActionRule<S> & { to: S } {
  const stale = () => conflict(version.stale, 'STALE_VERSION');
  const rule = guardTransition(def, { action: decision, role, state: status, entity, reason, version: { ...version, stale } }, {
    forbidden: () => '只有社区可以审核报到',
    wrongState: () => `A ${status} ${entity.replace('_', ' ')} cannot be ${DONE[decision]}`,
  });
  // Every decision of a report moves it (no row keeps the status).
  return rule as ActionRule<S> & { to: S };
}

/** What the caller may decide on a report in its status (the table's answer; the scope is the list's already). */
const unitReportActions = (user: AuthUser, status: UnitReportStatus) => actionsFor(UNIT_REPORT_WORKFLOW_DEF, status, user.role);
const memberReportActions = (user: AuthUser, status: MemberReportStatus) => actionsFor(MEMBER_REPORT_WORKFLOW_DEF, status, user.role);

/**
 * 双报到: a work unit reports to communities (with what it offers and a contact), a member reports
 * where they live; the community approves. An approved unit report also tells the org service, which
 * puts the community into the unit staff's token scope.
 */
export class ReportService {
  private readonly repo: ReportRepository;

  constructor(private readonly db: DataSource, private readonly communities: CommunityDirectory) {
    this.repo = new ReportRepository(db);
  }

  /** A unit's staff report their own unit to a community (one live report per community). */
  async reportUnit(ctx: Ctx, dto: UnitReportDto) {
    const unitId = ctx.user.orgId;
    const c = await this.communities.get(this.db.manager, dto.communityId);
    if (!c) throw notFound('Community');
    if (!(await this.repo.unitExists(unitId))) throw notFound('Work unit');
    return this.db.transaction(async (m) => {
      if (await this.repo.hasLiveReport(m, unitId, dto.communityId)) {
        // On the form's community field: another of the unit's staff may have reported there since the form opened.
        throw new AppError(409, 'ALREADY_REPORTED', '本单位已向该社区报到（待审核或已通过），不能重复报到', [{ field: 'communityId', errors: ['已报到'], code: 'alreadyReported' }]);
      }
      const id = await this.repo.insertUnitReport(m, { unitId, communityId: dto.communityId, resources: dto.resources, contactName: dto.contactName, contactPhone: dto.contactPhone });
      await writeAudit(m, { actor: ctx.user, action: 'report.unit', entityType: 'unit_report', entityId: id, after: dto, requestId: ctx.requestId });
      return { id, status: 'pending' as const };
    });
  }

  /** A community sees the reports to it (those in scope), a unit its own. */
  async unitReports(user: AuthUser, q: ListQuery) {
    const ownUnit = scopeKind(user) === 'unit';
    if (q.communityId) {
      // A unit names a community it reported to (in any state); everyone else one in their scope.
      if (ownUnit) assertInScope(await this.repo.hasReportedTo(user.orgId, q.communityId), '社区');
      else await this.communities.visible(this.db.manager, user, q.communityId);
    }
    const rows = await this.repo.unitReports(ownUnit ? { unitId: user.orgId } : { scopePaths: user.scopePaths }, q, pageRequest(q, 20));
    return answer(rows, (r) => ({ ...r, reportedAt: new Date(r.reportedAt).toISOString(), allowedActions: unitReportActions(user, r.status) }));
  }

  /** The community approves or rejects a pending report, or ends an approved one; the org service hears of it. */
  async decideUnitReport(ctx: Ctx, id: number, dto: DecisionDto) {
    const { user } = ctx;
    return this.db.transaction(async (m) => {
      const r = await this.repo.lockUnitReport(m, id);
      if (!r || !user.scopePaths.some((p) => r.path.startsWith(p))) throw notFound('Report');
      const status = ruleFor(UNIT_REPORT_WORKFLOW_DEF, 'unit_report', r.status, dto.decision, user.role, dto.reason, {
        record: r.version, request: dto.version, stale: 'The report was changed by someone else; reload it',
      }).to;
      const version = await this.repo.decideUnitReport(m, id, dto.version, { status, by: user.username, reason: dto.reason ?? null });
      await writeAudit(m, { actor: user, action: `report.${dto.decision}`, entityType: 'unit_report', entityId: id, before: { status: r.status }, after: { status }, reason: dto.reason, requestId: ctx.requestId });
      // The org service puts the community into (or out of) the unit staff's scope when this event
      // reaches it: the decision commits whether or not the org service is up.
      await emit(m, {
        type: `volunteer.report.${status}`, aggregateId: id, orgPath: r.path, actor: user.username,
        payload: { reportId: id, unitId: Number(r.unit_id), communityId: Number(r.community_id), communityName: r.community_name, status },
      });
      return { id, status, version, unitId: Number(r.unit_id), communityId: Number(r.community_id), allowedActions: unitReportActions(user, status) };
    });
  }

  /** A party member reports to the community where they live (their account's organisation). */
  async reportMember(ctx: Ctx, dto: MemberReportDto) {
    const { user } = ctx;
    const c = await this.communities.visible(this.db.manager, user, user.orgId);
    const id = await this.repo.insertMember({ username: user.username, name: dto.name, phone: dto.phone ?? null, unitId: dto.unitId ?? null, communityId: c.id, accountId: user.sub });
    if (id === undefined) throw conflict('You have reported already', 'ALREADY_REPORTED');
    return { id, status: 'pending' as const };
  }

  async members(user: AuthUser, q: ListQuery) {
    const communityId = q.communityId ? (await this.communities.visible(this.db.manager, user, q.communityId)).id : undefined;
    return answer(await this.repo.members(user.scopePaths, { ...q, communityId }, pageRequest(q, 20)), (r) => ({ ...r, allowedActions: memberReportActions(user, r.status) }));
  }

  /** The community approves or rejects a pending member report (a member report does not end: MEMBER_REPORT_WORKFLOW_DEF). */
  async decideMember(ctx: Ctx, id: number, dto: DecisionDto) {
    const { user } = ctx;
    return this.db.transaction(async (m) => {
      const row = await this.repo.lockMember(m, id);
      if (!row || !user.scopePaths.some((p) => row.path.startsWith(p))) throw notFound('Member');
      const status = ruleFor(MEMBER_REPORT_WORKFLOW_DEF, 'member_report', row.status, dto.decision, user.role, dto.reason, {
        record: row.version, request: dto.version, stale: 'The member was changed by someone else; reload it',
      }).to;
      await this.repo.decideMember(m, id, status, user.username);
      await writeAudit(m, { actor: user, action: `member.${dto.decision}`, entityType: 'member', entityId: id, after: { status }, reason: dto.reason, requestId: ctx.requestId });
      return { id, status, allowedActions: memberReportActions(user, status) };
    });
  }
}
