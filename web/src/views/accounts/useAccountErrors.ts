import { useI18n } from 'vue-i18n'
import { isApiError } from '@/api/client'
import { useApiError } from '@/composables/useApiError'

/** The account API's own refusals in words; anything else as every page says it. */
export function useAccountErrors() {
  const { t } = useI18n()
  const { describe } = useApiError()

  /** `username`: the one asked for (USERNAME_TAKEN); `withOrg`: the call named an organisation (a 404 is then the organisation). */
  function describeAccountError(e: unknown, opts: { username?: string; withOrg?: boolean } = {}): string {
    if (!isApiError(e)) return describe(e)
    switch (e.code) {
      case 'USERNAME_TAKEN':
        return t('accounts.errors.usernameTaken', { username: opts.username ?? '' })
      case 'ROLE_NOT_ALLOWED_HERE':
        return t('accounts.errors.roleNotAllowedHere')
      case 'ORG_ARCHIVED':
        return t('accounts.errors.orgArchived')
      case 'CANNOT_CHANGE_SELF':
        return t('accounts.errors.cannotChangeSelf')
      default:
        break
    }
    if (e.status === 403 && opts.withOrg) return t('accounts.errors.roleNotGrantable')
    if (e.status === 404 && opts.withOrg) return t('accounts.errors.orgOutOfScope')
    return describe(e)
  }

  /** The copy the user saw is out of date (409 STALE_VERSION; the other 409s say what is wrong). */
  const isStale = (e: unknown) => isApiError(e) && e.status === 409 && e.code !== 'USERNAME_TAKEN' && e.code !== 'ORG_ARCHIVED'

  return { describeAccountError, isStale }
}
