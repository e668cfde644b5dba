import type { ResponseAction, ResponseStatus, WhistleAction, WhistleStatus } from '@redheart/workflows'
import { http } from './client'

/** 街呼县应: a street whistles an issue to county departments, each answers (报到), the street rates. */
// The whistle and response workflows (states, actions) are written once: shared/src/workflows/whistle.ts.
export type { ResponseAction, ResponseStatus, WhistleAction, WhistleStatus } from '@redheart/workflows'

export interface WhistleBase {
  id: number
  whistleNo: string
  streetId: number
  streetName: string
  communityId: number | null
  communityName: string | null
  title: string
  description: string
  place: string | null
  deadline: string
  status: WhistleStatus
  raisedBy: string
  raisedRole: string
  escalatedAt: string | null
  closedAt: string | null
  createdAt: string
  updatedAt: string
  version: number
}

export interface WhistleRow extends WhistleBase {
  responses: { unitId: number; unitName: string; status: ResponseStatus; deadline: string; overdue: boolean; rating: number | null }[]
  myResponse?: { status: ResponseStatus; deadline: string; overdue: boolean } | null
}

export interface WhistleResponse {
  id: number
  unitId: number
  unitName: string
  status: ResponseStatus
  deadline: string
  acceptedAt: string | null
  actingNote: string | null
  reportedAt: string | null
  result: string | null
  declineReason: string | null
  overdue: boolean
  escalatedAt: string | null
  supervisedCount: number
  returnedCount: number
  rating: number | null
  ratingComment: string | null
  ratedBy: string | null
  ratedAt: string | null
  version: number
  allowedActions: ResponseAction[]
}

export interface WhistleEvent {
  id: number
  unitId: number | null
  action: string
  fromStatus: string | null
  toStatus: string | null
  actorUsername: string
  actorRole: string
  at: string
  reason: string | null
  data: Record<string, unknown> | null
}

export interface WhistleDetail extends WhistleBase {
  allowedActions: WhistleAction[]
  responses: WhistleResponse[]
  timeline: WhistleEvent[]
}

export interface WhistlePage {
  items: WhistleRow[]
  total: number
  totalExact: boolean
  page: number
  limit: number
}

export interface CreateWhistleInput {
  title: string
  description: string
  place?: string
  deadline: string
  departmentIds: number[]
  communityId?: number
}

export interface DepartmentScorecard {
  unitId: number
  unitName: string
  whistled: number
  accepted: number
  answered: number
  answeredOnTime: number
  overdue: number
  open: number
  refused: number
  returned: number
  rated: number
  avgRating: number | null
  onTimeRate: number | null
}

const base = '/api/volunteer'
const seg = (v: number | string) => encodeURIComponent(String(v))

export function listWhistles(q: { status?: WhistleStatus; view?: 'open'; q?: string; page?: number; limit?: number } = {}): Promise<WhistlePage> {
  return http.get<WhistlePage>(`${base}/whistles`, q)
}

export function getWhistle(id: number | string): Promise<WhistleDetail> {
  return http.get<WhistleDetail>(`${base}/whistles/${seg(id)}`)
}

export function listDepartments(): Promise<{ id: number; name: string }[]> {
  return http.get<{ id: number; name: string }[]>(`${base}/whistles/departments`)
}

export function createWhistle(input: CreateWhistleInput): Promise<WhistleDetail> {
  return http.post<WhistleDetail>(`${base}/whistles`, input)
}

export function transitionWhistle(id: number, input: { action: WhistleAction; version: number; reason?: string; departmentIds?: number[]; deadline?: string }): Promise<WhistleDetail> {
  return http.post<WhistleDetail>(`${base}/whistles/${seg(id)}/transitions`, input)
}

export function respondWhistle(
  id: number,
  unitId: number,
  input: { action: ResponseAction; version: number; reason?: string; note?: string; result?: string; rating?: number; deadline?: string },
): Promise<WhistleDetail> {
  return http.post<WhistleDetail>(`${base}/whistles/${seg(id)}/responses/${seg(unitId)}/transitions`, input)
}

export function listDepartmentScorecards(range: { from?: string; to?: string } = {}): Promise<DepartmentScorecard[]> {
  return http.get<DepartmentScorecard[]>(`${base}/scorecards/departments`, range)
}
