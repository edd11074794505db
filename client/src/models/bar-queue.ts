import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel } from '@preact/signals-core'
import { type OpenStatus, type Order, openStatuses } from '../../../contract/index.ts'

/** The statuses the bar still works on, in lifecycle order: the queue's columns. */
export const queueStatuses = openStatuses
export type QueueStatus = OpenStatus

/** What is still to make of one drink: placed and preparing orders. */
export interface TallyLine {
  drinkId: string
  quantity: number
  orders: number
}

const oldestFirst = (a: Order, b: Order) => a.number - b.number

/** Open orders by status, oldest first: the bar works from the top. */
export function groupQueue(orders: readonly Order[]): Record<QueueStatus, Order[]> {
  const columns: Record<QueueStatus, Order[]> = { placed: [], preparing: [], ready: [] }
  for (const order of orders) {
    if (order.status === 'placed' || order.status === 'preparing' || order.status === 'ready') {
      columns[order.status].push(order)
    }
  }
  for (const status of queueStatuses) columns[status].sort(oldestFirst)
  return columns
}

/** Quantities per drink still to make, most first. */
export function tally(orders: readonly Order[]): TallyLine[] {
  const lines = new Map<string, TallyLine>()
  for (const order of orders) {
    if (order.status !== 'placed' && order.status !== 'preparing') continue
    const line = lines.get(order.drinkId) ?? { drinkId: order.drinkId, quantity: 0, orders: 0 }
    line.quantity += order.quantity
    line.orders += 1
    lines.set(order.drinkId, line)
  }
  return [...lines.values()].sort((a, b) => b.quantity - a.quantity || a.drinkId.localeCompare(b.drinkId))
}

/** The bar's live view of the orders: the queue, the tally, and the numbers to call out. */
export const BarQueue = createModel((orders: ReadonlySignal<readonly Order[]>) => {
  const columns = computed(() => groupQueue(orders.value))
  return {
    columns,
    tally: computed(() => tally(orders.value)),
    /** Pickup numbers ready to collect, in the order they were placed. */
    readyNumbers: computed(() => columns.value.ready.map((order) => order.number)),
  }
})

export type BarQueue = InstanceType<typeof BarQueue>
