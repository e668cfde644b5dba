import { useI18n } from 'vue-i18n'
import type { ItemEventAction, ItemKind, ItemStatus, ProjectStatus, ReportStatus, ServiceCategory } from '@/api/types'
import type { TagType } from './useOrgLabels'

const statusTag: Record<ItemStatus, TagType> = {
  REPORTED: 'info',
  PUBLISHED: 'primary',
  REJECTED: 'danger',
  REFERRED: 'info',
  MERGED: 'info',
  CLAIMED: 'warning',
  ESCALATED: 'danger',
  SCHEDULED: 'warning',
  IN_PROGRESS: 'warning',
  DONE: 'success',
  CONFIRMED: 'success',
  CLOSED: 'success',
  CANCELLED: 'info',
}

const reportTag: Record<ReportStatus, TagType> = { pending: 'warning', approved: 'success', rejected: 'danger', ended: 'info' }

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
