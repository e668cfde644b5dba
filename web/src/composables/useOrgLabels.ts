import { useI18n } from 'vue-i18n'
import type { OrgType, Role } from '@/api/types'

export type TagType = 'primary' | 'success' | 'warning' | 'info' | 'danger'

const typeTag: Record<OrgType, TagType> = {
  city_committee: 'danger',
  county_committee: 'danger',
  street_committee: 'danger',
  community_committee: 'warning',
  compound_branch: 'success',
  property_company_branch: 'primary',
  business_district_branch: 'primary',
  building_group: 'info',
  member_household: 'info',
  work_unit: 'primary',
}

/** Localised names of organisation types and roles. */
export function useOrgLabels() {
  const { t } = useI18n()
  return {
    typeLabel: (type: OrgType) => t(`orgType.${type}`),
    typeShort: (type: OrgType) => t(`orgTypeShort.${type}`),
    typeTag: (type: OrgType): TagType => typeTag[type] ?? 'info',
    roleLabel: (role: Role) => t(`role.${role}`),
  }
}
