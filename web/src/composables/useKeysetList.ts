import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { useApiError } from './useApiError'

/** One page of a keyset-paged list: `nextCursor` continues after its last row (null: the end). */
export interface KeysetPage<T, C> {
  items: T[]
  nextCursor: C | null
}

export interface KeysetList<T, C> {
  items: ShallowRef<T[]>
  nextCursor: Ref<C | null>
  /** The first page is loading (a new filter, a refresh). */
  loading: Ref<boolean>
  loadingMore: Ref<boolean>
  /** Why the first page failed (a page shows it); a failed next page is only a message. */
  error: ShallowRef<unknown>
  /** Loads the first page again; only the latest call may write, so a slow answer for an old filter is dropped. */
  load: () => Promise<void>
  /** Appends the next page; the cursor continues after the last row, so rows never repeat or go missing. */
  loadMore: () => Promise<void>
}

/**
 * A filtered list read page by page with a keyset cursor. `fetchPage` asks for the page after
 * `cursor` (undefined: the first page) with the view's current filters.
 */
export function useKeysetList<T, C = string>(fetchPage: (cursor: C | undefined) => Promise<KeysetPage<T, C>>): KeysetList<T, C> {
  const { notify } = useApiError()
  const items = shallowRef<T[]>([])
  const nextCursor = ref<C | null>(null) as Ref<C | null>
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = shallowRef<unknown>(null)
  let seq = 0

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(undefined)
      if (mine !== seq) return
      items.value = page.items
      nextCursor.value = page.nextCursor
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value
    if (cursor === null) return
    const mine = seq
    loadingMore.value = true
    try {
      const page = await fetchPage(cursor)
      if (mine !== seq) return
      items.value = [...items.value, ...page.items]
      nextCursor.value = page.nextCursor
    } catch (e) {
      notify(e)
    } finally {
      loadingMore.value = false
    }
  }

  return { items, nextCursor, loading, loadingMore, error, load, loadMore }
}
