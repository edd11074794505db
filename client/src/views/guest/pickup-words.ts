import type { Locale } from '../../../../contract/index.ts'

// Said only where stations exist, so these words come with the ready moment, after the first
// paint, rather than with the guest's words, which the first paint waits for.

/** "Pick it up at {station} with number {number}.", in each language. */
export const readyAtStation: Readonly<Record<Locale, string>> = {
  en: 'Pick it up at {station} with number {number}.',
  de: 'Hol es bei {station} mit der Nummer {number} ab.',
  fr: 'Retire-la à {station} avec le numéro {number}.',
  it: 'Ritirala a {station} con il numero {number}.',
}
