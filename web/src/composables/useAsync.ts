import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'

export interface AsyncState<T> {
  data: ShallowRef<T | null>
  loading: Ref<boolean>
  error: ShallowRef<unknown>
  run: () => Promise<T | null>
}

/**
 * Loads data for a view; only the latest call may write its result, so a slow answer for a
 * node the user already left cannot overwrite the one now shown.
 */
export function useAsync<T>(loader: () => Promise<T>): AsyncState<T> {
  const data = shallowRef<T | null>(null)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  let seq = 0

  async function run(): Promise<T | null> {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const value = await loader()
      if (mine === seq) data.value = value
      return value
    } catch (e) {
      if (mine === seq) error.value = e
      return null
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  return { data, loading, error, run }
}
