import type { EntityManager } from 'typeorm';
import { likeEscape, rowsOf, type Attendance, type MeetingStatus } from '@redheart/shared';
import type { OrgType, PositionKind } from '../../domain';
import type { WORK_KINDS } from './dto';

export type { Attendance, MeetingStatus };
export type WorkKind = (typeof WORK_KINDS)[number];

/** Someone invited to a meeting (a seat holder on the day it was convened). */
export interface AttendeeRow {
  id: number;
  positionId: number | null;
  personName: string;
  kind: PositionKind;
  fromUnitName: string | null;
  attendance: Attendance;
}

/** A decision of a meeting, and the work it became in the volunteer service. */
export interface DecisionRow {
  id: number;
  seq: number;
  text: string;
  owner: string | null;
  dueOn: string | null;
  workKind: WorkKind | null;
  workId: number | null;
  workNo: string | null;
  workCommunityId: number | null;
  workCommunityName: string | null;
  version: number;
}

/** A joint committee meeting (大党委 / 大工委). */
export interface MeetingRow {
  id: number;
  orgId: number;
  orgName: string;
  orgType: OrgType;
  title: string;
  heldAt: string;
  place: string | null;
  agenda: string[];
  minutes: string | null;
  status: MeetingStatus;
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
    const rows: (MeetingRow & { path: string })[] = await this.db.query(`SELECT ${COLUMNS}, o.path FROM committee_meeting m JOIN org_unit o ON o.id = m.org_id WHERE m.id = $1 ${lock ? 'FOR UPDATE OF m' : ''}`, [id]);
    return rows[0] ? iso(rows[0]) : undefined;
  }

  async list(paths: string[], q: { orgPath?: string; status?: string; limit: number; offset: number }): Promise<{ items: MeetingRow[]; total: number }> {
    const params: unknown[] = paths.map((p) => `${likeEscape(p)}%`);
    const where = [`o.path LIKE ANY($1::text[])`];
    const args: unknown[] = [params];
    if (q.orgPath) { args.push(q.orgPath); where.push(`o.path = $${args.length}`); }
    if (q.status) { args.push(q.status); where.push(`m.status = $${args.length}`); }
    const from = `committee_meeting m JOIN org_unit o ON o.id = m.org_id WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: number }[] = await this.db.query(`SELECT count(*)::int AS total FROM ${from}`, args);
    args.push(q.limit, q.offset);
    const items: MeetingRow[] = await this.db.query(`SELECT ${COLUMNS}, ${COUNTS} FROM ${from} ORDER BY m.held_at DESC, m.id DESC LIMIT $${args.length - 1} OFFSET $${args.length}`, args);
    return { items: items.map(iso), total };
  }

  async attendees(meetingId: number): Promise<AttendeeRow[]> {
    const rows: AttendeeRow[] = await this.db.query(
      `SELECT id::int, position_id::int AS "positionId", person_name AS "personName", kind, from_unit_name AS "fromUnitName", attendance
         FROM meeting_attendee WHERE meeting_id = $1
        ORDER BY array_position(ARRAY['secretary','deputy_secretary','committee_member','part_time_member'], kind), id`,
      [meetingId],
    );
    return rows;
  }

  async decisions(meetingId: number): Promise<DecisionRow[]> {
    const rows: DecisionRow[] = await this.db.query(
      `SELECT d.id::int, d.seq, d.text, d.owner, d.due_on::text AS "dueOn", d.work_kind AS "workKind", d.work_id::int AS "workId", d.work_no AS "workNo",
              d.work_community_id::int AS "workCommunityId", c.name AS "workCommunityName", d.version
         FROM meeting_decision d LEFT JOIN org_unit c ON c.id = d.work_community_id WHERE d.meeting_id = $1 ORDER BY d.seq`,
      [meetingId],
    );
    return rows;
  }

  /** A new meeting, convened now; its id. */
  async insert(r: { orgId: number; title: string; heldAt: string; place: string | null; agenda: string[]; convenedBy: number | null; convenedByUsername: string }): Promise<number> {
    const [row]: { id: number }[] = await this.db.query(
      `INSERT INTO committee_meeting (org_id, title, held_at, place, agenda, convened_by, convened_by_username)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::int`,
      [r.orgId, r.title, r.heldAt, r.place, JSON.stringify(r.agenda), r.convenedBy, r.convenedByUsername],
    );
    return row.id;
  }

  /** Invites everyone who holds a seat on the committee today (part-time members from stationed units included). */
  async inviteSeats(meetingId: number, orgId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO meeting_attendee (meeting_id, position_id, person_name, kind, from_unit_name)
       SELECT $1, p.id, p.person_name, p.kind, f.name FROM position p LEFT JOIN org_unit f ON f.id = p.from_unit_id
        WHERE p.org_id = $2 AND p.term_start <= current_date AND (p.term_end IS NULL OR p.term_end > current_date)
        ORDER BY p.id`,
      [meetingId, orgId],
    );
  }

  /** Optimistic update: false when the meeting is no longer at `version`. */
  async update(id: number, version: number, f: { title: string; heldAt: string; place: string | null; agenda: string[]; minutes: string | null; status: MeetingStatus }): Promise<boolean> {
    const rows = rowsOf<{ id: number }>(await this.db.query(
      `UPDATE committee_meeting SET title = $3, held_at = $4, place = $5, agenda = $6, minutes = $7, status = $8, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.title, f.heldAt, f.place, JSON.stringify(f.agenda), f.minutes, f.status],
    ));
    return rows.length > 0;
  }

  async setAttendance(meetingId: number, attendeeId: number, attendance: Attendance): Promise<void> {
    await this.db.query(`UPDATE meeting_attendee SET attendance = $3 WHERE id = $1 AND meeting_id = $2`, [attendeeId, meetingId, attendance]);
  }

  /** The meeting's next decision (numbered in order); the meeting's version moves on. */
  async insertDecision(meetingId: number, d: { text: string; owner: string | null; dueOn: string | null }): Promise<{ id: number; seq: number }> {
    const [row]: { id: number; seq: number }[] = await this.db.query(
      `INSERT INTO meeting_decision (meeting_id, seq, text, owner, due_on)
       VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM meeting_decision WHERE meeting_id = $1), $2, $3, $4) RETURNING id::int, seq`,
      [meetingId, d.text, d.owner, d.dueOn],
    );
    await this.db.query(`UPDATE committee_meeting SET version = version + 1 WHERE id = $1`, [meetingId]);
    return row;
  }

  /** A decision of the meeting, locked while it becomes work. */
  async decisionForWork(decisionId: number, meetingId: number): Promise<{ id: number; text: string; version: number; workKind: WorkKind | null } | undefined> {
    const rows: { id: number; text: string; version: number; workKind: WorkKind | null }[] = await this.db.query(
      `SELECT id::int, text, version, work_kind AS "workKind" FROM meeting_decision WHERE id = $1 AND meeting_id = $2 FOR UPDATE`,
      [decisionId, meetingId],
    );
    return rows[0];
  }

  async linkWork(decisionId: number, w: { kind: string; id: number; no: string | null | undefined; communityId: number }): Promise<void> {
    await this.db.query(
      `UPDATE meeting_decision SET work_kind = $2, work_id = $3, work_no = $4, work_community_id = $5, version = version + 1 WHERE id = $1`,
      [decisionId, w.kind, w.id, w.no, w.communityId],
    );
  }
}
