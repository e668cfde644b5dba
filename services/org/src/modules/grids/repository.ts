import type { EntityManager } from 'typeorm';
import { rowsOf } from '@redheart/shared';
import { type IdRow, notEnded } from '../org-records';

/** A grid (网格) of a community, its grid worker and the street cadre looking after it. */
export interface GridView {
  id: number;
  communityId: number;
  code: string;
  name: string;
  households: number;
  workerName: string | null;
  workerPhone: string | null;
  /** The street cadre currently responsible for the grid (包网格). */
  cadreName: string | null;
  cadrePhone: string | null;
  validFrom: string;
  validTo: string | null;
  version: number;
}

export type GridFields = Pick<GridView, 'code' | 'name' | 'households' | 'workerName' | 'workerPhone'>;

const COLUMNS = `g.id, g.community_id AS "communityId", g.code, g.name, g.households, g.worker_name AS "workerName",
  g.worker_phone AS "workerPhone", ca.cadre_name AS "cadreName", ca.phone AS "cadrePhone",
  g.valid_from AS "validFrom", g.valid_to AS "validTo", g.version`;
const FROM = `grid g LEFT JOIN LATERAL (
    SELECT c.cadre_name, c.phone FROM cadre_assignment c
     WHERE c.grid_id = g.id AND ${notEnded('c.end_date')} ORDER BY c.start_date DESC, c.id DESC LIMIT 1
  ) ca ON true`;

export class GridRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new GridRepository(m);
  }

  async listForCommunity(communityId: number): Promise<GridView[]> {
    const rows: GridView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE g.community_id = $1 AND g.valid_to IS NULL ORDER BY g.code, g.id`, [communityId]);
    return rows;
  }

  async findById(id: number, lock = false): Promise<GridView | undefined> {
    const rows: GridView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE g.id = $1 ${lock ? 'FOR UPDATE OF g' : ''}`, [id]);
    return rows[0];
  }

  /** Codes stay unique within a community, over current and past grids alike (the table's UNIQUE). */
  async codeTaken(communityId: number, code: string, exceptId: number | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM grid WHERE community_id = $1 AND code = $2 AND ($3::bigint IS NULL OR id <> $3)`,
      [communityId, code, exceptId],
    );
    return rows.length > 0;
  }

  async insert(communityId: number, f: GridFields, validFrom: string): Promise<number> {
    const rows: IdRow[] = await this.db.query(
      `INSERT INTO grid (community_id, code, name, households, worker_name, worker_phone, valid_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [communityId, f.code, f.name, f.households, f.workerName, f.workerPhone, validFrom],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: GridFields): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE grid SET code = $3, name = $4, households = $5, worker_name = $6, worker_phone = $7, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.code, f.name, f.households, f.workerName, f.workerPhone],
    ));
    return rows.length === 1;
  }
}
