import { expect, test } from 'vitest'
import { quiet } from '../test/harness.ts'
import { createDrinkNames } from './drink-names.ts'

const menu = {
  drinks: [
    { id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true },
    { id: 'beer', name: { en: 'Beer', de: 'Bier', fr: 'Bière', it: 'Birra' }, available: false },
  ],
}

test('names come from the menu in the chosen language, fetched once', async () => {
  const asked: string[] = []
  const fetch = (async (url: URL) => {
    asked.push(String(url))
    return Response.json(menu)
  }) as unknown as typeof globalThis.fetch
  const name = createDrinkNames({ apiUrl: 'http://api.test:8080', lang: 'fr', log: quiet, fetch })
  expect(await name('tea')).toBe('Thé')
  expect(await name('beer')).toBe('Bière')
  expect(asked).toEqual(['http://api.test:8080/api/menu'])
})

test('with the API down a drink prints as its id, and the API is not asked for every ticket', async () => {
  let asked = 0
  const fetch = (async () => {
    asked += 1
    throw new Error('connect ECONNREFUSED')
  }) as unknown as typeof globalThis.fetch
  const name = createDrinkNames({ apiUrl: 'http://api.test', lang: 'de', log: quiet, fetch })
  expect(await name('orange-juice')).toBe('Orange juice')
  expect(await name('orange-juice')).toBe('Orange juice')
  expect(await name('white-wine')).toBe('White wine')
  expect(asked).toBe(1)
})

test('without an API nothing is fetched', async () => {
  const fetch = (() => {
    throw new Error('must not be called')
  }) as unknown as typeof globalThis.fetch
  expect(await createDrinkNames({ lang: 'en', log: quiet, fetch })('red-wine')).toBe('Red wine')
})
