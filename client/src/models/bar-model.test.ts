import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import type { DrinkUpdate, Menu, Order, UpdateOrder } from '../../../contract/index.ts'
import { canTransition } from '../../../contract/index.ts'
import { makeOrder, manualTimers } from '../../../test/client/models.ts'
import { ApiError } from '../lib/api-client.ts'
import { BarModel } from './bar-model.ts'
import { MenuModel } from './menu-model.ts'
import { OrderStore } from './order-store.ts'

/** An in-memory bar API holding the contract's lifecycle, undo and token rules. */
function memoryApi(token = 'good') {
  const orders = new Map<string, Order>()
  /** The status each order's last move left, while it can be undone. */
  const previous = new Map<string, Order['status']>()
  const menu: Menu = { drinks: [{ id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }] }
  let presented = token
  const check = () => {
    if (presented !== 'good') throw new ApiError(401, 'unauthorized', 'bad token')
  }
  return {
    orders,
    menuBody: menu,
    present(value: string) {
      presented = value
    },
    async allOrders() {
      check()
      return [...orders.values()]
    },
    async menu() {
      return structuredClone(menu)
    },
    async updateOrder(id: string, change: UpdateOrder) {
      check()
      const order = orders.get(id)
      if (!order || !change.status) throw new ApiError(404, 'not_found', 'no such order')
      if (change.undo) {
        if (previous.get(id) !== change.status) throw new ApiError(409, 'not_undoable', 'no')
        previous.delete(id)
      } else {
        if (!canTransition(order.status, change.status)) throw new ApiError(409, 'invalid_transition', 'no')
        previous.set(id, order.status)
      }
      // Later than the copy it replaces, as the server's clock is, also within one millisecond.
      const at = Math.max(Date.now(), Date.parse(order.updatedAt) + 1)
      const updated = { ...order, status: change.status, updatedAt: new Date(at).toISOString() }
      orders.set(id, updated)
      return updated
    },
    async ordersCsv() {
      check()
      return new Blob([`number,nickname\n${[...orders.values()].map((o) => `${o.number},${o.nickname}`).join('\n')}`])
    },
    async startEvent(name: string) {
      check()
      const event = { id: (menu.event?.id ?? 1) + 1, name, startedAt: new Date().toISOString() }
      menu.event = event
      return event
    },
    async updateDrink(drinkId: string, change: DrinkUpdate) {
      check()
      const drink = menu.drinks.find((d) => d.id === drinkId)
      if (!drink) throw new ApiError(404, 'not_found', 'no such drink')
      if (change.available !== undefined) drink.available = change.available
    },
  }
}

function setup(undoMs = 0) {
  const api = memoryApi()
  const store = new OrderStore()
  const menu = new MenuModel()
  const heard: number[] = []
  const timers = manualTimers()
  let unauthorized = 0
  const bar = new BarModel({
    api,
    store,
    menu,
    onNewOrder: (order) => heard.push(order.number),
    onUnauthorized: () => unauthorized++,
    undoMs: signal(undoMs),
    schedule: timers.schedule,
    // The clock stands still: the undo window left after a move is then exactly the whole window.
    now: () => 1_000,
  })
  return { api, store, menu, bar, heard, timers, unauthorized: () => unauthorized }
}

describe('BarModel', () => {
  it('catches up without beeping for old orders, then beeps for orders missed offline', async () => {
    const { api, store, bar, heard } = setup()
    const old = makeOrder()
    api.orders.set(old.id, old)
    await bar.refresh()
    expect(store.list.value).toEqual([old])
    expect(bar.loaded.value).toBe(true)
    expect(heard).toEqual([])

    const missed = makeOrder()
    api.orders.set(missed.id, missed)
    await bar.refresh()
    expect(heard).toEqual([missed.number])
  })

  it('beeps once per new placed order heard live, not for duplicates or updates', () => {
    const { bar, heard } = setup()
    const order = makeOrder()
    bar.receive({ event: 'placed', order })
    bar.receive({ event: 'placed', order })
    bar.receive({ event: 'updated', order: { ...order, status: 'preparing' } })
    expect(heard).toEqual([order.number])
  })

  it('moves an order along the lifecycle with one tap each', async () => {
    const { api, store, bar } = setup()
    const order = makeOrder()
    api.orders.set(order.id, order)
    await bar.refresh()
    const current = () => store.byId.value.get(order.id) ?? order
    for (const status of ['preparing', 'ready', 'delivered']) {
      await bar.advance(current())
      expect(current().status).toBe(status)
    }
    await bar.advance(current())
    expect(current().status).toBe('delivered')
  })

  it('sends a move at once, showing it as made on the way; undo asks the server to step back', async () => {
    const { api, store, bar, timers } = setup(5000)
    const order = makeOrder()
    api.orders.set(order.id, order)
    await bar.refresh()
    const sent = bar.advance(order)
    expect(bar.orders.value[0]?.status).toBe('preparing')
    await sent
    expect(api.orders.get(order.id)?.status).toBe('preparing')
    expect(store.byId.value.get(order.id)?.status).toBe('preparing')
    expect(bar.lastMove.value).toMatchObject({ orderId: order.id, from: 'placed', to: 'preparing' })
    expect(timers.pending()).toEqual([5000])

    await bar.undo()
    expect(api.orders.get(order.id)?.status).toBe('placed')
    expect(bar.orders.value[0]?.status).toBe('placed')
    expect(bar.lastMove.value).toBeNull()
    // Undone once: nothing left to undo.
    await bar.undo()
    expect(bar.problem.value).toBeNull()
  })

  it('offers the undo only while the server takes it', async () => {
    const { api, bar, timers } = setup(5000)
    const order = makeOrder()
    api.orders.set(order.id, order)
    await bar.advance(order)
    timers.runAll()
    expect(bar.lastMove.value).toBeNull()
    await bar.undo()
    expect(api.orders.get(order.id)?.status).toBe('preparing')
  })

  it('without an undo time, there is nothing to undo', async () => {
    const { api, bar } = setup(0)
    const order = makeOrder()
    api.orders.set(order.id, order)
    await bar.advance(order)
    expect(bar.lastMove.value).toBeNull()
  })

  it('shows the order as the server has it once it moved on elsewhere', async () => {
    const { api, store, bar } = setup(5000)
    const order = makeOrder()
    api.orders.set(order.id, order)
    await bar.refresh()
    await bar.advance(order)
    // Another screen cancelled it after this move.
    store.merge([{ ...order, status: 'cancelled', updatedAt: new Date(Date.now() + 60_000).toISOString() }])
    expect(bar.orders.value[0]?.status).toBe('cancelled')
  })

  it('shows a refused move and clears the busy mark', async () => {
    const { api, bar } = setup()
    const order = makeOrder({ status: 'delivered' })
    api.orders.set(order.id, order)
    await bar.cancel(order)
    expect(bar.problem.value?.code).toBe('invalid_transition')
    expect(bar.busy.value.size).toBe(0)
  })

  it('starts a new event: the queue empties, and late copies of the last event’s orders stay out', async () => {
    const { api, menu, bar } = setup()
    const open = makeOrder({ eventId: 1 })
    api.orders.set(open.id, open)
    await bar.refresh()
    expect(bar.orders.value).toEqual([open])

    expect(await bar.startEvent('Summer party')).toBe(true)
    expect(menu.event.value).toMatchObject({ id: 2, name: 'Summer party' })
    expect(bar.orders.value).toEqual([])
    bar.receive({ event: 'updated', order: { ...open, status: 'preparing', updatedAt: new Date().toISOString() } })
    expect(bar.orders.value).toEqual([])
    const next = makeOrder({ eventId: 2, number: 1 })
    bar.receive({ event: 'placed', order: next })
    expect(bar.orders.value).toEqual([next])
  })

  it('keeps the queue when the API refuses to start an event', async () => {
    const { api, bar, unauthorized } = setup()
    const open = makeOrder({ eventId: 1 })
    api.orders.set(open.id, open)
    await bar.refresh()
    api.present('bad')
    expect(await bar.startEvent('Nope')).toBe(false)
    expect(bar.orders.value).toEqual([open])
    expect(bar.problem.value?.code).toBe('unauthorized')
    expect(unauthorized()).toBe(1)
  })

  it('exports the CSV through the API', async () => {
    const { api, bar } = setup()
    const order = makeOrder({ nickname: 'Ana' })
    api.orders.set(order.id, order)
    const saved: string[] = []
    await bar.exportCsv(async (blob) => saved.push(await blob.text()))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(saved[0]).toContain(`${order.number},Ana`)
  })

  it('switches a drink sold out at once, and back when the API refuses', async () => {
    const { api, menu, bar, unauthorized } = setup()
    await bar.refresh()
    await bar.setAvailable('tea', false)
    expect(api.menuBody.drinks[0]?.available).toBe(false)
    expect(menu.byId.value.get('tea')?.available).toBe(false)

    api.present('stolen')
    await bar.setAvailable('tea', true)
    expect(menu.byId.value.get('tea')?.available).toBe(false)
    expect(unauthorized()).toBe(1)
  })
})
