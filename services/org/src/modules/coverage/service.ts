import { badRequest, inScope, notFound } from '@redheart/shared';
import { assertMay } from '../../policy';
import type { Scope } from '../scope/scope';
import { type Ctx, OrgRecordService } from '../org-records';
import { type CountyCoverage, type Coverage, type CoverageCounts, type CoverageStreet, CoverageRepository, type RawCounts } from './repository';

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

export class CoverageService extends OrgRecordService {
  private readonly repo = new CoverageRepository(this.ds.manager);

  /**
   * One row per county committee in the caller's scope (the city admin: every county of the city; a
   * county admin: their own): its streets, communities and compound-branch coverage. Communities are
   * counted by a range of org_unit_current_path_idx under the county's path (ids and slashes sort below '~').
   */
  async counties(ctx: Ctx): Promise<{ totals: CoverageCounts & { streets: number; communities: number }; counties: CountyCoverage[] }> {
    assertMay(ctx.user, 'coverage.counties');
    const scope = await this.scope(ctx.user);
    const rows = await this.repo.countyCounts(scope.paths);
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
