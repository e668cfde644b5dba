import { ref } from 'vue'
import { getCoverage } from '@/api/org'
import { useAuthStore } from '@/stores/auth'
import { MULTI_COMMUNITY_ROLES } from './usePermissions'

export interface CommunityOption {
  /** The household service keys communities by the org unit's numeric id. */
  id: number
  name: string
  street: string
}

const list = ref<CommunityOption[]>([])
let loaded: Promise<void> | null = null

/**
 * The communities a street admin or admin may pick (from the coverage listing, which the org
 * service already scopes); empty for community staff, who work in their own community only.
 */
export function useCommunities() {
  const auth = useAuthStore()

  function load(): Promise<void> {
    if (!auth.hasRole(MULTI_COMMUNITY_ROLES)) return Promise.resolve()
    if (!loaded) {
      loaded = getCoverage()
        .then((c) => {
          list.value = c.streets.flatMap((s) => s.communities.map((cm) => ({ id: Number(cm.id), name: cm.name, street: s.name })))
        })
        .catch(() => {
          loaded = null // a later page may try again
        })
    }
    return loaded
  }

  return { communities: list, load }
}
