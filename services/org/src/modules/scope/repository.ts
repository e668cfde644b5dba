import type { EntityManager } from 'typeorm';

/** The paths a scope is made of; SQL only (the caching and who sees what are scope.ts's). */
export class ScopeRepository {
  constructor(private readonly db: EntityManager) {}

  /** The organisation's path (undefined: no such organisation). */
  async orgPath(orgId: number): Promise<string | undefined> {
    const rows: { path: string }[] = await this.db.query('SELECT path FROM org_unit WHERE id = $1', [orgId]);
    return rows[0]?.path;
  }

  /** The paths of the communities the unit reports to now (双报到), in path order. */
  async reportedCommunityPaths(unitId: number): Promise<string[]> {
    const rows: { path: string }[] = await this.db.query(
      `SELECT c.path FROM unit_community_report r JOIN org_unit c ON c.id = r.community_id
        WHERE r.unit_id = $1 AND r.ended_on IS NULL ORDER BY c.path`,
      [unitId],
    );
    return rows.map((r) => r.path);
  }
}
