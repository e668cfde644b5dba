import type { DataSource, EntityManager } from 'typeorm';
import { AppError, assertRole, type AuthUser, badRequest, conflict, inScope, likeEscape, notFound, type Role, rowsOf, writeAudit } from '@redheart/shared';
import type { OrgType } from '../../domain';
import { loadScope, type Scope } from '../scope/scope';
import { UnitRepository, type UnitRow } from '../units/repository';
import type { Ctx } from '../units/service';
import type { ConveneMeetingDto, DecisionDto, DecisionWorkDto, MeetingsQuery, UpdateMeetingDto } from './dto';
import type { VolunteerWork } from './volunteer-client';

/**
 * Who convenes and keeps the joint committees' meetings: the community's staff (its committee), the street
 * (the street's committee and its communities'), a county's and the city's organisation departments. Everyone
 * else gets 403; a meeting outside the caller's subtree does not exist for them (404).
 */
export const MEETING_ROLES: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk'];
/** 大工委 (street working committee) and 大党委 (community committee): the committees that seat part-time members. */
const JOINT_COMMITTEES: readonly OrgType[] = ['street_committee', 'community_committee'];

export interface MeetingRow {
  id: number;
  orgId: number;
  orgName: string;
  orgType: string;
  title: string;
  heldAt: string;
  place: string | null;
  agenda: string[];
  minutes: string | null;
  status: string;
  convenedBy: string | null;
  version: number;
  attendeeCount?: number;
  presentCount?: number;
  decisionCount?: number;
}

const COLUMNS = `m.id::int, m.org_id::int AS "orgId", o.name AS "orgName", o.type AS "orgType", m.title, m.held_at AS "heldAt", m.place, m.agenda,
  m.minutes, m.status, m.convened_by_username AS "convenedBy", m.version`;
const COUNTS = `(SELECT count(*) FROM meeting_attendee a WHERE a.meeting_id = m.id)::int AS "attendeeCount",
  (SELECT count(*) FROM meeting_attendee a WHERE a.meeting_id = m.id AND a.attendance = 'present')::int AS "presentCount",
  (SELECT count(*) FROM meeting_decision d WHERE d.meeting_id = m.id)::int AS "decisionCount"`;
const iso = <T extends { heldAt: unknown }>(r: T): T => ({ ...r, heldAt: new Date(r.heldAt as string).toISOString() });

export class MeetingRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new MeetingRepository(m);
  }

  async findById(id: number, lock = false): Promise<(MeetingRow & { path: string }) | undefined> {
    const rows = await this.db.query(`SELECT ${COLUMNS}, o.path FROM committee_meeting m JOIN org_unit o ON o.id = m.org_id WHERE m.id = $1 ${lock ? 'FOR UPDATE OF m' : ''}`, [id]);
    return rows[0] ? iso(rows[0]) : undefined;
  }

  async list(paths: string[], q: { orgPath?: string; status?: string; limit: number; offset: number }): Promise<{ items: MeetingRow[]; total: number }> {
    const params: unknown[] = paths.map((p) => `${likeEscape(p)}%`);
    const where = [`o.path LIKE ANY($1::text[])`];
    const args: unknown[] = [params];
    if (q.orgPath) { args.push(q.orgPath); where.push(`o.path = $${args.length}`); }
    if (q.status) { args.push(q.status); where.push(`m.status = $${args.length}`); }
    const from = `committee_meeting m JOIN org_unit o ON o.id = m.org_id WHERE ${where.join(' AND ')}`;
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM ${from}`, args);
    args.push(q.limit, q.offset);
    const items = await this.db.query(`SELECT ${COLUMNS}, ${COUNTS} FROM ${from} ORDER BY m.held_at DESC, m.id DESC LIMIT $${args.length - 1} OFFSET $${args.length}`, args);
    return { items: items.map(iso), total };
  }

  attendees(meetingId: number) {
    return this.db.query(
      `SELECT id::int, position_id::int AS "positionId", person_name AS "personName", kind, from_unit_name AS "fromUnitName", attendance
         FROM meeting_attendee WHERE meeting_id = $1
        ORDER BY array_position(ARRAY['secretary','deputy_secretary','committee_member','part_time_member'], kind), id`,
      [meetingId],
    );
  }

  async decisions(meetingId: number) {
    const rows = await this.db.query(
      `SELECT d.id::int, d.seq, d.text, d.owner, d.due_on::text AS "dueOn", d.work_kind AS "workKind", d.work_id::int AS "workId", d.work_no AS "workNo",
              d.work_community_id::int AS "workCommunityId", c.name AS "workCommunityName", d.version
         FROM meeting_decision d LEFT JOIN org_unit c ON c.id = d.work_community_id WHERE d.meeting_id = $1 ORDER BY d.seq`,
      [meetingId],
    );
    return rows;
  }
}

export class MeetingService {
  private readonly repo: MeetingRepository;
  private readonly units: UnitRepository;

  constructor(private readonly ds: DataSource, private readonly volunteerWork: VolunteerWork) {
    this.repo = new MeetingRepository(ds.manager);
    this.units = new UnitRepository(ds.manager);
  }

  private async scope(user: AuthUser): Promise<Scope> {
    assertRole(user, MEETING_ROLES, '您的角色无权查看或召开大党委/大工委会议');
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
      const [row] = await m.query(
        `INSERT INTO committee_meeting (org_id, title, held_at, place, agenda, convened_by, convened_by_username)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int`,
        [org.id, dto.title.trim(), dto.heldAt, dto.place?.trim() || null, JSON.stringify(dto.agenda.map((a) => a.trim())), Number(ctx.user.sub) || null, ctx.user.username],
      );
      await m.query(
        `INSERT INTO meeting_attendee (meeting_id, position_id, person_name, kind, from_unit_name)
         SELECT $1, p.id, p.person_name, p.kind, f.name FROM position p LEFT JOIN org_unit f ON f.id = p.from_unit_id
          WHERE p.org_id = $2 AND p.term_start <= current_date AND (p.term_end IS NULL OR p.term_end > current_date)
          ORDER BY p.id`,
        [row.id, org.id],
      );
      const created = await this.detail(ctx.user, row.id, m);
      await writeAudit(m, { actor: ctx.user, action: 'meeting.convene', entityType: 'committee_meeting', entityId: row.id, after: created, requestId: ctx.requestId });
      return row.id as number;
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
      const attendees: { id: number }[] = await this.repo.with(m).attendees(id);
      const known = new Set(attendees.map((a) => a.id));
      const bad = (dto.attendance ?? []).map((a, i) => ({ a, i })).filter(({ a }) => !known.has(a.attendeeId));
      if (bad.length) {
        throw badRequest('attendance（出席情况）中的参会人不属于本次会议', bad.map(({ i }) => ({ field: `attendance.${i}.attendeeId`, errors: ['不是本次会议的参会人'] })), 'VALIDATION_FAILED');
      }
      const rows = rowsOf(await m.query(
        `UPDATE committee_meeting SET title = $3, held_at = $4, place = $5, agenda = $6, minutes = $7, status = $8, version = version + 1
          WHERE id = $1 AND version = $2 RETURNING id`,
        [id, dto.version, dto.title?.trim() ?? before.title, dto.heldAt ?? before.heldAt, dto.place !== undefined ? dto.place.trim() || null : before.place,
          JSON.stringify(dto.agenda?.map((a) => a.trim()) ?? before.agenda), dto.minutes !== undefined ? dto.minutes : before.minutes, dto.status ?? before.status],
      ));
      if (!rows.length) throw conflict('The meeting was changed by someone else; reload it', 'STALE_VERSION');
      for (const a of dto.attendance ?? []) {
        await m.query(`UPDATE meeting_attendee SET attendance = $3 WHERE id = $1 AND meeting_id = $2`, [a.attendeeId, id, a.attendance]);
      }
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
      const [row] = await m.query(
        `INSERT INTO meeting_decision (meeting_id, seq, text, owner, due_on)
         VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM meeting_decision WHERE meeting_id = $1), $2, $3, $4) RETURNING id::int, seq`,
        [id, dto.text.trim(), dto.owner?.trim() || null, dto.dueOn ?? null],
      );
      await m.query(`UPDATE committee_meeting SET version = version + 1 WHERE id = $1`, [id]);
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
      const [d] = await m.query(`SELECT id::int, text, version, work_kind FROM meeting_decision WHERE id = $1 AND meeting_id = $2 FOR UPDATE`, [decisionId, meetingId]);
      if (!d) throw notFound('Decision');
      if (d.version !== dto.version) throw conflict('The decision was changed by someone else; reload it', 'STALE_VERSION');
      if (d.work_kind) throw conflict('This decision has already become work', 'ALREADY_ASSIGNED');
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
      await m.query(
        `UPDATE meeting_decision SET work_kind = $2, work_id = $3, work_no = $4, work_community_id = $5, version = version + 1 WHERE id = $1`,
        [decisionId, work.kind, work.id, work.no, communityId],
      );
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
