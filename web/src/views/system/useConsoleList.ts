import { reactive, ref, type Ref } from 'vue'
import type { LocationQuery } from 'vue-router'
import type { NumberedPage, PageQuery } from '@/api/types'
import { type PagedList, usePagedList } from '@/composables/usePagedList'
import { queryText, useRouteFilters } from '@/composables/useRouteFilters'

type Filters = { q: string } & Record<string, string>

/** What ConsoleList.vue shows and drives: the list, whether a filter is set, 搜索 / 重置, the time range if any. */
export interface ConsoleListState<T> {
  list: PagedList<T>
  filtered: () => boolean
  search: () => void
  reset: () => void
  /** null: the list has no time range (no `from`/`to` filters). */
  range: Ref<[Date, Date] | null> | null
  setRange: (v: [Date, Date] | null) => void
}

/**
 * The shape the 系统监控 lists share (RuoYi's 搜索 / 重置 over a numbered table): the query bar's controls
 * edit a draft, 搜索 applies it to the filters (kept in the URL with the page and its size, so a reload
 * keeps them) and goes back to page 1, 重置 clears them. `from`/`to` are a time range picked together.
 * `fetchPage` asks for one page with the applied filters.
 */
export function useConsoleList<F extends Filters, T>(keys: readonly (keyof F & string)[], fetchPage: (filters: F, p: PageQuery) => Promise<NumberedPage<T>>): { draft: F; state: ConsoleListState<T> } {
  const parse = (query: LocationQuery) => Object.fromEntries(keys.map((k) => [k, queryText(query[k])])) as F
  const { filters, filtered } = useRouteFilters(parse, () => void list.reset(), ['size'])
  const list = usePagedList((p) => fetchPage(filters as F, p))
  const draft = reactive({ ...filters }) as F
  const hasRange = keys.includes('from')
  const range = ref<[Date, Date] | null>(filters.from && filters.to ? [new Date(filters.from), new Date(filters.to)] : null)

  function search(): void {
    const [from, to] = range.value ?? [null, null]
    if (hasRange) Object.assign(draft, { from: from ? from.toISOString() : '', to: to ? to.toISOString() : '' })
    const changed = keys.some((k) => filters[k] !== draft[k])
    Object.assign(filters, draft)
    if (!changed) void list.reset() // 搜索 with the same filters loads again
  }

  function reset(): void {
    for (const k of keys) (draft as Record<string, string>)[k] = ''
    range.value = null
    search()
  }

  const setRange = (v: [Date, Date] | null) => void (range.value = v)
  return { draft, state: { list, filtered, search, reset, range: hasRange ? range : null, setRange } }
}
