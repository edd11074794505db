/**
 * Guests' edits are limited per guest id and per client address, counting only the edits that
 * were made; the bar's moves and a guest's cancel are never held back.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import { barAuth, functionDepsForFile, json } from '../../test/harness.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()

const minute = 60_000
const appWith = (perGuest: number, perAddress: number) => {
  const app = createApp({
    ...deps,
    editLimits: {
      perGuest: { limit: perGuest, windowMs: minute },
      perAddress: { limit: perAddress, windowMs: minute },
    },
  })
  return (id: string, body: unknown, headers: Record<string, string> = json) =>
    app.request(`/api/orders/${id}`, { method: 'PATCH', headers, body: JSON.stringify(body) })
}

async function placed(guestId = randomUUID()): Promise<Order> {
  const res = await createPlaceOrder(deps).request('/api/orders', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId, nickname: 'Lea', drinkId: 'tea' }),
  })
  return ((await res.json()) as { order: Order }).order
}

const quantityOf = async (id: string) => (await deps.sql`select quantity from orders where id = ${id}`)[0]?.quantity

describe('guest edits', () => {
  test('over the per-guest limit: 429 with Retry-After in the error shape, the order unchanged', async () => {
    const patch = appWith(2, 100)
    const order = await placed()
    expect((await patch(order.id, { guestId: order.guestId, quantity: 2 })).status).toBe(200)
    expect((await patch(order.id, { guestId: order.guestId, quantity: 3 })).status).toBe(200)
    const res = await patch(order.id, { guestId: order.guestId, quantity: 4 })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('rate_limited')
    expect(error.message).toMatch(/changes/)
    expect(await quantityOf(order.id)).toBe(3)
  })

  test('over the per-address limit: 429 for every guest behind that address', async () => {
    const patch = appWith(100, 2)
    const orders = [await placed(), await placed(), await placed()]
    const statuses = []
    for (const order of orders) statuses.push((await patch(order.id, { guestId: order.guestId, note: 'hot' })).status)
    expect(statuses).toEqual([200, 200, 429])
  })

  test('refused edits give their place back', async () => {
    const patch = appWith(1, 1)
    const order = await placed()
    const started = await placed()
    await patch(started.id, { status: 'preparing' }, { ...json, ...barAuth })
    const refusals = [
      await patch(order.id, { guestId: order.guestId, quantity: 11 }),
      await patch(order.id, { guestId: order.guestId, drinkId: 'champagne' }),
      await patch(order.id, { guestId: randomUUID(), quantity: 2 }),
      await patch(order.id, { guestId: order.guestId, status: 'ready' }),
      await patch(started.id, { guestId: started.guestId, quantity: 2 }),
    ]
    expect(refusals.map((res) => res.status)).toEqual([400, 400, 404, 403, 409])
    expect((await patch(order.id, { guestId: order.guestId, quantity: 2 })).status).toBe(200)
    expect((await patch(order.id, { guestId: order.guestId, quantity: 3 })).status).toBe(429)
  })

  test('a guest over its limit can still cancel', async () => {
    const patch = appWith(1, 1)
    const order = await placed()
    expect((await patch(order.id, { guestId: order.guestId, quantity: 2 })).status).toBe(200)
    expect((await patch(order.id, { guestId: order.guestId, quantity: 3 })).status).toBe(429)
    const cancel = await patch(order.id, { guestId: order.guestId, status: 'cancelled' })
    expect(cancel.status).toBe(200)
    expect(((await cancel.json()) as { order: Order }).order.status).toBe('cancelled')
  })
})

test('the bar’s moves are not limited and do not use up the guests’ address', async () => {
  const patch = appWith(1, 1)
  const orders = [await placed(), await placed()]
  for (const order of orders) {
    for (const status of ['preparing', 'ready', 'delivered']) {
      expect((await patch(order.id, { status }, { ...json, ...barAuth })).status).toBe(200)
    }
  }
  const order = await placed()
  expect((await patch(order.id, { guestId: order.guestId, note: 'hot' })).status).toBe(200)
  expect((await patch(order.id, { guestId: order.guestId, note: 'iced' })).status).toBe(429)
})
