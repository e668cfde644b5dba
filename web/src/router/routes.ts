import type { RouteRecordRaw } from 'vue-router'
import {
  ACCOUNT_ADMIN_ROLES,
  ANNOUNCEMENT_READER_ROLES,
  SYSTEM_LOG_ROLES,
  SYSTEM_MONITOR_ROLES,
  CASE_CREATOR_ROLES,
  COVERAGE_ROLES,
  DIVISION_IMPORT_ROLES,
  HOUSEHOLD_ROLES,
  HOUSEHOLD_STATS_ROLES,
  IMPORTER_ROLES,
  SERVICE_CLERK_ROLES,
  SERVICE_ROLES,
  MEETING_ROLES,
  MEMBER_ROLES,
  OVERVIEW_ROLES,
  VOLUNTEER_AREA_ROLES,
  VOLUNTEER_COMMUNITY_ROLES,
  VOLUNTEER_ITEM_ROLES,
  VOLUNTEER_LIST_ROLES,
  VOLUNTEER_STREET_ROLES,
  VOLUNTEER_UNIT_ROLES,
  WHISTLE_ROLES,
  WHISTLE_SCORECARD_ROLES,
} from '@/composables/usePermissions'

/**
 * meta.public:   reachable without signing in
 * meta.roles:    roles allowed (absent = every signed-in role)
 * meta.titleKey: i18n key of the page title
 * meta.menu:     shown in the side menu (filtered by meta.roles), with meta.icon
 * meta.menuGroup: shown inside that submenu (户籍业务, 双报到) instead of at the top level
 * meta.parent:  the breadcrumb's parent page (a route name, resolved with the current params); else meta.activeMenu
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
    meta: { public: true, titleKey: 'nav.desk', messages: ['resident'] },
  },
  // 公开履诺: the public pledge board, like the desk page (phones, no login).
  {
    path: '/pledges',
    name: 'pledges',
    component: () => import('@/views/volunteer/PledgeBoardView.vue'),
    meta: { public: true, titleKey: 'nav.pledges', messages: ['pledges', 'member-groups'] },
  },
  // Residents without a login (phones, like the desk page): a hukou case by its number and phone, a need's progress by
  // its tracking number, the rating link printed on a completion notice.
  // 通知公告 (public): the announcements published as public, e.g. the 公开信 for 户籍进社区
  {
    path: '/public/announcements',
    name: 'public-announcements',
    component: () => import('@/views/announcements/PublicAnnouncementsView.vue'),
    meta: { public: true, titleKey: 'announcements.publicTitle', messages: ['notifications'] },
  },
  {
    path: '/public/case',
    name: 'public-case',
    component: () => import('@/views/resident/CaseLookupView.vue'),
    meta: { public: true, titleKey: 'nav.publicCase', messages: ['resident', 'services'] },
  },
  {
    path: '/public/needs',
    name: 'public-need-lookup',
    component: () => import('@/views/resident/TrackNeedView.vue'),
    meta: { public: true, titleKey: 'nav.publicNeed', messages: ['resident'] },
  },
  {
    path: '/public/needs/:trackingNo',
    name: 'public-need',
    component: () => import('@/views/resident/TrackNeedView.vue'),
    meta: { public: true, titleKey: 'nav.publicNeed', messages: ['resident'] },
  },
  {
    path: '/public/rate/:token',
    name: 'public-rate',
    component: () => import('@/views/resident/RateView.vue'),
    meta: { public: true, titleKey: 'nav.publicRate', messages: ['resident'] },
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
      // 消息通知: every signed-in role (the header's bell leads here)
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('@/views/notifications/NotificationsView.vue'),
        meta: { titleKey: 'notifications.title', messages: ['list', 'notifications'] },
      },
      // 通知公告: every staff role reads; the publishers also publish, see receipts and withdraw
      {
        path: 'announcements',
        name: 'announcements',
        component: () => import('@/views/announcements/AnnouncementsView.vue'),
        meta: { titleKey: 'nav.announcements', menu: true, icon: 'announcements', roles: ANNOUNCEMENT_READER_ROLES, messages: ['list', 'notifications'] },
      },
      {
        path: 'announcements/:id(\\d+)',
        name: 'announcement',
        component: () => import('@/views/announcements/AnnouncementDetailView.vue'),
        meta: { titleKey: 'nav.announcements', activeMenu: '/announcements', messages: ['notifications'] },
      },
      {
        path: 'org',
        name: 'org',
        component: () => import('@/views/org/OrgWorkspace.vue'),
        meta: { titleKey: 'nav.org', menu: true, icon: 'org', messages: ['org'] },
      },
      {
        path: 'overview',
        name: 'overview',
        component: () => import('@/views/overview/CityOverviewView.vue'),
        meta: { titleKey: 'nav.overview', menu: true, icon: 'overview', roles: OVERVIEW_ROLES, messages: ['overview', 'city', 'household-stats'] },
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
        meta: { titleKey: 'nav.householdCases', messages: ['list'], menu: true, menuGroup: 'household', icon: 'cases', roles: HOUSEHOLD_ROLES },
      },
      {
        path: 'household/cases/new',
        name: 'household-case-new',
        component: () => import('@/views/household/CaseWizard.vue'),
        meta: { titleKey: 'nav.householdNewCase', menu: true, menuGroup: 'household', icon: 'newCase', roles: CASE_CREATOR_ROLES, messages: ['wizard'] },
      },
      {
        path: 'household/cases/:id(\\d+)',
        name: 'household-case',
        component: () => import('@/views/household/CaseDetailView.vue'),
        meta: { titleKey: 'nav.householdCase', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases', messages: ['case-actions'] },
      },
      {
        path: 'household/cases/:id(\\d+)/receipt',
        name: 'household-receipt',
        component: () => import('@/views/household/CaseReceipt.vue'),
        meta: { titleKey: 'nav.householdReceipt', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases', parent: 'household-case' },
      },
      {
        path: 'household/cases/:id(\\d+)/notices/:noticeId(\\d+)',
        name: 'household-notice',
        component: () => import('@/views/household/NoticePrint.vue'),
        meta: { titleKey: 'nav.householdNotice', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases', parent: 'household-case', messages: ['case-actions'] },
      },
      {
        path: 'household/households/:id(\\d+)',
        name: 'household-book',
        component: () => import('@/views/household/HouseholdBookView.vue'),
        meta: { titleKey: 'nav.householdBook', roles: HOUSEHOLD_ROLES, activeMenu: '/household/cases', messages: ['wizard'] },
      },
      {
        path: 'household/stats',
        name: 'household-stats',
        component: () => import('@/views/household/HouseholdStatsView.vue'),
        meta: { titleKey: 'nav.householdStats', menu: true, menuGroup: 'household', icon: 'stats', roles: HOUSEHOLD_STATS_ROLES, messages: ['household-stats'] },
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
        meta: { titleKey: 'nav.householdSeparation', menu: true, menuGroup: 'household', icon: 'funnel', roles: HOUSEHOLD_ROLES, messages: ['list', 'separation', 'household-stats'] },
      },
      // 一网通办 (service applications for the catalogue's services, taken at the community's window).
      {
        path: 'services/applications',
        name: 'service-applications',
        component: () => import('@/views/services/ApplicationQueue.vue'),
        meta: { titleKey: 'nav.serviceApplications', messages: ['list', 'services'], menu: true, menuGroup: 'services', icon: 'cases', roles: SERVICE_ROLES },
      },
      {
        path: 'services/applications/new',
        name: 'service-application-new',
        component: () => import('@/views/services/ApplicationNewView.vue'),
        meta: { titleKey: 'nav.serviceNew', messages: ['services'], menu: true, menuGroup: 'services', icon: 'newCase', roles: SERVICE_CLERK_ROLES },
      },
      {
        path: 'services/applications/:id(\\d+)',
        name: 'service-application',
        component: () => import('@/views/services/ApplicationDetailView.vue'),
        meta: { titleKey: 'nav.serviceApplication', messages: ['services'], roles: SERVICE_ROLES, activeMenu: '/services/applications' },
      },
      {
        path: 'services/stats',
        name: 'service-stats',
        component: () => import('@/views/services/ApplicationStatsView.vue'),
        meta: { titleKey: 'nav.serviceStats', messages: ['services'], menu: true, menuGroup: 'services', icon: 'stats', roles: SERVICE_ROLES },
      },
      // 双报到 (dual report and volunteer service): each role sees its own part of the workflow.
      {
        path: 'volunteer/open',
        name: 'volunteer-open',
        component: () => import('@/views/volunteer/OpenItemsView.vue'),
        meta: { titleKey: 'nav.volunteerOpen', menu: true, menuGroup: 'volunteer', icon: 'claim', roles: VOLUNTEER_UNIT_ROLES, messages: ['list', 'item-actions'] },
      },
      {
        path: 'volunteer/tasks',
        name: 'volunteer-tasks',
        component: () => import('@/views/volunteer/MyTasksView.vue'),
        meta: { titleKey: 'nav.volunteerTasks', menu: true, menuGroup: 'volunteer', icon: 'tasks', roles: VOLUNTEER_UNIT_ROLES, messages: ['list', 'item-actions'] },
      },
      {
        path: 'volunteer/my-reports',
        name: 'volunteer-my-reports',
        component: () => import('@/views/volunteer/UnitReportsView.vue'),
        meta: { titleKey: 'nav.volunteerMyReports', menu: true, menuGroup: 'volunteer', icon: 'report', roles: VOLUNTEER_UNIT_ROLES, messages: ['list'] },
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
        meta: { titleKey: 'nav.volunteerScorecardPrint', roles: VOLUNTEER_UNIT_ROLES, activeMenu: '/volunteer/scorecard', messages: ['scorecard-print'] },
      },
      {
        path: 'volunteer/triage',
        name: 'volunteer-triage',
        component: () => import('@/views/volunteer/TriageView.vue'),
        meta: { titleKey: 'nav.volunteerTriage', menu: true, menuGroup: 'volunteer', icon: 'funnel', roles: VOLUNTEER_COMMUNITY_ROLES, messages: ['list', 'resident', 'item-actions'] },
      },
      {
        path: 'volunteer/items',
        name: 'volunteer-items',
        component: () => import('@/views/volunteer/ItemsView.vue'),
        meta: { titleKey: 'nav.volunteerItems', messages: ['list'], menu: true, menuGroup: 'volunteer', icon: 'cases', roles: VOLUNTEER_ITEM_ROLES },
      },
      {
        path: 'volunteer/items/:id(\\d+)',
        name: 'volunteer-item',
        component: () => import('@/views/volunteer/ItemDetailView.vue'),
        meta: { titleKey: 'nav.volunteerItem', messages: ['resident', 'item-actions'] },
      },
      // 服务完成告知单: printed by the community for the resident, with the one-time rating link as a QR code.
      {
        path: 'volunteer/items/:id(\\d+)/notice',
        name: 'volunteer-item-notice',
        component: () => import('@/views/volunteer/ItemNoticePrint.vue'),
        meta: { titleKey: 'nav.volunteerItemNotice', roles: VOLUNTEER_COMMUNITY_ROLES, activeMenu: '/volunteer/items', messages: ['resident'] },
      },
      {
        path: 'volunteer/escalated',
        name: 'volunteer-escalated',
        component: () => import('@/views/volunteer/EscalatedView.vue'),
        meta: { titleKey: 'nav.volunteerEscalated', menu: true, menuGroup: 'volunteer', icon: 'whistle', roles: VOLUNTEER_STREET_ROLES, messages: ['list', 'item-actions'] },
      },
      // 街呼县应: a street whistles to county departments; a department's staff answer in their inbox.
      {
        path: 'volunteer/whistles',
        name: 'volunteer-whistles',
        component: () => import('@/views/volunteer/WhistlesView.vue'),
        meta: { titleKey: 'nav.whistles', menu: true, menuGroup: 'volunteer', icon: 'whistle', roles: WHISTLE_ROLES, messages: ['whistles'] },
      },
      {
        path: 'volunteer/whistle-inbox',
        name: 'volunteer-whistle-inbox',
        component: () => import('@/views/volunteer/WhistlesView.vue'),
        meta: { titleKey: 'nav.whistleInbox', menu: true, menuGroup: 'volunteer', icon: 'whistle', roles: VOLUNTEER_UNIT_ROLES, messages: ['whistles'] },
      },
      {
        path: 'volunteer/whistles/:id(\\d+)',
        name: 'volunteer-whistle',
        component: () => import('@/views/volunteer/WhistleDetailView.vue'),
        meta: { titleKey: 'nav.whistle', roles: [...WHISTLE_ROLES, ...VOLUNTEER_UNIT_ROLES], activeMenu: '/volunteer/whistles', messages: ['whistles'] },
      },
      {
        path: 'volunteer/approvals',
        name: 'volunteer-approvals',
        component: () => import('@/views/volunteer/ApprovalsView.vue'),
        meta: { titleKey: 'nav.volunteerApprovals', menu: true, menuGroup: 'volunteer', icon: 'report', roles: VOLUNTEER_COMMUNITY_ROLES, messages: ['list', 'member-groups'] },
      },
      {
        path: 'volunteer/service-days',
        name: 'volunteer-service-days',
        component: () => import('@/views/volunteer/ServiceDaysView.vue'),
        meta: { titleKey: 'nav.volunteerServiceDays', menu: true, menuGroup: 'volunteer', icon: 'calendar', roles: VOLUNTEER_AREA_ROLES, messages: ['member-groups'] },
      },
      {
        path: 'volunteer/lists',
        name: 'volunteer-lists',
        component: () => import('@/views/volunteer/ListsView.vue'),
        meta: { titleKey: 'nav.volunteerLists', menu: true, menuGroup: 'volunteer', icon: 'lists', roles: VOLUNTEER_LIST_ROLES, messages: ['member-groups', 'volunteer-lists'] },
      },
      {
        path: 'volunteer/scorecards',
        name: 'volunteer-scorecards',
        component: () => import('@/views/volunteer/UnitScorecardsView.vue'),
        meta: { titleKey: 'nav.volunteerScorecards', menu: true, menuGroup: 'volunteer', icon: 'stats', roles: VOLUNTEER_AREA_ROLES, messages: ['list', 'resident'] },
      },
      // 部门考评 (街呼县应), beside the unit scorecards.
      {
        path: 'volunteer/scorecards/departments',
        name: 'volunteer-department-scorecards',
        component: () => import('@/views/volunteer/DepartmentScorecardsView.vue'),
        meta: { titleKey: 'nav.whistleScorecards', menu: true, menuGroup: 'volunteer', icon: 'stats', roles: WHISTLE_SCORECARD_ROLES, messages: ['whistles'] },
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
        meta: { titleKey: 'nav.volunteerScorecardPrint', roles: VOLUNTEER_AREA_ROLES, activeMenu: '/volunteer/scorecards', messages: ['scorecard-print'] },
      },
      {
        path: 'volunteer/signups',
        name: 'volunteer-signups',
        component: () => import('@/views/volunteer/MemberView.vue'),
        meta: { titleKey: 'nav.volunteerSignups', menu: true, menuGroup: 'volunteer', icon: 'tasks', roles: MEMBER_ROLES, messages: ['member-signups'] },
      },
      // 大党委 / 大工委: the joint committees' meetings, whose decisions become service items or projects.
      {
        path: 'meetings',
        name: 'meetings',
        component: () => import('@/views/meetings/MeetingsView.vue'),
        meta: { titleKey: 'nav.meetings', menu: true, icon: 'meetings', roles: MEETING_ROLES, messages: ['meetings'] },
      },
      {
        path: 'meetings/:id(\\d+)',
        name: 'meeting',
        component: () => import('@/views/meetings/MeetingDetailView.vue'),
        meta: { titleKey: 'nav.meeting', roles: MEETING_ROLES, parent: 'meetings', activeMenu: '/meetings', messages: ['meetings'] },
      },
      // 区划导入: the organisation departments import a county or a whole city from the national division codes.
      {
        path: 'org/division-import',
        name: 'division-import',
        component: () => import('@/views/divisions/DivisionImportView.vue'),
        meta: { titleKey: 'nav.divisionImport', menu: true, icon: 'import', roles: DIVISION_IMPORT_ROLES, messages: ['divisions'] },
      },
      // 账号管理 (last in the menu): accounts of the staff in the caller's area; the server scopes and checks every change.
      {
        path: 'accounts',
        name: 'accounts',
        component: () => import('@/views/accounts/AccountsView.vue'),
        meta: { titleKey: 'nav.accounts', messages: ['list', 'accounts'], menu: true, icon: 'accounts', roles: ACCOUNT_ADMIN_ROLES },
      },
      // 系统监控: the operation log of every service, the login log, the online sessions (the server scopes each).
      {
        path: 'system/operlog',
        name: 'system-operlog',
        component: () => import('@/views/system/OperLogView.vue'),
        meta: { titleKey: 'nav.systemOperLog', menu: true, menuGroup: 'system', icon: 'operlog', roles: SYSTEM_MONITOR_ROLES, messages: ['list', 'console'] },
      },
      {
        path: 'system/syslog',
        name: 'system-syslog',
        component: () => import('@/views/system/SystemLogView.vue'),
        meta: { titleKey: 'nav.systemLog', menu: true, menuGroup: 'system', icon: 'syslog', roles: SYSTEM_LOG_ROLES, messages: ['list', 'console'] },
      },
      {
        path: 'system/loginlog',
        name: 'system-loginlog',
        component: () => import('@/views/system/LoginLogView.vue'),
        meta: { titleKey: 'nav.systemLoginLog', menu: true, menuGroup: 'system', icon: 'loginlog', roles: SYSTEM_MONITOR_ROLES, messages: ['list', 'console'] },
      },
      {
        path: 'system/online',
        name: 'system-online',
        component: () => import('@/views/system/OnlineView.vue'),
        meta: { titleKey: 'nav.systemOnline', menu: true, menuGroup: 'system', icon: 'online', roles: SYSTEM_MONITOR_ROLES, messages: ['list', 'console'] },
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
