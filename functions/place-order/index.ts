import { randomUUID } from 'node:crypto'
import type { Hono } from 'hono'
import { PlaceOrderSchema, routes } from '../../contract/index.ts'
import { createAdmission } from '../shared/admission.ts'
import { createBaseApp, defaultOrderLimits, type FunctionDeps } from '../shared/app.ts'
import { clientAddress } from '../shared/client-address.ts'
import { countedLimits } from '../shared/counted-limits.ts'
import { orderIdKey } from '../shared/observe.ts'
import { createOrderWriter } from '../shared/order-writer.ts'
import { flush } from '../shared/outbox.ts'
import { createRateLimiter } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'

/** `POST /api/orders`: a guest places an order. */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, log, orderLimits = defaultOrderLimits, trustProxy = false, tickerNicknames = true } = deps
  const perAddress = createRateLimiter(orderLimits.perAddress)
  const perGuest = createRateLimiter(orderLimits.perGuest)
  // The limits count orders placed: refusals and answered retries give their places back.
  const counted = countedLimits((status) => status === 201)
  const writer = createOrderWriter(sql, { ...deps.orderWriter, tickerNicknames })
  const admission = createAdmission(sql, publisher, deps.overloadLimits, writer.busy)
  deps.earlyRefusals?.guard({
    method: 'POST',
    path: routes.orders,
    maxInFlight: admission.maxInFlight,
    reason: admission.overloaded,
    retryAfterSeconds: admission.retryAfterSeconds,
  })
  const app = createBaseApp(deps).use(routes.orders, counted.middleware)
  return app.post(routes.orders, async (c) => {
    const input = await readJson(c, PlaceOrderSchema)
    await admission.check(c)
    const id = input.id ?? randomUUID()
    // Runs for an order not stored yet: a retry of a stored order is answered, even to a guest or
    // an address at its limit.
    const { order, created, outbox } = await writer.place(id, input, () => {
      counted.take(c, perAddress, clientAddress(c, trustProxy), 'orders from your network')
      counted.take(c, perGuest, input.guestId, 'orders for you')
    })
    // The order is committed: the broker is told without holding up the guest.
    if (outbox.length > 0) void flush(sql, publisher, outbox, log)
    c.set(orderIdKey, order.id as never)
    return c.json({ order }, created ? 201 : 200)
  })
}
