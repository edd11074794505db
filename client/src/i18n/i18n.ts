import { computed, signal } from '@preact/signals'
import type { Locale } from '../../../contract/index.ts'
import { locales } from '../../../contract/index.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import type { Messages } from './dictionary.ts'

const storageKey = 'locale'

const isLocale = (value: string | null | undefined): value is Locale =>
  (locales as readonly string[]).includes(value ?? '')

/**
 * The language to show: the one chosen before, else the first of the browser's languages we
 * have (`de-CH` counts as `de`), else English.
 */
export function pickLocale(preferred: readonly string[], stored: string | null = null): Locale {
  if (isLocale(stored)) return stored
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0]
    if (isLocale(primary)) return primary
  }
  return 'en'
}

export interface I18nOptions {
  /** `navigator.languages`. */
  languages: readonly string[]
  storage: KeyValueStore
}

/**
 * The current language, its messages from `dictionary`, and formatters; the choice is
 * remembered. Each view passes the dictionary it needs, so a guest loads only the guest's words.
 */
export function createI18n<M extends Messages>(dictionary: Readonly<Record<Locale, M>>, options: I18nOptions) {
  const locale = signal(pickLocale(options.languages, options.storage.get(storageKey)))
  return {
    locale,
    messages: computed(() => dictionary[locale.value]),
    /** Short local time of day. */
    time: computed(() => new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' })),
    integer: computed(() => new Intl.NumberFormat(locale.value, { maximumFractionDigits: 0 })),
    setLocale(next: Locale) {
      locale.value = next
      options.storage.set(storageKey, next)
    },
  }
}

export type I18n<M extends Messages = Messages> = ReturnType<typeof createI18n<M>>
