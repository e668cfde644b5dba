import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { type ApiError, isApiError } from '@/api/client'

/** One bad field of a 400 VALIDATION_FAILED (`details`): the field's path, a machine code and its params. */
export interface FieldError {
  field: string
  code?: string
  params?: Record<string, unknown>
  errors?: string[]
}

/**
 * The bad fields of an error, or [] (`persons[0].name` is written `persons.0.name`, as parseDto names it): a 400's, a
 * 409's that names the field it refuses (a code or username taken, a linked case on `caseId`), or a 403's that does (a
 * division code outside the caller's county or city).
 */
export function fieldErrorsOf(e: unknown): FieldError[] {
  if (!isApiError(e) || ![400, 403, 409].includes(e.status) || !Array.isArray(e.details)) return []
  return (e.details as unknown[])
    .filter((d): d is FieldError => !!d && typeof d === 'object' && typeof (d as FieldError).field === 'string')
    .map((d) => ({ ...d, field: d.field.replace(/\[(\d+)\]/g, '.$1') }))
}

/** Where each record of a WRONG_STATE lives in the messages: its statuses and its actions. */
const STATE_LABELS: Record<string, { status: string; action: string }> = {
  move_case: { status: 'household.status', action: 'household.action' },
  service_application: { status: 'services.status', action: 'services.action' },
  item: { status: 'volunteer.status', action: 'volunteer.action' },
  whistle: { status: 'whistles.status', action: 'whistles.action' },
  whistle_response: { status: 'whistles.response', action: 'whistles.action' },
  unit_report: { status: 'volunteer.reportStatus', action: 'errors.decision' },
  member_report: { status: 'volunteer.reportStatus', action: 'errors.decision' },
  outreach_task: { status: 'household.separation.stage', action: 'household.separation.action' },
}

export const HAN = /[\u4e00-\u9fff]/

/**
 * Turns API errors into localised messages: by the server's `code` and `params` (`errors.byCode`, the field codes of a
 * VALIDATION_FAILED in `errors.field`), else by status; the server's own text only where the code is unknown.
 */
export function useApiError() {
  const { t, te, locale } = useI18n()

  /** A message's params as the messages print them: lists joined. */
  function printable(params: Record<string, unknown> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(params ?? {})) out[k] = Array.isArray(v) ? v.join(locale.value === 'en' ? ', ' : '、') : v
    return out
  }

  /** What is wrong with one field, in the user's language (the server's words only when they are in it). */
  function fieldMessage(f: FieldError): string {
    if (f.code && te(`errors.field.${f.code}`)) return t(`errors.field.${f.code}`, printable(f.params))
    if (f.code && te(`errors.byCode.${f.code}`)) return t(`errors.byCode.${f.code}`, printable(f.params))
    const server = f.errors?.find((x) => typeof x === 'string')
    if (server && (locale.value === 'en' || HAN.test(server))) return server
    return t('errors.field.invalid')
  }

  /** "该案件当前为“已受理”，不能“受理”" from WRONG_STATE {entity, from, action}, when the names are known. */
  function wrongState(p: Record<string, unknown>): string | null {
    const labels = STATE_LABELS[String(p.entity)]
    if (!labels || !te(`errors.entity.${String(p.entity)}`)) return null
    const status = `${labels.status}.${String(p.from)}`
    const action = `${labels.action}.${String(p.action)}`
    if (!te(status) || !te(action)) return t('errors.wrongStateOf', { entity: t(`errors.entity.${String(p.entity)}`) })
    return t('errors.wrongState', { entity: t(`errors.entity.${String(p.entity)}`), from: t(status), action: t(action) })
  }

  /** The text for a known code (with its params and details: the field, the size limit), or null. */
  function byCode(e: ApiError): string | null {
    if (e.code === 'WRONG_STATE' && e.params) {
      const text = wrongState(e.params)
      if (text) return text
    }
    if (e.code === 'VALIDATION_FAILED') {
      const fields = fieldErrorsOf(e)
      if (fields.length) return t('errors.validationFields', { fields: [...new Set(fields.map(fieldMessage))].join('；') })
    }
    const key = `errors.byCode.${e.code}`
    if (!te(key)) return null
    const d = (e.details && typeof e.details === 'object' ? e.details : {}) as Record<string, unknown>
    if (e.code === 'INVALID_CHARACTERS' && typeof d.field === 'string') return t('errors.invalidCharactersIn', { field: d.field })
    if (e.code === 'PAYLOAD_TOO_LARGE' && typeof d.limit === 'number') return t('errors.payloadTooLargeLimit', { mb: Math.round((d.limit / 1048576) * 10) / 10 })
    return t(key, printable(e.params))
  }

  function describe(e: unknown): string {
    if (!isApiError(e)) return e instanceof Error && e.message ? e.message : t('errors.unknown')
    const known = byCode(e)
    if (known) return known
    // An unknown code: the server's own words, which may be in another language (the only fallback).
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

  return { describe, notify, handle, isConflict, fieldMessage }
}
