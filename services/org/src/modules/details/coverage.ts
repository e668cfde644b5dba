import type { FastifyInstance } from 'fastify';
import type { EntityManager } from 'typeorm';
import { assertRole, badRequest, inScope, notFound, parseQuery, type Role } from '@redheart/shared';
import type { Scope } from '../scope/scope';
import { BRANCH_LIVE } from './compounds';
import { type Ctx, DetailService, scopePatterns } from './common';
import { CoverageQuery } from './dto';
import { countyCoverageSchema, coverageSchema } from './schemas';
import { requestCtx } from './request';

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

interface RawCounts {
  compounds: number;
  withBranch: number;
  planned: number;
  propertyManaged: number;
  propertyManagedCovered: number;
  propertyManagedPlanned: number;
}
interface CommunityRow extends RawCounts {
  id: number;
  name: string;
  streetId: number;
}
interface StreetRow {
  id: number;
  name: string;
  path: string;
}

const ZERO: RawCounts = { compounds: 0, withBranch: 0, planned: 0, propertyManaged: 0, propertyManagedCovered: 0, propertyManagedPlanned: 0 };
const KEYS = Object.keys(ZERO) as (keyof RawCounts)[];

const add = (a: RawCounts, b: RawCounts): RawCounts => Object.fromEntries(KEYS.map((k) => [k, a[k] + b[k]])) as unknown as RawCounts;
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10000) / 10000 : null);

/** The published counts with their rates; the count of planned property-managed compounds only feeds the second rate. */
export function withRates(c: RawCounts): CoverageCounts {
  return {
    compounds: c.compounds,
    withBranch: c.withBranch,
    planned: c.planned,
    propertyManaged: c.propertyManaged,
    propertyManagedCovered: c.propertyManagedCovered,
    coverageRate: rate(c.propertyManagedCovered, c.propertyManaged),
    coverageRateWhenPlannedDone: rate(c.propertyManagedCovered + c.propertyManagedPlanned, c.propertyManaged),
  };
}

export class CoverageRepository {
  constructor(private readonly db: EntityManager) {}

  /**
   * Current streets the caller sees: those inside their scope, and the street around a community
   * they see (a community's staff see their community inside its street, not the street's others).
   */
  async visibleStreets(scopePaths: string[]): Promise<StreetRow[]> {
    return this.db.query(
      `SELECT s.id, s.name, s.path FROM org_unit s
        WHERE s.type = 'street_committee' AND s.valid_to IS NULL
          AND (s.path LIKE ANY($1::text[]) OR EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE left(p, length(s.path)) = s.path))
        ORDER BY s.division_code NULLS LAST, s.name, s.id`,
      [scopePatterns(scopePaths), scopePaths],
    );
  }

  async communityCounts(streetIds: number[], scopePaths: string[]): Promise<CommunityRow[]> {
    if (!streetIds.length) return [];
    return this.db.query(
      `SELECT c.id, c.name, c.parent_id AS "streetId",
              count(k.id)::int AS compounds,
              count(k.id) FILTER (WHERE ${BRANCH_LIVE})::int AS "withBranch",
              count(k.id) FILTER (WHERE NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS planned,
              count(k.id) FILTER (WHERE k.property_managed)::int AS "propertyManaged",
              count(k.id) FILTER (WHERE k.property_managed AND ${BRANCH_LIVE})::int AS "propertyManagedCovered",
              count(k.id) FILTER (WHERE k.property_managed AND NOT ${BRANCH_LIVE} AND k.branch_planned)::int AS "propertyManagedPlanned"
         FROM org_unit c
         LEFT JOIN compound k ON k.community_id = c.id
         LEFT JOIN org_unit b ON b.id = k.branch_id
        WHERE c.type = 'community_committee' AND c.valid_to IS NULL
          AND c.parent_id = ANY($1::bigint[]) AND c.path LIKE ANY($2::text[])
        GROUP BY c.id
        ORDER BY c.division_code NULLS LAST, c.name, c.id`,
      [streetIds, scopePatterns(scopePaths)],
    );
  }
}

/** Who compares counties: the city's organisation department (every county) and a county's (its own). */
export const COUNTY_READERS: readonly Role[] = ['city_admin', 'admin'];

export interface CountyCoverage extends CoverageCounts {
  id: number;
  name: string;
  divisionCode: string | null;
  streets: number;
  communities: number;
}

export class CoverageService extends DetailService {
  private readonly repo = new CoverageRepository(this.ds.manager);

  /**
   * One row per county committee in the caller's scope (the city admin: every county of the city; a
   * county admin: their own): its streets, communities and compound-branch coverage. Communities are
   * counted by a range of org_unit_current_type_path_idx under the county's path (ids and slashes sort below '~'); the
   * coverage from compound_coverage_rollup (kept by triggers: migration CoverageRollup), a few rows per community instead of
   * every compound and its branch. A branch founded is one whose day (`branch_from`) has come, BRANCH_LIVE as of today.
   */
  async counties(ctx: Ctx): Promise<{ totals: CoverageCounts & { streets: number; communities: number }; counties: CountyCoverage[] }> {
    assertRole(ctx.user, COUNTY_READERS, '县区对比仅供市委、县委组织部查看');
    const scope = await this.scope(ctx.user);
    const rows: (RawCounts & { id: number; name: string; divisionCode: string | null; streets: number; communities: number })[] = await this.ds.query(
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
      [scopePatterns(scope.paths)],
    );
    let totals = ZERO;
    let streets = 0;
    let communities = 0;
    const counties = rows.map((r) => {
      totals = add(totals, r);
      streets += r.streets;
      communities += r.communities;
      return { id: Number(r.id), name: r.name, divisionCode: r.divisionCode, streets: r.streets, communities: r.communities, ...withRates(r) };
    });
    return { totals: { ...withRates(totals), streets, communities }, counties };
  }

  async coverage(ctx: Ctx, streetId: number | undefined): Promise<Coverage> {
    const scope = await this.scope(ctx.user);
    let streets = await this.repo.visibleStreets(scope.paths);
    if (streetId !== undefined) {
      const chosen = streets.find((s) => s.id === streetId);
      if (!chosen) await this.refuseStreet(scope, streetId);
      streets = streets.filter((s) => s.id === streetId);
    }
    const communities = await this.repo.communityCounts(streets.map((s) => s.id), scope.paths);
    let totals = ZERO;
    const out: CoverageStreet[] = streets.map((s) => {
      const own = communities.filter((c) => c.streetId === s.id);
      const sum = own.reduce<RawCounts>((acc, c) => add(acc, c), ZERO);
      totals = add(totals, sum);
      return { id: s.id, name: s.name, ...withRates(sum), communities: own.map((c) => ({ id: c.id, name: c.name, ...withRates(c) })) };
    });
    return { totals: withRates(totals), streets: out };
  }

  /** An id the caller cannot see is not found; one they can see that is not a street is a bad request. */
  private async refuseStreet(scope: Scope, id: number): Promise<never> {
    const u = await this.units.findById(id);
    if (u && inScope(u.path, scope.paths) && u.type !== 'street_committee') {
      throw badRequest('streetId must name a street working committee', [{ field: 'streetId', errors: [`is a ${u.type}`] }], 'WRONG_ORG_TYPE');
    }
    throw notFound('Street');
  }
}

export function coverageRoutes(app: FastifyInstance) {
  const service = new CoverageService(app.db);

  app.get('/api/org/coverage/counties', {
    schema: {
      tags: ['coverage'],
      summary: 'County by county (city_admin: every county of the city; admin: its own): streets, communities and compound-branch coverage',
      response: { 200: countyCoverageSchema },
    },
    handler: async (req) => service.counties(requestCtx(req)),
  });

  app.get('/api/org/coverage', {
    schema: { tags: ['coverage'], summary: 'Compound-branch coverage per street and community within the caller’s scope', response: { 200: coverageSchema }, dto: { query: CoverageQuery } },
    handler: async (req) => {
      const q = await parseQuery(CoverageQuery, req.query);
      return service.coverage(requestCtx(req), q.streetId);
    },
  });
}
