import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 街呼县应、上下联动 (issue 15, item 2): a street (or a community, through its street) whistles an issue to county
 * departments with a deadline; each department answers (报到: accept, act, report the result) on a response row of
 * its own; overdue responses go up to the county; the street rates each answer.
 * - unit_ref.department: the org service's marking of the work units that are county departments (synced);
 * - whistle: the issue, owned by a street (street_id) and kept at the path of whoever raised it (the street's, or the
 *   community's when a community proposed it), which is what the scope checks;
 * - whistle_response: one department's answer, with its own state, deadline and version;
 * - whistle_event: the timeline (who, role, when, from → to, reason, data), as item_event is for items.
 */
export class Whistles1765850000001 implements MigrationInterface {
  name = 'Whistles1765850000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE unit_ref ADD COLUMN department boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE SEQUENCE whistle_no_seq`);
    await q.query(`
      CREATE TABLE whistle (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        whistle_no text NOT NULL UNIQUE,
        street_id bigint NOT NULL,
        street_name text NOT NULL,
        community_id bigint REFERENCES community_ref(id),
        path text NOT NULL,
        title text NOT NULL,
        description text NOT NULL,
        place text,
        deadline timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('PROPOSED','SENT','ESCALATED','ANSWERED','CLOSED','DECLINED','WITHDRAWN')),
        raised_by text NOT NULL,
        raised_role text NOT NULL,
        escalated_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1
      )`);
    await q.query(`CREATE INDEX whistle_path_idx ON whistle (path text_pattern_ops, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX whistle_status_idx ON whistle (status, created_at DESC)`);
    await q.query(`
      CREATE TABLE whistle_response (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        whistle_id bigint NOT NULL REFERENCES whistle(id),
        unit_id bigint NOT NULL REFERENCES unit_ref(id),
        status text NOT NULL CHECK (status IN ('PROPOSED','PENDING','ACCEPTED','ACTING','REPORTED','RATED','DECLINED','WITHDRAWN')),
        deadline timestamptz NOT NULL,
        accepted_at timestamptz,
        acting_note text,
        reported_at timestamptz,
        result text,
        decline_reason text,
        overdue boolean NOT NULL DEFAULT false,
        escalated_at timestamptz,
        supervised_count int NOT NULL DEFAULT 0,
        returned_count int NOT NULL DEFAULT 0,
        rating int CHECK (rating BETWEEN 1 AND 5),
        rating_comment text,
        rated_by text,
        rated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        UNIQUE (whistle_id, unit_id)
      )`);
    await q.query(`CREATE INDEX whistle_response_unit_idx ON whistle_response (unit_id, whistle_id)`);
    await q.query(`CREATE INDEX whistle_response_open_idx ON whistle_response (deadline) WHERE status IN ('PENDING','ACCEPTED','ACTING') AND NOT overdue`);
    await q.query(`
      CREATE TABLE whistle_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        whistle_id bigint NOT NULL REFERENCES whistle(id),
        unit_id bigint,
        action text NOT NULL,
        from_status text,
        to_status text,
        actor_id text NOT NULL,
        actor_username text NOT NULL,
        actor_role text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason text,
        data jsonb
      )`);
    await q.query(`CREATE INDEX whistle_event_whistle_idx ON whistle_event (whistle_id, id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS whistle_event`);
    await q.query(`DROP TABLE IF EXISTS whistle_response`);
    await q.query(`DROP TABLE IF EXISTS whistle`);
    await q.query(`DROP SEQUENCE IF EXISTS whistle_no_seq`);
    await q.query(`ALTER TABLE unit_ref DROP COLUMN IF EXISTS department`);
  }
}
