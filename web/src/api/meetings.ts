import { http } from './client'

/** 大党委 / 大工委 meetings (org service): convene, attendance, minutes, decisions → work in the volunteer service. */
// Statuses and attendance, written once for the org service and the SPA (shared/src/workflows/vocabulary.ts).
import type { Attendance, MeetingStatus } from '@redheart/workflows'
export { ATTENDANCES, MEETING_STATUSES, type Attendance, type MeetingStatus } from '@redheart/workflows'

export interface MeetingSummary {
  id: number
  orgId: number
  orgName: string
  orgType: string
  title: string
  heldAt: string
  place: string | null
  agenda: string[]
  minutes: string | null
  status: MeetingStatus
  convenedBy: string | null
  version: number
  attendeeCount: number
  presentCount: number
  decisionCount: number
}

export interface MeetingAttendee {
  id: number
  positionId: number | null
  personName: string
  kind: string
  fromUnitName: string | null
  attendance: Attendance
}

export interface MeetingDecision {
  id: number
  seq: number
  text: string
  owner: string | null
  dueOn: string | null
  workKind: 'item' | 'project' | null
  workId: number | null
  workNo: string | null
  workCommunityId: number | null
  workCommunityName: string | null
  version: number
}

export interface Meeting extends Omit<MeetingSummary, 'attendeeCount' | 'presentCount' | 'decisionCount'> {
  attendees: MeetingAttendee[]
  decisions: MeetingDecision[]
}

export interface ConveneInput {
  title: string
  heldAt: string
  place?: string
  agenda: string[]
}

export interface MeetingPatch {
  version: number
  title?: string
  place?: string
  agenda?: string[]
  minutes?: string
  status?: MeetingStatus
  attendance?: { attendeeId: number; attendance: Attendance }[]
}

export interface DecisionWorkInput {
  version: number
  kind: 'item' | 'project'
  communityId?: number
  categoryId?: number
  place?: string
  description?: string
  name?: string
  budgetYuan?: number
}

const base = '/api/org'

export function listMeetings(query: { orgId?: number; status?: MeetingStatus; page?: number; limit?: number } = {}) {
  return http.get<{ items: MeetingSummary[]; total: number; page: number; limit: number }>(`${base}/meetings`, query)
}
export function getMeeting(id: number) {
  return http.get<Meeting>(`${base}/meetings/${id}`)
}
export function conveneMeeting(orgId: number, input: ConveneInput) {
  return http.post<Meeting>(`${base}/units/${orgId}/meetings`, input)
}
export function updateMeeting(id: number, input: MeetingPatch) {
  return http.patch<Meeting>(`${base}/meetings/${id}`, input)
}
export function addDecision(id: number, input: { version: number; text: string; owner?: string; dueOn?: string }) {
  return http.post<Meeting>(`${base}/meetings/${id}/decisions`, input)
}
export function decisionToWork(id: number, decisionId: number, input: DecisionWorkInput) {
  return http.post<Meeting>(`${base}/meetings/${id}/decisions/${decisionId}/work`, input)
}
