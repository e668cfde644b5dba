import type { EntityManager } from 'typeorm';
import { scopePatterns } from '../org-records';
import { BRANCH_LIVE } from '../compounds/repository';

/**
 * Branch coverage of compounds (小区党支部覆盖率). A compound counts as `withBranch` when its
 * compound branch is founded and not archived; `planned` when it has none yet but one is planned.
 * The goal of the programme is a branch in every property-managed compound, so the rates are
 * taken over property-managed compounds only.
 */
export interface CoverageCounts {
  compounds: number;
  withBranch: number;
  planned: number;
  propertyManaged: number;
  propertyManagedCovered: number;
  /** propertyManagedCovered / propertyManaged (0..1); null when there is no property-managed compound. */
  coverageRate: number | null;
  /** (propertyManagedCovered + planned among property-managed) / propertyManaged; null likewise. */
  coverageRateWhenPlannedDone: number | null;
}

export interface CoverageCommunity extends CoverageCounts {
  id: number;
  name: string;
}
export interface CoverageStreet extends CoverageCounts {
  id: number;
  name: string;
  communities: CoverageCommunity[];
}
export interface Coverage {
  totals: CoverageCounts;
  streets: CoverageStreet[];
}

export interface RawCounts {
  compounds: number;
  withBranch: number;
  planned: number;
  propertyManaged: number;
  propertyManagedCovered: number;
  propertyManagedPlanned: number;
}
export interface CommunityRow extends RawCounts {
  id: number;
  name: string;
  streetId: number;
}
export interface StreetRow {
  id: number;
  name: string;
  path: string;
}

/** A county committee with its counts (the city overview's comparison). */
export interface CountyRow extends RawCounts {
  id: number;
  name: string;
  divisionCode: string | null;
  streets: number;
  communities: number;
}

export interface CountyCoverage extends CoverageCounts {
  id: number;
  name: string;
  divisionCode: string | null;
  streets: number;
  communities: number;
}

/** The RawCounts of the compounds `k` (branches joined as `b`), for a GROUP BY or a LATERAL. */
const RAW_COUNTS = `count(k.id)::int AS compounds,
  count(k.id) FILTER (WHERE ${BRANCH_LIVE})::int AS "withBranch",
  count(k.id) FILTER (WHERE NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS planned,
  count(k.id) FILTER (WHERE k.property_managed)::int AS "propertyManaged",
  count(k.id) FILTER (WHERE k.property_managed AND ${BRANCH_LIVE})::int AS "propertyManagedCovered",
  count(k.id) FILTER (WHERE k.property_managed AND NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS "propertyManagedPlanned"`;

export class CoverageRepository {
  constructor(private readonly db: EntityManager) {}

  /**
   * Current streets the caller sees: those inside their scope, and the street around a community
   * they see (a community's staff see their community inside its street, not the street's others).
   */
  async visibleStreets(scopePaths: string[]): Promise<StreetRow[]> {
    const rows: StreetRow[] = await this.db.query(
      `SELECT s.id, s.name, s.path FROM org_unit s
        WHERE s.type = 'street_committee' AND s.valid_to IS NULL
          AND (s.path LIKE ANY($1::text[]) OR EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE left(p, length(s.path)) = s.path))
        ORDER BY s.division_code NULLS LAST, s.name, s.id`,
      [scopePatterns(scopePaths), scopePaths],
    );
    return rows;
  }

  async communityCounts(streetIds: number[], scopePaths: string[]): Promise<CommunityRow[]> {
    if (!streetIds.length) return [];
    const rows: CommunityRow[] = await this.db.query(
      `SELECT c.id, c.name, c.parent_id AS "streetId",
              ${RAW_COUNTS}
         FROM org_unit c
         LEFT JOIN compound k ON k.community_id = c.id
         LEFT JOIN org_unit b ON b.id = k.branch_id
        WHERE c.type = 'community_committee' AND c.valid_to IS NULL
          AND c.parent_id = ANY($1::bigint[]) AND c.path LIKE ANY($2::text[])
        GROUP BY c.id
        ORDER BY c.division_code NULLS LAST, c.name, c.id`,
      [streetIds, scopePatterns(scopePaths)],
    );
    return rows;
  }

  /**
   * One row per current county committee in scope: its streets, its communities (by a range of
   * org_unit_current_type_path_idx under the county's path; ids and slashes sort below '~') and their compounds' counts,
   * from compound_coverage_rollup (kept by triggers: migration CoverageRollup), a few rows per community instead of every
   * compound and its branch. A branch founded is one whose day (`branch_from`) has come, BRANCH_LIVE as of today.
   */
  async countyCounts(scopePaths: string[]): Promise<CountyRow[]> {
    const rows: CountyRow[] = await this.db.query(
      `SELECT y.id, y.name, y.division_code AS "divisionCode",
              (SELECT count(*) FROM org_unit s WHERE s.parent_id = y.id AND s.valid_to IS NULL AND s.type = 'street_committee')::int AS streets,
              (SELECT count(*) FROM org_unit c WHERE c.path ~>=~ y.path AND c.path ~<~ (y.path || '~') AND c.valid_to IS NULL AND c.type = 'community_committee')::int AS communities,
              k.*
         FROM org_unit y
         CROSS JOIN LATERAL (
           SELECT coalesce(sum(r.compounds), 0)::int AS compounds,
                  coalesce(sum(r.compounds) FILTER (WHERE r.branch_from <= current_date), 0)::int AS "withBranch",
                  coalesce(sum(r.planned) FILTER (WHERE NOT r.branch_from <= current_date), 0)::int AS planned,
                  coalesce(sum(r.property_managed), 0)::int AS "propertyManaged",
                  coalesce(sum(r.property_managed) FILTER (WHERE r.branch_from <= current_date), 0)::int AS "propertyManagedCovered",
                  coalesce(sum(r.pm_planned) FILTER (WHERE NOT r.branch_from <= current_date), 0)::int AS "propertyManagedPlanned"
             FROM org_unit c
             JOIN compound_coverage_rollup r ON r.community_id = c.id
            WHERE c.path ~>=~ y.path AND c.path ~<~ (y.path || '~') AND c.valid_to IS NULL AND c.type = 'community_committee') k
        WHERE y.type = 'county_committee' AND y.valid_to IS NULL AND y.path LIKE ANY($1::text[])
        ORDER BY y.division_code NULLS LAST, y.name, y.id`,
      [scopePatterns(scopePaths)],
    );
    return rows;
  }
}
