import { computed } from 'vue'
import type { Role } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

/** Roles that maintain the organisation chart (the server checks again and scopes by area). */
export const ORG_EDITOR_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary']
/** Roles that see the coverage dashboard. */
export const COVERAGE_ROLES: readonly Role[] = ['admin', 'street_admin', 'community_secretary']

export function usePermissions() {
  const auth = useAuthStore()
  const canEditOrg = computed(() => auth.hasRole(ORG_EDITOR_ROLES))
  const canSeeCoverage = computed(() => auth.hasRole(COVERAGE_ROLES))
  return { canEditOrg, canSeeCoverage }
}
