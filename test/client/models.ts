import { ApiError } from '../../client/src/lib/api-client.ts'
import { newId } from '../../client/src/lib/uuid.ts'
import type { Order, PlaceOrderInput, UpdateOrder } from '../../contract/index.ts'

let counter = 0

/** A valid order for tests; each call a new id and number unless given. */
export function makeOrder(fields: Partial<Order> = {}): Order {
  counter++
  const hex = counter.toString(16).padStart(12, '0')
  return {
    id: `00000000-0000-4000-8000-${hex}`,
    number: counter,
    eventId: 1,
    guestId: '11111111-1111-4111-8111-111111111111',
    nickname: 'Max',
    drinkId: 'espresso',
    quantity: 1,
    note: '',
    status: 'placed',
    createdAt: '2026-11-25T20:00:00.000Z',
    updatedAt: '2026-11-25T20:00:00.000Z',
    ...fields,
  }
}

/** An in-memory API with the contract's rules that matter here: idempotent ids, guest changes. */
export function memoryGuestApi() {
  const orders = new Map<string, Order>()
  const sent: PlaceOrderInput[] = []
  let failNext: ApiError | null = null
  let number = 0
  return {
    sent,
    orders,
    failNextWith(error: ApiError) {
      failNext = error
    },
    async placeOrder(input: PlaceOrderInput) {
      sent.push(input)
      const id = input.id ?? newId()
      const known = orders.get(id)
      if (failNext) {
        const error = failNext
        failNext = null
        // Stored, but the answer was lost on the way: the case idempotent ids exist for.
        if (error.status === 0) orders.set(id, makeOrder({ ...input, id, number: ++number, note: input.note ?? '' }))
        throw error
      }
      if (known) return known
      const order = makeOrder({ ...input, id, number: ++number, note: input.note ?? '' })
      orders.set(id, order)
      return order
    },
    async updateOrder(id: string, change: UpdateOrder) {
      const order = orders.get(id)
      if (!order) throw new ApiError(404, 'not_found', 'no such order')
      const { guestId: _, ...fields } = change
      const updated = { ...order, ...fields, updatedAt: new Date(Date.parse(order.updatedAt) + 1000).toISOString() }
      orders.set(id, updated)
      return updated
    },
    async guestOrders(guestId: string) {
      return [...orders.values()].filter((o) => o.guestId === guestId).reverse()
    },
  }
}

/** Timers run by hand: `schedule` for a model, `runAll` for the test. */
export function manualTimers() {
  let tasks: { task: () => void; ms: number }[] = []
  return {
    schedule(task: () => void, ms: number) {
      const entry = { task, ms }
      tasks.push(entry)
      return () => {
        tasks = tasks.filter((t) => t !== entry)
      }
    },
    /** Delays of the timers waiting, in the order they were set. */
    pending: () => tasks.map((t) => t.ms),
    runAll() {
      const due = tasks
      tasks = []
      for (const { task } of due) task()
    },
  }
}
