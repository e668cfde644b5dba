/** Shapes of docs/api.md. Dates are 'YYYY-MM-DD' strings. */

// Roles and the workflows (states, actions) are written once, for the services and the SPA: shared/src/workflows.
import type { CaseAction, CaseStatus, ItemAction, ItemEventAction, ItemStatus, Role, TaskAction, TaskStatus } from '@redheart/workflows'
import type { RequestBody } from './contract'
export {
  CASE_ACTIONS, CASE_STATUSES, ITEM_ACTIONS, ITEM_STATUSES, ROLES, TASK_ACTIONS, TASK_STATUSES,
  type CaseAction, type CaseStatus, type ItemAction, type ItemEventAction, type ItemStatus, type Role, type TaskAction, type TaskStatus,
} from '@redheart/workflows'

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
  /** A one-time password (new account, reset) must be replaced before anything else; absent from older servers. */
  mustChangePassword?: boolean
}

export interface LoginResponse {
  accessToken: string
  expiresIn: number
  user: User
}

/* ─── 账号管理 (accounts of the staff), GET/POST/PATCH /api/org/accounts ─── */

export const ACCOUNT_STATUSES = ['active', 'disabled', 'locked'] as const
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number]

/** username: lower-case letters, digits, dot, underscore, hyphen; 3–64 characters. */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/
export const DISPLAY_NAME_MAX = 40

export interface Account {
  id: number
  username: string
  displayName: string
  role: Role
  orgId: number
  orgName: string
  orgType: OrgType
  disabled: boolean
  /** Locked after repeated failed logins, until `lockedUntil` (a reset unlocks). */
  locked: boolean
  lockedUntil: string | null
  /** Still on a one-time password (new or reset). */
  mustChangePassword: boolean
  createdAt: string
  updatedAt: string
  version: number
}

export interface AccountList {
  items: Account[]
  nextCursor: string | null
}

/** A numbered page of a list (asked for with `page`): the total is exact, or the server's estimate past 1,000 rows. */
export interface NumberedPage<T> {
  items: T[]
  total: number
  totalExact: boolean
  page: number
  limit: number
}

/** Numbered pages: page from 1, limit 1–100, page × limit ≤ 10,000. */
export interface PageQuery {
  page: number
  limit: number
}

export interface AccountQuery {
  q?: string
  role?: Role
  orgId?: number
  status?: AccountStatus
  /** 1–100, default 50 */
  limit?: number
  cursor?: string
}

export type AccountPageQuery = Omit<AccountQuery, 'limit' | 'cursor'> & PageQuery

/** A role the caller may give, and the organisation types an account with that role may belong to. */
export interface GrantableRole {
  role: Role
  orgTypes: OrgType[]
}

export interface CreateAccountInput {
  username: string
  displayName: string
  role: Role
  orgId: number
}

export interface UpdateAccountInput {
  version: number
  displayName?: string
  role?: Role
  orgId?: number
  disabled?: boolean
}

/** A new or reset account with its one-time password (shown once, never again). */
export interface AccountWithPassword {
  account: Account
  initialPassword: string
}

export type ChangePasswordInput = RequestBody<'/api/auth/password', 'post'>

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

export type ArchiveUnitInput = RequestBody<'/api/org/units/{id}/archive', 'post'>

/** newParentId is an integer (MoveUnitDto): the picker's id is sent as a number. */
export type MoveUnitInput = RequestBody<'/api/org/units/{id}/move', 'post'>

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

export type EndPositionInput = RequestBody<'/api/org/positions/{id}/end', 'post'>

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

/* ─── Household registration (户籍进社区), docs/api.md "Household registration" ─── */

/** Case types: 购房落户, 投靠, 集体户, other move-ins, 迁出. */
export const CASE_TYPES = ['purchased_flat', 'joining_relatives', 'collective', 'other', 'move_out'] as const
export type CaseType = (typeof CASE_TYPES)[number]


export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other'] as const
export type Relation = (typeof RELATIONS)[number]

/** Where a case's person works (机关事业单位 / 企业 / 其他); optional. */
export const EMPLOYERS = ['public_institution', 'enterprise', 'other'] as const
export type Employer = (typeof EMPLOYERS)[number]


export const CHECKLIST_ITEMS = [
  'id_card',
  'hukou_booklet',
  'property_certificate',
  'purchase_contract',
  'application_form',
  'relationship_proof',
  'host_hukou_booklet',
  'host_consent',
  'employment_or_residence_proof',
  'supporting_documents',
  'move_in_permit',
] as const
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number]

/** Materials per case type (the server checks again; the wizard shows these checkboxes). */
export const CHECKLISTS: Record<CaseType, readonly ChecklistItem[]> = {
  purchased_flat: ['id_card', 'hukou_booklet', 'property_certificate', 'purchase_contract', 'application_form'],
  joining_relatives: ['id_card', 'hukou_booklet', 'relationship_proof', 'host_hukou_booklet', 'host_consent', 'application_form'],
  collective: ['id_card', 'hukou_booklet', 'employment_or_residence_proof', 'application_form'],
  other: ['id_card', 'hukou_booklet', 'supporting_documents', 'application_form'],
  move_out: ['id_card', 'hukou_booklet', 'move_in_permit', 'application_form'],
}

export type TrafficLight = 'green' | 'yellow' | 'red' | 'none'
export type Sex = 'M' | 'F'
export type HouseholdKind = 'family' | 'collective'
/** ISO 8601 timestamp. */
export type IsoDateTime = string

export interface CaseSummary {
  id: number
  caseNo: string
  type: CaseType
  status: CaseStatus
  communityId: number
  communityName: string | null
  applicantName: string
  greenChannel: boolean
  potentialDuplicate: boolean
  revokePending: boolean
  light: TrafficLight
  dueAt: IsoDateTime | null
  createdAt: IsoDateTime
  updatedAt: IsoDateTime
  settledAt: IsoDateTime | null
  version: number
}

export interface CaseList {
  items: CaseSummary[]
  nextCursor: string | null
}

export interface CaseQuery {
  status?: CaseStatus
  type?: CaseType
  communityId?: number
  overdue?: boolean
  greenChannel?: boolean
  /** Name prefix, exact ID number, or case number HJ2020-000123. */
  q?: string
  limit?: number
  cursor?: string
}

export type CasePageQuery = Omit<CaseQuery, 'limit' | 'cursor'> & PageQuery

export interface NewHousehold {
  kind: HouseholdKind
  building?: string
  unit?: string
  room?: string
  address: string
  gridCode?: string
}

export interface CasePersonInput {
  name: string
  idNumber: string
  relation: Relation
  employer?: Employer
}

export interface CreateCaseInput {
  type: CaseType
  communityId?: number
  applicantName: string
  applicantPhone?: string
  greenChannel?: boolean
  persons: CasePersonInput[]
  targetHouseholdId?: number
  newHousehold?: NewHousehold
  sourceHouseholdId?: number
  destination?: string
  propertyCertificateNo?: string
  provided?: ChecklistItem[]
}

export interface CasePerson {
  id: number
  name: string
  idMasked: string
  sex: Sex
  birthDate: IsoDate
  relation: Relation
  employer: Employer | null
}

export interface ChecklistEntry {
  item: ChecklistItem
  provided: boolean
  verified: boolean
}

export interface CaseDuplicate {
  kind: 'open_case_same_property' | 'already_in_target' | string
  idMasked: string
  caseNo?: string
}

export interface Attachment {
  name: string
  ref?: string
}

export interface CaseEvent {
  id: number
  action: CaseAction | 'create'
  fromStatus: CaseStatus | null
  toStatus: CaseStatus | null
  actorUsername: string
  actorRole: Role
  at: IsoDateTime
  reason: string | null
  attachments: Attachment[]
  data: Record<string, unknown> | null
}

export interface NoticeRef {
  id: number
  items: ChecklistItem[]
  note: string | null
  issuedBy: string
  issuedAt: IsoDateTime
}

export interface CaseDetail extends CaseSummary {
  applicantPhone: string | null
  targetHouseholdId: number | null
  newHousehold: NewHousehold | null
  sourceHouseholdId: number | null
  destination: string | null
  propertyCertificateNo: string | null
  approvalNo: string | null
  revokeReason: string | null
  checklist: ChecklistEntry[]
  missingItems: ChecklistItem[]
  persons: CasePerson[]
  duplicates: CaseDuplicate[]
  timeline: CaseEvent[]
  notices: NoticeRef[]
  allowedActions: CaseAction[]
}

/** The acceptance receipt (受理回执) as data: `GET /api/household/cases/:id/receipt`. */
export interface CaseReceipt {
  caseId: number
  caseNo: string
  type: CaseType
  status: CaseStatus
  greenChannel: boolean
  communityId: number
  communityName: string
  applicantName: string
  applicantPhone: string | null
  propertyCertificateNo: string | null
  persons: { name: string; relation: Relation; idMasked: string }[]
  materialsReceived: { item: ChecklistItem; verified: boolean }[]
  materialsMissing: ChecklistItem[]
  /** accepted (受理) or only received (submitted / supplemented) */
  accepted: boolean
  receivedAt: IsoDateTime | null
  /** the username of the clerk who received the materials */
  clerk: string | null
  dueAt: IsoDateTime | null
  createdAt: IsoDateTime
}

export interface TransitionInput {
  action: CaseAction
  version: number
  reason?: string
  approvalNo?: string
  missingItems?: ChecklistItem[]
  provided?: ChecklistItem[]
  originalsVerified?: boolean
  note?: string
  attachments?: Attachment[]
}

/** The one-time notice (一次性告知书) for printing. */
export interface SupplementNotice {
  id: number
  caseNo: string
  type: CaseType
  applicantName: string
  communityName: string
  items: ChecklistItem[]
  note: string | null
  issuedBy: string
  issuedAt: IsoDateTime
  persons: { name: string; idMasked: string; relation: Relation }[]
}

export interface RegisteredPerson {
  id: number
  name: string
  idMasked: string
  sex: Sex
  birthDate: IsoDate
  householdId: number | null
  householdNo: string | null
  communityName: string | null
  relation: Relation | null
}

export interface RevealedId {
  id: number
  idNumber: string
}

export interface HouseholdSummary {
  id: number
  householdNo: string
  communityId: number
  communityName: string
  kind: HouseholdKind
  building: string | null
  unit: string | null
  room: string | null
  address: string
  gridCode: string | null
  members: number
}

export interface HouseholdList {
  items: HouseholdSummary[]
  nextAfter: number | null
}

export interface HouseholdMember {
  personId: number
  name: string
  idMasked: string
  sex: Sex
  birthDate: IsoDate
  relation: Relation
  since: IsoDate
  caseId: number | null
}

export interface PastHouseholdMember extends HouseholdMember {
  until: IsoDate
  endReason: string | null
}

export interface HouseholdBook extends HouseholdSummary {
  current: HouseholdMember[]
  past: PastHouseholdMember[]
}

export interface Property {
  id: number
  certificateNo: string
  communityId: number
  communityName: string
  building: string | null
  unit: string | null
  room: string | null
  address: string
  area: number | null
  gridCode: string | null
  owners: { name: string; idMasked: string }[]
}

/* ─── 人户分离 outreach (separation funnel and tasks) ─── */

export const TASK_KINDS = ['owner_elsewhere', 'resident_elsewhere'] as const
export type TaskKind = (typeof TASK_KINDS)[number]

/** Cumulative: `contacted` counts every task that was ever contacted, and so on down the funnel. */
export interface FunnelCounts {
  identified: number
  contacted: number
  applied: number
  settled: number
  declined: number
  open: number
  /** Shares of `identified` (0..1), null when nothing was identified. */
  rates: { contacted: number | null; applied: number | null; settled: number | null; declined: number | null }
}

export interface GridFunnel extends FunnelCounts {
  communityId: number
  communityName: string
  gridCode: string | null
}

export interface SeparationFunnel {
  communityId: number | null
  totals: FunnelCounts
  grids: GridFunnel[]
}

export interface OutreachTask {
  id: number
  communityId: number
  communityName: string
  gridCode: string | null
  kind: TaskKind
  propertyId: number
  certificateNo: string
  address: string
  personName: string
  idMasked: string
  registeredCommunityId: number | null
  registeredCommunityName: string | null
  status: TaskStatus
  caseId: number | null
  caseNo: string | null
  caseStatus: CaseStatus | null
  assignedTo: string | null
  note: string | null
  identifiedAt: IsoDateTime
  contactedAt: IsoDateTime | null
  appliedAt: IsoDateTime | null
  settledAt: IsoDateTime | null
  declinedAt: IsoDateTime | null
  updatedAt: IsoDateTime
  version: number
  allowedActions: TaskAction[]
}

export interface OutreachTaskList {
  items: OutreachTask[]
  nextAfter: number | null
}

export interface TaskQuery {
  communityId?: number
  gridCode?: string
  status?: TaskStatus
  kind?: TaskKind
  limit?: number
  after?: number
}

export interface TaskTransitionInput {
  action: TaskAction
  version: number
  /** apply: the move-in case opened for the person; settle: their SETTLED case. */
  caseId?: number
  /** Required for decline (why). */
  note?: string
}

export interface SeparationMeasure {
  flats: number
  flatsSeparated: number
  /** 房户分离率 (0..1). */
  flatRate: number | null
  residents: number
  residentsElsewhere: number
  /** 人户分离率 (0..1). */
  residentRate: number | null
}

export interface SeparationSnapshot extends SeparationMeasure {
  id: number
  communityId: number
  communityName: string
  takenAt: IsoDateTime
  takenBy: string
  tasksCreated: number
}

/* ─── household statistics (GET /api/household/stats/summary) ─── */

export interface SettledCounts {
  /** Households moved in = SETTLED move-in cases. */
  households: number
  persons: number
}

export interface StatsCommunity extends SettledCounts {
  communityId: number
  communityName: string
  streetName: string | null
  avgProcessingDays: number | null
  open: number
  overdue: number
}

export interface SeparationRates extends SeparationMeasure {
  takenAt: IsoDateTime
}

export interface HouseholdStats {
  from: IsoDate | null
  to: IsoDate | null
  communityId: number | null
  totals: SettledCounts & { avgProcessingDays: number | null; open: number; overdue: number }
  communities: StatsCommunity[]
  months: ({ month: string } & SettledCounts)[]
  /** Persons moved in by where they work (unknown: not given). */
  personsByEmployer: Record<Employer | 'unknown', number>
  openByStatus: Partial<Record<CaseStatus, number>>
  overdueByStatus: Partial<Record<CaseStatus, number>>
  separation: { communities: number; before: SeparationRates | null; now: SeparationRates | null }
}

/* ─── Dual report and volunteer service (双报到 · 我是党员我行动), /api/volunteer ─── */

/** unit: claimed whole by one work unit; individual: places that reported members sign up for. */
export const ITEM_KINDS = ['unit', 'individual'] as const
export type ItemKind = (typeof ITEM_KINDS)[number]

export const REPORTER_SOURCES = ['resident', 'grid_worker', 'building_group', 'community'] as const
export type ReporterSource = (typeof REPORTER_SOURCES)[number]

export interface VolunteerItem {
  id: number
  itemNo: string
  communityId: number
  communityName: string
  categoryId: number
  categoryName: string
  kind: ItemKind
  place: string
  description: string
  status: ItemStatus
  source: ReporterSource
  reportedBy: string
  reporterName: string | null
  capacity: number
  deadline: IsoDateTime | null
  unitId: number | null
  unitName: string | null
  claimedAt: IsoDateTime | null
  assignedBy: string | null
  responseDeadline: IsoDateTime | null
  scheduledDate: IsoDate | null
  startedAt: IsoDateTime | null
  doneAt: IsoDateTime | null
  rating: number | null
  reworkCount: number
  releaseCount: number
  mergedIntoId: number | null
  referralBody: string | null
  pledge: boolean
  closedAt: IsoDateTime | null
  createdAt: IsoDateTime
  updatedAt: IsoDateTime
  version: number
  /** Members signed up (individual items). */
  signups: number
  /** A need a resident reported from a desk's QR page: the number they follow it by, and the desk. */
  trackingNo: string | null
  deskCode: string | null
  /** The joint committee meeting (大党委/大工委) whose decision this item is. */
  meetingId?: number | null
  meetingDecisionId?: number | null
  meetingTitle?: string | null
}

export interface ItemList {
  items: VolunteerItem[]
  nextCursor: string | null
}

export interface ItemQuery {
  /** open: PUBLISHED and ESCALATED; mine: claimed by my unit (unit staff) or reported by me. */
  view?: 'open' | 'mine'
  status?: ItemStatus
  communityId?: number
  categoryId?: number
  unitId?: number
  pledge?: boolean
  source?: ReporterSource
  /** Several statuses, comma-separated (我的任务's 在办 / 已完成). */
  statuses?: string
  /** Assigned by a street (吹哨派单) or not. */
  assigned?: boolean
  /** Scheduled on this day (YYYY-MM-DD). */
  scheduledDate?: string
  /** Item number, or part of the place or description. */
  q?: string
  limit?: number
  cursor?: string
}

export type ItemPageQuery = Omit<ItemQuery, 'limit' | 'cursor'> & PageQuery

export interface ItemEvent {
  id: number
  action: ItemEventAction
  fromStatus: ItemStatus | null
  toStatus: ItemStatus | null
  actorUsername: string
  actorRole: Role
  at: IsoDateTime
  reason: string | null
  data: Record<string, unknown> | null
}

export interface ItemHours {
  memberId: number | null
  name: string
  hours: number
  /** Posted to the member once the item is confirmed (and closed). */
  posted: boolean
}

export interface ItemEvidence {
  id: number
  kind: 'photo' | 'note'
  fileName: string | null
  mime: string | null
  size: number | null
  note: string | null
  uploadedBy: string
  at: IsoDateTime
}

export interface ItemSignup {
  memberId: number
  name: string
  signedAt: IsoDateTime
  checkedInAt: IsoDateTime | null
}

export interface ItemRef {
  id: number
  itemNo: string
  status: ItemStatus
}

export interface ItemDetail extends Omit<VolunteerItem, 'signups'> {
  /** Only for the community and the claiming unit. */
  checkinCode: string | null
  /** The phone a resident left with a need from a desk's QR page (the community only). */
  reporterPhone?: string | null
  /** Same place and category within 7 days (REPORTED items only): candidates to merge into. */
  possibleDuplicates: ItemRef[]
  timeline: ItemEvent[]
  hours: ItemHours[]
  evidence: ItemEvidence[]
  signups: ItemSignup[]
  /** What the caller may do now; the page offers exactly these. */
  allowedActions: ItemAction[]
}

export interface CreateItemInput {
  communityId?: number
  categoryId: number
  place: string
  description: string
  source?: ReporterSource
  reporterName?: string
}

export interface HoursInput {
  memberId?: number
  name: string
  hours: number
}

export interface ItemTransitionInput {
  action: ItemAction
  version: number
  reason?: string
  kind?: ItemKind
  capacity?: number
  deadline?: IsoDateTime
  pledge?: boolean
  referralBody?: string
  mergeIntoId?: number
  unitId?: number
  responseDays?: number
  date?: IsoDate
  hours?: HoursInput[]
  note?: string
  rating?: number
}

export interface EvidenceUploaded {
  id: number
  kind: 'photo'
  mime: string
  size: number
  at: IsoDateTime
}

export const REPORT_STATUSES = ['pending', 'approved', 'rejected', 'ended'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]
export type ReportDecisionKind = 'approve' | 'reject' | 'end'

/** 双报到 of a work unit to a community. */
export interface UnitReport {
  id: number
  unitId: number
  unitName: string
  communityId: number
  communityName: string
  resources: string[]
  contactName: string
  contactPhone: string
  status: ReportStatus
  reportedAt: IsoDateTime
  decidedBy: string | null
  version: number
}

export interface UnitReportInput {
  communityId: number
  resources: string[]
  contactName: string
  contactPhone: string
}

export interface ReportDecisionInput {
  decision: ReportDecisionKind
  version: number
  reason?: string
}

export interface ReportDecisionResult {
  id: number
  status: ReportStatus
  version: number
}

/** A party member reported to the community where they live. */
export interface MemberReport {
  id: number
  name: string
  phone: string | null
  username: string
  unitId: number | null
  communityId: number
  communityName: string
  status: ReportStatus
  version: number
  /** Posted volunteer hours. */
  hours: number
  /** The member group (服务队) they serve in, or none. */
  groupId: number | null
  group: MemberGroupRef | null
}

/** 红色引航·众彩绽放: a member group (服务队) as rosters and the board show it, in the colour of its work clothes. */
export interface MemberGroupRef {
  id: number
  name: string
  nameEn: string | null
  /** '#RRGGBB' */
  color: string
}

/** A member group with its order and version (GET /member-groups); `members`: approved members in the caller's scope. */
export interface MemberGroup extends MemberGroupRef {
  sort: number
  version: number
  members: number
}

export interface MemberGroupInput {
  name: string
  nameEn?: string
  color: string
  sort?: number
}

export interface MemberGroupPatch {
  version: number
  name?: string
  nameEn?: string
  color?: string
  sort?: number
}

/** A pledging unit's members per group (counts, no names). */
export interface PledgeTeam extends MemberGroupRef {
  members: number
}

/** Someone on a service day's roster: signed up or checked in for an item. */
export interface RosterMember {
  id: number
  name: string
  checkedIn: boolean
  group: MemberGroupRef | null
}

export interface MemberReportInput {
  name: string
  phone?: string
  unitId?: number
}

export interface ServiceCategory {
  id: number
  code: string
  name: string
  nameEn: string | null
  sort: number
  active: boolean
  version: number
}

export interface CategoryInput {
  code: string
  name: string
  nameEn?: string
  sort?: number
}

export interface CategoryPatch {
  version: number
  name?: string
  nameEn?: string
  sort?: number
  active?: boolean
}

export type ProjectStatus = 'planned' | 'ongoing' | 'done'
export const PROJECT_STATUSES: readonly ProjectStatus[] = ['planned', 'ongoing', 'done']

/** 惠民实事: one of the practical projects for residents. */
export interface PracticalProject {
  id: number
  code: string
  name: string
  description: string | null
  launchedOn: IsoDate
  progress: number
  status: ProjectStatus
  version: number
}

export interface PracticalProjectInput {
  code: string
  name: string
  description?: string
  launchedOn: IsoDate
  progress?: number
  status?: ProjectStatus
}

export interface PracticalProjectPatch {
  version: number
  name?: string
  description?: string
  progress?: number
  status?: ProjectStatus
}

/** What a unit offers (资源清单). */
export interface VolunteerResource {
  id: number
  unitId: number
  unitName: string
  communityId: number | null
  categoryId: number | null
  title: string
  description: string | null
  capacity: number
}

export interface ResourceInput {
  title: string
  description?: string
  categoryId?: number
  communityId?: number
  capacity?: number
}

export interface Milestone {
  title: string
  due?: IsoDate
  done?: boolean
}

/** A need matched with a resource (项目清单). */
export interface VolunteerProject {
  id: number
  communityId: number
  communityName: string
  name: string
  unitId: number | null
  unitName: string | null
  practicalProjectId: number | null
  resourceId: number | null
  budgetYuan: number
  milestones: Milestone[]
  status: ProjectStatus
  version: number
  createdAt: IsoDateTime
}

export interface ProjectInput {
  communityId: number
  name: string
  unitId?: number
  resourceId?: number
  practicalProjectId?: number
  budgetYuan?: number
  milestones?: Milestone[]
}

export interface ProjectPatch {
  version: number
  status?: ProjectStatus
  budgetYuan?: number
  milestones?: Milestone[]
}

/** A unit's record, computed from the items each time. */
export interface ScorecardFigures {
  claims: number
  releases: number
  completed: number
  onTime: number
  /** Share of completed items done by their scheduled day (0..1), null when none completed. */
  onTimeRate: number | null
  rework: number
  averageRating: number | null
  rated: number
  /** The residents' own stars, given through the link on the completion notice. */
  residentAverageRating: number | null
  residentRated: number
  hours: number
  inHand: number
}

export interface UnitScorecard extends ScorecardFigures {
  unit: { id: number; name: string }
  from: IsoDate | null
  to: IsoDate | null
  /** null while the caller's community is still deciding the unit's report: the card without its members. */
  members: { id: number; name: string; hours: number; items: number }[] | null
}

export interface UnitScorecardRow extends ScorecardFigures {
  unit: { id: number; name: string }
}

export interface MemberScorecard {
  id: number
  name: string
  communityName: string
  hours: number
  items: { id: number; itemNo: string; place: string; status: ItemStatus; hours: number; posted: boolean; doneAt: IsoDateTime | null }[]
}

export interface ServiceDayItem {
  scheduledDate: IsoDate
  id: number
  itemNo: string
  place: string
  status: ItemStatus
  unitName: string | null
  communityName: string
  categoryName: string
  signups: number
  checkedIn: number
}

/** 集中服务日: the 15th or the 25th, with what is scheduled and a roster per place. */
export interface ServiceDay {
  date: IsoDate
  items: ServiceDayItem[]
  /** One group per convenience desk (the building the places name; `place` = the desk's building), else per place (`desk` null). */
  roster: { desk: string | null; place: string; items: { id: number; itemNo: string; place: string; unitName: string | null; status: ItemStatus; members: RosterMember[] }[] }[]
  attendance: number
}

export interface CheckinInfo {
  itemId: number
  itemNo: string
  place: string
  description: string
  categoryName: string
  scheduledDate: IsoDate | null
  unitName: string | null
  status: ItemStatus
  communityName: string
  /** Open on the scheduled date (business time) and after, or once the unit has started the item. */
  checkinOpen: boolean
  /** While not open yet: the day it opens. */
  opensOn: IsoDate | null
}

export interface CheckinResult {
  itemId: number
  itemNo: string
  place: string
  member: string
  checkedIn: boolean
}

/** A pledge as the public board shows it: nothing about the reporter; free text masked by the service. */
/** A community as the public board and the unit's report form list it. */
export interface PublicCommunity {
  id: number
  name: string
  streetName: string | null
}

export interface PublicPledge {
  id: number
  itemNo: string
  communityId: number
  communityName: string
  categoryName: string
  place: string
  description: string
  status: ItemStatus
  scheduledDate: IsoDate | null
  doneAt: IsoDateTime | null
  rating: number | null
  evidence: { id: number; kind: 'photo' | 'note'; note: string | null }[]
}

/** A unit's pledges on the board: delivered = DONE, CONFIRMED or CLOSED; the rest are in progress. */
export interface PledgeSummary {
  total: number
  delivered: number
  inProgress: number
}

export interface PledgeUnit {
  unitId: number
  unitName: string
  summary: PledgeSummary
  /** Its members' teams (member groups with their colours and counts; within the community when the board is filtered). */
  teams: PledgeTeam[]
  /** Its newest 3 pledges (within the community when the board is filtered). */
  latest: PublicPledge[]
}

/** 公开履诺: the public board (no login), one page of units in name order. */
export interface PledgeBoard {
  communityId: number | null
  totals: { units: number; pledges: number; delivered: number }
  units: PledgeUnit[]
  nextCursor: string | null
}

export interface PledgeBoardQuery {
  communityId?: number
  /** 1–100, default 20 */
  limit?: number
  cursor?: string
}

/** One unit's pledges on the board, newest first. */
export interface UnitPledgePage {
  unitId: number
  unitName: string
  communityId: number | null
  summary: PledgeSummary
  teams: PledgeTeam[]
  items: PublicPledge[]
  nextCursor: string | null
}

export interface OverviewFigures {
  items: number
  open: number
  claimed: number
  delivered: number
  rated: number
  averageRating: number | null
  escalated: number
  releases: number
  rework: number
  hours: number
  checkIns: number
  pledges: number
  pledgesDelivered: number
  units: number
  members: number
}

export interface OverviewCommunity extends OverviewFigures {
  communityId: number
  communityName: string
  streetName: string | null
}

/** GET /api/volunteer/overview: dual-report figures per community in scope. */
export interface VolunteerOverview {
  streetId: number | null
  communityId: number | null
  totals: OverviewFigures & { communities: number; serviceDaysHeld: number; checkInsPerServiceDay: number | null }
  byStatus: Record<ItemStatus, number>
  serviceDays: { date: IsoDate; scheduled: number; delivered: number; checkIns: number }[]
  communities: OverviewCommunity[]
}

/* ─── residents without a login (desk QR page, case look-up, tracking, rating) ─── */

export interface PublicCaseStep {
  action: string
  fromStatus: string | null
  toStatus: string | null
  at: IsoDateTime
}

export interface PublicCase {
  /** A hukou case (HJ…) or a 一网通办 service application (FW…). */
  kind: 'hukou' | 'service'
  caseNo: string
  type: string
  /** The catalogue service applied for (service applications). */
  serviceName: string | null
  status: string
  communityName: string
  streetName: string | null
  /** Masked: the family name, the rest starred. */
  applicantName: string
  persons: number
  light: 'green' | 'yellow' | 'red' | 'none'
  dueAt: IsoDateTime | null
  createdAt: IsoDateTime
  settledAt: IsoDateTime | null
  missingItems: string[]
  steps: PublicCaseStep[]
}

export interface PublicCategory {
  id: number
  code: string
  name: string
  nameEn: string | null
}

export interface PublicNeedInput {
  deskCode: string
  categoryId: number
  description: string
  contactName?: string
  phone: string
}

export interface PublicNeedCreated {
  trackingNo: string
  itemNo: string
  communityName: string
  deskBuilding: string
  status: ItemStatus
  reportedAt: IsoDateTime
}

export interface PublicNeed {
  trackingNo: string
  itemNo: string
  communityName: string
  categoryName: string
  description: string
  status: ItemStatus
  unitName: string | null
  scheduledDate: IsoDate | null
  doneAt: IsoDateTime | null
  reportedAt: IsoDateTime
  steps: { action: string; fromStatus: ItemStatus | null; toStatus: ItemStatus | null; at: IsoDateTime; reason: string | null }[]
}

export interface RatingTarget {
  itemNo: string
  communityName: string
  categoryName: string
  description: string
  unitName: string | null
  doneAt: IsoDateTime | null
  expiresAt: IsoDateTime
  rated: boolean
  stars: number | null
}

export interface RatingLink {
  itemId: number
  itemNo: string
  token: string
  /** The SPA page the link opens. */
  path: string
  expiresAt: IsoDateTime
}

/* ─── county by county (the organisation departments' comparison, issue 13) ─── */
export interface CountyCoverage extends CoverageCounts {
  id: number
  name: string
  divisionCode: string | null
  streets: number
  communities: number
  coverageRate: number | null
  coverageRateWhenPlannedDone: number | null
}
export interface CountyCoverageAnswer {
  totals: CoverageCounts & { streets: number; communities: number; coverageRate: number | null }
  counties: CountyCoverage[]
}
export interface CountyHouseholdFigures {
  countyId: number
  communities: number
  households: number
  open: number
  overdue: number
  separation: { communities: number; before: SeparationMeasure | null; latest: SeparationMeasure | null }
}
export interface CountyHouseholdAnswer {
  from: string | null
  to: string | null
  totals: Omit<CountyHouseholdFigures, 'countyId'>
  counties: CountyHouseholdFigures[]
}
export interface CountyVolunteerFigures {
  countyId: number
  communities: number
  items: number
  open: number
  delivered: number
  deliveryRate: number | null
  rated: number
  averageRating: number | null
  hours: number
  units: number
  members: number
}
export interface CountyVolunteerAnswer {
  totals: Omit<CountyVolunteerFigures, 'countyId'>
  counties: CountyVolunteerFigures[]
}

/** The filters of the report lists (报到审批, 我的单位报到); q: a unit's, contact's or member's name. */
export interface ReportListQuery {
  status?: ReportStatus
  communityId?: number
  q?: string
}
