import { describe, expect, it } from 'vitest'
import { makeOrder } from '../../../test/client/models.ts'
import { followEvent } from './event-switch.ts'
import { MenuModel } from './menu-model.ts'
import { OrderStore } from './order-store.ts'

const startedAt = '2026-11-25T20:00:00.000Z'

describe('followEvent', () => {
  it('leaves the orders of earlier events behind when a new one starts, also those heard late', () => {
    const menu = new MenuModel()
    const store = new OrderStore()
    const stop = followEvent(menu, store)
    const old = makeOrder({ eventId: 3 })
    const current = makeOrder({ eventId: 4, number: 1 })
    menu.apply({ drinks: [], event: { id: 3, name: 'Opening', startedAt } })
    store.merge([old])
    expect(store.list.value).toEqual([old])

    menu.apply({ drinks: [], event: { id: 4, name: 'Summer party', startedAt } })
    expect(store.list.value).toEqual([])
    store.merge([current, { ...old, status: 'ready', updatedAt: '2026-11-25T22:00:00.000Z' }])
    expect(store.list.value).toEqual([current])
    stop()
  })
})
