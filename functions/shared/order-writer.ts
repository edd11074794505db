import type { ReservedSql, Sql } from 'postgres'
import { limits, type Order, type OutboxEntry, type PlaceOrder } from '../../contract/index.ts'
import { Refusal } from './errors.ts'
import { insertOrdersWithMessages, readBatchFacts } from './order-batch.ts'
import { orderMessages } from './order-messages.ts'

/** What placing an order gave: the order, whether this call stored it, its outbox entries. */
export interface Placed {
  order: Order
  created: boolean
  outbox: OutboxEntry[]
}

export interface OrderWriterOptions {
  /** Whether the public ticker shows nicknames. Default true. */
  tickerNicknames?: boolean
  /** Orders written in one transaction, at most. Default 256. */
  maxBatch?: number
  /** Transactions under way at once, at most. Default 2. */
  maxConcurrent?: number
  /** Orders waiting for a transaction, at most; `busy()` says when it is reached. Default 1,000. */
  maxWaiting?: number
  /**
   * Busy, once at least `rushWaiting` orders wait and the oldest waited this long: the database
   * is behind, and what is acknowledged now would reach the bar late. Default 100 ms.
   */
  maxWaitMs?: number
  /** Default 16: a few orders behind one slow transaction are not a rush. */
  rushWaiting?: number
  /**
   * A transaction that has not answered after this long (the database went away, or is stuck)
   * gets its orders a 503: whether it committed is unknown, and the guest's retry with the same
   * id finds the order if it did. Default 2,000 ms.
   */
  maxWriteMs?: number
}

export const orderWriterDefaults = {
  maxBatch: 256,
  maxConcurrent: 2,
  maxWaiting: 1000,
  maxWaitMs: 100,
  rushWaiting: 16,
  maxWriteMs: 2000,
}

interface Pending {
  /** When it joined the queue, `performance.now()`. */
  at: number
  id: string
  input: PlaceOrder
  onNew: (() => void) | undefined
  resolve(placed: Placed): void
  reject(error: unknown): void
}

/**
 * Places orders in batches: those that arrive in one event-loop turn (and while earlier batches
 * are being written) share one transaction, with one round trip for every check and one
 * statement each for the orders and their outbox messages. The spec's rules hold per order: an
 * id already stored answers with the stored order (200) or a conflict, a guest has at most
 * `limits.openOrders` open in the current event (guests are locked for the transaction, so
 * concurrent batches and pods count right), a drink must be on the menu and available, and pickup
 * numbers come from the current event's sequence, so they are distinct within it.
 */
export function createOrderWriter(sql: Sql, options: OrderWriterOptions = {}) {
  const { maxBatch, maxConcurrent, maxWaiting, maxWaitMs, rushWaiting, maxWriteMs } = {
    ...orderWriterDefaults,
    ...options,
  }
  const tickerNicknames = options.tickerNicknames ?? true
  const waiting: Pending[] = []
  let running = 0
  let scheduled = false

  const pump = () => {
    scheduled = false
    while (running < maxConcurrent && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch)
      running++
      void writeBatch(sql, batch, tickerNicknames, maxWriteMs).finally(() => {
        running--
        pump()
      })
    }
  }

  return {
    /**
     * Stores `input` under `id` unless it is a retry. `onNew` runs only for an order not stored
     * yet, before it is: it may throw to refuse the order (a per-guest rate limit).
     */
    place(id: string, input: PlaceOrder, onNew?: () => void): Promise<Placed> {
      return new Promise<Placed>((resolve, reject) => {
        waiting.push({ at: performance.now(), id: id.toLowerCase(), input, onNew, resolve, reject })
        // After this turn's other requests joined the batch.
        if (!scheduled && running < maxConcurrent) {
          scheduled = true
          setImmediate(pump)
        }
      })
    },
    /** Whether as many orders wait, or the oldest waited, as long as allowed: new ones would be late. */
    busy: () =>
      waiting.length >= maxWaiting ||
      (waiting.length >= rushWaiting && performance.now() - (waiting[0] as Pending).at > maxWaitMs),
  }
}

type Outcome = Placed | Error

async function writeBatch(sql: Sql, batch: Pending[], tickerNicknames: boolean, maxWriteMs: number): Promise<void> {
  const outcomes = new Map<Pending, Outcome>()
  const written = pipelinedTransaction(sql, (tx, commit) =>
    decideAndWrite(tx, commit, batch, outcomes, tickerNicknames),
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Refusal(503, 'unavailable', 'the database did not answer in time; try again')),
      maxWriteMs,
    )
  })
  try {
    await Promise.race([written, late])
  } catch (error) {
    // Refusals stand; every other order of the batch gets the failure: nothing of it was
    // acknowledged, and a retry with the same id finds what was stored after all.
    for (const pending of batch) if (!(outcomes.get(pending) instanceof Refusal)) outcomes.set(pending, error as Error)
    // Still under way after its bound: its end changes nothing any more.
    written.catch(() => {})
  } finally {
    clearTimeout(timer)
  }
  for (const pending of batch) {
    const outcome = outcomes.get(pending) ?? new Error('the order was not decided')
    if (outcome instanceof Error) pending.reject(outcome)
    else pending.resolve(outcome)
  }
}

/**
 * A transaction in two round trips where `sql.begin` takes four: BEGIN leaves with `work`'s first
 * statements, and `work` sends COMMIT right behind its last one (`commit()`) instead of waiting
 * for its answer. Postgres answers a COMMIT that follows a failed statement with a rollback; the
 * statement's error is what `work` throws. Without a COMMIT sent, the transaction is committed
 * after `work` (it wrote nothing), or rolled back when it failed, before the connection is
 * given back.
 */
async function pipelinedTransaction(
  sql: Sql,
  work: (tx: ReservedSql, commit: () => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const tx = await sql.reserve()
  let ended = false
  const commit = () => {
    ended = true
    return tx`commit`.execute()
  }
  try {
    const begun = tx`begin`.execute()
    // Plans made for these values, not a cached generic one: a generic plan chosen while
    // `orders` was small (the start of a night, before autovacuum analyzed it) scans the table.
    const planned = tx`set local plan_cache_mode = force_custom_plan`.execute()
    const [started, worked] = await Promise.allSettled([Promise.all([begun, planned]), work(tx, commit)])
    const failed = [started, worked].find((outcome) => outcome.status === 'rejected')
    if (failed) {
      if (!ended) await tx`rollback`.execute().catch(() => {})
      throw failed.reason
    }
    if (!ended) await commit()
  } finally {
    tx.release()
  }
}

async function decideAndWrite(
  tx: ReservedSql,
  commit: () => Promise<unknown>,
  batch: Pending[],
  outcomes: Map<Pending, Outcome>,
  ticker: boolean,
) {
  const facts = await readBatchFacts(
    tx,
    batch.map((p) => ({ id: p.id, guestId: p.input.guestId, drinkId: p.input.drinkId })),
  )
  const { stored, drinks, open } = facts
  const planned = new Map<string, Pending>()
  const twins: [Pending, Pending][] = []
  for (const pending of batch) {
    try {
      const { id, input } = pending
      const existing = stored.get(id)
      if (existing) {
        outcomes.set(pending, { order: sameOrder(existing, input), created: false, outbox: [] })
        continue
      }
      const first = planned.get(id)
      if (first) {
        if (!sameInput(first.input, input)) throw idConflict()
        twins.push([pending, first])
        continue
      }
      // A retry of a stored order is answered above, and does not count against the guest's rate.
      pending.onNew?.()
      const drink = drinks.get(input.drinkId)
      if (!drink) {
        throw new Refusal(400, 'invalid_input', `drinkId: there is no drink "${input.drinkId}"`, [
          { path: 'drinkId', message: 'not on the menu' },
        ])
      }
      if (!drink.available) throw new Refusal(409, 'sold_out', `${drink.name.en} is sold out`)
      const guest = input.guestId.toLowerCase()
      const count = open.get(guest) ?? 0
      if (count >= limits.openOrders) {
        throw new Refusal(409, 'too_many_open_orders', `a guest may have ${limits.openOrders} orders open at once`)
      }
      open.set(guest, count + 1)
      planned.set(id, pending)
    } catch (error) {
      outcomes.set(pending, error as Error)
    }
  }
  if (planned.size === 0) return
  const createdAt = facts.now.toISOString()
  const placed = [...planned.values()].map((pending, index) => {
    const { input } = pending
    const station = drinks.get(input.drinkId)?.station
    const order: Order = {
      id: pending.id,
      number: facts.numbers[index] as number,
      eventId: facts.event,
      guestId: input.guestId.toLowerCase(),
      nickname: input.nickname,
      drinkId: input.drinkId,
      ...(station ? { station } : {}),
      quantity: input.quantity,
      note: input.note,
      status: 'placed',
      createdAt,
      updatedAt: createdAt,
    }
    const drinkName = drinks.get(order.drinkId)?.name.en ?? order.drinkId
    return { pending, order, messages: orderMessages('placed', order, drinkName, { tickerNicknames: ticker }) }
  })
  // The insert and COMMIT leave together; an order is acknowledged only once both answered.
  const [inserted, committed] = await Promise.allSettled([insertOrdersWithMessages(tx, placed), commit()])
  if (inserted.status === 'rejected') throw inserted.reason
  if (committed.status === 'rejected') throw committed.reason
  const { orders, messageIds } = inserted.value
  let next = 0
  for (const { pending, order, messages } of placed) {
    // Another request stored this id between our read and our insert.
    if (!orders.has(order.id)) {
      outcomes.set(pending, idConflict())
      continue
    }
    const outbox = messages.map((message) => ({ id: messageIds[next++] as string, message }))
    outcomes.set(pending, { order, created: true, outbox })
  }
  for (const [twin, first] of twins) {
    const order = outcomes.get(first)
    outcomes.set(twin, order && !(order instanceof Error) ? { ...order, created: false, outbox: [] } : idConflict())
  }
}

function idConflict(): Refusal {
  return new Refusal(409, 'id_conflict', 'an order with this id exists with other content')
}

function sameInput(a: PlaceOrder, b: PlaceOrder): boolean {
  return (
    a.guestId === b.guestId &&
    a.nickname === b.nickname &&
    a.drinkId === b.drinkId &&
    a.quantity === b.quantity &&
    a.note === b.note
  )
}

/** A retry must carry the same order; anything else under an existing id is a conflict. */
function sameOrder(stored: Order, input: PlaceOrder): Order {
  if (!sameInput(stored, input)) throw idConflict()
  return stored
}
