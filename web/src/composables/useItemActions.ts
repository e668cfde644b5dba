import { ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { getItem } from '@/api/volunteer'
import type { ItemAction, ItemDetail } from '@/api/types'
import { useApiError } from './useApiError'

/**
 * Quick actions from a list: the item is read again first, so the dialog works on the current
 * version and offers the action only when the server still allows it (`allowedActions`).
 */
export function useItemActions(reload: () => unknown) {
  const { t } = useI18n()
  const { notify, handle } = useApiError()
  const dialogOpen = ref(false)
  const dialogItem = shallowRef<ItemDetail | null>(null)
  const dialogAction = ref<ItemAction | null>(null)
  const opening = ref<string>('')

  async function start(id: number, action: ItemAction): Promise<void> {
    opening.value = `${id}-${action}`
    try {
      const detail = await getItem(id)
      if (!detail.allowedActions.includes(action)) {
        ElMessage.warning(t('volunteer.dialog.notAllowedNow'))
        await reload()
        return
      }
      dialogItem.value = detail
      dialogAction.value = action
      dialogOpen.value = true
    } catch (e) {
      notify(e)
    } finally {
      opening.value = ''
    }
  }

  function onDone(): void {
    void reload()
  }

  function onConflict(e: unknown): void {
    void handle(e, reload)
  }

  return { dialogOpen, dialogItem, dialogAction, opening, start, onDone, onConflict }
}
