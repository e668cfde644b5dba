import { computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import enLocale from 'element-plus/es/locale/lang/en'
import { currentLocale, i18n, setLocale, type AppLocale } from '@/i18n'

const elementLocales = { 'zh-CN': zhCn, en: enLocale } as const

/** The app language plus the matching Element Plus locale (for el-config-provider). */
export function useLocale() {
  const locale = computed<AppLocale>(() => i18n.global.locale.value)
  const elementLocale = computed(() => elementLocales[locale.value])
  const otherLocale = computed<AppLocale>(() => (locale.value === 'zh-CN' ? 'en' : 'zh-CN'))

  function toggle(): Promise<void> {
    return setLocale(currentLocale() === 'zh-CN' ? 'en' : 'zh-CN')
  }

  return { locale, elementLocale, otherLocale, setLocale, toggle }
}
