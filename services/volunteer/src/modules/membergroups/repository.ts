import type { DataSource, EntityManager } from 'typeorm';
import { likeEscape, rowsOf, scopeSql } from '@redheart/shared';

/** A member group (服务队) as rosters, the board and member lists show it. */
export interface MemberGroupRef { id: number; name: string; nameEn: string | null; color: string }
export interface GroupRow extends MemberGroupRef { sort: number; version: number }
export interface GroupCountRow extends GroupRow { members: number }

const COLUMNS = `g.id, g.name, g.name_en AS "nameEn", g.color, g.sort, g.version`;

/** The SQL of the member groups (服务队) and of a member's group. */
export class MemberGroupRepository {
  constructor(private readonly ds: DataSource) {}

  /** Every group with how many approved members of it live in communities under the scope paths. */
  async groups(scopePaths: string[]): Promise<GroupCountRow[]> {
    const params = scopePaths.map((p) => `${likeEscape(p)}%`);
    return this.ds.query(
      `SELECT ${COLUMNS},
                (SELECT count(*) FROM member m JOIN community_ref cr ON cr.id = m.community_id
                  WHERE m.group_id = g.id AND m.status = 'approved' AND ${scopeSql('cr.path', scopePaths, 1)})::int AS members
           FROM member_group g ORDER BY g.sort, g.id`,
      params,
    );
  }

  async nameTaken(m: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM member_group WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  async insert(m: EntityManager, g: { name: string; nameEn: string | null; color: string; sort: number }): Promise<GroupRow> {
    const r: { id: number }[] = await m.query(`INSERT INTO member_group (name, name_en, color, sort) VALUES ($1, $2, $3, $4) RETURNING id`, [g.name, g.nameEn, g.color, g.sort]);
    const rows: GroupRow[] = await m.query(`SELECT ${COLUMNS} FROM member_group g WHERE g.id = $1`, [r[0].id]);
    return rows[0];
  }

  async lock(m: EntityManager, id: number): Promise<GroupRow | undefined> {
    const rows: GroupRow[] = await m.query(`SELECT ${COLUMNS} FROM member_group g WHERE g.id = $1 FOR UPDATE`, [id]);
    return rows[0];
  }

  /** The new row, or undefined when `version` is no longer the current one. */
  async update(m: EntityManager, id: number, version: number, g: { name: string; nameEn: string | null; color: string; sort: number }): Promise<GroupRow | undefined> {
    return rowsOf<GroupRow>(await m.query(
      `UPDATE member_group g SET name = $3, name_en = $4, color = $5, sort = $6, version = version + 1 WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
      [id, version, g.name, g.nameEn, g.color, g.sort],
    ))[0];
  }

  async ref(m: EntityManager, id: number): Promise<MemberGroupRef | undefined> {
    const rows: MemberGroupRef[] = await m.query(`SELECT g.id, g.name, g.name_en AS "nameEn", g.color FROM member_group g WHERE g.id = $1`, [id]);
    return rows[0];
  }

  /** A member's group and community path, locked. */
  async lockMember(m: EntityManager, id: number): Promise<{ group_id: number | null; path: string } | undefined> {
    const rows: { group_id: number | null; path: string }[] = await m.query(
      `SELECT mb.group_id, cr.path FROM member mb JOIN community_ref cr ON cr.id = mb.community_id WHERE mb.id = $1 FOR UPDATE OF mb`,
      [id],
    );
    return rows[0];
  }

  /** The member's new version. */
  async setMemberGroup(m: EntityManager, id: number, groupId: number | null): Promise<number> {
    return rowsOf<{ version: number }>(await m.query(`UPDATE member SET group_id = $2, version = version + 1 WHERE id = $1 RETURNING version`, [id, groupId]))[0].version;
  }
}
