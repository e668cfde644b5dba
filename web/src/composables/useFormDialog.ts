import { ref, shallowRef, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { newIdempotencyKey } from '@/api/household'
import { useFieldErrors } from './useFieldErrors'

export interface FormDialogOptions<T> {
  /** What the form still lacks; nothing is saved while there is any (shown once `tried`). */
  errors: Ref<string[]>
  /** Creates (`editing` null, with the dialog's idempotency key) or updates `editing`. */
  save: (editing: T | null, idempotencyKey: string) => Promise<unknown>
  successMessage: () => string
  /** Reads the list again after a save (and after a conflict on an update). */
  reload: () => unknown
  /**
   * The row being edited as the list now holds it (after the reload a conflict brings): the dialog then carries its
   * current version, so that, the conflict explained, the user's entries (kept in the form) can be saved again.
   */
  current?: (row: T) => T | undefined
}

/**
 * A create / edit dialog of a list: opened for a new row (`start()`) or an existing one
 * (`start(row)`), saved once the form is complete, then the list is read again. The server's refusal of a field
 * lands on that field (`errorOf(name)` for the form item's `:error`, in the user's language); a failed update may
 * be a stale copy (409: explained, then reloaded — and with `current`, saved again from the form as it stands); any
 * other failure is a message.
 */
export function useFormDialog<T = never>(opts: FormDialogOptions<T>) {
  const fields = useFieldErrors()
  const open = ref(false)
  const saving = ref(false)
  const tried = ref(false)
  const editing = shallowRef<T | null>(null)
  // A key per opening: a retried create is answered once by the server.
  let key = newIdempotencyKey()

  function start(row: T | null = null): void {
    key = newIdempotencyKey()
    tried.value = false
    fields.clear()
    editing.value = row
    open.value = true
  }

  async function submit(): Promise<void> {
    tried.value = true
    if (opts.errors.value.length) return
    saving.value = true
    fields.clear()
    try {
      await opts.save(editing.value, key)
      ElMessage.success(opts.successMessage())
      open.value = false
      await opts.reload()
    } catch (e) {
      await fields.report(e, editing.value ? opts.reload : undefined)
      if (editing.value && opts.current) editing.value = opts.current(editing.value) ?? editing.value
    } finally {
      saving.value = false
    }
  }

  return { open, saving, tried, editing, start, submit, errorOf: fields.errorOf }
}
