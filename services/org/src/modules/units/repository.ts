import type { EntityManager } from 'typeorm';
import { likeEscape, type OrgCommunity, preparedIn, rowsOf } from '@redheart/shared';

export { likeEscape };
import type { OrgType } from '../../domain';

// A global advisory lock key: subtree moves take it exclusively, inserts shared, so a node can
// never be inserted under a path that a concurrent move is rewriting.
export const TREE_LOCK = 7712002;

export interface UnitRow {
  id: number;
  type: OrgType;
  name: string;
  divisionCode: string | null;
  parentId: number | null;
  path: string;
  depth: number;
  contacts: Record<string, string>;
  attributes: Record<string, unknown>;
  /** A county department (县直部门) that streets whistle to. */
  department: boolean;
  validFrom: string;
  validTo: string | null;
  version: number;
  childCount: number;
}

const COLUMNS = `u.id, u.type, u.name, u.division_code AS "divisionCode", u.parent_id AS "parentId", u.path, u.depth,
  u.contacts, u.attributes, u.department, u.valid_from AS "validFrom", u.valid_to AS "validTo", u.version`;
const CHILD_COUNT = `(SELECT count(*) FROM org_unit c WHERE c.parent_id = u.id AND c.valid_to IS NULL)::int AS "childCount"`;

const BY_ID = `SELECT ${COLUMNS}, ${CHILD_COUNT} FROM org_unit u WHERE u.id = $1`;
const childrenSql = (includeArchived: boolean) => `SELECT ${COLUMNS}, ${CHILD_COUNT} FROM org_unit u
        WHERE u.parent_id = $1 ${includeArchived ? '' : 'AND u.valid_to IS NULL'}
        ORDER BY u.valid_to IS NOT NULL, u.division_code NULLS LAST, u.name, u.id`;
const CHILDREN = childrenSql(false);
const CHILDREN_ALL = childrenSql(true);

/** A community committee or work unit at or under a changed organisation, as the `org.unit.*` events carry them. */
export interface CarriedUnitRow extends OrgCommunity {
  type: string;
  archived: boolean;
  department: boolean;
}

/** Ids along a path `/1/4/17/` → [1, 4, 17]. */
export const pathIds = (path: string) => path.split('/').filter(Boolean).map(Number);

export class UnitRepository {
  constructor(private readonly db: EntityManager) {}

  with(manager: EntityManager) {
    return new UnitRepository(manager);
  }

  /**
   * A hot read by key (one organisation, the children of one): a named prepared statement, parsed and planned
   * once per connection — on the pool outside a transaction, on the transaction's connection inside one.
   */
  private hot<T>(text: string, values: unknown[]): Promise<T[]> {
    return preparedIn<T>(this.db, text, values);
  }

  async findById(id: number, lock: '' | 'FOR UPDATE' | 'FOR SHARE' = ''): Promise<UnitRow | undefined> {
    const rows = lock
      ? await this.db.query(`SELECT ${COLUMNS}, 0 AS "childCount" FROM org_unit u WHERE u.id = $1 ${lock}`, [id])
      : await this.hot<UnitRow>(BY_ID, [id]);
    return rows[0];
  }

  /** The tree's advisory lock for the rest of the transaction: exclusive for a subtree move, shared for an insert. */
  async lockTree(mode: 'shared' | 'exclusive'): Promise<void> {
    await this.db.query(mode === 'shared' ? 'SELECT pg_advisory_xact_lock_shared($1)' : 'SELECT pg_advisory_xact_lock($1)', [TREE_LOCK]);
  }

  /** Current (not archived) children. */
  async activeChildCount(id: number): Promise<number> {
    const rows: { n: number }[] = await this.db.query('SELECT count(*)::int AS n FROM org_unit WHERE parent_id = $1 AND valid_to IS NULL', [id]);
    return rows[0].n;
  }

  /** The day of the organisation's latest recorded change (org_unit_version), if any. */
  async lastVersionChange(id: number): Promise<string | null> {
    const rows: { d: string | null }[] = await this.db.query('SELECT max(effective_from) AS d FROM org_unit_version WHERE org_id = $1', [id]);
    return rows[0].d;
  }

  /**
   * The organisation's row lock for the rest of the transaction (rules spanning several rows of it are
   * checked and written by one caller at a time); NO KEY UPDATE does not block inserts that merely reference it.
   */
  async lockNoKeyUpdate(id: number): Promise<void> {
    await this.db.query('SELECT id FROM org_unit WHERE id = $1 FOR NO KEY UPDATE', [id]);
  }

  async findByIds(ids: number[]): Promise<UnitRow[]> {
    if (!ids.length) return [];
    return this.db.query(`SELECT ${COLUMNS}, ${CHILD_COUNT} FROM org_unit u WHERE u.id = ANY($1::bigint[]) ORDER BY u.depth, u.name`, [ids]);
  }

  async children(parentId: number, includeArchived: boolean): Promise<UnitRow[]> {
    return this.hot<UnitRow>(includeArchived ? CHILDREN_ALL : CHILDREN, [parentId]);
  }

  /** The children as they stood on `asOf`: where each organisation hung then, under the name it had then. */
  async childrenAsOf(parentId: number, asOf: string): Promise<UnitRow[]> {
    return this.db.query(
      `SELECT u.id, v.type, v.name, u.division_code AS "divisionCode", v.parent_id AS "parentId", u.path, u.depth,
              u.contacts, u.attributes, u.department, u.valid_from AS "validFrom", u.valid_to AS "validTo", u.version,
              (SELECT count(*) FROM org_unit_version cv
                WHERE cv.parent_id = u.id AND cv.effective_from <= $2 AND (cv.effective_to IS NULL OR cv.effective_to > $2))::int AS "childCount"
         FROM org_unit_version v JOIN org_unit u ON u.id = v.org_id
        WHERE v.parent_id = $1 AND v.effective_from <= $2 AND (v.effective_to IS NULL OR v.effective_to > $2)
        ORDER BY u.division_code NULLS LAST, v.name, u.id`,
      [parentId, asOf],
    );
  }

  async search(q: string, scopePaths: string[], type: string | undefined, limit: number): Promise<UnitRow[]> {
    const scopeClause = scopePaths.map((_, i) => `u.path LIKE $${i + 4}`).join(' OR ');
    return this.db.query(
      `SELECT ${COLUMNS}, ${CHILD_COUNT} FROM org_unit u
        WHERE u.valid_to IS NULL AND u.name ILIKE $1 AND ($2::text IS NULL OR u.type = $2) AND (${scopeClause})
        ORDER BY u.depth, length(u.name), u.name LIMIT $3`,
      [`%${likeEscape(q)}%`, type ?? null, limit, ...scopePaths.map((p) => `${likeEscape(p)}%`)],
    );
  }

  async countSubtree(path: string): Promise<number> {
    const rows = await this.db.query(`SELECT count(*)::int AS n FROM org_unit WHERE path LIKE $1 AND valid_to IS NULL`, [`${likeEscape(path)}%`]);
    return rows[0].n;
  }

  async nextId(): Promise<number> {
    const rows = await this.db.query(`SELECT nextval(pg_get_serial_sequence('org_unit', 'id')) AS id`);
    return Number(rows[0].id);
  }

  async insert(u: Omit<UnitRow, 'childCount' | 'version' | 'department'> & { department?: boolean }): Promise<void> {
    await this.db.query(
      `INSERT INTO org_unit (id, type, name, division_code, parent_id, path, depth, contacts, attributes, valid_from, valid_to, department)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [u.id, u.type, u.name, u.divisionCode, u.parentId, u.path, u.depth, JSON.stringify(u.contacts), JSON.stringify(u.attributes), u.validFrom, u.validTo, u.department ?? false],
    );
    await this.db.query(
      `INSERT INTO org_unit_version (org_id, parent_id, name, type, effective_from, effective_to) VALUES ($1, $2, $3, $4, $5, $6)`,
      [u.id, u.parentId, u.name, u.type, u.validFrom, u.validTo],
    );
  }

  /** Optimistic update: the row changes only if nobody changed it since `version`; false means stale. */
  async updateFields(
    id: number,
    version: number,
    f: { name: string; divisionCode: string | null; contacts: Record<string, string>; attributes: Record<string, unknown>; department?: boolean },
  ): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE org_unit SET name = $3, division_code = $4, contacts = $5, attributes = $6, department = coalesce($7, department), version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2 RETURNING id`,
      [id, version, f.name, f.divisionCode, JSON.stringify(f.contacts), JSON.stringify(f.attributes), f.department ?? null],
    ));
    return rows.length === 1;
  }

  async archive(id: number, version: number, validTo: string): Promise<boolean> {
    const rows = rowsOf(await this.db.query(
      `UPDATE org_unit SET valid_to = $3, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2 AND valid_to IS NULL RETURNING id`,
      [id, version, validTo],
    ));
    if (rows.length !== 1) return false;
    await this.db.query(`UPDATE org_unit_version SET effective_to = $2 WHERE org_id = $1 AND effective_to IS NULL`, [id, validTo]);
    return true;
  }

  /**
   * Re-roots a whole subtree: one UPDATE rewrites every descendant's path prefix and depth,
   * so the move is a single statement inside the caller's transaction.
   */
  async moveSubtree(node: UnitRow, newParent: UnitRow): Promise<number> {
    const newPath = `${newParent.path}${node.id}/`;
    const delta = newParent.depth + 1 - node.depth;
    const rows: { n: number }[] = await this.db.query(
      `WITH moved AS (
         UPDATE org_unit SET path = $2 || substr(path, length($1) + 1), depth = depth + $3,
                parent_id = CASE WHEN id = $4 THEN $5 ELSE parent_id END,
                version = CASE WHEN id = $4 THEN version + 1 ELSE version END,
                updated_at = CASE WHEN id = $4 THEN now() ELSE updated_at END
          WHERE path LIKE $6
          RETURNING 1)
       SELECT count(*)::int AS n FROM moved`,
      [node.path, newPath, delta, node.id, newParent.id, `${likeEscape(node.path)}%`],
    );
    return rows[0].n;
  }

  /**
   * Records a change of parent or name in the effective-dated history. A change on the same day as
   * the current version's start rewrites that version instead of leaving a zero-length one.
   */
  async recordVersion(id: number, change: { parentId: number | null; name: string; type: string }, effective: string): Promise<void> {
    const cur: { id: number; effective_from: string }[] = await this.db.query(
      `SELECT id, effective_from FROM org_unit_version WHERE org_id = $1 AND effective_to IS NULL FOR UPDATE`,
      [id],
    );
    if (cur[0] && cur[0].effective_from >= effective) {
      await this.db.query(`UPDATE org_unit_version SET parent_id = $2, name = $3, type = $4 WHERE id = $1`, [cur[0].id, change.parentId, change.name, change.type]);
      return;
    }
    if (cur[0]) await this.db.query(`UPDATE org_unit_version SET effective_to = $2 WHERE id = $1`, [cur[0].id, effective]);
    await this.db.query(
      `INSERT INTO org_unit_version (org_id, parent_id, name, type, effective_from) VALUES ($1, $2, $3, $4, $5)`,
      [id, change.parentId, change.name, change.type, effective],
    );
  }

  /** The community committees and work units (archived ones too) at or under `path`, in path order; `limit` at most. */
  async carriedUnder(path: string, limit: number): Promise<CarriedUnitRow[]> {
    const rows: CarriedUnitRow[] = await this.db.query(
      `SELECT c.id::int AS id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode", c.type, c.valid_to IS NOT NULL AS archived, c.department
         FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id
        WHERE c.path LIKE $1 AND c.type IN ('community_committee', 'work_unit')
        ORDER BY c.path LIMIT $2`,
      [`${likeEscape(path)}%`, limit],
    );
    return rows;
  }
}
