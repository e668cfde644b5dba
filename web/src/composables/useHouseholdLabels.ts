import { useI18n } from 'vue-i18n'
import type { CaseEventAction, CaseStatus, CaseType, ChecklistItem, DuplicateKind, HouseholdKind, Relation, Sex, TrafficLight } from '@/api/types'
import { CASE_LABELS } from '@redheart/workflows/labels/hukou-case'
import { tonesOf } from '@redheart/workflows/labels/label'
import type { TagType } from './useOrgLabels'

/** The tone of each case status (the workflow's labels). */
const statusTag: Record<CaseStatus, TagType> = tonesOf(CASE_LABELS.states)

export const LIGHT_COLORS: Record<TrafficLight, string> = {
  green: '#2ba471',
  yellow: '#e6a23c',
  red: '#d54941',
  none: '#c0c4cc',
}

/** Localised names of household-registration codes (types, statuses, relations, materials …). */
export function useHouseholdLabels() {
  const { t, te } = useI18n()
  const or = (key: string, raw: string) => (te(key) ? t(key) : raw)
  return {
    typeLabel: (type: CaseType) => or(`household.caseType.${type}`, type),
    statusLabel: (status: CaseStatus, type?: CaseType) =>
      status === 'SETTLED' && type === 'move_out' ? t('household.status.SETTLED_move_out') : or(`household.status.${status}`, status),
    statusTag: (status: CaseStatus): TagType => statusTag[status] ?? 'info',
    relationLabel: (r: Relation | string | null | undefined) => (r ? or(`household.relation.${r}`, r) : ''),
    itemLabel: (item: ChecklistItem | string) => or(`household.item.${item}`, item),
    actionLabel: (a: CaseEventAction | string) => or(`household.action.${a}`, a),
    lightLabel: (l: TrafficLight) => or(`household.light.${l}`, l),
    sexLabel: (s: Sex | string | null | undefined) => (s ? or(`household.sex.${s}`, s) : ''),
    kindLabel: (k: HouseholdKind | string) => or(`household.kind.${k}`, k),
    endReasonLabel: (r: string | null | undefined) => (r ? or(`household.endReason.${r}`, r) : ''),
    duplicateLabel: (k: DuplicateKind) => or(`household.duplicateKind.${k}`, k),
  }
}
