/** Organisation types, from the city (市委) and the county down to a member household, plus the work units that dual-report. */
export const ORG_TYPES = [
  'city_committee',
  'county_committee',
  'street_committee',
  'community_committee',
  'compound_branch',
  'property_company_branch',
  'business_district_branch',
  'building_group',
  'member_household',
  'work_unit',
] as const;
export type OrgType = (typeof ORG_TYPES)[number];

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

export const POSITION_KINDS = ['secretary', 'deputy_secretary', 'committee_member', 'part_time_member'] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];

export const CONTACT_KEYS = ['phone', 'address', 'person'] as const;

/** The city committee's organisation department (市委组织部) works across every county of the city. */
export const CITY_WIDE_ROLES = ['city_admin'] as const;
