import { download, http, type Download } from './client'
import type {
  CountyHouseholdAnswer,
  PublicCase,
  CaseDetail,
  CaseReceipt,
  CaseList,
  CasePageQuery,
  CaseSummary,
  NumberedPage,
  PageQuery,
  CaseQuery,
  CreateCaseInput,
  HouseholdBook,
  HouseholdKind,
  HouseholdList,
  HouseholdStats,
  OutreachTask,
  Property,
  RegisteredPerson,
  RevealedId,
  SeparationFunnel,
  SeparationSnapshot,
  SupplementNotice,
  TaskQuery,
  TaskTransitionInput,
  TransitionInput,
} from './types'

const base = '/api/household'
const casePath = (id: number | string) => `${base}/cases/${encodeURIComponent(String(id))}`

/**
 * One key per user action: a double click or a retry after a lost answer sends the same key,
 * and the server answers with the first result instead of acting twice.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  // Non-secure origins (plain http on a LAN address) have no randomUUID.
  const bytes = new Uint8Array(16)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

const idem = (key: string) => ({ headers: { 'Idempotency-Key': key } })

/* ─── cases ─── */

export function listCases(query: CaseQuery = {}): Promise<CaseList> {
  return http.get<CaseList>(`${base}/cases`, { ...query })
}

/** The queue by numbered pages with the total (共 N 条 / 约 N 条). */
export function listCasesPage(query: CasePageQuery): Promise<NumberedPage<CaseSummary>> {
  return http.get<NumberedPage<CaseSummary>>(`${base}/cases`, { ...query })
}

export function getCase(id: number | string): Promise<CaseDetail> {
  return http.get<CaseDetail>(casePath(id))
}

export function getCaseReceipt(id: number | string): Promise<CaseReceipt> {
  return http.get<CaseReceipt>(`${casePath(id)}/receipt`)
}

export function createCase(input: CreateCaseInput, idempotencyKey: string): Promise<CaseDetail> {
  return http.post<CaseDetail>(`${base}/cases`, input, idem(idempotencyKey))
}

/** Every state change; `version` is the one the user saw (stale → 409). */
export function transitionCase(id: number, input: TransitionInput, idempotencyKey: string): Promise<CaseDetail> {
  return http.post<CaseDetail>(`${casePath(id)}/transitions`, input, idem(idempotencyKey))
}

export function getNotice(caseId: number | string, noticeId: number | string): Promise<SupplementNotice> {
  return http.get<SupplementNotice>(`${casePath(caseId)}/notices/${encodeURIComponent(String(noticeId))}`)
}

/* ─── register ─── */

export function findPersons(by: { idNumber?: string; name?: string; limit?: number }): Promise<RegisteredPerson[]> {
  return http.get<RegisteredPerson[]>(`${base}/persons`, by)
}

/** Shows the full ID number; the reason goes to the access log. */
export function revealPerson(personId: number, reason: string): Promise<RevealedId> {
  return http.post<RevealedId>(`${base}/persons/${encodeURIComponent(String(personId))}/reveal`, { reason })
}

export function listHouseholds(query: { communityId?: number; kind?: HouseholdKind; q?: string; limit?: number; after?: number } = {}): Promise<HouseholdList> {
  return http.get<HouseholdList>(`${base}/households`, query)
}

export function getHousehold(id: number | string): Promise<HouseholdBook> {
  return http.get<HouseholdBook>(`${base}/households/${encodeURIComponent(String(id))}`)
}

export function findProperties(query: { certificateNo?: string; communityId?: number; limit?: number }): Promise<Property[]> {
  return http.get<Property[]>(`${base}/properties`, query)
}

/* ─── 人户分离 outreach ─── */

export function getFunnel(communityId?: number): Promise<SeparationFunnel> {
  return http.get<SeparationFunnel>(`${base}/separation/funnel`, { communityId })
}

export function getSnapshots(communityId?: number): Promise<SeparationSnapshot[]> {
  return http.get<SeparationSnapshot[]>(`${base}/separation/snapshots`, { communityId })
}

/** Outreach tasks by numbered pages with the total (共 N 条 / 约 N 条). */
export function listTasksPage(query: Omit<TaskQuery, 'limit' | 'after'> & PageQuery): Promise<NumberedPage<OutreachTask>> {
  return http.get<NumberedPage<OutreachTask>>(`${base}/separation/tasks`, { ...query })
}

export function transitionTask(id: number, input: TaskTransitionInput, idempotencyKey: string): Promise<OutreachTask> {
  return http.post<OutreachTask>(`${base}/separation/tasks/${encodeURIComponent(String(id))}/transitions`, input, idem(idempotencyKey))
}

/* ─── statistics ─── */

/** `from` / `to` as YYYY-MM (whole months) or YYYY-MM-DD. */
export function getStatsSummary(query: { from?: string; to?: string; communityId?: number } = {}): Promise<HouseholdStats> {
  return http.get<HouseholdStats>(`${base}/stats/summary`, query)
}

/* ─── exports ─── */

export type ExportKind = 'cases' | 'households' | 'tasks'

/** Excel export through the client (token attached); the caller saves the blob. */
export function exportXlsx(kind: ExportKind, query: Record<string, string | number | boolean | undefined> = {}): Promise<Download> {
  return download(`${base}/export/${kind}.xlsx`, query, `${kind}.xlsx`)
}

/** No login: a resident looks up a case by its number and the last 4 digits of the applicant's phone. */
export function lookupPublicCase(caseNumber: string, phoneLast4: string): Promise<PublicCase> {
  return http.post<PublicCase>(`${base}/public/case-lookup`, { caseNumber, phoneLast4 }, { auth: false })
}

/** County by county: settled households of the period, open and overdue cases, separation rates (first and latest comparison). */
export function getCountyHouseholdStats(query: { from?: string; to?: string } = {}): Promise<CountyHouseholdAnswer> {
  return http.get<CountyHouseholdAnswer>(`${base}/stats/counties`, query)
}
