import { describe, expect, it } from 'vitest'
import type { Menu, Order } from '../../../contract/index.ts'
import { makeOrder } from '../../../test/client/models.ts'
import { BarModel } from './bar-model.ts'
import { MenuModel } from './menu-model.ts'
import { OrderStore } from './order-store.ts'
import { drinksOf, ofStation, pickupPlace, stationParam } from './stations.ts'

const name = (en: string) => ({ en, de: en, fr: en, it: en })
const menuBody: Menu = {
  drinks: [
    { id: 'espresso', name: name('Espresso'), available: true, station: 'coffee' },
    { id: 'beer', name: name('Beer'), available: true, station: 'bar' },
  ],
  stations: [
    {
      id: 'coffee',
      name: { ...name('Coffee'), de: 'Kaffee' },
      location: { ...name('By the door'), de: 'Bei der Tür' },
    },
    { id: 'bar', name: name('Bar') },
  ],
}

function setup(station: string | null, stored: Order[]) {
  const asked: (string | null)[] = []
  const api = {
    async allOrders(of: string | null = null) {
      asked.push(of)
      return ofStation(stored, of)
    },
    menu: async () => structuredClone(menuBody),
    updateOrder: async () => {
      throw new Error('not used')
    },
    updateDrink: async () => {},
    ordersCsv: async () => new Blob([]),
    startEvent: async () => {
      throw new Error('not used')
    },
  }
  const heard: number[] = []
  const menu = new MenuModel()
  const bar = new BarModel({ api, store: new OrderStore(), menu, station, onNewOrder: (o) => heard.push(o.number) })
  return { bar, menu, heard, asked }
}

describe('a bar display of one station', () => {
  const espresso = makeOrder({ drinkId: 'espresso', station: 'coffee' })
  const beer = makeOrder({ drinkId: 'beer', station: 'bar' })

  it('catches up with its station only, and beeps only for its new orders', async () => {
    const { bar, heard, asked } = setup('coffee', [espresso, beer])
    await bar.refresh()
    expect(asked).toEqual(['coffee'])
    expect(bar.orders.value.map((o) => o.id)).toEqual([espresso.id])
    bar.receive({ event: 'placed', order: makeOrder({ drinkId: 'beer', station: 'bar' }) })
    const next = makeOrder({ drinkId: 'espresso', station: 'coffee' })
    bar.receive({ event: 'placed', order: next })
    expect(heard).toEqual([next.number])
    expect(bar.orders.value.map((o) => o.id)).toEqual([next.id, espresso.id])
  })

  it('drops an order a guest moved to another station', async () => {
    const { bar } = setup('coffee', [espresso])
    await bar.refresh()
    const moved = { ...espresso, drinkId: 'beer', station: 'bar', updatedAt: '2026-11-25T20:01:00.000Z' }
    bar.receive({ event: 'updated', order: moved })
    expect(bar.orders.value).toEqual([])
  })

  it('a display of all stations shows every order', async () => {
    const { bar, asked } = setup(null, [espresso, beer])
    await bar.refresh()
    expect(asked).toEqual([null])
    expect(bar.orders.value).toHaveLength(2)
  })
})

describe('stations', () => {
  it('names where to pick up in the language asked, with the place when there is one', () => {
    const stations = menuBody.stations ?? []
    expect(pickupPlace(stations, 'coffee', 'de')).toEqual({ name: 'Kaffee', location: 'Bei der Tür' })
    expect(pickupPlace(stations, 'bar', 'en')).toEqual({ name: 'Bar', location: null })
    expect(pickupPlace(stations, 'gone', 'en')).toBeNull()
    expect(pickupPlace(stations, undefined, 'en')).toBeNull()
  })

  it("a station's drinks, and the station of the page's address", () => {
    expect(drinksOf(menuBody.drinks, 'bar').map((d) => d.id)).toEqual(['beer'])
    expect(drinksOf(menuBody.drinks, null)).toHaveLength(2)
    expect(stationParam('?bar&station=coffee')).toBe('coffee')
    expect(stationParam('?bar')).toBeNull()
    expect(stationParam('?bar&station=Coffee%20Bar')).toBeNull()
  })
})
