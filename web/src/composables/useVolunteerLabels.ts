import { useI18n } from 'vue-i18n'
import type { ItemEventAction, ItemKind, ItemStatus, ProjectStatus, ReportStatus, ServiceCategory } from '@/api/types'
import { REPORT_LABELS } from '@redheart/workflows/labels/dual-report'
import { tonesOf } from '@redheart/workflows/labels/label'
import { ITEM_LABELS } from '@redheart/workflows/labels/service-item'
import type { TagType } from './useOrgLabels'

/** The tone of each item and report status (the workflows' labels). */
const statusTag: Record<ItemStatus, TagType> = tonesOf(ITEM_LABELS.states)
const reportTag: Record<ReportStatus, TagType> = tonesOf(REPORT_LABELS.states)

/** Delivered, as the public board and the overview count it. */
export const DELIVERED_STATUSES: readonly ItemStatus[] = ['DONE', 'CONFIRMED', 'CLOSED']
/** In the hands of a unit: its schedule (我的任务). */
export const IN_HAND_STATUSES: readonly ItemStatus[] = ['CLAIMED', 'SCHEDULED', 'IN_PROGRESS', 'DONE']

/** Localised names of the volunteer service's codes (statuses, actions, kinds, report states). */
export function useVolunteerLabels() {
  const { t, te, locale } = useI18n()
  const or = (key: string, raw: string) => (te(key) ? t(key) : raw)
  return {
    statusLabel: (s: ItemStatus | string) => or(`volunteer.status.${s}`, s),
    statusTag: (s: ItemStatus): TagType => statusTag[s] ?? 'info',
    actionLabel: (a: ItemEventAction | string) => or(`volunteer.action.${a}`, a),
    kindLabel: (k: ItemKind | string) => or(`volunteer.kind.${k}`, k),
    sourceLabel: (s: string) => or(`volunteer.source.${s}`, s),
    reportStatusLabel: (s: ReportStatus | string) => or(`volunteer.reportStatus.${s}`, s),
    reportStatusTag: (s: ReportStatus): TagType => reportTag[s] ?? 'info',
    projectStatusLabel: (s: ProjectStatus | string) => or(`volunteer.projectStatus.${s}`, s),
    /** The English name where the category has one and the page is in English. */
    categoryName: (c: Pick<ServiceCategory, 'name' | 'nameEn'>) => (locale.value === 'en' && c.nameEn ? c.nameEn : c.name),
  }
}
