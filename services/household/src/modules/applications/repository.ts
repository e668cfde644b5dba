import type { DataSource, EntityManager } from 'typeorm';
import { type CatalogueEntry, isoSql, likeEscape } from '@redheart/shared';
import { APPLICATION_OVERDUE_SQL, type ApplicationStatus, OPEN_APPLICATION } from './domain';

/** A service of the org service's catalogue (政务服务事项目录清单), as the household service copies it. */
export type { CatalogueEntry };

export interface ApplicationRow {
  id: number;
  applicationNo: string;
  serviceId: number;
  serviceCode: string;
  serviceName: string;
  category: string;
  timeLimitDays: number;
  communityId: number;
  communityName: string;
  path: string;
  status: ApplicationStatus;
  applicantName: string;
  applicantPhone: string | null;
  checklist: { materials: string[]; provided: string[] };
  department: string | null;
  result: string | null;
  acceptedAt: Date | null;
  doneAt: Date | null;
  stepStartedAt: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface ApplicationEventRow {
  id: number;
  action: string;
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  actorUsername: string;
  actorRole: string;
  at: string;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export interface NewApplication {
  service: { id: number; code: string; name: string; category: string; timeLimitDays: number };
  communityId: number;
  applicantName: string;
  applicantPhone: string | null;
  checklist: { materials: string[]; provided: string[] };
  createdBy: string;
}

export interface ApplicationFilter {
  communityIds: number[];
  status?: ApplicationStatus;
  serviceId?: number;
  overdue?: boolean;
  /** an application number (exact) */
  applicationNo?: string;
  /** an applicant's name prefix, or the end of a service's name */
  text?: string;
}

export interface ApplicationMeasures {
  total: number;
  open: number;
  done: number;
  rejected: number;
  handedOver: number;
  overdue: number;
  doneInTime: number;
  avgDaysToDone: number | null;
}
export interface ServiceStatsRow extends ApplicationMeasures {
  serviceId: number;
  serviceCode: string;
  serviceName: string;
  category: string;
}
export interface CommunityStatsRow extends ApplicationMeasures {
  communityId: number;
  communityName: string;
  streetName: string | null;
}

const COLUMNS = `a.id::int, a.application_no AS "applicationNo", a.service_id::int AS "serviceId", a.service_code AS "serviceCode",
  a.service_name AS "serviceName", a.category, a.time_limit_days AS "timeLimitDays", a.community_id::int AS "communityId", cr.name AS "communityName",
  cr.path, a.status, a.applicant_name AS "applicantName", a.applicant_phone AS "applicantPhone", a.checklist, a.department, a.result,
  a.accepted_at AS "acceptedAt", a.done_at AS "doneAt", a.step_started_at AS "stepStartedAt", a.created_by AS "createdBy",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version`;

const OPEN_SQL = OPEN_APPLICATION.map((s) => `'${s}'`).join(', ');
const MEASURES = `count(*)::int AS total,
      count(*) FILTER (WHERE a.status IN (${OPEN_SQL}))::int AS open,
      count(*) FILTER (WHERE a.status = 'DONE')::int AS done,
      count(*) FILTER (WHERE a.status = 'REJECTED')::int AS rejected,
      count(*) FILTER (WHERE a.status = 'HANDED_OVER')::int AS "handedOver",
      count(*) FILTER (WHERE ${APPLICATION_OVERDUE_SQL})::int AS overdue,
      count(*) FILTER (WHERE a.status = 'DONE' AND a.done_at <= a.accepted_at + make_interval(secs => greatest(a.time_limit_days, 1) * 86400.0))::int AS "doneInTime",
      round(avg(extract(epoch FROM a.done_at - a.created_at) / 86400.0) FILTER (WHERE a.status = 'DONE')::numeric, 1)::float AS "avgDaysToDone"`;

const CATALOGUE_COLUMNS = `id::int, code, name, category, materials, time_limit_days AS "timeLimitDays"`;

/** service_application and its events; SQL only (the workflow engine writes the transitions). */
export class ApplicationRepository {
  /** `read`: the replica for the queue and the statistics (a little lag is fine). */
  constructor(private readonly read: DataSource) {}

  /**
   * Writes entries into this service's copy of the catalogue (catalogue_ref). A copy never goes back to an older
   * version (an event delivered late, a resync read before a change).
   */
  static async upsertCatalogue(m: EntityManager, list: CatalogueEntry[]): Promise<void> {
    await m.query(
      `INSERT INTO catalogue_ref (id, code, name, category, materials, time_limit_days, version, synced_at)
       SELECT x.id, x.code, x.name, x.category, x.materials, x.days, x.version, now()
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::int[]) AS x(id, code, name, category, materials, days, version)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, category = EXCLUDED.category,
         materials = EXCLUDED.materials, time_limit_days = EXCLUDED.time_limit_days, version = EXCLUDED.version, synced_at = now()
       WHERE catalogue_ref.version IS NULL OR EXCLUDED.version IS NULL OR catalogue_ref.version <= EXCLUDED.version`,
      [list.map((s) => s.id), list.map((s) => s.code), list.map((s) => s.name), list.map((s) => s.category),
        list.map((s) => JSON.stringify(s.materials)), list.map((s) => s.timeLimitDays), list.map((s) => s.version ?? null)],
    );
  }

  /** One entry of the copy of the catalogue. */
  static async catalogueEntry(m: EntityManager, id: number): Promise<CatalogueEntry | undefined> {
    const rows: CatalogueEntry[] = await m.query(`SELECT ${CATALOGUE_COLUMNS} FROM catalogue_ref WHERE id = $1`, [id]);
    return rows[0];
  }

  /** The copy of the catalogue by category and code; `q` (null: all): a part of the name or the start of the code. */
  static async catalogue(m: EntityManager, q: string | null): Promise<CatalogueEntry[]> {
    const rows: CatalogueEntry[] = await m.query(
      `SELECT ${CATALOGUE_COLUMNS} FROM catalogue_ref
        WHERE ($1::text IS NULL OR name LIKE '%' || $1 || '%' OR code ILIKE $1 || '%') ORDER BY category, code`,
      [q === null ? null : likeEscape(q)],
    );
    return rows;
  }

  /** A new SUBMITTED application with the next FW number; its id. */
  async insert(m: EntityManager, a: NewApplication): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO service_application (application_no, service_id, service_code, service_name, category, time_limit_days, community_id, status,
          applicant_name, applicant_phone, checklist, created_by)
       VALUES ('FW' || to_char(now(), 'YYYY') || '-' || lpad(nextval('service_application_no_seq')::text, 6, '0'), $1, $2, $3, $4, $5, $6, 'SUBMITTED', $7, $8, $9, $10)
       RETURNING id`,
      [a.service.id, a.service.code, a.service.name, a.service.category, a.service.timeLimitDays, a.communityId, a.applicantName, a.applicantPhone,
        JSON.stringify(a.checklist), a.createdBy],
    );
    return Number(rows[0].id);
  }

  async find(m: EntityManager, id: number, lock = false): Promise<ApplicationRow | undefined> {
    const rows: ApplicationRow[] = await m.query(
      `SELECT ${COLUMNS} FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`,
      [id],
    );
    return rows[0];
  }

  async timeline(m: EntityManager, id: number): Promise<ApplicationEventRow[]> {
    return m.query(
      `SELECT id::int, action, from_status AS "fromStatus", to_status AS "toStatus", actor_username AS "actorUsername", actor_role AS "actorRole",
              ${isoSql('at')} AS at, reason, data
         FROM service_application_event WHERE application_id = $1 ORDER BY id`,
      [id],
    );
  }

  /** One numbered page of the queue, newest first, and how many match. */
  async page(f: ApplicationFilter, limit: number, offset: number): Promise<{ rows: ApplicationRow[]; total: number }> {
    const params: unknown[] = [f.communityIds];
    const where = ['a.community_id = ANY($1::bigint[])'];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (f.status) add((n) => `a.status = $${n}`, f.status);
    if (f.serviceId) add((n) => `a.service_id = $${n}`, f.serviceId);
    if (f.overdue === true) where.push(APPLICATION_OVERDUE_SQL);
    if (f.overdue === false) where.push(`NOT ${APPLICATION_OVERDUE_SQL}`);
    if (f.applicationNo !== undefined) add((n) => `a.application_no = $${n}`, f.applicationNo);
    else if (f.text !== undefined) add((n) => `(a.applicant_name LIKE $${n} OR a.service_name LIKE '%' || $${n})`, `${likeEscape(f.text)}%`);
    const cond = where.join(' AND ');
    const [rows, count]: [ApplicationRow[], { n: number }[]] = await Promise.all([
      this.read.query(
        `SELECT ${COLUMNS} FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE ${cond}
          ORDER BY a.created_at DESC, a.id DESC LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
        params,
      ),
      this.read.query(`SELECT count(*)::int AS n FROM service_application a WHERE ${cond}`, params),
    ]);
    return { rows, total: count[0].n };
  }

  /** The measures per service and per community over these communities. */
  async stats(communityIds: number[]): Promise<{ byService: ServiceStatsRow[]; byCommunity: CommunityStatsRow[] }> {
    const [byService, byCommunity]: [ServiceStatsRow[], CommunityStatsRow[]] = await Promise.all([
      this.read.query(
        `SELECT a.service_id::int AS "serviceId", a.service_code AS "serviceCode", a.service_name AS "serviceName", a.category, ${MEASURES}
           FROM service_application a WHERE a.community_id = ANY($1::bigint[])
          GROUP BY a.service_id, a.service_code, a.service_name, a.category ORDER BY total DESC, a.service_code`,
        [communityIds],
      ),
      this.read.query(
        `SELECT a.community_id::int AS "communityId", cr.name AS "communityName", cr.street_name AS "streetName", ${MEASURES}
           FROM service_application a JOIN community_ref cr ON cr.id = a.community_id WHERE a.community_id = ANY($1::bigint[])
          GROUP BY a.community_id, cr.name, cr.street_name ORDER BY cr.street_name NULLS LAST, cr.name`,
        [communityIds],
      ),
    ]);
    return { byService, byCommunity };
  }
}
