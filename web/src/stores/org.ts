import { defineStore } from 'pinia'
import { ref } from 'vue'
import * as orgApi from '@/api/org'
import type { IsoDate, OrgId, OrgUnit } from '@/api/types'

export interface ChildrenQuery {
  asOf?: IsoDate | null
  includeArchived?: boolean
}

const cacheKey = (parentId: OrgId, q: ChildrenQuery) =>
  `${parentId}|${q.asOf ?? ''}|${q.includeArchived ? 1 : 0}`

/**
 * Cache of the lazily loaded organisation tree. Entries are keyed by parent, as-of date and
 * the archived filter, so flipping back to "today" does not reload what was already seen.
 */
export const useOrgStore = defineStore('org', () => {
  const roots = ref<OrgUnit[] | null>(null)
  const children = new Map<string, OrgUnit[]>()

  async function loadRoots(force = false): Promise<OrgUnit[]> {
    if (!roots.value || force) roots.value = await orgApi.getRoots()
    return roots.value
  }

  async function loadChildren(parentId: OrgId, q: ChildrenQuery = {}, force = false): Promise<OrgUnit[]> {
    const key = cacheKey(parentId, q)
    const cached = children.get(key)
    if (cached && !force) return cached
    const list = await orgApi.getChildren(parentId, { asOf: q.asOf, includeArchived: q.includeArchived })
    children.set(key, list)
    return list
  }

  /** Forget the children of a parent for every as-of date (after a create, move or archive). */
  function invalidate(parentId: OrgId | null | undefined): void {
    if (!parentId) {
      roots.value = null
      return
    }
    for (const key of [...children.keys()]) {
      if (key.startsWith(`${parentId}|`)) children.delete(key)
    }
  }

  function reset(): void {
    roots.value = null
    children.clear()
  }

  return { roots, loadRoots, loadChildren, invalidate, reset }
})
