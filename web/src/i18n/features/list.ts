/** Numbered list pages: the pager (共 N 条 / 约 N 条, page size), the query bar, empty and error states. */
export default {
  'zh-CN': {
    list: {
      totalExact: '共 {n} 条',
      totalEstimated: '约 {n} 条',
      estimatedHint: '记录较多，总数为数据库估算值；翻页与筛选结果不受影响',
      pageSize: '每页条数',
      retry: '重试',
      empty: '暂无数据',
      emptyFiltered: '没有符合条件的记录，可调整或清除筛选条件',
      clearFilters: '清除筛选',
      query: '查询条件',
      reset: '重置',
    },
  },
  en: {
    list: {
      totalExact: '{n} in total',
      totalEstimated: 'About {n}',
      estimatedHint: 'Many records: the total is the database’s estimate; paging and filters are exact',
      pageSize: 'Rows per page',
      retry: 'Retry',
      empty: 'Nothing here yet',
      emptyFiltered: 'Nothing matches the filters; change or clear them',
      clearFilters: 'Clear filters',
      query: 'Filters',
      reset: 'Reset',
    },
  },
}
