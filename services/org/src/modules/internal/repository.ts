import type { EntityManager } from 'typeorm';

/** A current community as the household and volunteer services copy it (its path decides scope there). */
export interface CommunityCopyRow {
  id: number;
  name: string;
  path: string;
  streetName: string | null;
  divisionCode: string | null;
}

/** A current work unit (the volunteer service's whistles go to the departments among them). */
export interface WorkUnitCopyRow {
  id: number;
  name: string;
  path: string;
  department: boolean;
}

/** The reads the other services make of the chart over the internal routes; the unit reports their events decide. */
export class InternalRepository {
  constructor(private readonly db: EntityManager) {}

  async communities(): Promise<CommunityCopyRow[]> {
    const rows: CommunityCopyRow[] = await this.db.query(
      `SELECT c.id, c.name, c.path, s.name AS "streetName", c.division_code AS "divisionCode"
         FROM org_unit c LEFT JOIN org_unit s ON s.id = c.parent_id
        WHERE c.type = 'community_committee' AND c.valid_to IS NULL ORDER BY c.path`,
    );
    return rows;
  }

  /** Enabled accounts whose own organisation lies under `under`, of `roles` (null: every role). */
  async enabledAccountsUnder(under: string, roles: string[] | null): Promise<number> {
    const [r]: { count: number }[] = await this.db.query(
      `SELECT count(*)::int AS count FROM account a JOIN org_unit u ON u.id = a.org_id
        WHERE NOT a.disabled AND left(u.path, length($1)) = $1 AND ($2::text[] IS NULL OR a.role = ANY($2::text[]))`,
      [under, roles],
    );
    return r.count;
  }

  async workUnits(): Promise<WorkUnitCopyRow[]> {
    const rows: WorkUnitCopyRow[] = await this.db.query(`SELECT id, name, path, department FROM org_unit WHERE type = 'work_unit' AND valid_to IS NULL ORDER BY id`);
    return rows;
  }

  /** Whether `unitId` is a work unit and `communityId` a community committee. */
  async isUnitAndCommunity(unitId: number, communityId: number): Promise<boolean> {
    const rows: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM org_unit u, org_unit c WHERE u.id = $1 AND u.type = 'work_unit' AND c.id = $2 AND c.type = 'community_committee'`,
      [unitId, communityId],
    );
    return rows[0].n > 0;
  }

  /** The unit reports to the community (again, if it had ended). */
  async startReport(unitId: number, communityId: number): Promise<void> {
    await this.db.query(
      `INSERT INTO unit_community_report (unit_id, community_id) VALUES ($1, $2)
       ON CONFLICT (unit_id, community_id) DO UPDATE SET ended_on = NULL`,
      [unitId, communityId],
    );
  }

  /** The unit no longer reports to the community (from today). */
  async endReport(unitId: number, communityId: number): Promise<void> {
    await this.db.query(`UPDATE unit_community_report SET ended_on = current_date WHERE unit_id = $1 AND community_id = $2`, [unitId, communityId]);
  }
}
