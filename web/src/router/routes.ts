import type { RouteRecordRaw } from 'vue-router'
import { COVERAGE_ROLES } from '@/composables/usePermissions'
import MainLayout from '@/layouts/MainLayout.vue'

/**
 * meta.public:   reachable without signing in
 * meta.roles:    roles allowed (absent = every signed-in role)
 * meta.titleKey: i18n key of the page title
 * meta.menu:     shown in the side menu (filtered by meta.roles), with meta.icon
 */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/views/LoginView.vue'),
    meta: { public: true, titleKey: 'nav.login' },
  },
  {
    path: '/desk/:code',
    name: 'desk',
    component: () => import('@/views/desk/DeskView.vue'),
    meta: { public: true, titleKey: 'nav.desk' },
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      {
        path: '',
        name: 'home',
        component: () => import('@/views/HomeView.vue'),
        meta: { titleKey: 'nav.home', menu: true, icon: 'home' },
      },
      {
        path: 'org',
        name: 'org',
        component: () => import('@/views/org/OrgWorkspace.vue'),
        meta: { titleKey: 'nav.org', menu: true, icon: 'org' },
      },
      {
        path: 'coverage',
        name: 'coverage',
        component: () => import('@/views/coverage/CoverageView.vue'),
        meta: { titleKey: 'nav.coverage', menu: true, icon: 'coverage', roles: COVERAGE_ROLES },
      },
    ],
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { public: true, titleKey: 'nav.notFound' },
  },
]
