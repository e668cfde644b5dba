import type { LocationQuery } from 'vue-router'
import type { NumberedPage, PageQuery } from '@/api/types'
import { type PagedList, usePagedList } from './usePagedList'
import { type ActiveFilters, useRouteFilters } from './useRouteFilters'

type FilterValue = string | number | boolean | undefined

/**
 * A list page's filters and its numbered pages together (the query bar / table / pager convention): the filters,
 * the page and its size live in the URL (a reload or back from a detail page keeps them), a filter change goes back
 * to page 1, and `fetchPage` asks for one page with the set filters. The views show it with QueryBar, ListCard
 * (toolbar, error with 重试, the table, ListPager) and ListEmpty.
 */
export function useFilteredPages<F extends { q: string } & Record<string, FilterValue>, T>(
  parse: (query: LocationQuery) => F,
  fetchPage: (filters: ActiveFilters<F>, p: PageQuery) => Promise<NumberedPage<T>>,
  opts: { defaultSize?: number } = {},
): ReturnType<typeof useRouteFilters<F>> & { list: PagedList<T> } {
  const filters = useRouteFilters(parse, () => void list.reset(), ['size'])
  const list = usePagedList((p) => fetchPage(filters.active(), p), opts)
  return { ...filters, list }
}
