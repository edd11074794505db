import type { Hono } from 'hono'
import * as v from 'valibot'
import {
  canTransition,
  type Order,
  type OrderStatus,
  orderMessages,
  type UpdateOrder,
  UpdateOrderSchema,
  UuidSchema,
} from '../../contract/index.ts'
import { createBaseApp, defaultEditLimits, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { clientAddress } from '../shared/client-address.ts'
import { countedLimits } from '../shared/counted-limits.ts'
import { ApiError } from '../shared/errors.ts'
import { findDrink } from '../shared/menu.ts'
import { findOrder, type OrderRow, toOrder } from '../shared/orders.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { createRateLimiter } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'

/**
 * `PATCH /api/orders/:id`: the bar moves an order along its lifecycle; the guest who placed it
 * changes it or cancels it while it is still `placed`.
 */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, barToken, log, editLimits = defaultEditLimits, trustProxy = false } = deps
  const perAddress = createRateLimiter(editLimits.perAddress)
  const perGuest = createRateLimiter(editLimits.perGuest)
  // Guests' edits count once made. The bar's moves are never held back, nor is a guest's cancel
  // (one per order, and orders have their own limits).
  const counted = countedLimits((status) => status === 200)
  const app = createBaseApp(deps).use('/api/orders/:id', counted.middleware)
  return app.patch('/api/orders/:id', async (c) => {
    const id = c.req.param('id')
    if (!v.is(UuidSchema, id)) throw new ApiError(404, 'not_found', 'no such order')
    const change = await readJson(c, UpdateOrderSchema)
    const bar = isBar(c.req.header('authorization'), barToken)
    if (!bar && !change.guestId) throw new ApiError(401, 'unauthorized', 'send the bar token or your guestId')
    if (!bar && change.guestId && change.status !== 'cancelled') {
      counted.take(c, perAddress, clientAddress(c, trustProxy), 'changes from your network')
      counted.take(c, perGuest, change.guestId, 'changes to your orders')
    }

    const { order, outbox } = await sql.begin(async (tx) => {
      const current = await findOrder(tx, id, { lock: true })
      if (!current || (!bar && current.guestId !== change.guestId))
        throw new ApiError(404, 'not_found', 'no such order')
      const next = bar ? barChange(current, change) : await guestChange(current, change, tx)
      const [row] = await tx<OrderRow[]>`
        update orders set
          status = ${next.status}, nickname = ${next.nickname}, drink_id = ${next.drinkId},
          quantity = ${next.quantity}, note = ${next.note}, updated_at = clock_timestamp()
        where id = ${id}
        returning *`
      const updated = toOrder(row as OrderRow)
      const drink = await findDrink(tx, updated.drinkId)
      return {
        order: updated,
        outbox: await enqueue(tx, orderMessages('updated', updated, drink?.name.en ?? updated.drinkId)),
      }
    })
    void flush(sql, publisher, outbox, log)
    return c.json({ order })
  })
}

function barChange(current: Order, change: UpdateOrder): Order {
  const { status, guestId, ...rest } = change
  if (Object.keys(rest).length > 0) {
    throw new ApiError(400, 'invalid_input', 'the bar changes only the status', [
      { path: Object.keys(rest)[0] ?? '', message: 'only the guest changes this' },
    ])
  }
  if (!status) throw new ApiError(400, 'invalid_input', 'status: missing', [{ path: 'status', message: 'missing' }])
  return { ...current, status: transition(current.status, status) }
}

async function guestChange(current: Order, change: UpdateOrder, tx: Parameters<typeof findDrink>[0]): Promise<Order> {
  const { status, guestId: _, ...fields } = change
  if (status && status !== 'cancelled') {
    throw new ApiError(403, 'forbidden', 'a guest can only cancel; the bar moves orders along')
  }
  if (current.status !== 'placed') {
    throw new ApiError(409, 'not_editable', `the order is already ${current.status} and can no longer be changed`)
  }
  if (fields.drinkId && fields.drinkId !== current.drinkId) {
    const drink = await findDrink(tx, fields.drinkId)
    if (!drink) throw new ApiError(400, 'invalid_input', `drinkId: there is no drink "${fields.drinkId}"`)
    if (!drink.available) throw new ApiError(409, 'sold_out', `${drink.name.en} is sold out`)
  }
  if (!status && Object.keys(fields).length === 0) {
    throw new ApiError(400, 'invalid_input', 'nothing to change')
  }
  return { ...current, ...fields, status: status ? transition(current.status, status) : current.status }
}

function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to))
    throw new ApiError(409, 'invalid_transition', `an order cannot go from ${from} to ${to}`)
  return to
}
