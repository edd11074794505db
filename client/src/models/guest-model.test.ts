import { describe, expect, it } from 'vitest'
import { ApiError } from '../lib/api-client.ts'
import { memoryStore } from '../lib/storage.ts'
import { newId } from '../lib/uuid.ts'
import { GuestModel } from './guest-model.ts'
import { MenuModel } from './menu-model.ts'
import { OrderStore } from './order-store.ts'
import { makeOrder, memoryGuestApi } from './test-support.ts'

function setup(storage = memoryStore()) {
  const api = memoryGuestApi()
  const menu = new MenuModel()
  menu.apply({ drinks: [{ id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }] })
  const guest = new GuestModel({ api, storage, store: new OrderStore(), menu, newId })
  return { api, menu, guest, storage }
}

describe('GuestModel', () => {
  it('keeps its guest id and nickname between visits', () => {
    const storage = memoryStore()
    const first = setup(storage).guest
    first.setNickname(' Ana ')
    const again = setup(storage).guest
    expect(again.guestId.value).toBe(first.guestId.value)
    expect(again.nickname.value).toBe('Ana')
  })

  it('asks for a nickname and a drink before sending anything', async () => {
    const { api, guest } = setup()
    expect(await guest.place()).toBeNull()
    expect(guest.problem.value?.code).toBe('nickname_missing')
    guest.setNickname('Ana')
    expect(await guest.place()).toBeNull()
    expect(guest.problem.value?.code).toBe('drink_missing')
    expect(api.sent).toHaveLength(0)
  })

  it('does not send a drink that went sold out', async () => {
    const { api, menu, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    menu.setAvailable('tea', false)
    expect(await guest.place()).toBeNull()
    expect(guest.problem.value?.code).toBe('sold_out')
    expect(api.sent).toHaveLength(0)
  })

  it('places an order, lists it, and clears the draft', async () => {
    const { api, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    guest.setQuantity(2)
    guest.setNote(' no sugar ')
    const order = await guest.place()
    expect(api.sent[0]).toMatchObject({ nickname: 'Ana', drinkId: 'tea', quantity: 2, note: 'no sugar' })
    expect(guest.orders.value).toEqual([order])
    expect(guest.drinkId.value).toBeNull()
    expect(guest.quantity.value).toBe(1)
  })

  it('retries with the same id after a network error, so the bar gets one order', async () => {
    const { api, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    api.failNextWith(new ApiError(0, 'network', 'offline'))
    expect(await guest.place()).toBeNull()
    expect(guest.problem.value?.code).toBe('network')
    await guest.place()
    expect(api.sent.map((s) => s.id)).toEqual([api.sent[0]?.id, api.sent[0]?.id])
    expect(api.orders.size).toBe(1)
    expect(guest.orders.value).toHaveLength(1)
  })

  it('uses a fresh id once the order itself changed', async () => {
    const { api, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    api.failNextWith(new ApiError(0, 'network', 'offline'))
    await guest.place()
    guest.setQuantity(3)
    await guest.place()
    expect(api.sent[1]?.id).not.toBe(api.sent[0]?.id)
  })

  it('shows the server refusal and sends the next attempt under a new id', async () => {
    const { api, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    api.failNextWith(new ApiError(409, 'too_many_open_orders', 'at most 3 open orders'))
    await guest.place()
    expect(guest.problem.value).toEqual({ code: 'too_many_open_orders', message: 'at most 3 open orders' })
    await guest.place()
    expect(api.sent[1]?.id).not.toBe(api.sent[0]?.id)
  })

  it('takes live events for itself only, and announces status changes', async () => {
    const { guest } = setup()
    const mine = makeOrder({ guestId: guest.guestId.value })
    guest.receive({ event: 'placed', order: mine })
    guest.receive({ event: 'placed', order: makeOrder() })
    expect(guest.orders.value).toEqual([mine])
    const ready = { ...mine, status: 'ready' as const, updatedAt: '2026-11-25T20:09:00.000Z' }
    guest.receive({ event: 'updated', order: ready })
    guest.receive({ event: 'updated', order: mine })
    expect(guest.orders.value[0]?.status).toBe('ready')
    expect(guest.announcement.value).toEqual(ready)
  })

  it('forgets a "no connection" problem once a catch-up succeeds', async () => {
    const { api, guest } = setup()
    const guestOrders = api.guestOrders
    api.guestOrders = () => Promise.reject(new ApiError(0, 'network', 'offline'))
    await guest.refresh()
    expect(guest.problem.value?.code).toBe('network')
    api.guestOrders = guestOrders
    await guest.refresh()
    expect(guest.problem.value).toBeNull()
  })

  it('catches up from the API', async () => {
    const { api, guest } = setup()
    const order = makeOrder({ guestId: guest.guestId.value })
    api.orders.set(order.id, order)
    await guest.refresh()
    expect(guest.orders.value).toEqual([order])
  })
})
