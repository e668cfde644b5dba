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
  ElDropdown,
  ElDropdownItem,
  ElDropdownMenu,
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
 * (the public desk page is opened on phones). This one list serves both the registration and the
 * template types: GlobalComponents extends it, so a component used in a template but missing here
 * fails `vue-tsc` (checkUnknownComponents). It is a class, not an object literal, because an
 * interface may extend a class whose field types TypeScript resolves one by one; the inferred type
 * of an object literal of these components would reference GlobalComponents while it is being built.
 */
class RegisteredComponents {
  ElAlert = ElAlert
  ElAside = ElAside
  ElAutocomplete = ElAutocomplete
  ElBreadcrumb = ElBreadcrumb
  ElBreadcrumbItem = ElBreadcrumbItem
  ElButton = ElButton
  ElCard = ElCard
  ElCheckbox = ElCheckbox
  ElCheckboxGroup = ElCheckboxGroup
  ElCol = ElCol
  ElConfigProvider = ElConfigProvider
  ElContainer = ElContainer
  ElDatePicker = ElDatePicker
  ElDescriptions = ElDescriptions
  ElDescriptionsItem = ElDescriptionsItem
  ElDialog = ElDialog
  ElDivider = ElDivider
  ElDropdown = ElDropdown
  ElDropdownItem = ElDropdownItem
  ElDropdownMenu = ElDropdownMenu
  ElEmpty = ElEmpty
  ElForm = ElForm
  ElFormItem = ElFormItem
  ElHeader = ElHeader
  ElIcon = ElIcon
  ElInput = ElInput
  ElLoading = ElLoading
  ElMain = ElMain
  ElMenu = ElMenu
  ElMenuItem = ElMenuItem
  ElOption = ElOption
  ElOptionGroup = ElOptionGroup
  ElRadio = ElRadio
  ElRadioButton = ElRadioButton
  ElRadioGroup = ElRadioGroup
  ElResult = ElResult
  ElRow = ElRow
  ElScrollbar = ElScrollbar
  ElSelect = ElSelect
  ElSkeleton = ElSkeleton
  ElStatistic = ElStatistic
  ElStep = ElStep
  ElSteps = ElSteps
  ElSubMenu = ElSubMenu
  ElSwitch = ElSwitch
  ElTabPane = ElTabPane
  ElTable = ElTable
  ElTableColumn = ElTableColumn
  ElTabs = ElTabs
  ElTag = ElTag
  ElTimeline = ElTimeline
  ElTimelineItem = ElTimelineItem
  ElTooltip = ElTooltip
  ElCalendar = ElCalendar
  ElImage = ElImage
  ElInputNumber = ElInputNumber
  ElProgress = ElProgress
  ElRate = ElRate
  ElUpload = ElUpload
  ElTree = ElTree
}

declare module 'vue' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- its members are the fields of RegisteredComponents
  export interface GlobalComponents extends RegisteredComponents {}
  export interface GlobalDirectives {
    vLoading: typeof vLoading
  }
}

export function installElementPlus(app: App): void {
  for (const [name, component] of Object.entries(new RegisteredComponents())) app.component(name, component as Component)
  app.use(ElLoading) // v-loading directive
}
