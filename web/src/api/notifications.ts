import { http } from './client'
import type { NumberedPage, PageQuery, Role } from './types'

/* 通知: what the notification service addresses to the signed-in person (GET/POST /api/notify/…). */

// The kinds and what they link to, written once for the notification service and the SPA (shared/src/workflows/vocabulary.ts).
import type { NotificationKind, NotificationRecordType } from '@redheart/workflows'
export { NOTIFICATION_KINDS, type NotificationKind, type NotificationRecordType } from '@redheart/workflows'

export interface AppNotification {
  id: number
  kind: NotificationKind
  recordType: NotificationRecordType
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

/** One numbered page of my notifications (the 消息通知 page). */
export function listNotificationsPage(q: Omit<NotificationQuery, 'before'> & PageQuery): Promise<NumberedPage<AppNotification>> {
  return http.get('/api/notify/notifications', { ...q })
}

export interface NotificationPreference {
  kind: NotificationKind
  muted: boolean
}

/** The kinds my role can receive, each muted or not. */
export async function getPreferences(): Promise<NotificationPreference[]> {
  return (await http.get<{ items: NotificationPreference[] }>('/api/notify/preferences')).items
}

/** Mutes exactly these kinds (the others are unmuted). */
export async function setMuted(muted: NotificationKind[]): Promise<NotificationPreference[]> {
  return (await http.put<{ items: NotificationPreference[] }>('/api/notify/preferences', { muted })).items
}

/* 通知公告 */

export interface Announcement {
  id: number
  title: string
  body: string
  scopeOrgId: number
  scopeName: string
  scopePath: string
  roles: Role[] | null
  public: boolean
  publisherName: string
  publisherUsername: string
  publishedAt: string
  withdrawnAt: string | null
  notificationId: number | null
  read: boolean
  readCount: number | null
  canManage: boolean
}

export interface PublishAnnouncementInput {
  title: string
  body: string
  scopeOrgId: number
  scopePath: string
  scopeName: string
  roles?: Role[]
  public?: boolean
  publisherName?: string
}

export interface AnnouncementReceipt {
  account: string
  username: string | null
  role: Role | null
  readAt: string
}

export interface PublicAnnouncement {
  id: number
  title: string
  body: string
  publisherName: string
  publishedAt: string
}

export function listAnnouncements(q: { view?: 'received' | 'managed' } & PageQuery): Promise<NumberedPage<Announcement>> {
  return http.get('/api/notify/announcements', { ...q })
}

export function getAnnouncement(id: number): Promise<Announcement> {
  return http.get(`/api/notify/announcements/${id}`)
}

export function publishAnnouncement(input: PublishAnnouncementInput): Promise<Announcement> {
  return http.post('/api/notify/announcements', input)
}

export function withdrawAnnouncement(id: number): Promise<Announcement> {
  return http.post(`/api/notify/announcements/${id}/withdraw`)
}

/** `addressedCount`: how many accounts it reaches now (null when the org service could not say). */
export function announcementReceipts(id: number, q: PageQuery): Promise<NumberedPage<AnnouncementReceipt> & { readCount: number; addressedCount: number | null }> {
  return http.get(`/api/notify/announcements/${id}/receipts`, { ...q })
}

export function publicAnnouncements(q: PageQuery): Promise<NumberedPage<PublicAnnouncement>> {
  return http.get('/api/notify/public/announcements', { ...q })
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

/** Where a notification leads in the SPA (its case, its item, the unit's reports, its scorecard for the month, the member's page, an import's report). */
export function recordRoute(n: Pick<AppNotification, 'recordType' | 'recordId'> & { params?: AppNotification['params'] }): string {
  if (n.recordType === 'case') return `/household/cases/${n.recordId}`
  if (n.recordType === 'item') return `/volunteer/items/${n.recordId}`
  if (n.recordType === 'announcement') return `/announcements/${n.recordId}`
  if (n.recordType === 'scorecard') {
    const { from, to } = n.params ?? {}
    return typeof from === 'string' && typeof to === 'string' ? `/volunteer/scorecard?${new URLSearchParams({ from, to })}` : '/volunteer/scorecard'
  }
  if (n.recordType === 'member_card') return '/volunteer/signups'
  if (n.recordType === 'household_import') return `/household/import?job=${encodeURIComponent(n.recordId)}`
  if (n.recordType === 'division_import') return '/org/division-import'
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
