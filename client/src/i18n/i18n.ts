import type { ReadonlySignal } from '@preact/signals-core'
import { batch, computed, signal } from '@preact/signals-core'
import type { Locale } from '../../../contract/index.ts'
import { locales } from '../../../contract/locales.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import { fill } from './format.ts'
import type { MessageKey, Messages } from './guest-messages.ts'

const storageKey = 'locale'

/**
 * Whole numbers from 0 to 999 are written alike in all four languages (Latin digits, nothing to
 * group), so they skip Intl: its first use loads locale data, a long task on a slow phone that
 * the quantities of the first screen need not pay for. Everything else goes through Intl.
 */
const isPlain = (value: number) => Number.isInteger(value) && value >= 0 && value < 1000

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

/** Loads one language's words; each view passes its own, so a guest loads only the guest's words. */
export type LoadMessages<M extends Messages> = (locale: Locale) => Promise<M>

/**
 * The current language, its words and Intl formatters; the choice is remembered. Resolves once
 * the first language is loaded, so a view never renders without words; a switch shows the new
 * language when its words have arrived, locale and words changing together.
 */
export async function createI18n<M extends Messages>(load: LoadMessages<M>, options: I18nOptions) {
  const first = pickLocale(options.languages, options.storage.get(storageKey))
  const locale = signal(first)
  const messages = signal(await load(first))
  let wanted = first

  const timeFormat = computed(() => new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit' }))
  const numberFormat = computed(() => new Intl.NumberFormat(locale.value, { maximumFractionDigits: 0 }))
  // Pickup numbers are called out as they are: 1234, never "1,234".
  const pickupFormat = computed(() => new Intl.NumberFormat(locale.value, { useGrouping: false }))

  return {
    locale: locale as ReadonlySignal<Locale>,
    messages: messages as ReadonlySignal<M>,
    /** A message with its placeholders filled. */
    t: (key: MessageKey | keyof M, params: Readonly<Record<string, string | number>> = {}) =>
      fill(messages.value[key as keyof M] as string, params),
    /** Short local time of day of an ISO timestamp. */
    time: (iso: string) => timeFormat.value.format(new Date(iso)),
    number: (value: number) => (isPlain(value) ? String(value) : numberFormat.value.format(value)),
    pickup: (value: number) => (isPlain(value) ? String(value) : pickupFormat.value.format(value)),
    async setLocale(next: Locale) {
      wanted = next
      options.storage.set(storageKey, next)
      const words = await load(next)
      if (wanted !== next) return
      batch(() => {
        messages.value = words
        locale.value = next
      })
    },
  }
}

export type I18n<M extends Messages = Messages> = Awaited<ReturnType<typeof createI18n<M>>>
