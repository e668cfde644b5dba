import { http } from './client'

/* 系统监控: the operation log of each service, the login log and the online sessions (org). */

export const AUDIT_SERVICES = ['org', 'household', 'volunteer'] as const
export type AuditService = (typeof AUDIT_SERVICES)[number]

export interface AuditEntry {
  id: number
  occurredAt: string
  actorId: string | null
  actorUsername: string | null
  actorRole: string | null
  action: string
  entityType: string
  entityId: string
  before: unknown
  after: unknown
  reason: string | null
  requestId: string | null
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface AuditQuery {
  actor?: string
  recordType?: string
  recordId?: string
  action?: string
  from?: string
  to?: string
  limit?: number
  cursor?: string
}

/** Newest first, keyset-paged; ID numbers come masked. */
export function listAudit(service: AuditService, query: AuditQuery): Promise<Page<AuditEntry>> {
  return http.get<Page<AuditEntry>>(`/api/${service}/audit`, { ...query })
}

export const LOGIN_RESULTS = ['success', 'bad_password', 'locked', 'disabled', 'throttled'] as const
export type LoginResult = (typeof LOGIN_RESULTS)[number]

export interface LoginLogEntry {
  id: number
  at: string
  username: string
  accountId: number | null
  displayName: string | null
  result: LoginResult
  ip: string
  userAgent: string | null
}

export interface LoginLogQuery {
  username?: string
  result?: LoginResult
  ip?: string
  from?: string
  to?: string
  limit?: number
  cursor?: string
}

export function listLoginLog(query: LoginLogQuery): Promise<Page<LoginLogEntry>> {
  return http.get<Page<LoginLogEntry>>('/api/org/login-log', { ...query })
}

export interface OnlineSession {
  sessionId: string
  accountId: number
  username: string
  displayName: string
  role: string
  orgName: string
  startedAt: string
  lastSeenAt: string
  expiresAt: string
  ip: string | null
  userAgent: string | null
  current: boolean
  canEnd: boolean
}

export function listSessions(query: { username?: string; limit?: number; cursor?: string }): Promise<Page<OnlineSession>> {
  return http.get<Page<OnlineSession>>('/api/org/sessions', { ...query })
}

/** Forced logout of one session (204); 404 when it has ended already or is not the caller's to end. */
export function endSession(sessionId: string): Promise<void> {
  return http.delete<void>(`/api/org/sessions/${encodeURIComponent(sessionId)}`)
}
