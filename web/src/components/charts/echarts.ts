/**
 * The only place ECharts modules are registered: just what the coverage charts use,
 * so the bundle does not carry the whole library.
 */
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, GaugeChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import VChart from 'vue-echarts'

use([CanvasRenderer, BarChart, GaugeChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent])

export { VChart }
export type { ComposeOption } from 'echarts/core'
export type { BarSeriesOption, GaugeSeriesOption } from 'echarts/charts'
export type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
