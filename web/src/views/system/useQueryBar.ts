import { reactive } from 'vue'
import type { LocationQuery } from 'vue-router'
import { queryText, useRouteFilters } from '@/composables/useRouteFilters'

type Filters = { q: string } & Record<string, string>

/**
 * The query bar of the console's lists (RuoYi's 搜索 / 重置): the controls edit a draft, 搜索 applies it
 * to the filters (kept in the URL, so a reload keeps them), 重置 clears them. `from`/`to` are a
 * time range picked together.
 */
export function useQueryBar<F extends Filters>(keys: readonly (keyof F & string)[], onChange: () => void) {
  const parse = (query: LocationQuery) => Object.fromEntries(keys.map((k) => [k, queryText(query[k])])) as F
  const { filters, active } = useRouteFilters(parse, onChange)
  const draft = reactive({ ...filters }) as F
  const range = reactive<{ value: [Date, Date] | null }>({ value: filters.from && filters.to ? [new Date(filters.from), new Date(filters.to)] : null })

  function search(): void {
    const [from, to] = range.value ?? [null, null]
    Object.assign(draft, { from: from ? from.toISOString() : '', to: to ? to.toISOString() : '' })
    const changed = keys.some((k) => filters[k] !== draft[k])
    Object.assign(filters, draft)
    if (!changed) onChange() // 搜索 with the same filters loads again
  }

  function reset(): void {
    for (const k of keys) (draft as Record<string, string>)[k] = ''
    range.value = null
    search()
  }

  return { filters, draft, range, search, reset, active }
}
