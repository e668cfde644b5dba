import type { OrgType } from '@redheart/shared';

// Organisation types and position kinds are written once for the services and the SPA (shared/src/workflows/vocabulary.ts).
export { ORG_TYPES, type OrgType, POSITION_KINDS, type PositionKind } from '@redheart/shared';
// What the import of the division codes did to a unit (its samples).
export { DIVISION_CHANGE_ACTIONS, type DivisionChangeAction } from '@redheart/shared';

/**
 * The chain of organisation (街道党工委 → 社区党委 → 小区党支部 → 楼栋党小组 → 党员中心户) as allowed
 * parent → child types. Property-company and business-district branches sit beside compound
 * branches under the community; work units are the county's agencies and institutions.
 */
export const ALLOWED_CHILDREN: Record<OrgType, readonly OrgType[]> = {
  city_committee: ['county_committee'],
  county_committee: ['street_committee', 'work_unit'],
  street_committee: ['community_committee'],
  community_committee: ['compound_branch', 'property_company_branch', 'business_district_branch'],
  compound_branch: ['building_group'],
  property_company_branch: [],
  business_district_branch: [],
  building_group: ['member_household'],
  member_household: [],
  work_unit: [],
};

export const CONTACT_KEYS = ['phone', 'address', 'person'] as const;

/** The city committee's organisation department (市委组织部) works across every county of the city. */
export const CITY_WIDE_ROLES = ['city_admin'] as const;
