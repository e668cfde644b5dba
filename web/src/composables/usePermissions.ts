import { computed } from 'vue'
import type { Role } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

/** Roles that maintain the organisation chart (the server checks again and scopes by area). */
export const ORG_EDITOR_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary']
/** Roles that see the coverage dashboard. */
export const COVERAGE_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary']

/** Roles that read the household register and its cases (the server scopes by area). */
export const HOUSEHOLD_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk', 'grid_worker']
/** Roles that open registration cases. */
export const CASE_CREATOR_ROLES: readonly Role[] = ['admin', 'community_secretary', 'community_clerk']
/** Roles that see household statistics (grid workers keep to their funnel and the queue). */
export const HOUSEHOLD_STATS_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary', 'community_clerk']
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
  return { canEditOrg, canSeeCoverage, canCreateCase, seesManyCommunities, canExportHousehold }
}
