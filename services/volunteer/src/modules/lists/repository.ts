import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, rowsOf, scopeSql } from '@redheart/shared';
import type { ProjectStatus } from '../../domain';

export interface CategoryRow { id: number; code: string; name: string; nameEn: string | null; sort: number; active: boolean; version: number }
/** A category as stored (what the audit keeps as `before`). */
export interface CategoryRecord { id: number; code: string; name: string; name_en: string | null; sort: number; active: boolean; version: number }

export interface PracticalProjectRow { id: number; code: string; name: string; description: string | null; launchedOn: string; progress: number; status: ProjectStatus; version: number }
export interface PracticalProjectRecord { id: number; code: string; name: string; description: string | null; launched_on: string; progress: number; status: ProjectStatus; version: number }

export interface ResourceRow {
  id: number; unitId: number; unitName: string; communityId: number | null; categoryId: number | null; title: string; description: string | null; capacity: number;
}

export interface Milestone { title: string; due?: string; done?: boolean }
export interface ProjectRow {
  id: number; communityId: number; communityName: string; name: string; unitId: number | null; unitName: string | null; practicalProjectId: number | null; resourceId: number | null;
  budgetYuan: number; milestones: Milestone[]; status: ProjectStatus; version: number; createdAt: Date;
  meetingId: number | null; meetingDecisionId: number | null; meetingTitle: string | null;
}
/** A project as stored, with its community's path (the scope check). */
export interface ProjectRecord {
  id: number; community_id: number; name: string; unit_id: number | null; resource_id: number | null; practical_project_id: number | null;
  budget_yuan: string; milestones: Milestone[]; status: ProjectStatus; version: number; path: string;
}

const CATEGORY_COLUMNS = `id, code, name, name_en AS "nameEn", sort, active, version`;
const PRACTICAL_COLUMNS = `id, code, name, description, launched_on AS "launchedOn", progress, status, version`;

/** The SQL of the lists: categories, practical projects (county data), resources and projects. */
export class ListRepository {
  constructor(private readonly ds: DataSource) {}

  async categories(): Promise<CategoryRow[]> {
    return this.ds.query(`SELECT ${CATEGORY_COLUMNS} FROM service_category ORDER BY sort, id`);
  }

  /** The new category, or undefined when its code is taken. */
  async insertCategory(m: EntityManager, c: { code: string; name: string; nameEn: string | null; sort: number }): Promise<CategoryRow | undefined> {
    const rows: CategoryRow[] = await m.query(
      `INSERT INTO service_category (code, name, name_en, sort) VALUES ($1,$2,$3,$4) ON CONFLICT (code) DO NOTHING RETURNING ${CATEGORY_COLUMNS}`,
      [c.code, c.name, c.nameEn, c.sort],
    );
    return rows[0];
  }

  async lockCategory(m: EntityManager, id: number): Promise<CategoryRecord | undefined> {
    const rows: CategoryRecord[] = await m.query(`SELECT * FROM service_category WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** The new row, or undefined when `version` is no longer the current one. */
  async updateCategory(m: EntityManager, id: number, version: number, c: { name: string; nameEn: string | null; sort: number; active: boolean }): Promise<CategoryRow | undefined> {
    return rowsOf<CategoryRow>(await m.query(
      `UPDATE service_category SET name = $3, name_en = $4, sort = $5, active = $6, version = version + 1 WHERE id = $1 AND version = $2
           RETURNING ${CATEGORY_COLUMNS}`,
      [id, version, c.name, c.nameEn, c.sort, c.active],
    ))[0];
  }

  async practicalProjects(): Promise<PracticalProjectRow[]> {
    return this.ds.query(`SELECT ${PRACTICAL_COLUMNS} FROM practical_project ORDER BY code`);
  }

  /** The new project, or undefined when its code is taken. */
  async insertPracticalProject(m: EntityManager, p: { code: string; name: string; description: string | null; launchedOn: string; progress: number; status: ProjectStatus }): Promise<PracticalProjectRow | undefined> {
    const rows: PracticalProjectRow[] = await m.query(
      `INSERT INTO practical_project (code, name, description, launched_on, progress, status) VALUES ($1,$2,$3,$4,$5,$6)
           ON CONFLICT (code) DO NOTHING RETURNING ${PRACTICAL_COLUMNS}`,
      [p.code, p.name, p.description, p.launchedOn, p.progress, p.status],
    );
    return rows[0];
  }

  async lockPracticalProject(m: EntityManager, id: number): Promise<PracticalProjectRecord | undefined> {
    const rows: PracticalProjectRecord[] = await m.query(`SELECT * FROM practical_project WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  async updatePracticalProject(
    m: EntityManager, id: number, version: number, p: { name: string; description: string | null; progress: number; status: ProjectStatus },
  ): Promise<PracticalProjectRow | undefined> {
    return rowsOf<PracticalProjectRow>(await m.query(
      `UPDATE practical_project SET name = $3, description = $4, progress = $5, status = $6, version = version + 1 WHERE id = $1 AND version = $2
           RETURNING ${PRACTICAL_COLUMNS}`,
      [id, version, p.name, p.description, p.progress, p.status],
    ))[0];
  }

  /** A unit's own resources (`unitId`), or those offered to the communities under the scope paths or to everyone. */
  async resources(scope: { unitId: number } | { scopePaths: string[] }): Promise<ResourceRow[]> {
    const params: unknown[] = [];
    let where: string;
    if ('unitId' in scope) {
      params.push(scope.unitId);
      where = 'r.unit_id = $1';
    } else {
      params.push(...scope.scopePaths.map((p) => `${likeEscape(p)}%`));
      where = `(r.community_id IS NULL OR r.community_id IN (SELECT id FROM community_ref cr WHERE ${scopeSql('cr.path', scope.scopePaths, 1)}))`;
    }
    return this.ds.query(
      `SELECT r.id, r.unit_id AS "unitId", u.name AS "unitName", r.community_id AS "communityId", r.category_id AS "categoryId", r.title, r.description, r.capacity
           FROM resource r JOIN unit_ref u ON u.id = r.unit_id WHERE ${where} ORDER BY r.id DESC LIMIT 500`,
      params,
    );
  }

  /** Whether the category exists and still takes new work. */
  async activeCategory(categoryId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM service_category WHERE id = $1 AND active`, [categoryId]);
    return rows.length > 0;
  }

  /** Whether the unit's report to the community stands approved (it serves there). */
  async servesCommunity(unitId: number, communityId: number): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM unit_report WHERE unit_id = $1 AND community_id = $2 AND status = 'approved'`, [unitId, communityId]);
    return rows.length > 0;
  }

  async insertResource(m: EntityManager, r: { unitId: number; communityId: number | null; categoryId: number | null; title: string; description: string | null; capacity: number }): Promise<number> {
    const rows: { id: number }[] = await m.query(
      `INSERT INTO resource (unit_id, community_id, category_id, title, description, capacity) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
      [r.unitId, r.communityId, r.categoryId, r.title, r.description, r.capacity],
    );
    return rows[0].id;
  }

  async resourceOwner(id: number): Promise<{ unit_id: number; community_id: number | null } | undefined> {
    const rows: { unit_id: number; community_id: number | null }[] = await this.ds.query(`SELECT unit_id, community_id FROM resource WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Projects of the communities under the scope paths (one of them, when `communityId` is given). */
  async projects(scopePaths: string[], communityId: number | null): Promise<ProjectRow[]> {
    const params: unknown[] = scopePaths.map((p) => `${likeEscape(p)}%`);
    let only = '';
    if (communityId !== null) {
      params.push(communityId);
      only = ` AND p.community_id = $${params.length}`;
    }
    return this.ds.query(
      `SELECT p.id, p.community_id AS "communityId", cr.name AS "communityName", p.name, p.unit_id AS "unitId", u.name AS "unitName",
                p.practical_project_id AS "practicalProjectId", p.resource_id AS "resourceId", p.budget_yuan::float AS "budgetYuan", p.milestones, p.status, p.version, p.created_at AS "createdAt",
                p.meeting_id AS "meetingId", p.meeting_decision_id AS "meetingDecisionId", p.meeting_title AS "meetingTitle"
           FROM project p JOIN community_ref cr ON cr.id = p.community_id LEFT JOIN unit_ref u ON u.id = p.unit_id
          WHERE ${scopeSql('cr.path', scopePaths, 1)}${only} ORDER BY p.id DESC LIMIT 500`,
      params,
    );
  }

  async insertProject(
    m: EntityManager,
    p: { communityId: number; name: string; unitId: number | null; resourceId: number | null; practicalProjectId: number | null; budgetYuan: number; milestones: Milestone[] },
  ): Promise<{ id: number; version: number }> {
    const rows: { id: number; version: number }[] = await m.query(
      `INSERT INTO project (community_id, name, unit_id, resource_id, practical_project_id, budget_yuan, milestones) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, version`,
      [p.communityId, p.name, p.unitId, p.resourceId, p.practicalProjectId, p.budgetYuan, JSON.stringify(p.milestones)],
    );
    return rows[0];
  }

  async lockProject(m: EntityManager, id: number): Promise<ProjectRecord | undefined> {
    const rows: ProjectRecord[] = await m.query(`SELECT p.*, cr.path FROM project p JOIN community_ref cr ON cr.id = p.community_id WHERE p.id = $1 FOR UPDATE OF p`, [id]);
    return rows[0];
  }

  /** The new version, or undefined when `version` is no longer the current one. */
  async updateProject(m: EntityManager, id: number, version: number, p: { status: ProjectStatus; budgetYuan: number | string; milestones: Milestone[] }): Promise<number | undefined> {
    return rowsOf<{ id: number; version: number }>(await m.query(
      `UPDATE project SET status = $3, budget_yuan = $4, milestones = $5, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id, version`,
      [id, version, p.status, p.budgetYuan, JSON.stringify(p.milestones)],
    ))[0]?.version;
  }
}
