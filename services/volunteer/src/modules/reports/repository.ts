import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, type PageRequest, type PageTotal, readPage, rowsOf, scopeSql } from '@redheart/shared';
import type { MemberReportStatus, UnitReportStatus } from '../../domain';
import type { MemberGroupRef } from '../membergroups/repository';

export interface UnitReportRow {
  id: number; unitId: number; unitName: string; communityId: number; communityName: string; resources: string[]; contactName: string; contactPhone: string;
  status: UnitReportStatus; reportedAt: Date; decidedBy: string | null; version: number;
}
/** A unit report as stored, with its community's path and name (scope, event). */
export interface UnitReportRecord { id: number; unit_id: number; community_id: number; status: UnitReportStatus; version: number; path: string; community_name: string }

export interface MemberRow {
  id: number; name: string; phone: string | null; username: string; unitId: number | null; communityId: number; communityName: string; status: MemberReportStatus; version: number;
  hours: number; groupId: number | null; group: MemberGroupRef | null;
}

/** Whose reports a list shows: a unit's own, or those to the communities under the scope paths. */
export type ReportScope = { unitId: number } | { scopePaths: string[] };
export interface ReportFilter { status?: string; communityId?: number; q?: string }
/** A list read whole (up to its cap) or, in page mode, one numbered page and the total. */
export type Listing<R> = { rows: R[]; page?: undefined } | ({ rows: R[]; page: PageRequest } & PageTotal);

async function listing<R>(db: DataSource, select: string, from: string, params: unknown[], paged: PageRequest | null, cap: number): Promise<Listing<R>> {
  if (paged) return { ...(await readPage<R>(db, select, `SELECT 1 ${from}`, params, paged)), page: paged };
  return { rows: await db.query(`${select} LIMIT ${cap}`, params) };
}

/** The SQL of 双报到: units' reports to communities, members' reports where they live. */
export class ReportRepository {
  constructor(private readonly ds: DataSource) {}

  async unitExists(unitId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT id FROM unit_ref WHERE id = $1`, [unitId]);
    return rows.length > 0;
  }

  /** Whether the unit has a pending or approved report to the community. */
  async hasLiveReport(m: EntityManager, unitId: number, communityId: number): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT id FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status IN ('pending','approved')`, [unitId, communityId]);
    return rows.length > 0;
  }

  /** Whether the unit ever reported to the community (in any state). */
  async hasReportedTo(unitId: number, communityId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 LIMIT 1`, [unitId, communityId]);
    return rows.length > 0;
  }

  async insertUnitReport(m: EntityManager, r: { unitId: number; communityId: number; resources: string[]; contactName: string; contactPhone: string }): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO unit_report (unit_id, community_id, resources, contact_name, contact_phone, status) VALUES ($1,$2,$3,$4,$5,'pending') RETURNING id`,
      [r.unitId, r.communityId, JSON.stringify(r.resources), r.contactName, r.contactPhone],
    );
    return rows[0].id;
  }

  async unitReports(scope: ReportScope, f: ReportFilter, paged: PageRequest | null): Promise<Listing<UnitReportRow>> {
    const params: unknown[] = [];
    const where: string[] = [];
    if ('unitId' in scope) {
      params.push(scope.unitId);
      where.push(`r.unit_id = $1`);
    } else {
      params.push(...scope.scopePaths.map((p) => `${likeEscape(p)}%`));
      where.push(scopeSql('cr.path', scope.scopePaths, 1));
    }
    if (f.status) { params.push(f.status); where.push(`r.status = $${params.length}`); }
    if (f.communityId) { params.push(f.communityId); where.push(`r.community_id = $${params.length}`); }
    if (f.q) { params.push(likeEscape(f.q.trim())); where.push(`(u.name LIKE '%' || $${params.length} || '%' OR r.contact_name LIKE '%' || $${params.length} || '%')`); }
    const from = `FROM unit_report r JOIN unit_ref u ON u.id = r.unit_id JOIN community_ref cr ON cr.id = r.community_id WHERE ${where.join(' AND ')}`;
    const select = `SELECT r.id, r.unit_id AS "unitId", u.name AS "unitName", r.community_id AS "communityId", cr.name AS "communityName", r.resources,
                r.contact_name AS "contactName", r.contact_phone AS "contactPhone", r.status, r.reported_at AS "reportedAt", r.decided_by AS "decidedBy", r.version
           ${from} ORDER BY r.reported_at DESC, r.id DESC`;
    return listing<UnitReportRow>(this.ds, select, from, params, paged, 500);
  }

  async lockUnitReport(m: EntityManager, id: number): Promise<UnitReportRecord | undefined> {
    const rows: UnitReportRecord[] = await m.query(`SELECT r.*, cr.path, cr.name AS community_name FROM unit_report r JOIN community_ref cr ON cr.id = r.community_id WHERE r.id = $1 FOR UPDATE OF r`, [id]);
    return rows[0];
  }

  /** The report's new version. */
  async decideUnitReport(m: EntityManager, id: number, version: number, d: { status: UnitReportStatus; by: string; reason: string | null }): Promise<number> {
    const rows = rowsOf<{ version: number }>(await m.query(
      `UPDATE unit_report SET status = $3, decided_by = $4, decided_at = now(), decision_reason = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING version`,
      [id, version, d.status, d.by, d.reason],
    ));
    return rows[0].version;
  }

  /** The new member's id, or undefined when the account has reported already. */
  async insertMember(r: { username: string; name: string; phone: string | null; unitId: number | null; communityId: number; accountId: string }): Promise<number | undefined> {
    const rows: { id: number }[] = await this.ds.query(
      `INSERT INTO member (username, name, phone, unit_id, community_id, status, account_id) VALUES ($1,$2,$3,$4,$5,'pending',$6)
         ON CONFLICT (username) DO NOTHING RETURNING id`,
      [r.username, r.name, r.phone, r.unitId, r.communityId, r.accountId],
    );
    return rows[0]?.id;
  }

  async members(scopePaths: string[], f: ReportFilter, paged: PageRequest | null): Promise<Listing<MemberRow>> {
    const params: unknown[] = scopePaths.map((p) => `${likeEscape(p)}%`);
    const where = [scopeSql('cr.path', scopePaths, 1)];
    if (f.status) { params.push(f.status); where.push(`m.status = $${params.length}`); }
    if (f.communityId) { params.push(f.communityId); where.push(`m.community_id = $${params.length}`); }
    if (f.q) { params.push(likeEscape(f.q.trim())); where.push(`(m.name LIKE '%' || $${params.length} || '%' OR m.username LIKE '%' || $${params.length} || '%')`); }
    const from = `FROM member m JOIN community_ref cr ON cr.id = m.community_id WHERE ${where.join(' AND ')}`;
    const groupJoin = 'LEFT JOIN member_group g ON g.id = m.group_id';
    const select = `SELECT m.id, m.name, m.phone, m.username, m.unit_id AS "unitId", m.community_id AS "communityId", cr.name AS "communityName", m.status, m.version,
                coalesce((SELECT sum(h.hours) FROM item_hours h WHERE h.member_id = m.id AND h.posted), 0)::float AS hours,
                m.group_id AS "groupId", CASE WHEN g.id IS NULL THEN NULL ELSE json_build_object('id', g.id, 'name', g.name, 'nameEn', g.name_en, 'color', g.color) END AS "group"
           ${from.replace('JOIN community_ref cr ON cr.id = m.community_id', `JOIN community_ref cr ON cr.id = m.community_id ${groupJoin}`)} ORDER BY m.id`;
    return listing<MemberRow>(this.ds, select, from, params, paged, 1000);
  }

  async lockMember(m: EntityManager, id: number): Promise<{ status: MemberReportStatus; version: number; path: string } | undefined> {
    const rows: { status: MemberReportStatus; version: number; path: string }[] = await m.query(
      `SELECT mb.status, mb.version, cr.path FROM member mb JOIN community_ref cr ON cr.id = mb.community_id WHERE mb.id = $1 FOR UPDATE OF mb`,
      [id],
    );
    return rows[0];
  }

  async decideMember(m: EntityManager, id: number, status: MemberReportStatus, by: string): Promise<void> {
    await m.query(`UPDATE member SET status = $2, decided_by = $3, version = version + 1 WHERE id = $1`, [id, status, by]);
  }
}
