import type { RouteRecordRaw } from 'vue-router'
import {
  ACCOUNT_ADMIN_ROLES,
  CASE_CREATOR_ROLES,
  COVERAGE_ROLES,
  HOUSEHOLD_ROLES,
  HOUSEHOLD_STATS_ROLES,
  IMPORTER_ROLES,
  MEMBER_ROLES,
  VOLUNTEER_AREA_ROLES,
  VOLUNTEER_COMMUNITY_ROLES,
  VOLUNTEER_ITEM_ROLES,
  VOLUNTEER_LIST_ROLES,
  VOLUNTEER_STREET_ROLES,
  VOLUNTEER_UNIT_ROLES,
} from '@/composables/usePermissions'

/**
 * meta.public:   reachable without signing in
 * meta.roles:    roles allowed (absent = every signed-in role)
 * meta.titleKey: i18n key of the page title
 * meta.menu:     shown in the side menu (filtered by meta.roles), with meta.icon
 * meta.menuGroup: shown inside that submenu (户籍业务, 双报到) instead of at the top level
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
  // 公开履诺: the public pledge board, like the desk page (phones, no login).
  {
    path: '/pledges',
    name: 'pledges',
    component: () => import('@/views/volunteer/PledgeBoardView.vue'),
    meta: { public: true, titleKey: 'nav.pledges' },
  },
  // A member scans the service-day QR code: phone first, outside the workspace layout, login required.
  {
    path: '/checkin/:code',
    name: 'checkin',
    component: () => import('@/views/volunteer/CheckinView.vue'),
    meta: { titleKey: 'nav.checkin', roles: MEMBER_ROLES },
  },
  {
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
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
        path: 'overview',
        name: 'overview',
        component: () => import('@/views/overview/CityOverviewView.vue'),
        meta: { titleKey: 'nav.overview', menu: true, icon: 'overview', roles: VOLUNTEER_AREA_ROLES },
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
      // 批量导入: the household and property registers from CSV/.xlsx, checked as a job, then confirmed.
      {
        path: 'household/import',
        name: 'household-import',
        component: () => import('@/views/household/ImportView.vue'),
        meta: { titleKey: 'nav.householdImport', menu: true, menuGroup: 'household', icon: 'upload', roles: IMPORTER_ROLES, messages: ['import'] },
      },
      {
        path: 'household/separation',
        name: 'household-separation',
        component: () => import('@/views/household/SeparationView.vue'),
        meta: { titleKey: 'nav.householdSeparation', menu: true, menuGroup: 'household', icon: 'funnel', roles: HOUSEHOLD_ROLES },
      },
      // 双报到 (dual report and volunteer service): each role sees its own part of the workflow.
      {
        path: 'volunteer/open',
        name: 'volunteer-open',
        component: () => import('@/views/volunteer/OpenItemsView.vue'),
        meta: { titleKey: 'nav.volunteerOpen', menu: true, menuGroup: 'volunteer', icon: 'claim', roles: VOLUNTEER_UNIT_ROLES },
      },
      {
        path: 'volunteer/tasks',
        name: 'volunteer-tasks',
        component: () => import('@/views/volunteer/MyTasksView.vue'),
        meta: { titleKey: 'nav.volunteerTasks', menu: true, menuGroup: 'volunteer', icon: 'tasks', roles: VOLUNTEER_UNIT_ROLES },
      },
      {
        path: 'volunteer/my-reports',
        name: 'volunteer-my-reports',
        component: () => import('@/views/volunteer/UnitReportsView.vue'),
        meta: { titleKey: 'nav.volunteerMyReports', menu: true, menuGroup: 'volunteer', icon: 'report', roles: VOLUNTEER_UNIT_ROLES },
      },
      {
        path: 'volunteer/scorecard',
        name: 'volunteer-scorecard',
        component: () => import('@/views/volunteer/ScorecardView.vue'),
        meta: { titleKey: 'nav.volunteerScorecard', menu: true, menuGroup: 'volunteer', icon: 'stats', roles: VOLUNTEER_UNIT_ROLES },
      },
      {
        path: 'volunteer/scorecard/print',
        name: 'volunteer-scorecard-print',
        component: () => import('@/views/volunteer/ScorecardPrint.vue'),
        meta: { titleKey: 'nav.volunteerScorecardPrint', roles: VOLUNTEER_UNIT_ROLES, activeMenu: '/volunteer/scorecard' },
      },
      {
        path: 'volunteer/triage',
        name: 'volunteer-triage',
        component: () => import('@/views/volunteer/TriageView.vue'),
        meta: { titleKey: 'nav.volunteerTriage', menu: true, menuGroup: 'volunteer', icon: 'funnel', roles: VOLUNTEER_COMMUNITY_ROLES },
      },
      {
        path: 'volunteer/items',
        name: 'volunteer-items',
        component: () => import('@/views/volunteer/ItemsView.vue'),
        meta: { titleKey: 'nav.volunteerItems', menu: true, menuGroup: 'volunteer', icon: 'cases', roles: VOLUNTEER_ITEM_ROLES },
      },
      {
        path: 'volunteer/items/:id(\\d+)',
        name: 'volunteer-item',
        component: () => import('@/views/volunteer/ItemDetailView.vue'),
        meta: { titleKey: 'nav.volunteerItem' },
      },
      {
        path: 'volunteer/escalated',
        name: 'volunteer-escalated',
        component: () => import('@/views/volunteer/EscalatedView.vue'),
        meta: { titleKey: 'nav.volunteerEscalated', menu: true, menuGroup: 'volunteer', icon: 'whistle', roles: VOLUNTEER_STREET_ROLES },
      },
      {
        path: 'volunteer/approvals',
        name: 'volunteer-approvals',
        component: () => import('@/views/volunteer/ApprovalsView.vue'),
        meta: { titleKey: 'nav.volunteerApprovals', menu: true, menuGroup: 'volunteer', icon: 'report', roles: VOLUNTEER_COMMUNITY_ROLES },
      },
      {
        path: 'volunteer/service-days',
        name: 'volunteer-service-days',
        component: () => import('@/views/volunteer/ServiceDaysView.vue'),
        meta: { titleKey: 'nav.volunteerServiceDays', menu: true, menuGroup: 'volunteer', icon: 'calendar', roles: VOLUNTEER_AREA_ROLES },
      },
      {
        path: 'volunteer/lists',
        name: 'volunteer-lists',
        component: () => import('@/views/volunteer/ListsView.vue'),
        meta: { titleKey: 'nav.volunteerLists', menu: true, menuGroup: 'volunteer', icon: 'lists', roles: VOLUNTEER_LIST_ROLES },
      },
      {
        path: 'volunteer/scorecards',
        name: 'volunteer-scorecards',
        component: () => import('@/views/volunteer/UnitScorecardsView.vue'),
        meta: { titleKey: 'nav.volunteerScorecards', menu: true, menuGroup: 'volunteer', icon: 'stats', roles: VOLUNTEER_AREA_ROLES },
      },
      {
        path: 'volunteer/scorecards/units/:id(\\d+)',
        name: 'volunteer-unit-scorecard',
        component: () => import('@/views/volunteer/ScorecardView.vue'),
        meta: { titleKey: 'nav.volunteerScorecard', roles: VOLUNTEER_AREA_ROLES, activeMenu: '/volunteer/scorecards' },
      },
      {
        path: 'volunteer/scorecards/units/:id(\\d+)/print',
        name: 'volunteer-unit-scorecard-print',
        component: () => import('@/views/volunteer/ScorecardPrint.vue'),
        meta: { titleKey: 'nav.volunteerScorecardPrint', roles: VOLUNTEER_AREA_ROLES, activeMenu: '/volunteer/scorecards' },
      },
      {
        path: 'volunteer/signups',
        name: 'volunteer-signups',
        component: () => import('@/views/volunteer/MemberView.vue'),
        meta: { titleKey: 'nav.volunteerSignups', menu: true, menuGroup: 'volunteer', icon: 'tasks', roles: MEMBER_ROLES },
      },
      // 账号管理 (last in the menu): accounts of the staff in the caller's area; the server scopes and checks every change.
      {
        path: 'accounts',
        name: 'accounts',
        component: () => import('@/views/accounts/AccountsView.vue'),
        meta: { titleKey: 'nav.accounts', menu: true, icon: 'accounts', roles: ACCOUNT_ADMIN_ROLES },
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
