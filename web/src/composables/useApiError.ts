import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { type ApiError, isApiError } from '@/api/client'

/**
 * Turns API errors into localised messages: by the server's `code` where the messages have it (`errors.byCode`),
 * else by status; the server's own text is added where it helps.
 */
export function useApiError() {
  const { t, te } = useI18n()

  /** The text for a known code (with its details: the field, the size limit), or null. */
  function byCode(e: ApiError): string | null {
    const key = `errors.byCode.${e.code}`
    if (!te(key)) return null
    const d = (e.details && typeof e.details === 'object' ? e.details : {}) as Record<string, unknown>
    if (e.code === 'INVALID_CHARACTERS' && typeof d.field === 'string') return t('errors.invalidCharactersIn', { field: d.field })
    if (e.code === 'PAYLOAD_TOO_LARGE' && typeof d.limit === 'number') return t('errors.payloadTooLargeLimit', { mb: Math.round((d.limit / 1048576) * 10) / 10 })
    return t(key)
  }

  function describe(e: unknown): string {
    if (!isApiError(e)) return e instanceof Error && e.message ? e.message : t('errors.unknown')
    const known = byCode(e)
    if (known) return known
    const withServer = (base: string) => (e.message ? `${base} ${t('errors.serverSaid', { message: e.message })}` : base)
    switch (e.status) {
      case 0:
        return t('errors.network')
      case 400:
      case 422:
        return withServer(t('errors.validation'))
      case 401:
        return t('errors.sessionExpired')
      case 403:
        return t('errors.forbidden')
      case 404:
        return t('errors.notFound')
      case 409:
        return t('errors.conflict')
      case 423:
        return withServer(t('errors.locked'))
      case 429:
        return t('errors.rateLimited')
      case 502:
      case 503:
      case 504:
        return t('errors.upstream')
      default:
        return e.message || t('errors.unknown')
    }
  }

  /**
   * One message per failure: a 401 that reaches a component means the session could not be
   * recovered, which the client's onSessionExpired already announced (and it went to the login page).
   */
  function notify(e: unknown): void {
    if (isApiError(e) && e.status === 401) return
    ElMessage.error({ message: describe(e), grouping: true })
  }

  function isConflict(e: unknown): boolean {
    return isApiError(e) && e.status === 409
  }

  /**
   * A 409 means our copy is stale (someone else saved first): say so and offer to reload.
   * Any other error is shown as a message. Resolves once the user dismissed the notice.
   */
  async function handle(e: unknown, reload?: () => unknown): Promise<void> {
    if (isConflict(e)) {
      // The message box is loaded when a conflict first needs it, not with every page (the login page).
      const { ElMessageBox } = await import('element-plus/es/components/message-box/index.mjs')
      try {
        await ElMessageBox.alert((isApiError(e) && byCode(e)) || t('errors.conflict'), t('errors.conflictTitle'), {
          type: 'warning',
          confirmButtonText: t('common.refresh'),
        })
      } catch {
        // closed without pressing the button: still reload, the data is stale either way
      }
      await reload?.()
      return
    }
    notify(e)
  }

  return { describe, notify, handle, isConflict }
}
