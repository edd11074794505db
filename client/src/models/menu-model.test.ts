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

  it('names the current event, and a menu read before a newer one started does not bring the old back', () => {
    const menu = new MenuModel()
    const at = '2026-11-25T20:00:00.000Z'
    menu.apply({ drinks: [tea], event: { id: 2, name: 'Summer party', startedAt: at } })
    expect(menu.event.value?.name).toBe('Summer party')
    menu.apply({ drinks: [tea], event: { id: 1, name: 'Opening', startedAt: at } })
    expect(menu.event.value?.name).toBe('Summer party')
    menu.apply({ drinks: [tea], event: { id: 3, name: 'Encore', startedAt: at } })
    expect(menu.event.value?.name).toBe('Encore')
  })
})
