import { computed, ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { NumberedPage, PageQuery } from '@/api/types'


export const PAGE_SIZES = [10, 20, 50, 100] as const
/** The server serves numbered pages within the first 10,000 rows (page × limit ≤ 10,000). */
export const PAGE_WINDOW = 10_000

export interface PagedList<T> {
  items: ShallowRef<T[]>
  total: Ref<number>
  totalExact: Ref<boolean>
  page: Ref<number>
  size: Ref<number>
  /** The last page the pager offers: the total's, capped at the server's window. */
  pageCount: Ref<number>
  loading: Ref<boolean>
  /** Why the page failed (the list shows it with a retry). */
  error: ShallowRef<unknown>
  /** Loads the current page again; only the latest call may write (a slow answer for an old filter is dropped). */
  load: () => Promise<void>
  /** Back to page 1 and load (the filters changed). */
  reset: () => Promise<void>
  setPage: (page: number) => void
  setSize: (size: number) => void
}

const intFrom = (v: unknown, fallback: number, ok: (n: number) => boolean): number => {
  const n = Number(typeof v === 'string' ? v : NaN)
  return Number.isInteger(n) && ok(n) ? n : fallback
}

/**
 * A filtered list read by numbered pages (共 N 条, page size, jump). The page and the page size live
 * in the URL next to the filters (`page`, `size`), so a reload or back from a detail page returns to
 * the same page. `fetchPage` asks for one page with the view's current filters.
 */
export function usePagedList<T>(
  fetchPage: (p: PageQuery) => Promise<NumberedPage<T>>,
  opts: { defaultSize?: number } = {},
): PagedList<T> {
  const route = useRoute()
  const router = useRouter()
  const defaultSize = opts.defaultSize ?? 20
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const totalExact = ref(true)
  const size = ref(intFrom(route.query.size, defaultSize, (n) => (PAGE_SIZES as readonly number[]).includes(n)))
  const page = ref(intFrom(route.query.page, 1, (n) => n >= 1 && n * size.value <= PAGE_WINDOW))
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  const pageCount = computed(() => Math.max(1, Math.min(Math.ceil(total.value / size.value), Math.floor(PAGE_WINDOW / size.value))))
  let seq = 0

  /** page and size into the address, next to the filters (the defaults are left out). */
  function writeQuery(): void {
    const query = { ...route.query }
    if (page.value > 1) query.page = String(page.value)
    else delete query.page
    if (size.value !== defaultSize) query.size = String(size.value)
    else delete query.size
    void router.replace({ query })
  }

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const res = await fetchPage({ page: page.value, limit: size.value })
      if (mine !== seq) return
      items.value = res.items
      total.value = res.total
      totalExact.value = res.totalExact
      // A page past the end (rows went away, or an old link): show the last page that has rows.
      if (!res.items.length && page.value > 1 && res.total > 0) {
        const last = Math.min(Math.ceil(res.total / size.value), Math.floor(PAGE_WINDOW / size.value))
        if (last < page.value) {
          page.value = Math.max(1, last)
          writeQuery()
          await load()
        }
      }
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function setPage(p: number): void {
    if (p === page.value) return
    page.value = p
    writeQuery()
    void load()
  }

  function setSize(s: number): void {
    if (s === size.value) return
    // Keep the first row of the current page in view.
    const first = (page.value - 1) * size.value
    size.value = s
    page.value = Math.min(Math.floor(first / s) + 1, Math.floor(PAGE_WINDOW / s))
    writeQuery()
    void load()
  }

  async function reset(): Promise<void> {
    page.value = 1
    await load()
  }

  return { items, total, totalExact, page, size, pageCount, loading, error, load, reset, setPage, setSize }
}
