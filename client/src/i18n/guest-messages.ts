import type { Locale } from '../../../contract/index.ts'
import type { Messages } from './guest/en.ts'

export type { MessageKey, Messages } from './guest/en.ts'

// One file per language, loaded on demand: a phone downloads only the words it shows.
const files: Readonly<Record<Locale, () => Promise<Messages>>> = {
  en: () => import('./guest/en.ts').then((m) => m.en),
  de: () => import('./guest/de.ts').then((m) => m.de),
  fr: () => import('./guest/fr.ts').then((m) => m.fr),
  it: () => import('./guest/it.ts').then((m) => m.it),
}

/** The guest page's words in one language. */
export const loadGuestMessages = (locale: Locale): Promise<Messages> => files[locale]()
