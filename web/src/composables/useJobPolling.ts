import { onBeforeUnmount, ref, type Ref } from 'vue'

/**
 * Follows a server job (an import or an export): reads it every `everyMs` until its status is no
 * longer a running one, then stops. The job's own progress feeds the page's progress bar.
 */
export function useJobPolling<J extends { status: string; progress: { done: number; total: number } }>(
  read: (id: number) => Promise<J>,
  running: readonly string[],
  everyMs = 1000,
): { job: Ref<J | null>; follow: (first: J & { id: number }) => void; stop: () => void; error: Ref<unknown>; percent: () => number } {
  const job = ref<J | null>(null) as Ref<J | null>
  const error = ref<unknown>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let id = 0
  let failures = 0

  const stop = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
  }
  const tick = async () => {
    try {
      job.value = await read(id)
      error.value = null
      failures = 0
    } catch (e) {
      // A busy or restarting service: keep following (slower) for a while before giving up.
      failures++
      if (failures >= 5) {
        error.value = e
        stop()
        return
      }
      timer = setTimeout(() => void tick(), everyMs * 2 ** failures)
      return
    }
    if (running.includes(job.value.status)) timer = setTimeout(() => void tick(), everyMs)
  }
  const follow = (first: J & { id: number }) => {
    stop()
    id = first.id
    job.value = first
    if (running.includes(first.status)) timer = setTimeout(() => void tick(), Math.min(everyMs, 400))
  }
  const percent = () => {
    const p = job.value?.progress
    if (!p || !p.total) return job.value && !running.includes(job.value.status) ? 100 : 0
    return Math.min(100, Math.round((p.done / p.total) * 100))
  }
  onBeforeUnmount(stop)
  return { job, follow, stop, error, percent }
}
