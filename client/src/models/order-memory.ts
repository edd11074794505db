import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, effect } from '@preact/signals-core'
import type { Order } from '../../../contract/index.ts'
import { orderStatuses } from '../../../contract/index.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import type { OrderStore } from './order-store.ts'

const storageKey = 'orders'
/** The guest's newest orders kept on the device: an evening's worth, far more than the 3 open at once. */
export const keptOrders = 20

/**
 * What this page wrote itself, from orders the server gave it, checked only for what the list
 * relies on. The contract's OrderSchema would do, but would bring valibot into the first download
 * (the contract module is in it already).
 */
function looksLikeOrder(value: unknown): value is Order {
  const order = value as Partial<Order> | null
  return (
    typeof order?.id === 'string' &&
    typeof order.number === 'number' &&
    typeof order.drinkId === 'string' &&
    typeof order.quantity === 'number' &&
    orderStatuses.includes(order.status as Order['status']) &&
    !Number.isNaN(Date.parse(order.updatedAt ?? '')) &&
    !Number.isNaN(Date.parse(order.createdAt ?? ''))
  )
}

export interface OrderMemoryDeps {
  storage: KeyValueStore
  /** The guest's orders on screen, and when the server last gave them (0: not since the page opened). */
  guest: { orders: ReadonlySignal<readonly Order[]>; syncedAt: ReadonlySignal<number> }
  store: OrderStore
  now?: () => Date
}

function restore(storage: KeyValueStore): { at: string; orders: Order[] } | null {
  try {
    const saved = JSON.parse(storage.get(storageKey) ?? 'null') as { at?: unknown; orders?: unknown } | null
    if (typeof saved?.at !== 'string' || Number.isNaN(Date.parse(saved.at)) || !Array.isArray(saved.orders)) return null
    return { at: saved.at, orders: saved.orders.filter(looksLikeOrder) }
  } catch {
    return null
  }
}

/**
 * The guest's orders as the server last gave them, kept on the device: a page opened without a
 * connection shows them, marked with the time they were last known, until the server answers.
 * Nothing the server has not confirmed since is saved over them.
 */
export const OrderMemory = createModel(({ storage, guest, store, now = () => new Date() }: OrderMemoryDeps) => {
  const saved = guest.syncedAt.peek() ? null : restore(storage)
  if (saved) store.merge(saved.orders)

  effect(() => {
    const orders = guest.orders.value
    if (guest.syncedAt.value === 0) return
    storage.set(storageKey, JSON.stringify({ at: now().toISOString(), orders: orders.slice(0, keptOrders) }))
  })

  return {
    /** When the orders on screen were last known to be so; null once the server has given them. */
    asOf: computed(() => (saved && guest.syncedAt.value === 0 ? saved.at : null)),
  }
})

export type OrderMemory = InstanceType<typeof OrderMemory>
