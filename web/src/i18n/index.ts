import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from './zh-CN'

export const LOCALES = ['zh-CN', 'en'] as const
export type AppLocale = (typeof LOCALES)[number]

const STORAGE_KEY = 'rh.locale'
export const DEFAULT_LOCALE: AppLocale = 'zh-CN'

function isAppLocale(v: unknown): v is AppLocale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
}

function storedLocale(): AppLocale {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    return isAppLocale(v) ? v : DEFAULT_LOCALE
  } catch {
    return DEFAULT_LOCALE
  }
}

// zh-CN is in the first bundle; English is fetched when it is chosen (ensureLocale), so the login
// page of a Chinese user carries one language.
export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN } as Record<AppLocale, MessageSchema>,
})

const loaders: Record<AppLocale, () => Promise<MessageSchema>> = {
  'zh-CN': async () => zhCN,
  en: async () => (await import('./en')).default,
}
const loaded = new Set<AppLocale>(['zh-CN'])

/** Loads a language's messages once (a separate chunk but for zh-CN). */
export async function ensureLocale(locale: AppLocale): Promise<void> {
  if (loaded.has(locale)) return
  i18n.global.setLocaleMessage(locale, await loaders[locale]())
  // Feature messages loaded before this language was: merged again on top of it.
  for (const messages of features.values()) {
    const own = messages[locale]
    if (own) i18n.global.mergeLocaleMessage(locale, own as never)
  }
  loaded.add(locale)
}

/**
 * Feature messages: the texts of pages that only some roles open (the console screens, imports…)
 * live in `./features/<name>.ts` (`export default { 'zh-CN': {...}, en: {...} }`) and are loaded
 * with the page's route (`meta.messages: ['<name>']`, awaited by the router guard), so they do not
 * grow the first bundle every page pays for. The side menu's own labels stay in zh-CN.ts / en.ts.
 */
export type FeatureMessages = Partial<Record<AppLocale, Record<string, unknown>>>
const featureLoaders = import.meta.glob<{ default: FeatureMessages }>('./features/*.ts')
const features = new Map<string, FeatureMessages>()

export async function ensureFeatureMessages(names: readonly string[] | undefined): Promise<void> {
  for (const name of names ?? []) {
    if (features.has(name)) continue
    const load = featureLoaders[`./features/${name}.ts`]
    if (!load) throw new Error(`no feature messages named ${name}`)
    const messages = (await load()).default
    features.set(name, messages)
    for (const locale of loaded) {
      const own = messages[locale]
      // The schema types the core messages; a feature's keys are its own.
      if (own) i18n.global.mergeLocaleMessage(locale, own as never)
    }
  }
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

/** Switches the language (loading its messages first) and remembers it for the next visit. */
export async function setLocale(locale: AppLocale): Promise<void> {
  await ensureLocale(locale)
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // Not remembered across visits; still switched for this one.
  }
}

/** Before the app mounts: the language the user chose on an earlier visit, loaded. */
export async function restoreLocale(): Promise<void> {
  const stored = storedLocale()
  try {
    await ensureLocale(stored)
    i18n.global.locale.value = stored
  } catch {
    // The chunk did not load (offline, a new deployment): stay in the default language.
  }
  document.documentElement.lang = currentLocale()
}
