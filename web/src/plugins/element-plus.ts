import type { App, Component } from 'vue'
import {
  ElAlert,
  ElAside,
  ElAutocomplete,
  ElBreadcrumb,
  ElBreadcrumbItem,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCheckboxGroup,
  ElCol,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDivider,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElIcon,
  ElInput,
  ElLoading,
  ElMain,
  ElMenu,
  ElMenuItem,
  ElOption,
  ElOptionGroup,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElResult,
  ElRow,
  ElScrollbar,
  ElSelect,
  ElSkeleton,
  ElStatistic,
  ElStep,
  ElSteps,
  ElSubMenu,
  ElSwitch,
  ElTabPane,
  ElTable,
  ElTableColumn,
  ElTabs,
  ElTag,
  ElTimeline,
  ElTimelineItem,
  ElTooltip,
  ElCalendar,
  ElImage,
  ElInputNumber,
  ElProgress,
  ElRate,
  ElUpload,
  ElTree,
  type vLoading,
} from 'element-plus'
import 'element-plus/dist/index.css'

/**
 * Only the Element Plus components the SPA uses are registered, so the rest is tree-shaken
 * (the public desk page is opened on phones). GlobalComponents below lists the same names, so a
 * component used in a template but missing here fails `vue-tsc` (checkUnknownComponents).
 */
const components: Record<string, Component> = {
  ElAlert,
  ElAside,
  ElAutocomplete,
  ElBreadcrumb,
  ElBreadcrumbItem,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCheckboxGroup,
  ElCol,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDivider,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElIcon,
  ElInput,
  ElLoading,
  ElMain,
  ElMenu,
  ElMenuItem,
  ElOption,
  ElOptionGroup,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElResult,
  ElRow,
  ElScrollbar,
  ElSelect,
  ElSkeleton,
  ElStatistic,
  ElStep,
  ElSteps,
  ElSubMenu,
  ElSwitch,
  ElTabPane,
  ElTable,
  ElTableColumn,
  ElTabs,
  ElTag,
  ElTimeline,
  ElTimelineItem,
  ElTooltip,
  ElCalendar,
  ElImage,
  ElInputNumber,
  ElProgress,
  ElRate,
  ElUpload,
  ElTree,
}

declare module 'vue' {
  export interface GlobalComponents {
    ElAlert: typeof ElAlert
    ElAside: typeof ElAside
    ElAutocomplete: typeof ElAutocomplete
    ElBreadcrumb: typeof ElBreadcrumb
    ElBreadcrumbItem: typeof ElBreadcrumbItem
    ElButton: typeof ElButton
    ElCard: typeof ElCard
    ElCheckbox: typeof ElCheckbox
    ElCheckboxGroup: typeof ElCheckboxGroup
    ElCol: typeof ElCol
    ElConfigProvider: typeof ElConfigProvider
    ElContainer: typeof ElContainer
    ElDatePicker: typeof ElDatePicker
    ElDescriptions: typeof ElDescriptions
    ElDescriptionsItem: typeof ElDescriptionsItem
    ElDialog: typeof ElDialog
    ElDivider: typeof ElDivider
    ElEmpty: typeof ElEmpty
    ElForm: typeof ElForm
    ElFormItem: typeof ElFormItem
    ElHeader: typeof ElHeader
    ElIcon: typeof ElIcon
    ElInput: typeof ElInput
    ElLoading: typeof ElLoading
    ElMain: typeof ElMain
    ElMenu: typeof ElMenu
    ElMenuItem: typeof ElMenuItem
    ElOption: typeof ElOption
    ElOptionGroup: typeof ElOptionGroup
    ElRadio: typeof ElRadio
    ElRadioButton: typeof ElRadioButton
    ElRadioGroup: typeof ElRadioGroup
    ElResult: typeof ElResult
    ElRow: typeof ElRow
    ElScrollbar: typeof ElScrollbar
    ElSelect: typeof ElSelect
    ElSkeleton: typeof ElSkeleton
    ElStatistic: typeof ElStatistic
    ElStep: typeof ElStep
    ElSteps: typeof ElSteps
    ElSubMenu: typeof ElSubMenu
    ElSwitch: typeof ElSwitch
    ElTabPane: typeof ElTabPane
    ElTable: typeof ElTable
    ElTableColumn: typeof ElTableColumn
    ElTabs: typeof ElTabs
    ElTag: typeof ElTag
    ElTimeline: typeof ElTimeline
    ElTimelineItem: typeof ElTimelineItem
    ElTooltip: typeof ElTooltip
    ElCalendar: typeof ElCalendar
    ElImage: typeof ElImage
    ElInputNumber: typeof ElInputNumber
    ElProgress: typeof ElProgress
    ElRate: typeof ElRate
    ElUpload: typeof ElUpload
    ElTree: typeof ElTree
  }
  export interface GlobalDirectives {
    vLoading: typeof vLoading
  }
}

export function installElementPlus(app: App): void {
  for (const [name, component] of Object.entries(components)) app.component(name, component)
  app.use(ElLoading) // v-loading directive
}
