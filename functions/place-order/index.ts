import { randomUUID } from 'node:crypto'
import type { Hono } from 'hono'
import { limits, type Order, orderMessages, type PlaceOrder, PlaceOrderSchema } from '../../contract/index.ts'
import { createBaseApp, defaultOrderLimits, type FunctionDeps } from '../shared/app.ts'
import { clientAddress } from '../shared/client-address.ts'
import { countedLimits } from '../shared/counted-limits.ts'
import { Refusal } from '../shared/errors.ts'
import { findDrink } from '../shared/menu.ts'
import { countOpenOrders, findOrder, type OrderRow, toOrder } from '../shared/orders.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { createRateLimiter } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'

/** `POST /api/orders`: a guest places an order. */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, log, orderLimits = defaultOrderLimits, trustProxy = false, tickerNicknames = true } = deps
  const perAddress = createRateLimiter(orderLimits.perAddress)
  const perGuest = createRateLimiter(orderLimits.perGuest)
  // The limits count orders placed: refusals and answered retries give their places back.
  const counted = countedLimits((status) => status === 201)
  const app = createBaseApp(deps).use('/api/orders', counted.middleware)
  return app.post('/api/orders', async (c) => {
    const input = await readJson(c, PlaceOrderSchema)
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
      // A retry of a stored order is answered, even to a guest or an address at its limit.
      if (existing) return { order: sameOrder(existing, input), created: false, outbox: [] }
      counted.take(c, perAddress, clientAddress(c, trustProxy), 'orders from your network')
      counted.take(c, perGuest, input.guestId, 'orders for you')
      if (!drink) {
        throw new Refusal(400, 'invalid_input', `drinkId: there is no drink "${input.drinkId}"`, [
          { path: 'drinkId', message: 'not on the menu' },
        ])
      }
      if (!drink.available) throw new Refusal(409, 'sold_out', `${drink.name.en} is sold out`)
      if (open >= limits.openOrders) {
        throw new Refusal(409, 'too_many_open_orders', `a guest may have ${limits.openOrders} orders open at once`)
      }

      const [row] = await tx<OrderRow[]>`
        insert into orders (id, guest_id, nickname, drink_id, quantity, note)
        values (${id}, ${input.guestId}, ${input.nickname}, ${input.drinkId}, ${input.quantity}, ${input.note})
        on conflict (id) do nothing
        returning *`
      // Another guest's order took this id between our read and our insert.
      if (!row) throw new Refusal(409, 'id_conflict', 'an order with this id exists with other content')
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

/** A retry must carry the same order; anything else under an existing id is a conflict. */
function sameOrder(stored: Order, input: PlaceOrder): Order {
  const same =
    stored.guestId === input.guestId &&
    stored.nickname === input.nickname &&
    stored.drinkId === input.drinkId &&
    stored.quantity === input.quantity &&
    stored.note === input.note
  if (!same) throw new Refusal(409, 'id_conflict', 'an order with this id exists with other content')
  return stored
}
