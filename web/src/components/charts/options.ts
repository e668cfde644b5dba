/**
 * The pieces the dashboards build their ECharts options from, so the charts of the coverage,
 * household, volunteer and overview pages look alike. Types only from ./echarts: no chart code here.
 */
import type { BarSeriesOption, GridComponentOption, LineSeriesOption, TooltipComponentOption } from './echarts'

/** The tooltip of bar charts: the whole category, with a shadow behind it. */
export const AXIS_TOOLTIP: TooltipComponentOption = { trigger: 'axis', axisPointer: { type: 'shadow' } }

/** The plot area with its axis labels inside; `top` leaves room for the legend. */
export const chartGrid = (top: number): GridComponentOption => ({ left: 8, right: 16, top, bottom: 8, containLabel: true })

/** A category axis. With `rotateAbove`, every label is shown, tilted once there are more than that many. */
export const categoryAxis = (data: string[], rotateAbove?: number) =>
  rotateAbove === undefined
    ? { type: 'category' as const, data }
    : { type: 'category' as const, data, axisLabel: { interval: 0, rotate: data.length > rotateAbove ? 30 : 0 } }

/** A bar series in one colour (bars at most 32 px wide unless `extra` says otherwise). */
export const barSeries = (name: string, color: string, data: (number | null)[], extra: Partial<BarSeriesOption> = {}): BarSeriesOption => ({
  name,
  type: 'bar',
  barMaxWidth: 32,
  itemStyle: { color },
  data,
  ...extra,
})

/** A smooth line series in one colour. */
export const lineSeries = (name: string, color: string, data: (number | null)[], extra: Partial<LineSeriesOption> = {}): LineSeriesOption => ({
  name,
  type: 'line',
  smooth: true,
  itemStyle: { color },
  data,
  ...extra,
})
