import { reactive } from 'vue'
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { fieldErrorsOf, useApiError } from './useApiError'

/**
 * The server's refusal of a form's fields, shown on those fields (`<el-form-item :error="errorOf('phone')">`) rather
 * than only in a toast that vanishes. `aliases` maps the API's field path to the form's own name where they differ
 * (`{ 'contacts.phone': 'phone' }`); `persons[0].name` arrives as `persons.0.name`.
 *
 *     const { errorOf, report, clear } = useFieldErrors({ 'contacts.phone': 'phone' })
 *     try { clear(); await save() } catch (e) { await report(e, reload) }
 */
export function useFieldErrors(aliases: Record<string, string> = {}) {
  const { t } = useI18n()
  const { fieldMessage, handle, notify } = useApiError()
  const errors = reactive<Record<string, string>>({})

  function clear(field?: string): void {
    for (const k of Object.keys(errors)) if (field === undefined || k === field) delete errors[k]
  }

  /** Puts the error's bad fields on the form; true when it had any (a 400 VALIDATION_FAILED or a field-level refusal). */
  function take(e: unknown): boolean {
    clear()
    const fields = fieldErrorsOf(e)
    for (const f of fields) {
      const name = aliases[f.field] ?? f.field
      const text = fieldMessage(f)
      errors[name] = errors[name] ? `${errors[name]}；${text}` : text
    }
    return fields.length > 0
  }

  /**
   * A failed submit: field errors on their fields (and a short toast pointing at them), anything else as every page
   * says it — an update (`reload` given) through `handle`, whose 409 explains the stale copy and reloads; a create (no
   * copy to reload) as a message.
   */
  async function report(e: unknown, reload?: () => unknown): Promise<void> {
    if (take(e)) {
      ElMessage.error({ message: t('errors.checkFields'), grouping: true })
      return
    }
    if (reload) await handle(e, reload)
    else notify(e)
  }

  /** For `:error` of an el-form-item: the message, or '' (no error). */
  const errorOf = (field: string): string => errors[field] ?? ''

  return { fieldErrors: errors, errorOf, take, report, clear }
}
