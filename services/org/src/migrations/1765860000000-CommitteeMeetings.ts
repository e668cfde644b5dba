import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meetings of the joint committees (社区“大党委”, 街道“大工委”): who was invited (the committee's positions at
 * convening, part-time members from stationed units included) and who came, the agenda, the minutes, and the
 * decisions, each of which may become owned work in the volunteer service (a service item or a project), whose
 * id is kept here so a decision shows what it became.
 */
export class CommitteeMeetings1765860000000 implements MigrationInterface {
  name = 'CommitteeMeetings1765860000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE committee_meeting (
      id bigserial PRIMARY KEY,
      org_id bigint NOT NULL REFERENCES org_unit(id),
      title text NOT NULL CHECK (length(title) BETWEEN 2 AND 80),
      held_at timestamptz NOT NULL,
      place text,
      agenda jsonb NOT NULL DEFAULT '[]'::jsonb,
      minutes text,
      status text NOT NULL DEFAULT 'convened' CHECK (status IN ('convened','held','cancelled')),
      convened_by bigint REFERENCES account(id),
      convened_by_username text,
      created_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1
    )`);
    await q.query(`CREATE INDEX committee_meeting_org_idx ON committee_meeting (org_id, held_at DESC, id DESC)`);
    await q.query(`CREATE INDEX committee_meeting_held_idx ON committee_meeting (held_at DESC, id DESC)`);
    await q.query(`CREATE TABLE meeting_attendee (
      id bigserial PRIMARY KEY,
      meeting_id bigint NOT NULL REFERENCES committee_meeting(id),
      position_id bigint REFERENCES position(id),
      person_name text NOT NULL,
      kind text NOT NULL,
      from_unit_name text,
      attendance text NOT NULL DEFAULT 'invited' CHECK (attendance IN ('invited','present','absent','excused')),
      UNIQUE (meeting_id, position_id)
    )`);
    await q.query(`CREATE TABLE meeting_decision (
      id bigserial PRIMARY KEY,
      meeting_id bigint NOT NULL REFERENCES committee_meeting(id),
      seq integer NOT NULL,
      text text NOT NULL,
      owner text,
      due_on date,
      work_kind text CHECK (work_kind IN ('item','project')),
      work_id bigint,
      work_no text,
      work_community_id bigint REFERENCES org_unit(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      UNIQUE (meeting_id, seq),
      CHECK ((work_kind IS NULL) = (work_id IS NULL))
    )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE meeting_decision`);
    await q.query(`DROP TABLE meeting_attendee`);
    await q.query(`DROP TABLE committee_meeting`);
  }
}
