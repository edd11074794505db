import type { Hono } from 'hono'
import * as v from 'valibot'
import { routes, UpdateOrderSchema, UuidSchema } from '../../contract/index.ts'
import { createBaseApp, defaultEditLimits, defaultUndoSeconds, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { clientAddress } from '../shared/client-address.ts'
import { countedLimits } from '../shared/counted-limits.ts'
import { Refusal } from '../shared/errors.ts'
import { currentEvent } from '../shared/events.ts'
import { findDrink } from '../shared/menu.ts'
import { orderMessages, pickupMessage } from '../shared/order-messages.ts'
import { findOrder, type OrderRow, readPickupBoard, toOrder } from '../shared/orders.ts'
import { enqueue, flush } from '../shared/outbox.ts'
import { enqueueReadyPush, forgetIdleSubscriptions } from '../shared/push-outbox.ts'
import { createRateLimiter } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'
import { barChange, guestChange, undoChange } from './changes.ts'

/**
 * `PATCH /api/orders/:id`: the bar moves an order along its lifecycle (or takes its last move
 * back within `undoSeconds`); the guest who placed it changes it or cancels it while it is
 * still `placed`.
 */
export function createApp(deps: FunctionDeps): Hono {
  const {
    sql,
    publisher,
    barToken,
    log,
    editLimits = defaultEditLimits,
    trustProxy = false,
    undoSeconds = defaultUndoSeconds,
  } = deps
  const perAddress = createRateLimiter(editLimits.perAddress)
  const perGuest = createRateLimiter(editLimits.perGuest)
  // Guests' edits count once made. The bar's moves are never held back, nor is a guest's cancel
  // (one per order, and orders have their own limits).
  const counted = countedLimits((status) => status === 200)
  const app = createBaseApp(deps).use(routes.order, counted.middleware)
  return app.patch(routes.order, async (c) => {
    const id = c.req.param('id')
    if (!v.is(UuidSchema, id)) throw new Refusal(404, 'not_found', 'no such order')
    const change = await readJson(c, UpdateOrderSchema)
    const bar = isBar(c.req.header('authorization'), barToken)
    if (!bar && !change.guestId) throw new Refusal(401, 'unauthorized', 'send the bar token or your guestId')
    if (!bar && change.guestId && change.status !== 'cancelled') {
      counted.take(c, perAddress, clientAddress(c, trustProxy), 'changes from your network')
      counted.take(c, perGuest, change.guestId, 'changes to your orders')
    }

    const { order, outbox } = await sql.begin(async (tx) => {
      const current = await findOrder(tx, id, { lock: true })
      if (!current || (!bar && current.guestId !== change.guestId)) throw new Refusal(404, 'not_found', 'no such order')
      // An event that ended keeps its orders as they were; its pickup numbers are called no more.
      if (current.eventId !== (await currentEvent(tx)).id)
        throw new Refusal(409, bar ? 'invalid_transition' : 'not_editable', 'the order belongs to an event that ended')
      const undo = bar && change.undo === true
      const next = !bar
        ? await guestChange(tx, current, change)
        : undo
          ? await undoChange(tx, current, change, undoSeconds)
          : barChange(current, change)
      // A move of the bar is remembered for its undo; an undo or a guest's change forgets it.
      const moved = bar && !undo
      const [row] = await tx<OrderRow[]>`
        update orders set
          status = ${next.status}, nickname = ${next.nickname}, drink_id = ${next.drinkId},
          -- Another drink is made at its own station (the old values on the right of SET).
          station = case when drink_id = ${next.drinkId} then station
            else (select station from drinks where id = ${next.drinkId}) end,
          quantity = ${next.quantity}, note = ${next.note}, updated_at = clock_timestamp(),
          previous_status = ${moved ? current.status : null},
          moved_at = case when ${moved} then clock_timestamp() end
        where id = ${id}
        returning *`
      const updated = toOrder(row as OrderRow)
      const drink = await findDrink(tx, updated.drinkId)
      const messages = orderMessages('updated', updated, drink?.name.en ?? updated.drinkId, {
        formerStation: current.station,
      })
      // The public pickup list changes when an order enters or leaves `ready`.
      if (current.status === 'ready' || updated.status === 'ready')
        messages.push(pickupMessage(await readPickupBoard(tx)))
      // The guest's phones hear of it through Web Push too, sent by the broker's push relay.
      if (updated.status === 'ready' && current.status !== 'ready')
        await enqueueReadyPush(tx, updated, stationOf(updated, drink?.station))
      if (updated.status === 'delivered' || updated.status === 'cancelled')
        await forgetIdleSubscriptions(tx, updated.guestId)
      return { order: updated, outbox: await enqueue(tx, messages) }
    })
    void flush(sql, publisher, outbox, log)
    return c.json({ order })
  })
}

/** Where the drink is picked up: the order's own station where orders carry one, else its drink's. */
function stationOf(order: object, drinkStation: string | undefined): string | null {
  const own = (order as { station?: unknown }).station
  return typeof own === 'string' && own ? own : (drinkStation ?? null)
}

/**
 * Publishes the current ready numbers as the retained `public/pickup` when a pod starts, so a
 * board shows the truth also after a broker's retained state was lost or before any change.
 */
export async function start({ sql, publisher, log }: FunctionDeps): Promise<void> {
  const outbox = await sql.begin(async (tx) => enqueue(tx, [pickupMessage(await readPickupBoard(tx))]))
  await flush(sql, publisher, outbox, log)
}
