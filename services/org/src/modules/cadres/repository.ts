import type { EntityManager } from 'typeorm';
import { rowsOf } from '@redheart/shared';
import { type IdRow, notEnded } from '../org-records';

/** A street cadre linked to a community, and possibly responsible for one of its grids (街道干部联社区、包网格). */
export interface CadreView {
  id: number;
  cadreName: string;
  phone: string | null;
  streetId: number;
  streetName: string;
  communityId: number;
  communityName: string;
  gridId: number | null;
  gridCode: string | null;
  gridName: string | null;
  startDate: string;
  endDate: string | null;
}

const COLUMNS = `a.id, a.cadre_name AS "cadreName", a.phone, a.street_id AS "streetId", s.name AS "streetName",
  a.community_id AS "communityId", c.name AS "communityName", a.grid_id AS "gridId", g.code AS "gridCode", g.name AS "gridName",
  a.start_date AS "startDate", a.end_date AS "endDate"`;
const FROM = `cadre_assignment a JOIN org_unit s ON s.id = a.street_id JOIN org_unit c ON c.id = a.community_id
  LEFT JOIN grid g ON g.id = a.grid_id`;

export class CadreRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CadreRepository(m);
  }

  async list(by: 'street_id' | 'community_id', orgId: number, includeEnded: boolean): Promise<CadreView[]> {
    const rows: CadreView[] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE a.${by} = $1 ${includeEnded ? '' : `AND ${notEnded('a.end_date')}`}
        ORDER BY c.name, g.code NULLS FIRST, a.start_date DESC, a.id`,
      [orgId],
    );
    return rows;
  }

  async findById(id: number, lock = false): Promise<CadreView | undefined> {
    const rows: CadreView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    return rows[0];
  }

  async currentForGrid(gridId: number): Promise<CadreView | undefined> {
    const rows: CadreView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE a.grid_id = $1 AND ${notEnded('a.end_date')} LIMIT 1`, [gridId]);
    return rows[0];
  }

  async currentDuplicate(communityId: number, gridId: number | null, cadreName: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM cadre_assignment a
        WHERE a.community_id = $1 AND a.grid_id IS NOT DISTINCT FROM $2 AND a.cadre_name = $3 AND ${notEnded('a.end_date')}`,
      [communityId, gridId, cadreName],
    );
    return rows.length > 0;
  }

  async insert(a: { cadreName: string; phone: string | null; streetId: number; communityId: number; gridId: number | null; startDate: string }): Promise<number> {
    const rows: IdRow[] = await this.db.query(
      `INSERT INTO cadre_assignment (cadre_name, phone, street_id, community_id, grid_id, start_date) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [a.cadreName, a.phone, a.streetId, a.communityId, a.gridId, a.startDate],
    );
    return Number(rows[0].id);
  }

  async end(id: number, endDate: string): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE cadre_assignment a SET end_date = $2 WHERE a.id = $1 AND ${notEnded('a.end_date')} RETURNING a.id`,
      [id, endDate],
    ));
    return rows.length === 1;
  }

  /** The community and archiving of a grid a cadre is to look after. */
  async gridOf(gridId: number): Promise<{ communityId: number; validTo: string | null } | undefined> {
    const rows: { communityId: number; validTo: string | null }[] = await this.db.query(
      'SELECT community_id AS "communityId", valid_to AS "validTo" FROM grid WHERE id = $1',
      [gridId],
    );
    return rows[0];
  }
}
