import { randomUUID } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { limits, type Order, orderMessages, type PlaceOrder, PlaceOrderSchema } from '../../contract/index.ts'
import { createAdmission } from '../shared/admission.ts'
import { createBaseApp, defaultOrderLimits, type FunctionDeps } from '../shared/app.ts'
import { clientAddress } from '../shared/client-address.ts'
import { ApiError } from '../shared/errors.ts'
import { findDrink } from '../shared/menu.ts'
import { countOpenOrders, findOrder, type OrderRow, toOrder } from '../shared/orders.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { createRateLimiter, type Verdict } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'

/** `POST /api/orders`: a guest places an order. */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, log, orderLimits = defaultOrderLimits, trustProxy = false, tickerNicknames = true } = deps
  const perAddress = createRateLimiter(orderLimits.perAddress)
  const perGuest = createRateLimiter(orderLimits.perGuest)
  const admit = createAdmission(sql, publisher, deps.overloadLimits)
  return createBaseApp(deps).post('/api/orders', async (c) => {
    limit(c, perAddress.take(clientAddress(c, trustProxy)), 'from your network')
    const input = await readJson(c, PlaceOrderSchema)
    await admit(c)
    const id = input.id ?? randomUUID()
    const { order, created, outbox } = await sql.begin(async (tx) => {
      // Sent together, answered in one round trip, run in this order. The lock places one
      // guest's orders one at a time, so the open-order limit holds under retries.
      const [, existing, drink, open] = await Promise.all([
        tx`select pg_advisory_xact_lock(hashtext(${input.guestId}))`,
        findOrder(tx, id),
        findDrink(tx, input.drinkId),
        countOpenOrders(tx, input.guestId),
      ])
      // A retry of a stored order is answered, and does not count against the guest's rate.
      if (existing) return { order: sameOrder(existing, input), created: false, outbox: [] }
      limit(c, perGuest.take(input.guestId), 'for you')
      if (!drink) {
        throw new ApiError(400, 'invalid_input', `drinkId: there is no drink "${input.drinkId}"`, [
          { path: 'drinkId', message: 'not on the menu' },
        ])
      }
      if (!drink.available) throw new ApiError(409, 'sold_out', `${drink.name.en} is sold out`)
      if (open >= limits.openOrders) {
        throw new ApiError(409, 'too_many_open_orders', `a guest may have ${limits.openOrders} orders open at once`)
      }

      const [row] = await tx<OrderRow[]>`
        insert into orders (id, guest_id, nickname, drink_id, quantity, note)
        values (${id}, ${input.guestId}, ${input.nickname}, ${input.drinkId}, ${input.quantity}, ${input.note})
        on conflict (id) do nothing
        returning *`
      // Another guest's order took this id between our read and our insert.
      if (!row) throw new ApiError(409, 'id_conflict', 'an order with this id exists with other content')
      const placed = toOrder(row)
      return {
        order: placed,
        created: true,
        outbox: await enqueue(tx, orderMessages('placed', placed, drink.name.en, { tickerNicknames })),
      }
    })
    // The order is committed: the broker is told without holding up the guest.
    if (outbox.length > 0) void flush(sql, publisher, outbox, log)
    return c.json({ order }, created ? 201 : 200)
  })
}

function limit(c: Context, verdict: Verdict, whose: string) {
  if (verdict.ok) return
  c.header('retry-after', String(verdict.retryAfter))
  throw new ApiError(429, 'rate_limited', `too many orders ${whose}; try again in ${verdict.retryAfter} s`)
}

/** A retry must carry the same order; anything else under an existing id is a conflict. */
function sameOrder(stored: Order, input: PlaceOrder): Order {
  const same =
    stored.guestId === input.guestId &&
    stored.nickname === input.nickname &&
    stored.drinkId === input.drinkId &&
    stored.quantity === input.quantity &&
    stored.note === input.note
  if (!same) throw new ApiError(409, 'id_conflict', 'an order with this id exists with other content')
  return stored
}
