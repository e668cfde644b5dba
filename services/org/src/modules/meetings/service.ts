import type { DataSource, EntityManager } from 'typeorm';
import { AppError, type AuthUser, badRequest, conflict, inScope, notFound, writeAudit } from '@redheart/shared';
import { assertMay } from '../../policy';
import type { OrgType } from '../../domain';
import { loadScope, type Scope } from '../scope/scope';
import { UnitRepository, type UnitRow } from '../units/repository';
import type { Ctx } from '../units/service';
import type { ConveneMeetingDto, DecisionDto, DecisionWorkDto, MeetingsQuery, UpdateMeetingDto } from './dto';
import { MeetingRepository, type MeetingRow } from './repository';
import type { VolunteerWork } from './volunteer-client';

/** 大工委 (street working committee) and 大党委 (community committee): the committees that seat part-time members. */
const JOINT_COMMITTEES: readonly OrgType[] = ['street_committee', 'community_committee'];

export class MeetingService {
  private readonly repo: MeetingRepository;
  private readonly units: UnitRepository;

  constructor(private readonly ds: DataSource, private readonly volunteerWork: VolunteerWork) {
    this.repo = new MeetingRepository(ds.manager);
    this.units = new UnitRepository(ds.manager);
  }

  private async scope(user: AuthUser): Promise<Scope> {
    assertMay(user, 'meetings.takePart');
    return loadScope(this.ds.manager, user);
  }

  private async committee(scope: Scope, id: number, db: EntityManager): Promise<UnitRow> {
    const u = await this.units.with(db).findById(id);
    if (!u || !inScope(u.path, scope.paths)) throw notFound('Organisation');
    if (!JOINT_COMMITTEES.includes(u.type)) {
      throw badRequest('只有社区党委（大党委）和街道党工委（大工委）召开联席会议', [{ field: 'id', errors: ['须为 community_committee 或 street_committee'] }], 'WRONG_ORG_TYPE');
    }
    return u;
  }

  private async visible(scope: Scope, id: number, db: EntityManager, lock = false) {
    const m = await this.repo.with(db).findById(id, lock);
    if (!m || !inScope(m.path, scope.paths)) throw notFound('Meeting');
    return m;
  }

  async list(user: AuthUser, q: MeetingsQuery) {
    const scope = await this.scope(user);
    let orgPath: string | undefined;
    if (q.orgId) {
      const u = await this.units.findById(q.orgId);
      if (!u || !inScope(u.path, scope.paths)) throw notFound('Organisation');
      orgPath = u.path;
    }
    const limit = q.limit ?? 20;
    const page = q.page ?? 1;
    const r = await this.repo.list(scope.paths, { orgPath, status: q.status, limit, offset: (page - 1) * limit });
    return { ...r, page, limit };
  }

  async detail(user: AuthUser, id: number, db: EntityManager = this.ds.manager) {
    const scope = await this.scope(user);
    const { path: _p, ...m } = await this.visible(scope, id, db);
    void _p;
    const repo = this.repo.with(db);
    return { ...m, attendees: await repo.attendees(id), decisions: await repo.decisions(id) };
  }

  /** Convenes a meeting: everyone who holds a seat on the committee today is invited (part-time members from stationed units included). */
  async convene(ctx: Ctx, orgId: number, dto: ConveneMeetingDto) {
    const scope = await this.scope(ctx.user);
    const id = await this.ds.transaction(async (m) => {
      const org = await this.committee(scope, orgId, m);
      if (org.validTo) throw conflict(`${org.name} is archived`, 'ARCHIVED');
      const repo = this.repo.with(m);
      const meetingId = await repo.insert({
        orgId: org.id, title: dto.title.trim(), heldAt: dto.heldAt, place: dto.place?.trim() || null, agenda: dto.agenda.map((a) => a.trim()),
        convenedBy: Number(ctx.user.sub) || null, convenedByUsername: ctx.user.username,
      });
      await repo.inviteSeats(meetingId, org.id);
      const created = await this.detail(ctx.user, meetingId, m);
      await writeAudit(m, { actor: ctx.user, action: 'meeting.convene', entityType: 'committee_meeting', entityId: meetingId, after: created, requestId: ctx.requestId });
      return meetingId;
    });
    return this.detail(ctx.user, id);
  }

  /** Agenda, minutes, status and attendance, under the meeting's version (409 when someone else changed it). */
  async update(ctx: Ctx, id: number, dto: UpdateMeetingDto) {
    const scope = await this.scope(ctx.user);
    await this.ds.transaction(async (m) => {
      const before = await this.visible(scope, id, m, true);
      if (before.version !== dto.version) throw conflict('The meeting was changed by someone else; reload it', 'STALE_VERSION');
      if (before.status === 'cancelled') throw conflict('This meeting was cancelled', 'MEETING_CANCELLED');
      if (dto.status === 'convened' && before.status !== 'convened') throw conflict('A held meeting cannot go back to convened', 'BAD_TRANSITION');
      const repo = this.repo.with(m);
      const attendees = await repo.attendees(id);
      const known = new Set(attendees.map((a) => a.id));
      const bad = (dto.attendance ?? []).map((a, i) => ({ a, i })).filter(({ a }) => !known.has(a.attendeeId));
      if (bad.length) {
        throw badRequest('attendance（出席情况）中的参会人不属于本次会议', bad.map(({ i }) => ({ field: `attendance.${i}.attendeeId`, errors: ['不是本次会议的参会人'] })), 'VALIDATION_FAILED');
      }
      const updated = await repo.update(id, dto.version, {
        title: dto.title?.trim() ?? before.title, heldAt: dto.heldAt ?? before.heldAt, place: dto.place !== undefined ? dto.place.trim() || null : before.place,
        agenda: dto.agenda?.map((a) => a.trim()) ?? before.agenda, minutes: dto.minutes !== undefined ? dto.minutes : before.minutes,
        status: dto.status ?? before.status,
      });
      if (!updated) throw conflict('The meeting was changed by someone else; reload it', 'STALE_VERSION');
      for (const a of dto.attendance ?? []) await repo.setAttendance(id, a.attendeeId, a.attendance);
      const { path: _p, ...b } = before;
      void _p;
      await writeAudit(m, { actor: ctx.user, action: 'meeting.update', entityType: 'committee_meeting', entityId: id, before: b, after: dto, requestId: ctx.requestId });
    });
    return this.detail(ctx.user, id);
  }

  async decide(ctx: Ctx, id: number, dto: DecisionDto) {
    const scope = await this.scope(ctx.user);
    await this.ds.transaction(async (m) => {
      const meeting = await this.visible(scope, id, m, true);
      if (meeting.version !== dto.version) throw conflict('The meeting was changed by someone else; reload it', 'STALE_VERSION');
      if (meeting.status === 'cancelled') throw conflict('This meeting was cancelled', 'MEETING_CANCELLED');
      const row = await this.repo.with(m).insertDecision(id, { text: dto.text.trim(), owner: dto.owner?.trim() || null, dueOn: dto.dueOn ?? null });
      await writeAudit(m, { actor: ctx.user, action: 'meeting.decide', entityType: 'committee_meeting', entityId: id, after: { decisionId: row.id, seq: row.seq, ...dto }, requestId: ctx.requestId });
    });
    return this.detail(ctx.user, id);
  }

  /**
   * A decision becomes owned work in the volunteer service: a service item (REPORTED, in the community's triage) or a
   * project, linked back to the meeting and the decision. The decision's row stays locked while the volunteer
   * service is asked, and its link is written only when the work exists: the volunteer service unreachable → 503
   * and nothing is written on either side; a retry after a lost answer gets the same work (keyed by the decision).
   */
  async toWork(ctx: Ctx & { bearer: string }, meetingId: number, decisionId: number, dto: DecisionWorkDto) {
    const scope = await this.scope(ctx.user);
    await this.ds.transaction(async (m) => {
      const meeting = await this.visible(scope, meetingId, m);
      const repo = this.repo.with(m);
      const d = await repo.decisionForWork(decisionId, meetingId);
      if (!d) throw notFound('Decision');
      if (d.version !== dto.version) throw conflict('The decision was changed by someone else; reload it', 'STALE_VERSION');
      if (d.workKind) throw conflict('This decision has already become work', 'ALREADY_ASSIGNED');
      if (meeting.status === 'cancelled') throw conflict('This meeting was cancelled', 'MEETING_CANCELLED');
      const communityId = await this.workCommunity(scope, meeting, dto.communityId, m);
      const missing: { field: string; errors: string[] }[] = [];
      if (dto.kind === 'item') {
        if (!dto.categoryId) missing.push({ field: 'categoryId', errors: ['服务事项须选择服务类别'] });
        if (!dto.place) missing.push({ field: 'place', errors: ['服务事项须填写地点'] });
      } else if (!dto.name) missing.push({ field: 'name', errors: ['项目须填写名称'] });
      if (missing.length) throw badRequest(`请填写：${missing.map((x) => x.field).join('、')}`, missing, 'VALIDATION_FAILED');
      const work = await this.volunteerWork(ctx.bearer, {
        kind: dto.kind, meetingId, decisionId, meetingTitle: meeting.title, communityId,
        ...(dto.kind === 'item'
          ? { categoryId: dto.categoryId, place: dto.place, description: dto.description ?? d.text }
          : { name: dto.name, budgetYuan: dto.budgetYuan }),
      }, ctx.requestId);
      if (!work || typeof work.id !== 'number') throw new AppError(503, 'VOLUNTEER_UNAVAILABLE', '志愿服务系统的答复无法识别；决议未改变');
      await repo.linkWork(decisionId, { kind: work.kind, id: work.id, no: work.no, communityId });
      await writeAudit(m, { actor: ctx.user, action: 'meeting.decision_work', entityType: 'committee_meeting', entityId: meetingId, after: { decisionId, ...work }, requestId: ctx.requestId });
    });
    return this.detail(ctx.user, meetingId);
  }

  /** A community meeting's work lands in that community; a street meeting names one of the street's communities. */
  private async workCommunity(scope: Scope, meeting: MeetingRow & { path: string }, given: number | undefined, m: EntityManager): Promise<number> {
    if (meeting.orgType === 'community_committee') {
      if (given !== undefined && given !== meeting.orgId) {
        throw badRequest('社区大党委的决议只能落到本社区', [{ field: 'communityId', errors: ['须为本社区'] }], 'VALIDATION_FAILED');
      }
      return meeting.orgId;
    }
    if (!given) throw badRequest('请选择承接决议的社区（communityId）', [{ field: 'communityId', errors: ['街道大工委的决议须指定社区'] }], 'VALIDATION_FAILED');
    const c = await this.units.with(m).findById(given);
    if (!c || c.type !== 'community_committee' || !c.path.startsWith(meeting.path) || !inScope(c.path, scope.paths) || c.validTo) {
      throw badRequest('communityId（社区）须为本街道下的社区', [{ field: 'communityId', errors: ['不是本街道的社区'] }], 'VALIDATION_FAILED');
    }
    return c.id;
  }
}
