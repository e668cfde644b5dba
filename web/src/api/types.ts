/**
 * The API's shapes under the names the SPA uses. Each is the generated type of the merged OpenAPI document
 * (web/src/api/openapi.ts, `npm run api:types`; looked up in ./contract), with the shared vocabularies' unions put on the
 * fields the schemas still give as plain strings. Dates are 'YYYY-MM-DD' strings, timestamps ISO 8601.
 */

// Roles, the workflows (states, actions) and the other closed vocabularies are written once, for the services and the
// SPA: shared/src/workflows.
import type {
  CaseAction, CaseStatus, CaseType, ChecklistItem, HouseholdKind, ItemAction, ItemEventAction, ItemKind, ItemStatus, OrgType,
  PositionKind, Relation, ReporterSource, Role, Sex, TaskAction, TaskKind, TaskStatus,
} from '@redheart/workflows'
import type { Narrowed, QueryOf, RequestBody, ResponseBody, Sent } from './contract'
export {
  ACCOUNT_STATUSES, CASE_ACTIONS, CASE_STATUSES, CASE_TYPES, CHECKLIST_ITEMS, CHECKLISTS, EMPLOYERS, ITEM_ACTIONS, ITEM_KINDS, ITEM_STATUSES,
  ORG_TYPES, POSITION_KINDS, PROJECT_STATUSES, RELATIONS, REPORT_STATUSES, REPORTER_SOURCES, ROLES, TASK_ACTIONS, TASK_KINDS, TASK_STATUSES,
  type AccountStatus, type BranchStatus, type CaseAction, type CaseEventAction, type CaseStatus, type DuplicateKind, type CaseType, type ChecklistItem, type Employer, type HouseholdKind,
  type ItemAction, type ItemEventAction, type ItemKind, type ItemStatus, type OrgType, type PositionKind, type ProjectStatus, type Relation,
  type ReporterSource, type ReportStatus, type Role, type Sex, type TaskAction, type TaskKind, type TaskStatus, type TrafficLight,
} from '@redheart/workflows'

export type IsoDate = string
/** ISO 8601 timestamp. */
export type IsoDateTime = string

/* ─── paging (shared/src/paging.ts) ─── */

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

/** A keyset page: the next page is asked for with `cursor`. */
export interface CursorPage<T> {
  items: T[]
  nextCursor: string | null
}

/** The filters of a list that pages both ways, without its paging fields. */
type Filters<Q> = Omit<Q, 'page' | 'limit' | 'cursor' | 'after'>

/* ─── sign-in ─── */

export type User = Narrowed<ResponseBody<'/api/auth/me', 'get'>, { role: Role; orgType: OrgType }>
export type LoginResponse = Narrowed<ResponseBody<'/api/auth/login', 'post'>, { user: User }>
export type ChangePasswordInput = RequestBody<'/api/auth/password', 'post'>

/* ─── 账号管理 (accounts of the staff), GET/POST/PATCH /api/org/accounts ─── */

/** username: lower-case letters, digits, dot, underscore, hyphen; 3–64 characters (the DTO's pattern). */
export const USERNAME_PATTERN = /^[a-z0-9._-]{3,64}$/
export const DISPLAY_NAME_MAX = 40

export type Account = Narrowed<Sent<ResponseBody<'/api/org/accounts/{id}', 'get'>>, { role: Role; orgType: OrgType }>
export type AccountList = CursorPage<Account>
export type AccountQuery = Omit<QueryOf<'/api/org/accounts', 'get'>, 'page'>
export type AccountPageQuery = Filters<AccountQuery> & PageQuery
/** A role the caller may give, and the organisation types an account with that role may belong to. */
export type GrantableRole = Narrowed<Sent<ResponseBody<'/api/org/accounts/grantable', 'get'>>[number], { role: Role; orgTypes: OrgType[] }>
export type CreateAccountInput = RequestBody<'/api/org/accounts', 'post'>
export type UpdateAccountInput = RequestBody<'/api/org/accounts/{id}', 'patch'>
/** A new or reset account with its one-time password (shown once, never again). */
export type AccountWithPassword = Narrowed<Sent<ResponseBody<'/api/org/accounts', 'post', 201>>, { account: Account }>

/* ─── organisations ─── */

export type CreateUnitInput = RequestBody<'/api/org/units', 'post'>
/** Phone, address and contact person, each only when given. */
export type Contacts = NonNullable<CreateUnitInput['contacts']>
type UnitAnswer = Sent<ResponseBody<'/api/org/units/{id}', 'get'>>
export type OrgRef = Narrowed<UnitAnswer['ancestors'][number], { type: OrgType }>
/** An organisation's id (a number, as the API answers it; a route's `?unit=` is read into one). */
export type OrgId = number
export type OrgUnit = Narrowed<Sent<ResponseBody<'/api/org/units/roots', 'get'>>[number], { type: OrgType; contacts: Contacts }>
/** `ancestors`: root first, without the unit itself. */
export type OrgUnitWithAncestors = Narrowed<UnitAnswer, { type: OrgType; contacts: Contacts; ancestors: OrgRef[] }>
export type UpdateUnitInput = RequestBody<'/api/org/units/{id}', 'patch'>
export type ArchiveUnitInput = RequestBody<'/api/org/units/{id}/archive', 'post'>
export type MoveUnitInput = RequestBody<'/api/org/units/{id}/move', 'post'>

export type Position = Narrowed<Sent<ResponseBody<'/api/org/units/{id}/positions', 'get'>>[number], { kind: PositionKind }>
export type CreatePositionInput = RequestBody<'/api/org/units/{id}/positions', 'post'>
export type EndPositionInput = RequestBody<'/api/org/positions/{id}/end', 'post'>

export type Grid = Sent<ResponseBody<'/api/org/units/{id}/grids', 'get'>>[number]
export type Desk = Sent<ResponseBody<'/api/org/units/{id}/desks', 'get'>>[number]
export type DeskWorker = Desk['workers'][number]
export type Hotline = Desk['hotlines'][number]
/** What the QR code on a convenience desk opens (no login). */
export type PublicDesk = Sent<ResponseBody<'/api/org/public/desks/{code}', 'get'>>
export type CatalogueService = Sent<ResponseBody<'/api/org/catalogue', 'get'>>[number]
export type Compound = Sent<ResponseBody<'/api/org/units/{id}/compounds', 'get'>>[number]

export type Coverage = Sent<ResponseBody<'/api/org/coverage', 'get'>>
export type CoverageTotals = Coverage['totals']
export type CoverageStreet = Coverage['streets'][number]
export type CoverageCommunity = CoverageStreet['communities'][number]
export type CoverageCounts = Pick<CoverageTotals, 'compounds' | 'withBranch' | 'planned' | 'propertyManaged' | 'propertyManagedCovered'>
export type OrgStats = ResponseBody<'/api/org/stats', 'get'>

/* ─── Household registration (户籍进社区) ─── */

type CaseAnswer = Sent<ResponseBody<'/api/household/cases/{id}', 'get'>>
export type CaseSummary = Narrowed<Sent<ResponseBody<'/api/household/cases', 'get'>>['items'][number], { type: CaseType; status: CaseStatus }>
export type CaseList = CursorPage<CaseSummary>
export type CaseQuery = Omit<QueryOf<'/api/household/cases', 'get'>, 'page'>
export type CasePageQuery = Filters<CaseQuery> & PageQuery

export type CreateCaseInput = RequestBody<'/api/household/cases', 'post'>
export type NewHousehold = NonNullable<CreateCaseInput['newHousehold']>
export type CasePersonInput = CreateCaseInput['persons'][number]

export type CasePerson = Narrowed<CaseAnswer['persons'][number], { sex: Sex; relation: Relation }>
export type ChecklistEntry = Narrowed<CaseAnswer['checklist'][number], { item: ChecklistItem }>
/** caseNo only with kind open_case_same_property. */
export type CaseDuplicate = Narrowed<CaseAnswer['duplicates'][number], { caseNo?: string }>
export type TransitionInput = RequestBody<'/api/household/cases/{id}/transitions', 'post'>
export type Attachment = NonNullable<TransitionInput['attachments']>[number]
export type CaseEvent = Narrowed<CaseAnswer['timeline'][number], {
  fromStatus: CaseStatus | null
  toStatus: CaseStatus | null
  attachments: Attachment[]
}>
export type NoticeRef = Narrowed<CaseAnswer['notices'][number], { items: ChecklistItem[] }>
export type CaseDetail = Narrowed<CaseAnswer, {
  type: CaseType
  status: CaseStatus
  newHousehold: NewHousehold | null
  checklist: ChecklistEntry[]
  missingItems: ChecklistItem[]
  persons: CasePerson[]
  duplicates: CaseDuplicate[]
  timeline: CaseEvent[]
  notices: NoticeRef[]
  allowedActions: CaseAction[]
}>

/** The acceptance receipt (受理回执) as data. */
type ReceiptAnswer = Sent<ResponseBody<'/api/household/cases/{id}/receipt', 'get'>>
export type CaseReceipt = Narrowed<ReceiptAnswer, {
  type: CaseType
  status: CaseStatus
  persons: Narrowed<ReceiptAnswer['persons'][number], { relation: Relation }>[]
  materialsReceived: Narrowed<ReceiptAnswer['materialsReceived'][number], { item: ChecklistItem }>[]
  materialsMissing: ChecklistItem[]
}>

/** The one-time notice (一次性告知书) for printing. */
type NoticeAnswer = Sent<ResponseBody<'/api/household/cases/{id}/notices/{noticeId}', 'get'>>
export type SupplementNotice = Narrowed<NoticeAnswer, {
  type: CaseType
  items: ChecklistItem[]
  persons: Narrowed<NoticeAnswer['persons'][number], { relation: Relation }>[]
}>

export type RegisteredPerson = Narrowed<Sent<ResponseBody<'/api/household/persons', 'get'>>[number], { sex: Sex; relation: Relation | null }>
export type RevealedId = Sent<ResponseBody<'/api/household/persons/{id}/reveal', 'post'>>

export type HouseholdSummary = Narrowed<Sent<ResponseBody<'/api/household/households', 'get'>>['items'][number], { kind: HouseholdKind }>
export interface HouseholdList {
  items: HouseholdSummary[]
  nextAfter: number | null
}
type BookAnswer = Sent<ResponseBody<'/api/household/households/{id}', 'get'>>
export type HouseholdMember = Narrowed<BookAnswer['current'][number], { sex: Sex; relation: Relation }>
export type PastHouseholdMember = Narrowed<BookAnswer['past'][number], { sex: Sex; relation: Relation }>
export type HouseholdBook = Narrowed<BookAnswer, { kind: HouseholdKind; current: HouseholdMember[]; past: PastHouseholdMember[] }>

/** A flat with its certificate number; owners masked. */
export type Property = Sent<ResponseBody<'/api/household/properties', 'get'>>[number]

/* ─── 人户分离 outreach (separation funnel and tasks) ─── */

export type SeparationFunnel = Sent<ResponseBody<'/api/household/separation/funnel', 'get'>>
/** Cumulative: `contacted` counts every task that was ever contacted, and so on down the funnel; rates are shares of `identified`. */
export type FunnelCounts = SeparationFunnel['totals']
export type GridFunnel = SeparationFunnel['grids'][number]

export type OutreachTask = Narrowed<Sent<ResponseBody<'/api/household/separation/tasks/{id}', 'get'>>, {
  kind: TaskKind
  status: TaskStatus
  caseStatus: CaseStatus | null
  allowedActions: TaskAction[]
}>
export type TaskQuery = Omit<QueryOf<'/api/household/separation/tasks', 'get'>, 'page'>
export type TaskTransitionInput = RequestBody<'/api/household/separation/tasks/{id}/transitions', 'post'>

export type SeparationSnapshot = Sent<ResponseBody<'/api/household/separation/snapshots', 'get'>>[number]
/** 房户分离率 and 人户分离率 with what they count (rates 0..1, null when nothing was counted). */
export type SeparationMeasure = Pick<SeparationSnapshot, 'flats' | 'flatsSeparated' | 'flatRate' | 'residents' | 'residentsElsewhere' | 'residentRate'>

/* ─── household statistics ─── */

type StatsAnswer = Sent<ResponseBody<'/api/household/stats/summary', 'get'>>
export type SeparationRates = StatsAnswer['separation']['now']
export type StatsCommunity = StatsAnswer['communities'][number]
export type HouseholdStats = Narrowed<StatsAnswer, {
  openByStatus: Partial<Record<CaseStatus, number>>
  overdueByStatus: Partial<Record<CaseStatus, number>>
  separation: { communities: number; before: SeparationRates | null; now: SeparationRates | null }
}>

/* ─── Dual report and volunteer service (双报到 · 我是党员我行动), /api/volunteer ─── */

type ItemAnswer = Sent<ResponseBody<'/api/volunteer/items/{id}', 'get'>>
interface ItemNarrowing { kind: ItemKind; status: ItemStatus; source: ReporterSource }

export type VolunteerItem = Narrowed<Sent<ResponseBody<'/api/volunteer/items', 'get'>>['items'][number], ItemNarrowing>
export type ItemList = CursorPage<VolunteerItem>
export type ItemQuery = Omit<QueryOf<'/api/volunteer/items', 'get'>, 'page'>
export type ItemPageQuery = Filters<ItemQuery> & PageQuery

export type ItemEvent = Narrowed<ItemAnswer['timeline'][number], {
  action: ItemEventAction
  fromStatus: ItemStatus | null
  toStatus: ItemStatus | null
  actorRole: Role
}>
/** `posted`: to the member once the item is confirmed (and closed). */
export type ItemHours = ItemAnswer['hours'][number]
export type ItemEvidence = ItemAnswer['evidence'][number]
export type ItemSignup = ItemAnswer['signups'][number]
export type ItemRef = ItemAnswer['possibleDuplicates'][number]
/**
 * An item with what the caller may see of it: `checkinCode` for the community and the claiming unit, `reporterPhone`
 * for the community only, `possibleDuplicates` (same place and category within 7 days) for REPORTED items, and
 * `allowedActions` — what the page offers.
 */
export type ItemDetail = Narrowed<ItemAnswer, ItemNarrowing & {
  reporterPhone?: string | null
  possibleDuplicates: ItemRef[]
  timeline: ItemEvent[]
  evidence: ItemEvidence[]
  allowedActions: ItemAction[]
}>

export type CreateItemInput = RequestBody<'/api/volunteer/items', 'post'>
export type ItemTransitionInput = RequestBody<'/api/volunteer/items/{id}/transitions', 'post'>
export type HoursInput = NonNullable<ItemTransitionInput['hours']>[number]

export type EvidenceUploaded = Narrowed<Sent<ResponseBody<'/api/volunteer/items/{id}/evidence', 'post', 201>>, { kind: 'photo' }>

export type UnitReportInput = RequestBody<'/api/volunteer/reports', 'post'>
export type ReportDecisionInput = RequestBody<'/api/volunteer/reports/{id}/decision', 'post'>
export type ReportDecisionKind = ReportDecisionInput['decision']

/** A list that answers a plain array, or a numbered page when asked with `page`: the rows of either. */
type Row<L> = Extract<L, readonly unknown[]>[number]

/** 双报到 of a work unit to a community. */
export type UnitReport = Sent<Row<ResponseBody<'/api/volunteer/reports', 'get'>>>
export type ReportDecisionResult = Sent<ResponseBody<'/api/volunteer/reports/{id}/decision', 'post'>>
/** A party member reported to the community where they live; `hours`: posted volunteer hours; `group`: their 服务队. */
export type MemberReport = Sent<Row<ResponseBody<'/api/volunteer/members', 'get'>>>

export type MemberReportInput = RequestBody<'/api/volunteer/members', 'post'>

/** 红色引航·众彩绽放: a member group (服务队) with its order and version; `members`: approved members in the caller's scope. */
export type MemberGroup = Sent<ResponseBody<'/api/volunteer/member-groups', 'get'>>[number]
/** A member group as rosters and the board show it, in the colour ('#RRGGBB') of its work clothes. */
export type MemberGroupRef = NonNullable<Sent<ResponseBody<'/api/volunteer/members/{id}/group', 'put'>>['group']>
export type MemberGroupInput = RequestBody<'/api/volunteer/member-groups', 'post'>
export type MemberGroupPatch = RequestBody<'/api/volunteer/member-groups/{id}', 'patch'>

export type ServiceCategory = Sent<ResponseBody<'/api/volunteer/categories', 'get'>>[number]

export type CategoryInput = RequestBody<'/api/volunteer/categories', 'post'>
export type CategoryPatch = RequestBody<'/api/volunteer/categories/{id}', 'patch'>

/** 惠民实事: one of the practical projects for residents. */
export type PracticalProject = Sent<ResponseBody<'/api/volunteer/practical-projects', 'get'>>[number]

export type PracticalProjectInput = RequestBody<'/api/volunteer/practical-projects', 'post'>
export type PracticalProjectPatch = RequestBody<'/api/volunteer/practical-projects/{id}', 'patch'>

/** What a unit offers (资源清单). */
export type VolunteerResource = Sent<ResponseBody<'/api/volunteer/resources', 'get'>>[number]

export type ResourceInput = RequestBody<'/api/volunteer/resources', 'post'>
export type ProjectInput = RequestBody<'/api/volunteer/projects', 'post'>
export type ProjectPatch = RequestBody<'/api/volunteer/projects/{id}', 'patch'>
export type Milestone = NonNullable<ProjectInput['milestones']>[number]

/** A need matched with a resource (项目清单). */
export type VolunteerProject = Sent<ResponseBody<'/api/volunteer/projects', 'get'>>[number]

/**
 * A unit's record, computed from the items each time: `onTimeRate` the share of completed items done by their scheduled
 * day (0..1, null when none completed); `residentAverageRating` the residents' own stars (the link on the completion notice).
 */
export type UnitScorecardRow = Sent<Row<ResponseBody<'/api/volunteer/scorecards/units', 'get'>>>
export type ScorecardFigures = Omit<UnitScorecardRow, 'unit'>
/** `members` is null while the caller's community is still deciding the unit's report: the card without its members. */
export type UnitScorecard = Sent<ResponseBody<'/api/volunteer/scorecards/units/{id}', 'get'>>
export type MemberScorecard = Sent<ResponseBody<'/api/volunteer/scorecards/members/{id}', 'get'>>

/**
 * 集中服务日: the 15th or the 25th, with what is scheduled and a roster per place: one group per convenience desk (the
 * building the places name; `place` = the desk's building), else per place (`desk` null).
 */
export type ServiceDay = Sent<ResponseBody<'/api/volunteer/service-days', 'get'>>[number]
export type ServiceDayItem = ServiceDay['items'][number]
/** Someone on a service day's roster: signed up or checked in for an item. */
export type RosterMember = ServiceDay['roster'][number]['items'][number]['members'][number]

/** `checkinOpen`: on the scheduled date (business time) and after, or once the unit has started the item; `opensOn` while not. */
export type CheckinInfo = Sent<ResponseBody<'/api/volunteer/checkin/{code}', 'get'>>
export type CheckinResult = Sent<ResponseBody<'/api/volunteer/checkin/{code}', 'post'>>

/* ─── the public pledge board (no login) ─── */

/** A community as the public board and the unit's report form list it. */
export type PublicCommunity = Sent<ResponseBody<'/api/volunteer/public/communities', 'get'>>[number]
type BoardAnswer = Sent<ResponseBody<'/api/volunteer/public/pledges', 'get'>>
type BoardUnitAnswer = BoardAnswer['units'][number]
type PledgeAnswer = BoardUnitAnswer['latest'][number]
/** A pledge as the public board shows it: nothing about the reporter; free text masked by the service. */
export type PublicPledge = Narrowed<PledgeAnswer, { status: ItemStatus }>
/** A unit's pledges on the board: delivered = DONE, CONFIRMED or CLOSED; the rest are in progress. */
export type PledgeSummary = BoardUnitAnswer['summary']
/** A pledging unit's members per group (counts, no names). */
export type PledgeTeam = BoardUnitAnswer['teams'][number]
/** A unit on the board with its newest 3 pledges. */
export type PledgeUnit = Narrowed<BoardUnitAnswer, { latest: PublicPledge[] }>
export type PledgeBoard = Narrowed<BoardAnswer, { units: PledgeUnit[] }>
export type PledgeBoardQuery = QueryOf<'/api/volunteer/public/pledges', 'get'>
/** One unit's pledges on the board, newest first. */
export type UnitPledgePage = Narrowed<Sent<ResponseBody<'/api/volunteer/public/pledges/units/{unitId}', 'get'>>, { items: PublicPledge[] }>

type OverviewAnswer = Sent<ResponseBody<'/api/volunteer/overview', 'get'>>
export type OverviewCommunity = OverviewAnswer['communities'][number]
/** Dual-report figures per community in scope. */
export type VolunteerOverview = OverviewAnswer

/* ─── residents without a login (desk QR page, case look-up, tracking, rating) ─── */

/** A hukou case (HJ…) or a 一网通办 service application (FW…); the applicant's name masked. */
export type PublicCase = Sent<ResponseBody<'/api/household/public/case-lookup', 'post'>>
export type PublicCaseStep = PublicCase['steps'][number]
export type PublicCategory = Sent<ResponseBody<'/api/volunteer/public/categories', 'get'>>[number]
export type PublicNeedInput = RequestBody<'/api/volunteer/public/needs', 'post'>
export type PublicNeedCreated = Narrowed<Sent<ResponseBody<'/api/volunteer/public/needs', 'post', 201>>, { status: ItemStatus }>
type NeedAnswer = Sent<ResponseBody<'/api/volunteer/public/needs/{trackingNo}', 'get'>>
export type PublicNeed = Narrowed<NeedAnswer, {
  status: ItemStatus
  steps: Narrowed<NeedAnswer['steps'][number], { fromStatus: ItemStatus | null; toStatus: ItemStatus | null }>[]
}>
export type RatingTarget = Sent<ResponseBody<'/api/volunteer/public/rate/{token}', 'get'>>
export type RatingLink = Sent<ResponseBody<'/api/volunteer/items/{id}/rating-link', 'post', 201>>

/* ─── county by county (the organisation departments' comparison) ─── */

export type CountyCoverageAnswer = Sent<ResponseBody<'/api/org/coverage/counties', 'get'>>
export type CountyCoverage = CountyCoverageAnswer['counties'][number]
export type CountyHouseholdAnswer = Sent<ResponseBody<'/api/household/stats/counties', 'get'>>
export type CountyHouseholdFigures = CountyHouseholdAnswer['counties'][number]
export type CountyVolunteerAnswer = Sent<ResponseBody<'/api/volunteer/overview/counties', 'get'>>
export type CountyVolunteerFigures = CountyVolunteerAnswer['counties'][number]

/** The filters of the report lists (报到审批, 我的单位报到); q: a unit's, contact's or member's name. */
export type ReportListQuery = Filters<QueryOf<'/api/volunteer/reports', 'get'>>
