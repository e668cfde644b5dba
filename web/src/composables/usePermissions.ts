import { computed } from 'vue'
import type { Role } from '@/api/types'
import { HOUSEHOLD_POLICY, NOTIFY_POLICY, ORG_POLICY, VOLUNTEER_POLICY } from '@redheart/workflows/policy'
import { useAuthStore } from '@/stores/auth'

/*
 * The menus and buttons of each role. Where a list is a service's permission it is that service's row of
 * @redheart/workflows' policy tables (shared/src/workflows/policy.ts), which the service checks too; the
 * others are groupings of the screens only (the service checks every request again).
 */

/** Roles that maintain the organisation chart (the server checks again and scopes by area). */
export const ORG_EDITOR_ROLES: readonly Role[] = ORG_POLICY['org.write']
/** Roles that see the coverage dashboard. */
export const COVERAGE_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary']

/** Roles that read the household register and its cases (the server scopes by area). */
export const HOUSEHOLD_ROLES: readonly Role[] = HOUSEHOLD_POLICY.readRegister
/** Roles that open registration cases. */
export const CASE_CREATOR_ROLES: readonly Role[] = HOUSEHOLD_POLICY.openCase
/** Roles that see household statistics (grid workers keep to their funnel and the queue). */
/** Who loads the household and property registers from a spreadsheet (the service's IMPORTERS). */
export const IMPORTER_ROLES: readonly Role[] = HOUSEHOLD_POLICY.importRegisters
export const HOUSEHOLD_STATS_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk']
/* 双报到 (dual report and volunteer service); the server checks every action again. */
/** Community staff: triage needs, approve reports, confirm on a resident's behalf. */
export const VOLUNTEER_COMMUNITY_ROLES: readonly Role[] = VOLUNTEER_POLICY['item.community']
/** Staff of a work unit: claim and deliver items, report their unit, read its scorecard. */
export const VOLUNTEER_UNIT_ROLES: readonly Role[] = VOLUNTEER_POLICY['unitReport.create']
/** The street's whistle (吹哨): escalated items are assigned to a unit. */
export const VOLUNTEER_STREET_ROLES: readonly Role[] = VOLUNTEER_POLICY['item.assign']
/** Who reads the item lists of their area. */
export const VOLUNTEER_ITEM_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'grid_worker']
/** Service-day calendar, unit scorecards of the area, the city overview. */
export const VOLUNTEER_AREA_ROLES: readonly Role[] = VOLUNTEER_POLICY['scorecard.unit.list']
/** The three lists (a unit sees and offers its own resources). */
export const VOLUNTEER_LIST_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'unit_staff']
/** Who may report a need (a resident through a member, grid workers, community staff). */
export const NEED_REPORTER_ROLES: readonly Role[] = VOLUNTEER_POLICY['item.report']
export const MEMBER_ROLES: readonly Role[] = VOLUNTEER_POLICY.checkin
/** 街呼县应: the street raises, its communities propose, the county and the city follow (departments: their inbox). */
export const WHISTLE_ROLES: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk']
/** 部门考评: the county and the city, a street, a department (its own row). */
export const WHISTLE_SCORECARD_ROLES: readonly Role[] = VOLUNTEER_POLICY['departmentScorecard.read']

/** 账号管理: the organisation department (admin), a street for its communities, a community secretary for the community. */
/** 区划导入: the organisation departments (the city's for any county of the city, a county's for its own). */
export const DIVISION_IMPORT_ROLES: readonly Role[] = ORG_POLICY['divisions.import']
export const ACCOUNT_ADMIN_ROLES: readonly Role[] = ORG_POLICY['accounts.manage']

/** 一网通办: who reads service applications (each in their area) and who takes and moves them on. */
export const SERVICE_ROLES: readonly Role[] = HOUSEHOLD_POLICY.readApplications
export const SERVICE_CLERK_ROLES: readonly Role[] = HOUSEHOLD_POLICY.takeApplications
/** 大党委 / 大工委 meetings: community staff, the street, the organisation departments (each within its area). */
/** 通知公告: who publishes (the organisation departments, a street, a community's secretary); every staff role reads. */
export const ANNOUNCEMENT_PUBLISHER_ROLES: readonly Role[] = NOTIFY_POLICY['announcement.publish']
export const ANNOUNCEMENT_READER_ROLES: readonly Role[] = ['city_admin', 'admin', 'street_admin', 'community_secretary', 'community_clerk', 'grid_worker', 'unit_staff']
export const MEETING_ROLES: readonly Role[] = ORG_POLICY['meetings.takePart']
/** 县区对比 on the city overview: the organisation departments (the city's every county, a county's its own). */
export const COUNTY_COMPARISON_ROLES: readonly Role[] = ORG_POLICY['coverage.counties']
/** The city overview: the area roles, and the city's organisation department (its county comparison). */
export const OVERVIEW_ROLES: readonly Role[] = [...VOLUNTEER_AREA_ROLES, 'city_admin']

/** Roles above a single community: they pick the community they look at. */
export const MULTI_COMMUNITY_ROLES: readonly Role[] = ['admin', 'street_admin']

export function usePermissions() {
  const auth = useAuthStore()
  const canEditOrg = computed(() => auth.hasRole(ORG_EDITOR_ROLES))
  const canSeeCoverage = computed(() => auth.hasRole(COVERAGE_ROLES))
  const canCreateCase = computed(() => auth.hasRole(CASE_CREATOR_ROLES))
  const seesManyCommunities = computed(() => auth.hasRole(MULTI_COMMUNITY_ROLES))
  // Exports are reads: whoever reads the register may take it to Excel (IDs stay masked).
  const canExportHousehold = computed(() => auth.hasRole(HOUSEHOLD_ROLES))
  const isCommunityStaff = computed(() => auth.hasRole(VOLUNTEER_COMMUNITY_ROLES))
  const isUnitStaff = computed(() => auth.hasRole(VOLUNTEER_UNIT_ROLES))
  const canReportNeed = computed(() => auth.hasRole(NEED_REPORTER_ROLES))
  const isAdmin = computed(() => auth.role === 'admin')
  return { canEditOrg, canSeeCoverage, canCreateCase, seesManyCommunities, canExportHousehold, isCommunityStaff, isUnitStaff, canReportNeed, isAdmin }
}
/** 系统监控 (operation log, login log, online sessions): the organisation department and the streets, each in its area. */
export const SYSTEM_MONITOR_ROLES: readonly Role[] = ORG_POLICY['monitor.read']
/** 系统日志 (every service's audit entries, on events): the city admin city-wide, the admins their county, the streets their street. */
export const SYSTEM_LOG_ROLES: readonly Role[] = ORG_POLICY['systemLog.read']
