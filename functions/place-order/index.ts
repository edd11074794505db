import { randomUUID } from 'node:crypto'
import type { Context, Hono } from 'hono'
import { PlaceOrderSchema } from '../../contract/index.ts'
import { createAdmission } from '../shared/admission.ts'
import { createBaseApp, defaultOrderLimits, type FunctionDeps } from '../shared/app.ts'
import { clientAddress } from '../shared/client-address.ts'
import { ApiError } from '../shared/errors.ts'
import { createOrderWriter } from '../shared/order-writer.ts'
import { flush } from '../shared/outbox.ts'
import { createRateLimiter, type Verdict } from '../shared/rate-limit.ts'
import { readJson } from '../shared/validate.ts'

/** `POST /api/orders`: a guest places an order. */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, publisher, log, orderLimits = defaultOrderLimits, trustProxy = false, tickerNicknames = true } = deps
  const perAddress = createRateLimiter(orderLimits.perAddress)
  const perGuest = createRateLimiter(orderLimits.perGuest)
  const writer = createOrderWriter(sql, { tickerNicknames })
  const admit = createAdmission(sql, publisher, deps.overloadLimits, writer.busy)
  return createBaseApp(deps).post('/api/orders', async (c) => {
    limit(c, perAddress.take(clientAddress(c, trustProxy)), 'from your network')
    const input = await readJson(c, PlaceOrderSchema)
    await admit(c)
    const id = input.id ?? randomUUID()
    const { order, created, outbox } = await writer.place(id, input, () =>
      limit(c, perGuest.take(input.guestId), 'for you'),
    )
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
