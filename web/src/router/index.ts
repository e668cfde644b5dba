import { createRouter, createWebHistory } from 'vue-router'
import type { Role } from '@/api/types'
import { routes } from './routes'
import { setupAuthGuard } from './guard'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    roles?: readonly Role[]
    titleKey?: string
    /** Feature message modules (web/src/i18n/features/<name>.ts) loaded before the page shows. */
    messages?: readonly string[]
    menu?: boolean
    menuGroup?: 'household' | 'services' | 'volunteer' | 'system'
    /** Menu entry to highlight on a page that has none of its own (a case belongs to the queue). */
    activeMenu?: string
    /** The breadcrumb's parent page: a route name, resolved with this page's params (else activeMenu). */
    parent?: string
    icon?: 'home' | 'org' | 'coverage' | 'cases' | 'newCase' | 'stats' | 'funnel' | 'overview' | 'claim' | 'tasks' | 'report' | 'whistle' | 'calendar' | 'lists' | 'accounts' | 'import' | 'operlog' | 'syslog' | 'loginlog' | 'online' | 'upload' | 'meetings' | 'announcements'
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

setupAuthGuard(router)
