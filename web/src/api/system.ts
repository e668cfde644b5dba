import { http } from './client'
import type { AuditEntityType, Role } from '@redheart/workflows'
import type { NumberedPage, PageQuery } from './types'

/* 系统监控: the operation log of each service, the login log and the online sessions (org). */

export const AUDIT_SERVICES = ['org', 'household', 'volunteer'] as const
export type AuditService = (typeof AUDIT_SERVICES)[number]

export interface AuditEntry {
  id: number
  occurredAt: string
  actorId: string | null
  actorUsername: string | null
  actorRole: Role | null
  action: string
  entityType: AuditEntityType
  entityId: string
  before: unknown
  after: unknown
  reason: string | null
  requestId: string | null
}

export interface AuditQuery {
  actor?: string
  recordType?: string
  recordId?: string
  action?: string
  from?: string
  to?: string
}

/** The audit query of a console list's filters (`q` is who; an empty filter is none). */
export function auditQueryOf(f: { q: string; action: string; recordType: string; recordId: string; from: string; to: string }): AuditQuery {
  return { actor: f.q || undefined, action: f.action || undefined, recordType: f.recordType || undefined, recordId: f.recordId || undefined, from: f.from || undefined, to: f.to || undefined }
}

/** Newest first by numbered pages (total exact up to 1,000, else estimated); ID numbers come masked. */
export function listAuditPage(service: AuditService, query: AuditQuery & PageQuery): Promise<NumberedPage<AuditEntry>> {
  return http.get<NumberedPage<AuditEntry>>(`/api/${service}/audit`, { ...query })
}

/** 系统日志: every service's audit entries in one list (the org service follows their audit streams); no before/after. */
export const SYSTEM_LOG_SERVICES = ['org', 'household', 'volunteer', 'notify'] as const
export type SystemLogService = (typeof SYSTEM_LOG_SERVICES)[number]

export type SystemLogEntry = Omit<AuditEntry, 'before' | 'after'> & { service: SystemLogService; auditId: number }

/** Newest first by numbered pages, scoped by the server (a street admin: its street's records). */
export function listSystemLogPage(query: AuditQuery & { service?: SystemLogService } & PageQuery): Promise<NumberedPage<SystemLogEntry>> {
  return http.get<NumberedPage<SystemLogEntry>>('/api/org/system-log', { ...query })
}

// Written once for the org service and the SPA (shared/src/workflows/vocabulary.ts).
export { LOGIN_RESULTS, type LoginResult } from '@redheart/workflows'
import type { LoginResult } from '@redheart/workflows'

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
}

export function listLoginLogPage(query: LoginLogQuery & PageQuery): Promise<NumberedPage<LoginLogEntry>> {
  return http.get<NumberedPage<LoginLogEntry>>('/api/org/login-log', { ...query })
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

export function listSessionsPage(query: { username?: string } & PageQuery): Promise<NumberedPage<OnlineSession>> {
  return http.get<NumberedPage<OnlineSession>>('/api/org/sessions', { ...query })
}

/** Forced logout of one session (204); 404 when it has ended already or is not the caller's to end. */
export function endSession(sessionId: string): Promise<void> {
  return http.delete<void>(`/api/org/sessions/${encodeURIComponent(sessionId)}`)
}
