import type { Locale, OrderStatus } from '../../../contract/index.ts'
import type { MessageKey } from './guest/en.ts'

/** Replaces `{name}` placeholders; unknown ones stay visible so a gap is noticed. */
export function fill(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export const statusKey = (status: OrderStatus): MessageKey => `status_${status}`

/** Each language's own name, for the language switch. */
export const localeNames: Readonly<Record<Locale, string>> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
}
