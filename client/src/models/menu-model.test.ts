import { describe, expect, it } from 'vitest'
import { drinkName, MenuModel } from './menu-model.ts'

const tea = { id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }
const beer = { id: 'beer', name: { en: 'Beer', de: 'Bier', fr: 'Bière', it: 'Birra' }, available: true }

describe('MenuModel', () => {
  it('is empty until a menu arrives, then finds drinks by id', () => {
    const menu = new MenuModel()
    expect(menu.drinks.value).toBeNull()
    menu.apply({ drinks: [tea, beer] })
    expect(drinkName(menu.byId.value, 'beer', 'de')).toBe('Bier')
    expect(drinkName(menu.byId.value, 'gone', 'de')).toBe('gone')
  })

  it('marks a drink sold out and takes the next menu as it comes', () => {
    const menu = new MenuModel()
    menu.apply({ drinks: [tea, beer] })
    menu.setAvailable('tea', false)
    expect(menu.byId.value.get('tea')?.available).toBe(false)
    menu.apply({ drinks: [tea] })
    expect(menu.byId.value.get('tea')?.available).toBe(true)
    expect(menu.byId.value.has('beer')).toBe(false)
  })
})
