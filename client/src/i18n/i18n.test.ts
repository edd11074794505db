import { describe, expect, it } from 'vitest'
import { locales } from '../../../contract/index.ts'
import { memoryStore } from '../lib/storage.ts'
import { dictionary, fill } from './dictionary.ts'
import { createI18n, pickLocale } from './i18n.ts'
import { staffDictionary } from './staff-dictionary.ts'

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
  it('switches language and remembers it', () => {
    const storage = memoryStore()
    const i18n = createI18n(dictionary, { languages: ['fr-CH'], storage })
    expect(i18n.messages.value.order).toBe('Commander')
    i18n.setLocale('it')
    expect(i18n.messages.value.order).toBe('Ordina')
    expect(createI18n(dictionary, { languages: ['fr-CH'], storage }).locale.value).toBe('it')
  })

  it('formats times in the chosen language', () => {
    const i18n = createI18n(dictionary, { languages: ['de'], storage: memoryStore() })
    expect(i18n.time.value.format(new Date(2026, 10, 25, 20, 5))).toBe('20:05')
  })
})

describe.each([
  ['guest', dictionary],
  ['staff', staffDictionary],
])('the %s dictionary', (_, words: Record<string, Record<string, string>>) => {
  const placeholders = (text = '') => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

  it('has every English key, filled, with the same placeholders, in each language', () => {
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
})
