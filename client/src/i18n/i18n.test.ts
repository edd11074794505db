import { describe, expect, it } from 'vitest'
import { locales } from '../../../contract/index.ts'
import { memoryStore } from '../lib/storage.ts'
import { fill } from './format.ts'
import { de } from './guest/de.ts'
import { en } from './guest/en.ts'
import { fr } from './guest/fr.ts'
import { it as italian } from './guest/it.ts'
import { loadGuestMessages } from './guest-messages.ts'
import { createI18n, pickLocale } from './i18n.ts'
import { loadStaffMessages, staffWords } from './staff-dictionary.ts'

describe('pickLocale', () => {
  it('takes the first browser language we have, by its primary subtag', () => {
    expect(pickLocale(['de-CH', 'en'])).toBe('de')
    expect(pickLocale(['es-ES', 'FR'])).toBe('fr')
    expect(pickLocale(['it'])).toBe('it')
  })

  it('falls back to English', () => {
    expect(pickLocale(['ja-JP'])).toBe('en')
    expect(pickLocale([])).toBe('en')
  })

  it('prefers a remembered choice, and ignores a broken one', () => {
    expect(pickLocale(['de'], 'it')).toBe('it')
    expect(pickLocale(['de'], 'xx')).toBe('de')
  })
})

describe('createI18n', () => {
  it('loads only the language it shows, switches and remembers it', async () => {
    const loaded: string[] = []
    const load = (locale: (typeof locales)[number]) => {
      loaded.push(locale)
      return loadGuestMessages(locale)
    }
    const storage = memoryStore()
    const i18n = await createI18n(load, { languages: ['fr-CH'], storage })
    expect(i18n.messages.value.order).toBe('Commander')
    expect(loaded).toEqual(['fr'])
    await i18n.setLocale('it')
    expect(i18n.locale.value).toBe('it')
    expect(i18n.messages.value.order).toBe('Ordina')
    expect((await createI18n(load, { languages: ['fr-CH'], storage })).locale.value).toBe('it')
  })

  it('keeps the last choice when two switches race', async () => {
    const i18n = await createI18n(loadGuestMessages, { languages: ['en'], storage: memoryStore() })
    await Promise.all([i18n.setLocale('de'), i18n.setLocale('fr')])
    expect(i18n.locale.value).toBe('fr')
    expect(i18n.messages.value.order).toBe('Commander')
  })

  it('formats times and numbers in the chosen language', async () => {
    const i18n = await createI18n(loadGuestMessages, { languages: ['de'], storage: memoryStore() })
    const local = new Date(2026, 10, 25, 20, 5)
    expect(i18n.time(local.toISOString())).toBe('20:05')
    expect(i18n.number(1234)).toBe('1.234')
    expect(i18n.number(7)).toBe('7')
    expect(i18n.pickup(1234)).toBe('1234')
    expect(i18n.pickup(42)).toBe('42')
    expect(i18n.t('readyTitle', { number: 42 })).toBe('#42 ist bereit')
    await i18n.setLocale('en')
    expect(i18n.number(1234)).toBe('1,234')
  })
})

describe('loadStaffMessages', () => {
  it('gives the staff views the guest words of one language with their own', async () => {
    const words = await loadStaffMessages('fr')
    expect(words.order).toBe('Commander')
    expect(words.undo).toBe('Annuler l’action')
    for (const key of Object.keys(staffWords.en)) expect(Object.keys(en)).not.toContain(key)
  })
})

describe.each([
  ['guest', { en, de, fr, it: italian }],
  ['staff', staffWords],
])('the %s words', (_, words: Record<string, Record<string, string>>) => {
  const placeholders = (text = '') => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

  it('have every English key, filled, with the same placeholders, in each language', () => {
    const english = words.en ?? {}
    for (const locale of locales) {
      const translated = words[locale] ?? {}
      for (const [key, text] of Object.entries(english)) {
        expect(translated[key], `${locale}.${key}`).toBeTruthy()
        expect(placeholders(translated[key]), `${locale}.${key}`).toEqual(placeholders(text))
      }
      expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort())
    }
  })
})

describe('fill', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(fill('#{number} is ready', { number: 42 })).toBe('#42 is ready')
    expect(fill('{a} and {b}', { a: 'x' })).toBe('x and {b}')
  })

  it('never reads placeholders in what it inserts', () => {
    expect(fill('{name} ordered {drink}', { name: '{drink}', drink: 'Tea' })).toBe('{drink} ordered Tea')
  })
})

describe('problemText', () => {
  it('words every error code of the API in each language, never with the server’s English', async () => {
    const { errorCodes } = await import('../../../contract/index.ts')
    const { problemText } = await import('../views/shared/problem-text.ts')
    for (const messages of [en, de, fr, italian]) {
      for (const code of errorCodes) {
        const text = problemText(messages, { code, message: 'English words from the server' })
        expect(text, code).not.toContain('English words')
        expect(text, code).not.toMatch(/\{\w+\}/)
      }
    }
    expect(problemText(de, { code: 'not_editable', message: '' })).toBe(de.error_not_editable)
    // A code this page does not know yet still reads in the page's language.
    expect(problemText(de, { code: 'future_code', message: 'English' })).toBe(de.error_internal)
  })
})
