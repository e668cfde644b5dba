/** Shapes of docs/api.md. Dates are 'YYYY-MM-DD' strings. */

export const ROLES = [
  'admin',
  'street_admin',
  'community_secretary',
  'community_clerk',
  'grid_worker',
  'unit_staff',
  'member',
] as const
export type Role = (typeof ROLES)[number]

export const ORG_TYPES = [
  'county_committee',
  'street_committee',
  'community_committee',
  'compound_branch',
  'property_company_branch',
  'business_district_branch',
  'building_group',
  'member_household',
  'work_unit',
] as const
export type OrgType = (typeof ORG_TYPES)[number]

export type IsoDate = string

export interface User {
  id: string
  username: string
  displayName: string
  role: Role
  orgId: string | null
  orgName: string | null
  orgType: OrgType | null
}

export interface LoginResponse {
  accessToken: string
  expiresIn: number
  user: User
}

export interface Contacts {
  phone?: string
  address?: string
  person?: string
}

export interface OrgUnit {
  id: string
  type: OrgType
  name: string
  divisionCode: string | null
  parentId: string | null
  depth: number
  contacts: Contacts
  validFrom: IsoDate
  validTo: IsoDate | null
  version: number
  childCount: number
  attributes: Record<string, unknown>
}

export interface OrgRef {
  id: string
  name: string
  type: OrgType
}

export interface OrgUnitWithAncestors extends OrgUnit {
  /** Root first; does not include the unit itself. */
  ancestors: OrgRef[]
}

export interface CreateUnitInput {
  parentId: string
  type: OrgType
  name: string
  divisionCode?: string
  contacts?: Contacts
  validFrom?: IsoDate
  attributes?: Record<string, unknown>
  reason?: string
}

export interface UpdateUnitInput {
  version: number
  name?: string
  contacts?: Contacts
  divisionCode?: string
  attributes?: Record<string, unknown>
  reason?: string
}

export interface ArchiveUnitInput {
  version: number
  reason: string
  validTo?: IsoDate
}

export interface MoveUnitInput {
  version: number
  newParentId: string
  reason: string
  effectiveDate?: IsoDate
}

export const POSITION_KINDS = ['secretary', 'deputy_secretary', 'committee_member', 'part_time_member'] as const
export type PositionKind = (typeof POSITION_KINDS)[number]

export interface Position {
  id: string
  orgId: string
  personName: string
  phone: string | null
  kind: PositionKind
  fullTime: boolean
  fromUnitId: string | null
  fromUnitName: string | null
  termStart: IsoDate
  termEnd: IsoDate | null
}

/** Body of POST /api/org/units/:id/positions (assumed to mirror the Position fields). */
export interface CreatePositionInput {
  personName: string
  phone?: string
  kind: PositionKind
  fullTime: boolean
  fromUnitId?: string
  termStart: IsoDate
}

export interface EndPositionInput {
  termEnd: IsoDate
  reason: string
}

export interface Grid {
  id: string
  communityId: string
  code: string
  name: string
  households: number
  workerName: string | null
  workerPhone: string | null
  cadreName: string | null
}

export interface DeskWorker {
  name: string
  role: string
  phone: string
}

export interface Hotline {
  name: string
  phone: string
}

export interface Desk {
  id: string
  code: string
  building: string
  communityId: string
  workers: DeskWorker[]
  hotlines: Hotline[]
}

/** GET /api/org/public/desks/:code: "a desk with its community name". */
export interface PublicDesk extends Desk {
  communityName: string
}

export interface CatalogueService {
  id: string
  code: string
  name: string
  category: string
  materials: string[]
  timeLimitDays: number
  communityCount?: number
}

export type BranchStatus = 'founded' | 'planned' | 'none'

export interface Compound {
  id: string
  name: string
  households: number
  propertyManaged: boolean
  propertyCompany: string | null
  branchId: string | null
  branchStatus: BranchStatus
  branchFoundedOn: IsoDate | null
}

export interface CoverageCounts {
  compounds: number
  withBranch: number
  planned: number
  propertyManaged: number
  propertyManagedCovered: number
}

export interface CoverageTotals extends CoverageCounts {
  /** Share of property-managed compounds with a branch (0..1; 0..100 also tolerated). */
  coverageRate: number
  coverageRateWhenPlannedDone: number
}

export interface CoverageCommunity extends CoverageCounts {
  id: string
  name: string
}

export interface CoverageStreet extends CoverageCounts {
  id: string
  name: string
  communities: CoverageCommunity[]
}

export interface Coverage {
  totals: CoverageTotals
  streets: CoverageStreet[]
}

export interface OrgStats {
  streets: number
  communities: number
  compoundBranches: number
  propertyCompanyBranches: number
  businessDistrictBranches: number
  buildingGroups: number
  memberHouseholds: number
  fullTimeSecretaries: number
  partTimeMembers: number
  grids: number
  gridWorkers: number
  gridHouseholds: number
  catalogueServices: number
  desks: number
  workUnits: number
}
