import type { RouteRecordRaw } from 'vue-router'
import {
  CASE_CREATOR_ROLES,
  COVERAGE_ROLES,
  HOUSEHOLD_ROLES,
  HOUSEHOLD_STATS_ROLES,
} from '@/composables/usePermissions'
import MainLayout from '@/layouts/MainLayout.vue'

/**
 * meta.public:   reachable without signing in
 * meta.roles:    roles allowed (absent = every signed-in role)
 * meta.titleKey: i18n key of the page title
 * meta.menu:     shown in the side menu (filtered by meta.roles), with meta.icon
 * meta.menuGroup: shown inside that submenu (e.g. 户籍业务) instead of at the top level
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
      // 户籍业务 (household registration). Grid workers read the queue and work their funnel.
      {
        path: 'household/cases',
        name: 'household-cases',
        component: () => import('@/views/household/CaseQueue.vue'),
        meta: { titleKey: 'nav.householdCases', menu: true, menuGroup: 'household', icon: 'cases', roles: HOUSEHOLD_ROLES },
      },
      {
        path: 'household/cases/new',
        name: 'household-case-new',
        component: () => import('@/views/household/CaseWizard.vue'),
        meta: { titleKey: 'nav.householdNewCase', menu: true, menuGroup: 'household', icon: 'newCase', roles: CASE_CREATOR_ROLES },
      },
      {
        path: 'household/cases/:id(\\d+)',
        name: 'household-case',
        component: () => import('@/views/household/CaseDetailView.vue'),
        meta: { titleKey: 'nav.householdCase', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases' },
      },
      {
        path: 'household/cases/:id(\\d+)/receipt',
        name: 'household-receipt',
        component: () => import('@/views/household/CaseReceipt.vue'),
        meta: { titleKey: 'nav.householdReceipt', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases' },
      },
      {
        path: 'household/cases/:id(\\d+)/notices/:noticeId(\\d+)',
        name: 'household-notice',
        component: () => import('@/views/household/NoticePrint.vue'),
        meta: { titleKey: 'nav.householdNotice', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases' },
      },
      {
        path: 'household/households/:id(\\d+)',
        name: 'household-book',
        component: () => import('@/views/household/HouseholdBookView.vue'),
        meta: { titleKey: 'nav.householdBook', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases' },
      },
      {
        path: 'household/stats',
        name: 'household-stats',
        component: () => import('@/views/household/HouseholdStatsView.vue'),
        meta: { titleKey: 'nav.householdStats', menu: true, menuGroup: 'household', icon: 'stats', roles: HOUSEHOLD_STATS_ROLES },
      },
      {
        path: 'household/separation',
        name: 'household-separation',
        component: () => import('@/views/household/SeparationView.vue'),
        meta: { titleKey: 'nav.householdSeparation', menu: true, menuGroup: 'household', icon: 'funnel', roles: HOUSEHOLD_ROLES },
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
