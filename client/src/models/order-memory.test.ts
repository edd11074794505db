import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import type { Order } from '../../../contract/index.ts'
import { makeOrder } from '../../../test/client/models.ts'
import { type KeyValueStore, memoryStore } from '../lib/storage.ts'
import { keptOrders, OrderMemory } from './order-memory.ts'
import { OrderStore } from './order-store.ts'

const clock = (iso: string) => () => new Date(iso)

/** A page's store and the two signals the memory reads, as GuestModel has them. */
function page(storage: KeyValueStore, now = clock('2026-11-25T21:04:00.000Z')) {
  const store = new OrderStore()
  const syncedAt = signal(0)
  const guest = { orders: store.list, syncedAt }
  const memory = new OrderMemory({ storage, guest, store, now })
  /** What a successful catch-up from the API does. */
  const sync = (orders: Order[]) => {
    store.merge(orders)
    syncedAt.value = Date.now()
  }
  return { store, memory, sync }
}

describe('OrderMemory', () => {
  it('shows the orders of the last visit, marked with when they were last known, until the server answers', () => {
    const storage = memoryStore()
    const first = page(storage)
    const beer = makeOrder({ drinkId: 'beer' })
    first.sync([beer])
    expect(first.memory.asOf.value).toBeNull()

    const offline = page(storage, clock('2026-11-25T22:00:00.000Z'))
    expect(offline.store.list.value).toEqual([beer])
    expect(offline.memory.asOf.value).toBe('2026-11-25T21:04:00.000Z')

    const ready = { ...beer, status: 'ready' as const, updatedAt: '2026-11-25T21:30:00.000Z' }
    offline.sync([ready])
    expect(offline.memory.asOf.value).toBeNull()
    expect(offline.store.list.value).toEqual([ready])
  })

  it('saves nothing over the kept orders until the server has answered, then every change', () => {
    const storage = memoryStore()
    const first = page(storage)
    const tea = makeOrder({ drinkId: 'tea' })
    first.sync([tea])
    const saved = storage.get('orders')

    const offline = page(storage)
    offline.store.merge([makeOrder({ drinkId: 'water' })])
    expect(storage.get('orders')).toBe(saved)

    offline.sync([])
    expect(JSON.parse(storage.get('orders') ?? '{}').orders).toHaveLength(2)
  })

  it('does not restore over orders the server already gave this page', () => {
    const storage = memoryStore()
    page(storage).sync([makeOrder({ status: 'placed' })])
    const store = new OrderStore()
    const syncedAt = signal(Date.now())
    const memory = new OrderMemory({ storage, guest: { orders: store.list, syncedAt }, store })
    expect(store.list.value).toEqual([])
    expect(memory.asOf.value).toBeNull()
  })

  it(`keeps the newest ${keptOrders} orders, and drops what is not an order`, () => {
    const storage = memoryStore()
    const orders = Array.from({ length: keptOrders + 5 }, () => makeOrder())
    page(storage).sync(orders)
    const kept = JSON.parse(storage.get('orders') ?? '{}').orders as Order[]
    expect(kept).toHaveLength(keptOrders)
    expect(Math.min(...kept.map((o) => o.number))).toBe(Math.max(...orders.map((o) => o.number)) - keptOrders + 1)

    storage.set('orders', JSON.stringify({ at: '2026-11-25T21:04:00.000Z', orders: [{ id: 'x' }, kept[0]] }))
    expect(page(storage).store.list.value).toEqual([kept[0]])
    for (const broken of ['{', '{"at":"soon","orders":[]}', '{"at":"2026-11-25T21:04:00.000Z"}']) {
      storage.set('orders', broken)
      const { store, memory } = page(storage)
      expect(store.list.value).toEqual([])
      expect(memory.asOf.value).toBeNull()
    }
  })
})
