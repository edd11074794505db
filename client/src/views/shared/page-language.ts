import { effect } from '@preact/signals-core'
import type { Messages } from '../../i18n/guest-messages.ts'
import type { I18n, I18nOptions } from '../../i18n/i18n.ts'

/** What every view's mount function gets from main.tsx. */
export type MountOptions = I18nOptions

/** Keeps `<html lang>` on the chosen language, for screen readers' pronunciation and hyphenation. */
export function followLanguage<M extends Messages>(i18n: I18n<M>): void {
  effect(() => {
    document.documentElement.lang = i18n.locale.value
  })
}
