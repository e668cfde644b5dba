/**
 * The one place ECharts' core is set up: the canvas renderer, the bar chart (on nearly every
 * dashboard) and the components every chart uses. The other chart types are registered by the
 * pages that draw them (`registerCharts([LineChart])`), so a page carries only its own types.
 */
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([CanvasRenderer, BarChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent])

/** Registers further chart types (LineChart, PieChart, FunnelChart, GaugeChart from 'echarts/charts'). */
export const registerCharts = use

export { VChart }
export type { ComposeOption, EChartsCoreOption } from 'echarts/core'
export type { BarSeriesOption, FunnelSeriesOption, GaugeSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
export type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
