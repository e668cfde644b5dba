/**
 * The bell's texts, loaded by the bell on every page of the console: two lines, not the notifications page's
 * messages (features/notifications.ts, 2.5 KB over the wire), which the bell loaded before and which a page then
 * fetched while it was being measured or not, by timing (bench/web-load).
 */
export default {
  'zh-CN': {
    notifications: {
      bell: '消息通知',
      bellUnread: '消息通知，{n} 条未读',
    },
  },
  en: {
    notifications: {
      bell: 'Notifications',
      bellUnread: 'Notifications, {n} unread',
    },
  },
}
