import type { EntityManager } from 'typeorm';
import { rowsOf } from '@redheart/shared';
import type { IdRow } from '../org-records';

export const BRANCH_STATUSES = ['founded', 'planned', 'none'] as const;
export type BranchStatus = (typeof BRANCH_STATUSES)[number];

/** A residential compound (小区) of a community and the state of its party branch. */
export interface CompoundView {
  id: number;
  communityId: number;
  name: string;
  households: number;
  propertyManaged: boolean;
  propertyCompany: string | null;
  branchId: number | null;
  branchName: string | null;
  branchStatus: BranchStatus;
  branchFoundedOn: string | null;
  branchPlanned: boolean;
  version: number;
}

export type CompoundFields = Pick<CompoundView, 'name' | 'households' | 'propertyManaged' | 'propertyCompany' | 'branchId' | 'branchPlanned'>;

/**
 * A compound has a branch when its linked compound branch exists today: founded (valid_from
 * reached) and not archived. An archived branch leaves the compound uncovered again.
 * `b` is the branch joined as org_unit.
 */
export const BRANCH_LIVE = `(b.id IS NOT NULL AND b.valid_to IS NULL AND b.valid_from <= current_date)`;

const COLUMNS = `k.id, k.community_id AS "communityId", k.name, k.households, k.property_managed AS "propertyManaged",
  k.property_company AS "propertyCompany", k.branch_id AS "branchId", b.name AS "branchName",
  CASE WHEN ${BRANCH_LIVE} THEN 'founded' WHEN k.branch_planned THEN 'planned' ELSE 'none' END AS "branchStatus",
  CASE WHEN ${BRANCH_LIVE} THEN b.valid_from END AS "branchFoundedOn", k.branch_planned AS "branchPlanned", k.version`;
const FROM = `compound k LEFT JOIN org_unit b ON b.id = k.branch_id`;

export class CompoundRepository {
  constructor(private readonly db: EntityManager) {}

  with(m: EntityManager) {
    return new CompoundRepository(m);
  }

  async listForCommunity(communityId: number): Promise<CompoundView[]> {
    const rows: CompoundView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.community_id = $1 ORDER BY k.name, k.id`, [communityId]);
    return rows;
  }

  async findById(id: number, lock = false): Promise<CompoundView | undefined> {
    const rows: CompoundView[] = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.id = $1 ${lock ? 'FOR UPDATE OF k' : ''}`, [id]);
    return rows[0];
  }

  async nameTaken(communityId: number, name: string, exceptId: number | null): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM compound WHERE community_id = $1 AND name = $2 AND ($3::bigint IS NULL OR id <> $3)`, [communityId, name, exceptId]);
    return rows.length > 0;
  }

  async compoundOfBranch(branchId: number, exceptId: number | null): Promise<{ id: number; name: string } | undefined> {
    const rows: { id: number; name: string }[] = await this.db.query(`SELECT id, name FROM compound WHERE branch_id = $1 AND ($2::bigint IS NULL OR id <> $2)`, [branchId, exceptId]);
    return rows[0];
  }

  async insert(communityId: number, f: CompoundFields): Promise<number> {
    const rows: IdRow[] = await this.db.query(
      `INSERT INTO compound (community_id, name, households, property_managed, property_company, branch_id, branch_planned)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [communityId, f.name, f.households, f.propertyManaged, f.propertyCompany, f.branchId, f.branchPlanned],
    );
    return Number(rows[0].id);
  }

  async update(id: number, version: number, f: CompoundFields): Promise<boolean> {
    const rows = rowsOf<IdRow>(await this.db.query(
      `UPDATE compound SET name = $3, households = $4, property_managed = $5, property_company = $6, branch_id = $7, branch_planned = $8,
              version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.name, f.households, f.propertyManaged, f.propertyCompany, f.branchId, f.branchPlanned],
    ));
    return rows.length === 1;
  }
}
