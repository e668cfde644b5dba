import { ref } from 'vue'
import { unreadCount } from '@/api/notifications'

/** The bell's unread count, shared by the bell and the notifications page (which refreshes it after marking). */
const unread = ref<number | null>(null)
let inflight: Promise<void> | null = null

export function useUnreadNotifications() {
  async function refresh(): Promise<void> {
    inflight ??= unreadCount()
      .then((n) => {
        unread.value = n
      })
      .catch(() => {
        // the bell keeps its last figure (the notification service may be restarting)
      })
      .finally(() => {
        inflight = null
      })
    return inflight
  }
  return { unread, refresh }
}
