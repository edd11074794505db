import { createModel, effect, signal } from '@preact/signals-core'
import type { Order, PlaceOrderInput } from '../../../contract/index.ts'
import { ApiError } from '../lib/api-client.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'

/** An order placed while the server could not be reached, with the id it keeps until it arrives. */
export type QueuedOrder = PlaceOrderInput & { id: string }

/** The outbox's refusal of a queued order: the order, and why the server refused it. */
export interface OutboxProblem extends Problem {
  order: QueuedOrder
}

export interface OutboxDeps {
  storage: KeyValueStore
  send: (order: QueuedOrder) => Promise<Order>
  /** Where an order the server took goes (the order store). */
  accept: (order: Order) => void
  /** Runs `task` after `ms`; returns what cancels it. */
  schedule?: (task: () => void, ms: number) => () => void
}

const storageKey = 'outbox'
/** Waits between attempts while the server stays out of reach: 2 s, doubling, at most a minute. */
const firstRetryMs = 2000
const maxRetryMs = 60_000

/** No answer, or the server is down: the order may still arrive, so it is kept and sent again. */
export const worthRetrying = (error: unknown) =>
  error instanceof ApiError && (error.status === 0 || error.status >= 500)

const defaultSchedule = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms)
  return () => clearTimeout(timer)
}

function restore(storage: KeyValueStore): QueuedOrder[] {
  try {
    const saved: unknown = JSON.parse(storage.get(storageKey) ?? '[]')
    return Array.isArray(saved) ? saved.filter((o): o is QueuedOrder => typeof o?.id === 'string') : []
  } catch {
    return []
  }
}

/**
 * Orders tapped while the network was gone. Each keeps its idempotency id and is sent again,
 * in the order it was placed, on `flush` (network back, reconnect, page opened) and on a timer
 * that backs off, until the server answers: then the server's order replaces it, or the
 * refusal is shown. Kept in storage, so a reload does not lose it.
 */
export const OrderOutbox = createModel(({ storage, send, accept, schedule = defaultSchedule }: OutboxDeps) => {
  const items = signal<readonly QueuedOrder[]>(restore(storage))
  const problem = signal<OutboxProblem | null>(null)
  let flushing: Promise<void> | null = null
  let retryMs = firstRetryMs
  let cancelRetry: (() => void) | null = null

  function save(next: readonly QueuedOrder[]) {
    items.value = next
    if (next.length > 0) storage.set(storageKey, JSON.stringify(next))
    else storage.remove(storageKey)
  }

  const without = (id: string) => items.value.filter((item) => item.id !== id)

  function retryLater() {
    cancelRetry?.()
    cancelRetry = schedule(() => {
      cancelRetry = null
      void flush()
    }, retryMs)
    retryMs = Math.min(retryMs * 2, maxRetryMs)
  }

  async function sendAll() {
    for (let next = items.value[0]; next; next = items.value[0]) {
      try {
        const order = await send(next)
        save(without(next.id))
        accept(order)
      } catch (error) {
        if (worthRetrying(error)) return retryLater()
        save(without(next.id))
        problem.value = { ...toProblem(error), order: next }
      }
    }
    retryMs = firstRetryMs
  }

  /** Sends what waits; a call while sending waits for that round. */
  function flush(): Promise<void> {
    if (items.value.length === 0) return Promise.resolve()
    cancelRetry?.()
    cancelRetry = null
    flushing ??= sendAll().finally(() => {
      flushing = null
    })
    return flushing
  }

  // No retry outlives the model.
  effect(() => () => cancelRetry?.())

  return {
    /** Orders waiting to be sent, oldest first. */
    items,
    problem,
    /** Keeps an order to send when the server can be reached, and tries again later. */
    add(order: QueuedOrder) {
      if (items.value.some((item) => item.id === order.id)) return
      save([...items.value, order])
      problem.value = null
      retryLater()
    },
    /** The guest changed their mind before it was sent. */
    remove(id: string) {
      save(without(id))
    },
    flush,
    dismissProblem() {
      problem.value = null
    },
  }
})

export type OrderOutbox = InstanceType<typeof OrderOutbox>
