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
  /** Uniform in [0, 1): the jitter of a wait the server asked for. */
  random?: () => number
}

const storageKey = 'outbox'
/** Waits between attempts while the server stays out of reach: 2 s, doubling, at most a minute. */
const firstRetryMs = 2000
const maxRetryMs = 60_000

/** No answer, or the server is down: the order may still arrive, so it is kept and sent again. */
export const worthRetrying = (error: unknown): error is ApiError =>
  error instanceof ApiError && (error.status === 0 || error.status >= 500)

/**
 * A server that answered "not now" (503 `overloaded`) is asked again after its `Retry-After`,
 * at most this long, plus up to half as long again at random, so that the guests it turned
 * away together do not come back together.
 */
const maxServerWaitMs = 30_000

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
export const OrderOutbox = createModel((deps: OutboxDeps) => {
  const { storage, send, accept, schedule = defaultSchedule, random = Math.random } = deps
  const items = signal<readonly QueuedOrder[]>(restore(storage))
  const problem = signal<OutboxProblem | null>(null)
  /** The server answered but could not take the order now (503): it is sent again by itself. */
  const busy = signal(false)
  let flushing: Promise<void> | null = null
  let retryMs = firstRetryMs
  let cancelRetry: (() => void) | null = null
  /** The server asked for a wait that has not passed: nothing is sent before, whatever asks. */
  let serverWait = false

  function save(next: readonly QueuedOrder[]) {
    items.value = next
    if (next.length > 0) storage.set(storageKey, JSON.stringify(next))
    else storage.remove(storageKey)
  }

  const without = (id: string) => items.value.filter((item) => item.id !== id)

  /** Sends again after the server's `Retry-After` when `reason` has one, else after the backoff. */
  function retryLater(reason?: ApiError) {
    cancelRetry?.()
    // An answer, not silence: the server is there but cannot take the order now.
    busy.value = !!reason?.status
    const asked = reason?.retryAfterMs
    serverWait = !!asked
    cancelRetry = schedule(
      () => {
        cancelRetry = null
        serverWait = false
        void flush()
      },
      asked ? Math.min(asked, maxServerWaitMs) * (1 + random() / 2) : retryMs,
    )
    if (!asked) retryMs = Math.min(retryMs * 2, maxRetryMs)
  }

  async function sendAll() {
    for (let next = items.value[0]; next; next = items.value[0]) {
      try {
        const order = await send(next)
        save(without(next.id))
        accept(order)
      } catch (error) {
        if (worthRetrying(error)) return retryLater(error)
        save(without(next.id))
        problem.value = { ...toProblem(error), order: next }
      }
    }
    busy.value = false
    retryMs = firstRetryMs
  }

  /** Sends what waits; a call while sending waits for that round. */
  function flush(): Promise<void> {
    if (items.value.length === 0 || serverWait) return Promise.resolve()
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
    busy,
    /**
     * Keeps an order to send when the server can take it, and tries again later: after the
     * `Retry-After` of `reason` (the refusal that brought it here) when it has one.
     */
    add(order: QueuedOrder, reason?: ApiError) {
      if (items.value.some((item) => item.id === order.id)) return
      save([...items.value, order])
      problem.value = null
      if (!serverWait) retryLater(reason)
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
