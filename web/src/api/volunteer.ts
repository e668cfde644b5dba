import { download, http } from './client'
import { newIdempotencyKey } from './household'
import type {
  CountyVolunteerAnswer,
  PublicCategory,
  PublicNeed,
  PublicNeedCreated,
  PublicNeedInput,
  RatingLink,
  RatingTarget,
  PublicCommunity,
  CategoryInput,
  CategoryPatch,
  CheckinInfo,
  CheckinResult,
  CreateItemInput,
  EvidenceUploaded,
  ItemDetail,
  ItemList,
  ItemPageQuery,
  ItemQuery,
  VolunteerItem,
  NumberedPage,
  PageQuery,
  ReportListQuery,
  ItemTransitionInput,
  MemberGroup,
  MemberGroupInput,
  MemberGroupPatch,
  MemberGroupRef,
  MemberReport,
  MemberReportInput,
  MemberScorecard,
  PledgeBoard,
  PledgeBoardQuery,
  PracticalProject,
  PracticalProjectInput,
  PracticalProjectPatch,
  ProjectInput,
  ProjectPatch,
  ReportDecisionInput,
  ReportDecisionResult,
  ReportStatus,
  ResourceInput,
  ServiceCategory,
  ServiceDay,
  UnitPledgePage,
  UnitReport,
  UnitReportInput,
  UnitScorecard,
  UnitScorecardRow,
  VolunteerOverview,
  VolunteerProject,
  VolunteerResource,
} from './types'

/** The dual-report and volunteer service (双报到 · 我是党员我行动), docs/api.md. */
const base = '/api/volunteer'
const seg = (v: number | string) => encodeURIComponent(String(v))
const itemPath = (id: number | string) => `${base}/items/${seg(id)}`
const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } })

export { newIdempotencyKey }

/** Photos the server takes (it decides by the first bytes; these are checked first in the browser). */
export const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024

/* ─── items (需求 → 认领 → 服务 → 评价) ─── */

export function listItems(query: ItemQuery = {}): Promise<ItemList> {
  return http.get<ItemList>(`${base}/items`, { ...query })
}

/** Items by numbered pages with the total (共 N 条 / 约 N 条). */
export function listItemsPage(query: ItemPageQuery): Promise<NumberedPage<VolunteerItem>> {
  return http.get<NumberedPage<VolunteerItem>>(`${base}/items`, { ...query })
}

/** Every page of a query (keyset), up to `max` rows: for reports and the small lists of one unit. */
export async function listAllItems(query: ItemQuery = {}, max = 500): Promise<ItemList['items']> {
  const out: ItemList['items'] = []
  let cursor: string | undefined
  do {
    const page = await listItems({ ...query, limit: 100, cursor })
    out.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor && out.length < max)
  return out
}

export function getItem(id: number | string): Promise<ItemDetail> {
  return http.get<ItemDetail>(itemPath(id))
}

/** Reports a need (REPORTED). */
export function createItem(input: CreateItemInput, idempotencyKey: string): Promise<ItemDetail> {
  return http.post<ItemDetail>(`${base}/items`, input, idem(idempotencyKey))
}

/** Every state change; `version` is the one the user saw (stale → 409). */
export function transitionItem(id: number, input: ItemTransitionInput, idempotencyKey: string): Promise<ItemDetail> {
  return http.post<ItemDetail>(`${itemPath(id)}/transitions`, input, idem(idempotencyKey))
}

/** An evidence photo (multipart field "file"), before `complete`; JPEG/PNG/WebP up to 5 MB. */
export function uploadEvidence(itemId: number, file: Blob, fileName = 'photo', note?: string): Promise<EvidenceUploaded> {
  const form = new FormData()
  if (note) form.append('note', note)
  form.append('file', file, fileName)
  return http.postForm<EvidenceUploaded>(`${itemPath(itemId)}/evidence`, form)
}

/** The photo itself, fetched with the token (an <img> cannot send one): show it through an object URL. */
export async function fetchEvidence(itemId: number, evidenceId: number): Promise<Blob> {
  return (await download(`${itemPath(itemId)}/evidence/${seg(evidenceId)}`, undefined, `evidence-${evidenceId}`)).blob
}

/* ─── check-in on the service day ─── */

export function getCheckin(code: string): Promise<CheckinInfo> {
  return http.get<CheckinInfo>(`${base}/checkin/${seg(code)}`)
}

export function checkIn(code: string, idempotencyKey: string): Promise<CheckinResult> {
  return http.post<CheckinResult>(`${base}/checkin/${seg(code)}`, {}, idem(idempotencyKey))
}

/* ─── 双报到: units and members report to communities ─── */

/** Every community of the programme (no login): the pledge board's filter, and where a unit may report to. */
export function listPublicCommunities(): Promise<PublicCommunity[]> {
  return http.get<PublicCommunity[]>(`${base}/public/communities`)
}

export function listUnitReports(query: { status?: ReportStatus; communityId?: number } = {}): Promise<UnitReport[]> {
  return http.get<UnitReport[]>(`${base}/reports`, query)
}

/** Unit reports by numbered pages with the total. */
export function listUnitReportsPage(query: ReportListQuery & PageQuery): Promise<NumberedPage<UnitReport>> {
  return http.get<NumberedPage<UnitReport>>(`${base}/reports`, { ...query })
}

export function createUnitReport(input: UnitReportInput, idempotencyKey: string): Promise<{ id: number; status: ReportStatus }> {
  return http.post<{ id: number; status: ReportStatus }>(`${base}/reports`, input, idem(idempotencyKey))
}

export function decideUnitReport(id: number, input: ReportDecisionInput, idempotencyKey: string): Promise<ReportDecisionResult> {
  return http.post<ReportDecisionResult>(`${base}/reports/${seg(id)}/decision`, input, idem(idempotencyKey))
}

export function listMembers(query: { status?: ReportStatus } = {}): Promise<MemberReport[]> {
  return http.get<MemberReport[]>(`${base}/members`, query)
}

/** Member reports by numbered pages with the total. */
export function listMembersPage(query: ReportListQuery & PageQuery): Promise<NumberedPage<MemberReport>> {
  return http.get<NumberedPage<MemberReport>>(`${base}/members`, { ...query })
}

export function createMemberReport(input: MemberReportInput, idempotencyKey: string): Promise<{ id: number; status: ReportStatus }> {
  return http.post<{ id: number; status: ReportStatus }>(`${base}/members`, input, idem(idempotencyKey))
}

export function decideMember(id: number, input: ReportDecisionInput, idempotencyKey: string): Promise<{ id: number; status: ReportStatus }> {
  return http.post<{ id: number; status: ReportStatus }>(`${base}/members/${seg(id)}/decision`, input, idem(idempotencyKey))
}

/* ─── 红色引航·众彩绽放: member groups (服务队) and their colours ─── */

export function listMemberGroups(): Promise<MemberGroup[]> {
  return http.get<MemberGroup[]>(`${base}/member-groups`)
}

export function createMemberGroup(input: MemberGroupInput, idempotencyKey: string): Promise<MemberGroup> {
  return http.post<MemberGroup>(`${base}/member-groups`, input, idem(idempotencyKey))
}

export function updateMemberGroup(id: number, input: MemberGroupPatch): Promise<MemberGroup> {
  return http.patch<MemberGroup>(`${base}/member-groups/${seg(id)}`, input)
}

/** Puts a member into a group, or into none (null). */
export function setMemberGroup(memberId: number, groupId: number | null): Promise<{ id: number; groupId: number | null; group: MemberGroupRef | null; version: number }> {
  return http.put(`${base}/members/${seg(memberId)}/group`, { groupId })
}

/* ─── the three lists and their reference data ─── */

export function listCategories(): Promise<ServiceCategory[]> {
  return http.get<ServiceCategory[]>(`${base}/categories`)
}

export function createCategory(input: CategoryInput, idempotencyKey: string): Promise<ServiceCategory> {
  return http.post<ServiceCategory>(`${base}/categories`, input, idem(idempotencyKey))
}

export function updateCategory(id: number, input: CategoryPatch): Promise<ServiceCategory> {
  return http.patch<ServiceCategory>(`${base}/categories/${seg(id)}`, input)
}

export function listPracticalProjects(): Promise<PracticalProject[]> {
  return http.get<PracticalProject[]>(`${base}/practical-projects`)
}

export function createPracticalProject(input: PracticalProjectInput, idempotencyKey: string): Promise<PracticalProject> {
  return http.post<PracticalProject>(`${base}/practical-projects`, input, idem(idempotencyKey))
}

export function updatePracticalProject(id: number, input: PracticalProjectPatch): Promise<PracticalProject> {
  return http.patch<PracticalProject>(`${base}/practical-projects/${seg(id)}`, input)
}

export function listResources(): Promise<VolunteerResource[]> {
  return http.get<VolunteerResource[]>(`${base}/resources`)
}

export function createResource(input: ResourceInput, idempotencyKey: string): Promise<VolunteerResource> {
  return http.post<VolunteerResource>(`${base}/resources`, input, idem(idempotencyKey))
}

export function listProjects(): Promise<VolunteerProject[]> {
  return http.get<VolunteerProject[]>(`${base}/projects`)
}

export function createProject(input: ProjectInput, idempotencyKey: string): Promise<{ id: number; version: number }> {
  return http.post<{ id: number; version: number }>(`${base}/projects`, input, idem(idempotencyKey))
}

export function updateProject(id: number, input: ProjectPatch): Promise<{ id: number; version: number }> {
  return http.patch<{ id: number; version: number }>(`${base}/projects/${seg(id)}`, input)
}

/* ─── scorecards, service days, overview ─── */

export function getUnitScorecard(unitId: number | string, range: { from?: string; to?: string } = {}): Promise<UnitScorecard> {
  return http.get<UnitScorecard>(`${base}/scorecards/units/${seg(unitId)}`, range)
}

export function listUnitScorecards(range: { from?: string; to?: string } = {}): Promise<UnitScorecardRow[]> {
  return http.get<UnitScorecardRow[]>(`${base}/scorecards/units`, range)
}

/** 单位积分 by numbered pages (units in name order, each page's cards computed), with the total. */
export function listUnitScorecardsPage(query: { from?: string; to?: string; q?: string } & PageQuery): Promise<NumberedPage<UnitScorecardRow>> {
  return http.get<NumberedPage<UnitScorecardRow>>(`${base}/scorecards/units`, { ...query })
}

export function getMemberScorecard(memberId: number | string): Promise<MemberScorecard> {
  return http.get<MemberScorecard>(`${base}/scorecards/members/${seg(memberId)}`)
}

/** The 15th and 25th between `from` and `to` (default: the next four from the start of this month). */
export function listServiceDays(query: { from?: string; to?: string; communityId?: number } = {}): Promise<ServiceDay[]> {
  return http.get<ServiceDay[]>(`${base}/service-days`, query)
}

export function getVolunteerOverview(query: { streetId?: number; communityId?: number } = {}): Promise<VolunteerOverview> {
  return http.get<VolunteerOverview>(`${base}/overview`, query)
}

/* ─── public (no login) ─── */

/** The board: totals and a page of units (keyset cursor), optionally within one community. */
export function getPledgeBoard(query: PledgeBoardQuery = {}): Promise<PledgeBoard> {
  return http.get<PledgeBoard>(`${base}/public/pledges`, { ...query }, { auth: false })
}

/** One unit's pledges, newest first (keyset cursor); 404 when it has none on the board. */
export function getUnitPledges(unitId: number, query: PledgeBoardQuery = {}): Promise<UnitPledgePage> {
  return http.get<UnitPledgePage>(`${base}/public/pledges/units/${seg(unitId)}`, { ...query }, { auth: false })
}

/** A photo of a public pledge: a plain URL, readable without login. */
export function publicEvidenceUrl(itemId: number, evidenceId: number): string {
  return `${base}/public/pledges/${seg(itemId)}/evidence/${seg(evidenceId)}`
}

/* ─── residents without a login ─── */

export function listPublicCategories(): Promise<PublicCategory[]> {
  return http.get<PublicCategory[]>(`${base}/public/categories`, undefined, { auth: false })
}

/** A need reported from a desk's QR page: lands in that community's triage; the answer carries the tracking number. */
export function reportPublicNeed(input: PublicNeedInput): Promise<PublicNeedCreated> {
  return http.post<PublicNeedCreated>(`${base}/public/needs`, input, { auth: false })
}

export function getPublicNeed(trackingNo: string): Promise<PublicNeed> {
  return http.get<PublicNeed>(`${base}/public/needs/${seg(trackingNo)}`, undefined, { auth: false })
}

export function getRatingTarget(token: string): Promise<RatingTarget> {
  return http.get<RatingTarget>(`${base}/public/rate/${seg(token)}`, undefined, { auth: false })
}

export function submitRating(input: { token: string; stars: number; comment?: string }): Promise<{ itemNo: string; stars: number; ratedAt: string }> {
  return http.post<{ itemNo: string; stars: number; ratedAt: string }>(`${base}/public/ratings`, input, { auth: false })
}

/** Staff: a one-time rating link for a delivered item, printed on its completion notice. */
export function createRatingLink(itemId: number | string): Promise<RatingLink> {
  return http.post<RatingLink>(`${base}/items/${seg(itemId)}/rating-link`)
}

/** County by county: items, delivered and the delivery rate, ratings, hours, reported units and members. */
export function getCountyVolunteerOverview(): Promise<CountyVolunteerAnswer> {
  return http.get<CountyVolunteerAnswer>(`${base}/overview/counties`)
}
