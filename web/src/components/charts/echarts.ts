/**
 * The only place ECharts modules are registered: just what the dashboards use (coverage,
 * household statistics, separation funnel), so the bundle does not carry the whole library.
 */
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, FunnelChart, GaugeChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([CanvasRenderer, BarChart, FunnelChart, GaugeChart, LineChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent])

export { VChart }
export type { ComposeOption } from 'echarts/core'
export type { BarSeriesOption, FunnelSeriesOption, GaugeSeriesOption, LineSeriesOption } from 'echarts/charts'
export type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
