import { http } from './client'

/* 通知: what the notification service addresses to the signed-in person (GET/POST /api/notify/…). */

export const NOTIFICATION_KINDS = [
  'case_approved', 'case_rejected', 'case_returned', 'case_awaiting_approval', 'case_revoke_requested',
  'item_escalated', 'item_assigned', 'item_released', 'item_reopened', 'item_confirmed', 'report_approved', 'report_rejected', 'signup_confirmed',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

export interface AppNotification {
  id: number
  kind: NotificationKind
  recordType: 'case' | 'item' | 'unit_report'
  recordId: string
  params: Record<string, string | number | null>
  actor: string | null
  createdAt: string
  read: boolean
}

export interface NotificationQuery {
  before?: number
  limit?: number
  unread?: boolean
  kind?: NotificationKind
}

export function listNotifications(q: NotificationQuery): Promise<{ items: AppNotification[]; nextBefore: number | null }> {
  return http.get('/api/notify/notifications', { ...q })
}

export async function unreadCount(): Promise<number> {
  return (await http.get<{ unread: number }>('/api/notify/notifications/unread-count')).unread
}

export function markRead(id: number): Promise<void> {
  return http.post(`/api/notify/notifications/${id}/read`)
}

export function markAllRead(upTo?: number): Promise<{ marked: number }> {
  return http.post('/api/notify/notifications/read-all', upTo ? { upTo } : {})
}

/** Where a notification leads in the SPA (its case, its item, the unit's reports). */
export function recordRoute(n: Pick<AppNotification, 'recordType' | 'recordId'>): string {
  if (n.recordType === 'case') return `/household/cases/${n.recordId}`
  if (n.recordType === 'item') return `/volunteer/items/${n.recordId}`
  return '/volunteer/my-reports'
}

/** A single-use ticket for the live stream (an EventSource cannot send the token). */
export function streamTicket(): Promise<{ ticket: string; expiresIn: number }> {
  return http.post('/api/notify/stream/ticket')
}

/** The live stream's URL for a ticket, picking up after the last notification this page received. */
export function streamUrl(ticket: string, lastEventId: number | null): string {
  const q = new URLSearchParams({ ticket })
  if (lastEventId !== null) q.set('lastEventId', String(lastEventId))
  return `/api/notify/stream?${q.toString()}`
}
