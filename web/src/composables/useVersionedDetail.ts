import { ref, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import { isApiError, type ApiError } from '@/api/client'

export interface VersionedDetail<D> {
  detail: ShallowRef<D | null>
  loading: Ref<boolean>
  /** Why the record could not be read (shown instead of the page while there is nothing to show). */
  loadError: ShallowRef<unknown>
  /** A transition answered 409 (stale copy, wrong state …): shown on the page with a reload. */
  conflict: ShallowRef<ApiError | null>
  /** Reads the record again; only the latest read may write. */
  load: () => Promise<void>
  /** Shows a record the server answered with (after a transition): the conflict is over. */
  show: (d: D) => void
  /** For the action dialog's `conflict` event. */
  onConflict: (e: unknown) => void
}

/**
 * A record page whose actions send the version the user saw: it reads the record whenever the
 * id changes, keeps the server's answer to an action, and holds the 409 the page explains.
 * `onShown` runs for every record shown, with `isCurrent()` false once a newer read started
 * (for follow-up reads that must not overwrite a newer page).
 */
export function useVersionedDetail<D>(
  id: Ref<number>,
  fetch: (id: number) => Promise<D>,
  onShown?: (d: D, isCurrent: () => boolean) => void,
): VersionedDetail<D> {
  const detail = shallowRef<D | null>(null)
  const loading = ref(false)
  const loadError = shallowRef<unknown>(null)
  const conflict = shallowRef<ApiError | null>(null)
  let seq = 0

  function display(d: D, mine: number): void {
    detail.value = d
    conflict.value = null
    onShown?.(d, () => mine === seq)
  }

  async function load(): Promise<void> {
    const mine = ++seq
    loading.value = true
    loadError.value = null
    try {
      const d = await fetch(id.value)
      if (mine !== seq) return
      display(d, mine)
    } catch (e) {
      if (mine === seq) loadError.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function onConflict(e: unknown): void {
    conflict.value = isApiError(e) ? e : null
  }

  watch(id, () => void load(), { immediate: true })

  return { detail, loading, loadError, conflict, load, show: (d) => display(d, seq), onConflict }
}
