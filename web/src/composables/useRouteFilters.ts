import { reactive, ref, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

/** A filter value: text, a code, an id, a switch; '' / undefined / false mean "not filtered". */
type FilterValue = string | number | boolean | undefined

/** The filters as an API query takes them: text trimmed, the unset ones left out. */
export type ActiveFilters<F> = { [K in keyof F]?: Exclude<F[K], false | ''> }

/* Reading a filter from the address (anything unexpected is "not filtered"). */
export const queryText = (v: unknown): string => (typeof v === 'string' ? v : '')
export const queryCode = <T extends string>(v: unknown, allowed: readonly T[]): T | undefined =>
  (allowed as readonly string[]).includes(queryText(v)) ? (queryText(v) as T) : undefined
export const queryId = (v: unknown): number | undefined => Number(queryText(v)) || undefined
export const queryFlag = (v: unknown): boolean => v === 'true'

/** The set filters only, text trimmed (`q: '  '` is no filter). */
export function activeFilters<F extends Record<string, FilterValue>>(filters: F): ActiveFilters<F> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(filters)) {
    const v = typeof value === 'string' ? value.trim() : value
    if (v !== undefined && v !== false && v !== '') out[key] = v
  }
  return out as ActiveFilters<F>
}

/**
 * Filters that live in the URL, so back from a detail page returns to the same list. `parse`
 * reads them from the query; every change is written back (`router.replace`) and `onChange` runs
 * (the list loads again). The free-text search `q` applies on enter or the search button only.
 */
export function useRouteFilters<F extends { q: string } & Record<string, FilterValue>>(
  parse: (query: LocationQuery) => F,
  onChange: () => void,
  /** Other keys of the address a filter change keeps (e.g. a numbered list's page `size`). */
  keep: readonly string[] = [],
) {
  const route = useRoute()
  const router = useRouter()
  const filters = reactive(parse(route.query)) as F
  const searchText = ref(filters.q)
  const setQ = (q: string) => Object.assign(filters, { q })

  watch(
    () => ({ ...filters }),
    (f) => {
      const query: LocationQuery = Object.fromEntries(Object.entries(activeFilters(f)).map(([k, v]) => [k, String(v)]))
      for (const k of keep) if (route.query[k] !== undefined) query[k] = route.query[k]
      void router.replace({ query })
      onChange()
    },
  )

  function search(): void {
    setQ(searchText.value)
  }

  function clearSearch(): void {
    searchText.value = ''
    setQ('')
  }

  /** Every filter back to "not filtered" (the query bar's 重置). */
  function clearAll(): void {
    searchText.value = ''
    Object.assign(filters, parse({}))
  }

  /** The filters for the API call. */
  const active = (): ActiveFilters<F> => activeFilters(filters)
  /** Whether any filter is set (an empty list then says "nothing matches" and offers 重置). */
  const filtered = (): boolean => Object.keys(activeFilters(filters)).length > 0

  return { filters, searchText, search, clearSearch, clearAll, active, filtered }
}
