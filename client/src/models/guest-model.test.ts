import { describe, expect, it } from 'vitest'
import { ApiError } from '../lib/api-client.ts'
import { type KeyValueStore, memoryStore } from '../lib/storage.ts'
import { newId } from '../lib/uuid.ts'
import { GuestModel } from './guest-model.ts'
import { MenuModel } from './menu-model.ts'
import { OrderOutbox } from './order-outbox.ts'
import { OrderStore } from './order-store.ts'
import { makeOrder, manualTimers, memoryGuestApi } from './test-support.ts'

function setup(storage: KeyValueStore = memoryStore()) {
  const api = memoryGuestApi()
  const menu = new MenuModel()
  menu.apply({ drinks: [{ id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }] })
  const timers = manualTimers()
  const outbox = new OrderOutbox({
    storage,
    send: api.placeOrder,
    accept: (order) => guest.accept(order),
    schedule: timers.schedule,
  })
  const guest = new GuestModel({ api, storage, store: new OrderStore(), menu, outbox, newId })
  return { api, menu, guest, outbox, storage, timers }
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

  it('places an order, lists it, says its number, and clears the draft', async () => {
    const { api, guest } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    guest.setQuantity(2)
    guest.setNote(' no sugar ')
    const order = await guest.place()
    expect(api.sent[0]).toMatchObject({ nickname: 'Ana', drinkId: 'tea', quantity: 2, note: 'no sugar' })
    expect(guest.orders.value).toEqual([order])
    expect(guest.outcome.value).toEqual({ placed: order })
    expect(guest.drinkId.value).toBeNull()
    expect(guest.quantity.value).toBe(1)
  })

  it('keeps an order tapped without network and sends it under the same id once it can', async () => {
    const { api, guest, outbox, timers } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    // Stored by the server, but the answer was lost: the retry must not order twice.
    api.failNextWith(new ApiError(0, 'network', 'offline'))
    expect(await guest.place()).toBeNull()
    expect(guest.problem.value).toBeNull()
    expect(guest.queued.value).toHaveLength(1)
    expect(guest.outcome.value).toMatchObject({ queued: { drinkId: 'tea' } })
    expect(guest.drinkId.value).toBeNull()
    expect(timers.pending()).toEqual([2000])

    await outbox.flush()
    expect(api.sent.map((s) => s.id)).toEqual([api.sent[0]?.id, api.sent[0]?.id])
    expect(api.orders.size).toBe(1)
    expect(guest.orders.value).toHaveLength(1)
    expect(guest.queued.value).toEqual([])
    expect(guest.announcement.value?.id).toBe(api.sent[0]?.id)
    // "Kept for later" is no longer true: the outcome is the placed order.
    expect(guest.outcome.value).toEqual({ placed: guest.orders.value[0] })
  })

  it('queues a new order behind those still waiting, so the bar gets them in order', async () => {
    const { api, guest, outbox } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    api.failNextWith(new ApiError(503, 'unavailable', 'down'))
    await guest.place()
    guest.chooseDrink('tea')
    guest.setQuantity(3)
    await guest.place()
    await outbox.flush()
    expect(api.sent.map((o) => o.quantity)).toEqual([1, 1, 3])
    expect(guest.orders.value.map((o) => o.quantity)).toEqual([3, 1])
    expect(outbox.items.value).toEqual([])
  })

  it('shows the server refusal and keeps nothing', async () => {
    const { api, guest, outbox } = setup()
    guest.setNickname('Ana')
    guest.chooseDrink('tea')
    api.failNextWith(new ApiError(409, 'too_many_open_orders', 'at most 3 open orders'))
    await guest.place()
    expect(guest.problem.value).toEqual({ code: 'too_many_open_orders', message: 'at most 3 open orders' })
    expect(outbox.items.value).toEqual([])
    expect(guest.drinkId.value).toBe('tea')
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

  it('catches up from the API without announcing old orders', async () => {
    const { api, guest } = setup()
    const order = makeOrder({ guestId: guest.guestId.value })
    api.orders.set(order.id, order)
    await guest.refresh()
    expect(guest.orders.value).toEqual([order])
    expect(guest.announcement.value).toBeNull()
  })
})
