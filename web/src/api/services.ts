import { http } from './client'
import { newIdempotencyKey } from './household'
import type { NumberedPage, PageQuery, TrafficLight } from './types'

/* 一网通办: service applications taken at a community's window (household service). */

// The application workflow is written once (shared/src/workflows/service-application.ts).
import type { ApplicationAction, ApplicationStatus } from '@redheart/workflows'
export { APPLICATION_ACTIONS, APPLICATION_STATUSES, type ApplicationAction, type ApplicationStatus } from '@redheart/workflows'

export interface CatalogueService {
  id: number
  code: string
  name: string
  category: string
  materials: string[]
  timeLimitDays: number
}

export interface ApplicationSummary {
  id: number
  applicationNo: string
  serviceId: number
  serviceCode: string
  serviceName: string
  category: string
  timeLimitDays: number
  communityId: number
  communityName: string
  status: ApplicationStatus
  applicantName: string
  department: string | null
  light: TrafficLight
  dueAt: string | null
  createdAt: string
  updatedAt: string
  doneAt: string | null
  version: number
}

export interface ApplicationEvent {
  id: number
  action: string
  fromStatus: ApplicationStatus | null
  toStatus: ApplicationStatus | null
  actorUsername: string
  actorRole: string
  at: string
  reason: string | null
  data: Record<string, unknown> | null
}

export interface ApplicationDetail extends ApplicationSummary {
  applicantPhone: string | null
  result: string | null
  acceptedAt: string | null
  checklist: { item: string; provided: boolean }[]
  missingItems: string[]
  timeline: ApplicationEvent[]
  allowedActions: ApplicationAction[]
}

export interface ApplicationQuery {
  q?: string
  status?: ApplicationStatus
  serviceId?: number
  communityId?: number
  overdue?: boolean
}

export interface NewApplication {
  serviceId: number
  communityId?: number
  applicantName: string
  applicantPhone?: string
  provided: string[]
}

export interface ApplicationTransition {
  action: ApplicationAction
  version: number
  reason?: string
  provided?: string[]
  missingItems?: string[]
  department?: string
  result?: string
  note?: string
}

export interface ApplicationMeasures {
  total: number
  open: number
  done: number
  rejected: number
  handedOver: number
  overdue: number
  doneInTime: number
  avgDaysToDone?: number | null
}

export interface ApplicationStats {
  totals: ApplicationMeasures
  byService: (ApplicationMeasures & { serviceId: number; serviceCode: string; serviceName: string; category: string })[]
  byCommunity: (ApplicationMeasures & { communityId: number; communityName: string; streetName: string | null })[]
}

const base = '/api/household'
const appPath = (id: number | string) => `${base}/service-applications/${encodeURIComponent(String(id))}`

export function listCatalogue(q?: string): Promise<{ items: CatalogueService[] }> {
  return http.get(`${base}/service-catalogue`, q ? { q } : {})
}

export function listApplications(query: ApplicationQuery & PageQuery): Promise<NumberedPage<ApplicationSummary>> {
  return http.get(`${base}/service-applications`, { ...query })
}

export function getApplication(id: number | string): Promise<ApplicationDetail> {
  return http.get(appPath(id))
}

export function createApplication(input: NewApplication, key = newIdempotencyKey()): Promise<ApplicationDetail> {
  return http.post(`${base}/service-applications`, input, { headers: { 'Idempotency-Key': key } })
}

export function transitionApplication(id: number, input: ApplicationTransition, key = newIdempotencyKey()): Promise<ApplicationDetail> {
  return http.post(`${appPath(id)}/transitions`, input, { headers: { 'Idempotency-Key': key } })
}

export function applicationStats(communityId?: number): Promise<ApplicationStats> {
  return http.get(`${base}/service-applications/stats`, communityId ? { communityId } : {})
}
