import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { type Order, topics } from '../../contract/index.ts'
import { builtOnFirstUse } from '../../test/for-file.ts'
import { barAuth, collect, connectClient, functionDepsForFile, json } from '../../test/harness.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))
const placeApp = builtOnFirstUse('place-order', () => createPlaceOrder(deps))

async function placed(guestId = randomUUID()): Promise<Order> {
  const res = await placeApp.request('/api/orders', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId, nickname: 'Lea', drinkId: 'tea' }),
  })
  return ((await res.json()) as { order: Order }).order
}

const patch = (id: string, body: unknown, headers: Record<string, string> = json) =>
  app.request(`/api/orders/${id}`, { method: 'PATCH', headers, body: JSON.stringify(body) })

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code
const bar = { ...json, ...barAuth }

/** The order as stored now, to show that a refused change left it as it was. */
async function stored(id: string) {
  const [row] = await deps.sql`
    select status, quantity, note, nickname, drink_id, updated_at from orders where id = ${id}`
  return row
}

describe('the bar moves an order along', () => {
  test('placed → preparing → ready → delivered, each published', async () => {
    const order = await placed()
    const guest = await connectClient(deps.broker.url)
    await guest.subscribeAsync(topics.guestOrders(order.guestId), { qos: 1 })
    const inbox = collect(guest)
    for (const status of ['preparing', 'ready', 'delivered'] as const) {
      const res = await patch(order.id, { status }, bar)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { order: Order }
      expect(body.order.status).toBe(status)
      const event = await inbox.next((m) => JSON.parse(m.payload).order.status === status)
      expect(JSON.parse(event.payload)).toEqual({ event: 'updated', order: body.order })
    }
    await guest.endAsync()
  })

  test('a move the lifecycle does not allow is 409 invalid_transition and changes nothing', async () => {
    const order = await placed()
    const res = await patch(order.id, { status: 'delivered' }, bar)
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('invalid_transition')
    const [row] = await deps.sql`select status from orders where id = ${order.id}`
    expect(row?.status).toBe('placed')
  })

  test('a delivered order cannot be cancelled', async () => {
    const order = await placed()
    for (const status of ['preparing', 'ready', 'delivered']) {
      expect((await patch(order.id, { status }, bar)).status, status).toBe(200)
    }
    const before = await stored(order.id)
    expect(before?.status).toBe('delivered')
    const res = await patch(order.id, { status: 'cancelled' }, bar)
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('invalid_transition')
    expect(await stored(order.id)).toEqual(before)
  })

  test('a wrong token is not the bar, and changes nothing', async () => {
    const order = await placed()
    const before = await stored(order.id)
    const res = await patch(order.id, { status: 'preparing' }, { ...json, authorization: 'Bearer nope' })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('unauthorized')
    expect(await stored(order.id)).toEqual(before)
  })

  test('an unknown order is 404', async () => {
    const res = await patch(randomUUID(), { status: 'preparing' }, bar)
    expect(res.status).toBe(404)
    expect(await codeOf(res)).toBe('not_found')
    const malformed = await patch('not-a-uuid', { status: 'preparing' }, bar)
    expect(malformed.status).toBe(404)
    expect(await codeOf(malformed)).toBe('not_found')
  })
})

describe('the guest changes its own order while placed', () => {
  test('changes quantity and note', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, quantity: 2, note: 'hot' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { order: Order }).order).toMatchObject({ quantity: 2, note: 'hot', status: 'placed' })
    expect(await stored(order.id)).toMatchObject({ quantity: 2, note: 'hot', status: 'placed' })
  })

  test('cancels', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, status: 'cancelled' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { order: Order }).order.status).toBe('cancelled')
    expect((await stored(order.id))?.status).toBe('cancelled')
  })

  test('cannot touch another guest’s order', async () => {
    const order = await placed()
    const before = await stored(order.id)
    const res = await patch(order.id, { guestId: randomUUID(), status: 'cancelled' })
    expect(res.status).toBe(404)
    expect(await codeOf(res)).toBe('not_found')
    expect(await stored(order.id)).toEqual(before)
  })

  test('cannot change it once the bar started', async () => {
    const order = await placed()
    expect((await patch(order.id, { status: 'preparing' }, bar)).status).toBe(200)
    const before = await stored(order.id)
    const res = await patch(order.id, { guestId: order.guestId, quantity: 3 })
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('not_editable')
    expect(await stored(order.id)).toEqual(before)
  })

  test('cannot move it along the lifecycle', async () => {
    const order = await placed()
    const before = await stored(order.id)
    const res = await patch(order.id, { guestId: order.guestId, status: 'ready' })
    expect(res.status).toBe(403)
    expect(await codeOf(res)).toBe('forbidden')
    expect(await stored(order.id)).toEqual(before)
  })

  test('its guest id is recognised in upper case too, and a new nickname is stored composed and trimmed', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId.toUpperCase(), nickname: ' Zoe\u0308 👩\u200D💻 ' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { order: Order }).order.nickname).toBe('Zoë 👩\u200D💻')
  })

  test('a note with a right-to-left override is refused', async () => {
    const order = await placed()
    const before = await stored(order.id)
    const res = await patch(order.id, { guestId: order.guestId, note: 'oat\u202Emilk' })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_input')
    expect(await stored(order.id)).toEqual(before)
  })

  test('without the bar token or a guestId, nothing changes', async () => {
    const order = await placed()
    const before = await stored(order.id)
    const res = await patch(order.id, { status: 'cancelled' })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('unauthorized')
    expect(await stored(order.id)).toEqual(before)
  })
})

test('the bar cannot edit what the guest ordered: 400, and the order is as it was', async () => {
  const order = await placed()
  const before = await stored(order.id)
  const res = await patch(order.id, { quantity: 5 }, bar)
  expect(res.status).toBe(400)
  expect(await codeOf(res)).toBe('invalid_input')
  expect(await stored(order.id)).toEqual(before)
})
