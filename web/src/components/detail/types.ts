import type { Role } from '@/api/types'

/** What DetailTimeline needs of an event (case events and item events both have it). */
export interface TimelineEvent {
  id: number
  action: string
  fromStatus: string | null
  toStatus: string | null
  actorUsername: string
  actorRole: Role
  at: string
}
