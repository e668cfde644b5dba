import { ref, watch, type Ref } from 'vue'
import { ElMessage } from 'element-plus'
import { isApiError } from '@/api/client'
import { newIdempotencyKey } from '@/api/household'
import { useApiError } from './useApiError'

export interface TransitionSubmitOptions<A, D> {
  /** What the form still lacks; nothing is sent while there is any (shown once `tried`). */
  errors: Ref<string[]>
  /** Sends the transition with the version the user saw. */
  send: (action: A, idempotencyKey: string) => Promise<D>
  successMessage: (action: A) => string
  /** The server's answer: the record after the transition. */
  done: (detail: D, action: A) => void
  /** A 409 (or a reused key): the page shows it with a reload. */
  conflict: (error: unknown) => void
}

/**
 * Submitting an action dialog of a record with a version (a household case, a service item).
 * A key per opening of the dialog: retries of this one action are answered once by the server.
 */
export function useTransitionSubmit<A, D>(open: Ref<boolean>, opts: TransitionSubmitOptions<A, D>) {
  const { notify } = useApiError()
  const saving = ref(false)
  const tried = ref(false)
  let key = newIdempotencyKey()

  watch(open, (isOpen) => {
    if (!isOpen) return
    key = newIdempotencyKey()
    tried.value = false
  })

  async function submit(action: A | null): Promise<void> {
    if (!action) return
    tried.value = true
    if (opts.errors.value.length) return
    saving.value = true
    try {
      const detail = await opts.send(action, key)
      ElMessage.success(opts.successMessage(action))
      open.value = false
      opts.done(detail, action)
    } catch (e) {
      // Conflicts (stale copy, wrong state …) are shown on the page with a reload.
      if (isApiError(e) && (e.status === 409 || e.code === 'IDEMPOTENCY_KEY_REUSED')) {
        open.value = false
        opts.conflict(e)
      } else {
        notify(e)
      }
    } finally {
      saving.value = false
    }
  }

  return { saving, tried, submit }
}
