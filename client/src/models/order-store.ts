import { computed, createModel, signal } from '@preact/signals-core'
import type { Order, OrderStatus } from '../../../contract/index.ts'
import { orderStatuses } from '../../../contract/order-status.ts'

/** Position in the lifecycle; the two ends (delivered, cancelled) rank highest. */
export const statusRank = (status: OrderStatus): number => orderStatuses.indexOf(status)

/**
 * Whether `incoming` is a later state of the order than `current`. Delivery is at least once
 * and the API catch-up races live events, so older copies must lose: the later `updatedAt`
 * wins, and on a tie the status further along the lifecycle.
 */
export function isNewer(incoming: Order, current: Order | undefined): boolean {
  if (!current) return true
  const a = Date.parse(incoming.updatedAt)
  const b = Date.parse(current.updatedAt)
  if (a !== b) return a > b
  return statusRank(incoming.status) > statusRank(current.status)
}

/** An order the store took, with the copy it replaced (none when the order is new to the page). */
export interface OrderChange {
  order: Order
  previous: Order | undefined
}

const newestFirst = (a: Order, b: Order) => b.number - a.number || b.createdAt.localeCompare(a.createdAt)

/** The orders the page knows, one copy per id, always the latest. */
export const OrderStore = createModel(() => {
  const byId = signal<ReadonlyMap<string, Order>>(new Map())
  const list = computed(() => [...byId.value.values()].sort(newestFirst))
  return {
    byId,
    /** Newest first. */
    list,
    /** Takes orders from the API or MQTT; returns those that changed something, skipping stale copies. */
    merge(orders: readonly Order[]): OrderChange[] {
      const next = new Map(byId.value)
      const changes: OrderChange[] = []
      for (const order of orders) {
        const previous = next.get(order.id)
        if (!isNewer(order, previous)) continue
        next.set(order.id, order)
        changes.push({ order, previous })
      }
      if (changes.length > 0) byId.value = next
      return changes
    },
  }
})

export type OrderStore = InstanceType<typeof OrderStore>
