import type { DataSource, EntityManager } from 'typeorm';
import { isoSql, likeEscape, type PageTotal, readPage, rowsOf, scopeSql } from '@redheart/shared';
import type { ResponseStatus, WhistleStatus } from '../../domain';

export interface WhistleRow {
  id: number;
  whistleNo: string;
  streetId: number;
  streetName: string;
  communityId: number | null;
  communityName: string | null;
  communityPath: string | null;
  path: string;
  title: string;
  description: string;
  place: string | null;
  deadline: string;
  status: WhistleStatus;
  raisedBy: string;
  raisedRole: string;
  escalatedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface ResponseRow {
  id: number;
  unitId: number;
  unitName: string;
  status: ResponseStatus;
  deadline: string;
  acceptedAt: string | null;
  actingNote: string | null;
  reportedAt: string | null;
  result: string | null;
  declineReason: string | null;
  overdue: boolean;
  escalatedAt: string | null;
  supervisedCount: number;
  returnedCount: number;
  rating: number | null;
  ratingComment: string | null;
  ratedBy: string | null;
  ratedAt: string | null;
  version: number;
}

/** A list row: the whistle with its responses in brief (and, for a department, its own response). */
export type WhistleListRow = WhistleRow & {
  responses: { unitId: number; unitName: string; status: ResponseStatus; deadline: string; overdue: boolean; rating: number | null }[];
  myResponse?: { status: ResponseStatus; deadline: string; overdue: boolean } | null;
};

export interface WhistleEventRow {
  id: number;
  unitId: number | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorUsername: string;
  actorRole: string;
  at: string;
  reason: string | null;
  data: unknown;
}

export interface DepartmentScoreRow {
  unitId: number;
  unitName: string;
  whistled: number;
  accepted: number;
  answered: number;
  answeredOnTime: number;
  overdue: number;
  open: number;
  refused: number;
  returned: number;
  avgRating: number | null;
  rated: number;
}

/** The list's filters, as SQL sees them. */
export interface WhistleListFilter {
  /** a department's staff: the whistles sent to this unit (else the whistles at or below `scopePaths`, or their communities) */
  unitId?: number;
  scopePaths: string[];
  /** view=open: the whistles still being worked on (for a department: its response still owed) */
  open: boolean;
  status?: WhistleStatus;
  /** a whistle number or a part of the title */
  text?: string;
}

export interface NewWhistle {
  streetId: number;
  streetName: string;
  communityId: number | null;
  path: string;
  title: string;
  description: string;
  place: string | null;
  deadline: Date;
  status: WhistleStatus;
  raisedBy: string;
  raisedRole: string;
}

/** What a whistle's timeline event names (whistle_event). */
export interface WhistleEventRecord {
  whistleId: number;
  unitId: number | null;
  action: string;
  from: string | null;
  to: string | null;
  actorId: string;
  actorUsername: string;
  actorRole: string;
  reason: string | null;
  data: unknown;
}

const COLUMNS = `w.id, w.whistle_no AS "whistleNo", w.street_id::int AS "streetId", w.street_name AS "streetName", w.community_id::int AS "communityId",
  cr.name AS "communityName", cr.path AS "communityPath", w.path, w.title, w.description, w.place, ${isoSql('w.deadline')} AS deadline, w.status,
  w.raised_by AS "raisedBy", w.raised_role AS "raisedRole", ${isoSql('w.escalated_at')} AS "escalatedAt", ${isoSql('w.closed_at')} AS "closedAt",
  ${isoSql('w.created_at')} AS "createdAt", ${isoSql('w.updated_at')} AS "updatedAt", w.version`;
const FROM = `whistle w LEFT JOIN community_ref cr ON cr.id = w.community_id`;

const RESPONSE_COLUMNS = `r.id, r.unit_id::int AS "unitId", u.name AS "unitName", r.status, ${isoSql('r.deadline')} AS deadline, ${isoSql('r.accepted_at')} AS "acceptedAt",
  r.acting_note AS "actingNote", ${isoSql('r.reported_at')} AS "reportedAt", r.result, r.decline_reason AS "declineReason", r.overdue,
  ${isoSql('r.escalated_at')} AS "escalatedAt", r.supervised_count AS "supervisedCount", r.returned_count AS "returnedCount", r.rating,
  r.rating_comment AS "ratingComment", r.rated_by AS "ratedBy", ${isoSql('r.rated_at')} AS "ratedAt", r.version`;

/** The responses of the whistle `w` as one JSON column (a list row carries them, the detail too). */
const RESPONSES_JSON = `coalesce((SELECT json_agg(json_build_object('unitId', r.unit_id, 'unitName', u.name, 'status', r.status, 'deadline', ${isoSql('r.deadline')},
    'overdue', r.overdue, 'rating', r.rating) ORDER BY u.name, r.unit_id)
  FROM whistle_response r JOIN unit_ref u ON u.id = r.unit_id WHERE r.whistle_id = w.id), '[]') AS responses`;

/** A row's status and the columns of `set`, only while `version` is still the current one; false when stale. */
async function updateGuarded(m: EntityManager, table: 'whistle' | 'whistle_response', id: number, version: number, to: string, set: Record<string, unknown>): Promise<boolean> {
  const cols = Object.keys(set);
  const updated = rowsOf(await m.query(
    `UPDATE ${table} SET status = $3, version = version + 1, updated_at = now() ${cols.map((k, i) => `, ${k} = $${i + 4}`).join('')}
        WHERE id = $1 AND version = $2 RETURNING id`,
    [id, version, to, ...cols.map((k) => set[k])],
  ));
  return updated.length > 0;
}

/** whistle, whistle_response and whistle_event (街呼县应); SQL only, no rules. */
export class WhistleRepository {
  /** `read`: the replica for the lists, the departments and the scorecards. */
  constructor(private readonly read: DataSource) {}

  /** The county departments (the org service marks them; synced into unit_ref). */
  async departments(): Promise<{ id: number; name: string }[]> {
    return this.read.query(`SELECT id::int AS id, name FROM unit_ref WHERE department ORDER BY name, id`);
  }

  /** Which of these ids are county departments. */
  async knownDepartments(m: EntityManager, ids: number[]): Promise<number[]> {
    const found: { id: string }[] = await m.query(`SELECT id FROM unit_ref WHERE id = ANY($1::bigint[]) AND department`, [ids]);
    return found.map((r) => Number(r.id));
  }

  async find(m: EntityManager, id: number, lock = false): Promise<WhistleRow | undefined> {
    const rows: WhistleRow[] = await m.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE w.id = $1 ${lock ? 'FOR UPDATE OF w' : ''}`, [id]);
    return rows[0];
  }

  /** Whether the whistle was sent to the unit (its response exists and is no longer a proposal). */
  async sentTo(m: EntityManager, whistleId: number, unitId: number): Promise<boolean> {
    const mine: unknown[] = await m.query(`SELECT 1 FROM whistle_response WHERE whistle_id = $1 AND unit_id = $2 AND status <> 'PROPOSED'`, [whistleId, unitId]);
    return mine.length > 0;
  }

  async responses(m: EntityManager, whistleId: number, lock = false): Promise<ResponseRow[]> {
    return m.query(
      `SELECT ${RESPONSE_COLUMNS} FROM whistle_response r JOIN unit_ref u ON u.id = r.unit_id WHERE r.whistle_id = $1 ORDER BY u.name, r.unit_id ${lock ? 'FOR UPDATE OF r' : ''}`,
      [whistleId],
    );
  }

  async community(m: EntityManager, id: number): Promise<{ id: number; path: string; street_name: string } | undefined> {
    const rows: { id: number; path: string; street_name: string }[] = await m.query(`SELECT id::int AS id, path, street_name FROM community_ref WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The name of the street at this path, as a community under it knows it. */
  async streetName(m: EntityManager, streetPath: string): Promise<string | undefined> {
    const rows: { street_name: string }[] = await m.query(`SELECT street_name FROM community_ref WHERE path LIKE $1 LIMIT 1`, [`${likeEscape(streetPath)}%`]);
    return rows[0]?.street_name;
  }

  /** A new whistle with the next JH number; its id. */
  async insert(m: EntityManager, w: NewWhistle): Promise<number> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO whistle (whistle_no, street_id, street_name, community_id, path, title, description, place, deadline, status, raised_by, raised_role)
       VALUES ('JH' || to_char(now(), 'YYYYMM') || '-' || lpad(nextval('whistle_no_seq')::text, 5, '0'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [w.streetId, w.streetName, w.communityId, w.path, w.title, w.description, w.place, w.deadline, w.status, w.raisedBy, w.raisedRole],
    );
    return Number(rows[0].id);
  }

  /** A response per department, all in one status and with one deadline. */
  async insertResponses(m: EntityManager, whistleId: number, departmentIds: number[], status: ResponseStatus, deadline: Date): Promise<void> {
    await m.query(
      `INSERT INTO whistle_response (whistle_id, unit_id, status, deadline) SELECT $1, unnest($2::bigint[]), $3, $4`,
      [whistleId, departmentIds, status, deadline],
    );
  }

  async timeline(m: EntityManager, whistleId: number): Promise<WhistleEventRow[]> {
    return m.query(
      `SELECT e.id::int AS id, e.unit_id::int AS "unitId", e.action, e.from_status AS "fromStatus", e.to_status AS "toStatus", e.actor_username AS "actorUsername",
              e.actor_role AS "actorRole", ${isoSql('e.at')} AS at, e.reason, e.data
         FROM whistle_event e WHERE e.whistle_id = $1 ORDER BY e.id`,
      [whistleId],
    );
  }

  /** A numbered page of the whistles, newest first, with the total over the same filters. */
  async list(f: WhistleListFilter, page: { offset: number; limit: number }): Promise<{ rows: WhistleListRow[]; total: PageTotal }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    let mine = '';
    if (f.unitId !== undefined) {
      add((n) => `EXISTS (SELECT 1 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $${n} AND mr.status <> 'PROPOSED')`, f.unitId);
      mine = `, (SELECT json_build_object('status', mr.status, 'deadline', ${isoSql('mr.deadline')}, 'overdue', mr.overdue)
                 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $1) AS "myResponse"`;
      if (f.open) add((n) => `EXISTS (SELECT 1 FROM whistle_response mr WHERE mr.whistle_id = w.id AND mr.unit_id = $${n} AND mr.status IN ('PENDING','ACCEPTED','ACTING'))`, f.unitId);
    } else {
      const first = params.length + 1;
      params.push(...f.scopePaths.map((p) => `${likeEscape(p)}%`));
      where.push(`(${scopeSql('w.path', f.scopePaths, first)} OR ${scopeSql('cr.path', f.scopePaths, first)})`);
      if (f.open) where.push(`w.status IN ('PROPOSED','SENT','ESCALATED','ANSWERED')`);
    }
    if (f.status) add((n) => `w.status = $${n}`, f.status);
    if (f.text !== undefined) add((n) => `(w.whistle_no = $${n} OR w.title LIKE '%' || $${n} || '%')`, likeEscape(f.text));
    const whereSql = where.length ? where.join(' AND ') : 'true';
    const { rows, ...total } = await readPage<WhistleListRow>(
      this.read,
      `SELECT ${COLUMNS}, ${RESPONSES_JSON}${mine} FROM ${FROM} WHERE ${whereSql} ORDER BY w.created_at DESC, w.id DESC`,
      `SELECT 1 FROM ${FROM} WHERE ${whereSql}`,
      params,
      page,
    );
    return { rows, total };
  }

  /** Sending a proposal: the proposed departments the street left out are dropped. */
  async dropProposedExcept(m: EntityManager, whistleId: number, departmentIds: number[]): Promise<void> {
    await m.query(`DELETE FROM whistle_response WHERE whistle_id = $1 AND status = 'PROPOSED' AND NOT (unit_id = ANY($2::bigint[]))`, [whistleId, departmentIds]);
  }

  /** Sending: every department's response PENDING with this deadline (new ones added, proposed ones turned). */
  async sendResponses(m: EntityManager, whistleId: number, departmentIds: number[], deadline: Date): Promise<void> {
    await m.query(
      `INSERT INTO whistle_response (whistle_id, unit_id, status, deadline) SELECT $1, unnest($2::bigint[]), 'PENDING', $3
           ON CONFLICT (whistle_id, unit_id) DO UPDATE SET status = 'PENDING', deadline = EXCLUDED.deadline, version = whistle_response.version + 1, updated_at = now()`,
      [whistleId, departmentIds, deadline],
    );
  }

  /** Withdrawing: every response still open is WITHDRAWN. */
  async withdrawResponses(m: EntityManager, whistleId: number): Promise<void> {
    await m.query(
      `UPDATE whistle_response SET status = 'WITHDRAWN', version = version + 1, updated_at = now() WHERE whistle_id = $1 AND status IN ('PROPOSED','PENDING','ACCEPTED','ACTING')`,
      [whistleId],
    );
  }

  /** The guarded update of a whistle (`version` still current); false when stale. */
  async update(m: EntityManager, id: number, version: number, to: WhistleStatus, set: Record<string, unknown>): Promise<boolean> {
    return updateGuarded(m, 'whistle', id, version, to, set);
  }

  /** The guarded update of a response (`version` still current); false when stale. */
  async updateResponse(m: EntityManager, id: number, version: number, to: ResponseStatus, set: Record<string, unknown>): Promise<boolean> {
    return updateGuarded(m, 'whistle_response', id, version, to, set);
  }

  /** The whistle's status as its responses leave it (CLOSED also stamps closed_at). */
  async setStatus(m: EntityManager, id: number, next: WhistleStatus): Promise<void> {
    await m.query(
      `UPDATE whistle SET status = $2, version = version + 1, updated_at = now() ${next === 'CLOSED' ? ', closed_at = now()' : ''} WHERE id = $1`,
      [id, next],
    );
  }

  /**
   * Every response still owed past its deadline (its whistle SENT or ESCALATED) marked overdue; the ones marked.
   * The `NOT overdue` condition makes a second or concurrent run change nothing.
   */
  async markOverdue(m: EntityManager, now: Date): Promise<{ id: string; whistle_id: string; unit_id: string }[]> {
    return rowsOf<{ id: string; whistle_id: string; unit_id: string }>(await m.query(
      `UPDATE whistle_response r SET overdue = true, escalated_at = $1, version = r.version + 1, updated_at = now()
          FROM whistle w
         WHERE w.id = r.whistle_id AND w.status IN ('SENT','ESCALATED') AND r.status IN ('PENDING','ACCEPTED','ACTING') AND NOT r.overdue AND r.deadline < $1
         RETURNING r.id, r.whistle_id, r.unit_id`,
      [now],
    ));
  }

  /** These whistles, where still SENT, go ESCALATED; the ones that did. */
  async escalate(m: EntityManager, whistleIds: number[], now: Date): Promise<{ id: string }[]> {
    return rowsOf<{ id: string }>(await m.query(
      `UPDATE whistle SET status = 'ESCALATED', escalated_at = coalesce(escalated_at, $2), version = version + 1, updated_at = now()
            WHERE id = ANY($1::bigint[]) AND status = 'SENT' RETURNING id`,
      [whistleIds, now],
    ));
  }

  /**
   * Per county department, over the whistles sent to it (not proposals, not withdrawn): of one department (`unitId`) or
   * under the scope paths, created between `from` and `to` (business days, inclusive).
   */
  async departmentScores(f: ({ unitId: number } | { scopePaths: string[] }) & { from?: string; to?: string }): Promise<DepartmentScoreRow[]> {
    const params: unknown[] = [];
    const where = [`r.status NOT IN ('PROPOSED','WITHDRAWN')`];
    if ('unitId' in f) {
      params.push(f.unitId);
      where.push(`r.unit_id = $1`);
    } else {
      const first = params.length + 1;
      params.push(...f.scopePaths.map((p) => `${likeEscape(p)}%`));
      where.push(scopeSql('w.path', f.scopePaths, first));
    }
    if (f.from) { params.push(f.from); where.push(`w.created_at >= ($${params.length}::date::timestamp AT TIME ZONE 'Asia/Shanghai')`); }
    if (f.to) { params.push(f.to); where.push(`w.created_at < (($${params.length}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`); }
    return this.read.query(
      `SELECT u.id::int AS "unitId", u.name AS "unitName",
              count(r.id)::int AS whistled,
              count(r.id) FILTER (WHERE r.accepted_at IS NOT NULL)::int AS accepted,
              count(r.id) FILTER (WHERE r.status IN ('REPORTED','RATED'))::int AS answered,
              count(r.id) FILTER (WHERE r.status IN ('REPORTED','RATED') AND r.escalated_at IS NULL)::int AS "answeredOnTime",
              count(r.id) FILTER (WHERE r.escalated_at IS NOT NULL)::int AS overdue,
              count(r.id) FILTER (WHERE r.status IN ('PENDING','ACCEPTED','ACTING'))::int AS open,
              count(r.id) FILTER (WHERE r.status = 'DECLINED')::int AS refused,
              coalesce(sum(r.returned_count), 0)::int AS returned,
              round(avg(r.rating)::numeric, 2)::float AS "avgRating",
              count(r.rating)::int AS rated
         FROM unit_ref u JOIN whistle_response r ON r.unit_id = u.id JOIN whistle w ON w.id = r.whistle_id
        WHERE u.department AND ${where.join(' AND ')}
        GROUP BY u.id, u.name ORDER BY u.name, u.id`,
      params,
    );
  }

  async insertEvent(m: EntityManager, e: WhistleEventRecord): Promise<void> {
    await m.query(
      `INSERT INTO whistle_event (whistle_id, unit_id, action, from_status, to_status, actor_id, actor_username, actor_role, reason, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [e.whistleId, e.unitId, e.action, e.from, e.to, e.actorId, e.actorUsername, e.actorRole, e.reason, e.data ? JSON.stringify(e.data) : null],
    );
  }
}
