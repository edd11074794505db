import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Order, topics } from '../../contract/index.ts'
import { barAuth, collect, connectClient, json, startFunctionDeps, testTokens } from '../../test/harness.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp } from './index.ts'

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let app: ReturnType<typeof createApp>
let placeApp: ReturnType<typeof createApp>

beforeAll(async () => {
  deps = await startFunctionDeps()
  app = createApp(deps)
  placeApp = createPlaceOrder(deps)
})
afterAll(() => deps.close())

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

describe('the bar moves an order along', () => {
  test('placed → preparing → ready → delivered, each published', async () => {
    const order = await placed()
    const guest = await connectClient(deps.broker.url)
    await guest.subscribeAsync(topics.guestOrders(order.guestId), { qos: 1 })
    const inbox = collect(guest)
    for (const status of ['preparing', 'ready', 'delivered'] as const) {
      const res = await patch(order.id, { status }, { ...json, ...barAuth })
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
    const res = await patch(order.id, { status: 'delivered' }, { ...json, ...barAuth })
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('invalid_transition')
    const [row] = await deps.sql`select status from orders where id = ${order.id}`
    expect(row?.status).toBe('placed')
  })

  test('a delivered order cannot be cancelled', async () => {
    const order = await placed()
    for (const status of ['preparing', 'ready', 'delivered']) await patch(order.id, { status }, { ...json, ...barAuth })
    const res = await patch(order.id, { status: 'cancelled' }, { ...json, ...barAuth })
    expect(res.status).toBe(409)
  })

  test('a wrong token is not the bar', async () => {
    const order = await placed()
    const res = await patch(order.id, { status: 'preparing' }, { ...json, authorization: 'Bearer nope' })
    expect(res.status).toBe(401)
  })

  test('an unknown order is 404', async () => {
    const res = await patch(randomUUID(), { status: 'preparing' }, { ...json, ...barAuth })
    expect(res.status).toBe(404)
    expect((await patch('not-a-uuid', { status: 'preparing' }, { ...json, ...barAuth })).status).toBe(404)
  })
})

describe('the guest changes its own order while placed', () => {
  test('changes quantity and note', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, quantity: 2, note: 'hot' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { order: Order }).order).toMatchObject({ quantity: 2, note: 'hot', status: 'placed' })
  })

  test('cancels', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, status: 'cancelled' })
    expect(((await res.json()) as { order: Order }).order.status).toBe('cancelled')
  })

  test('cannot touch another guest’s order', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: randomUUID(), status: 'cancelled' })
    expect(res.status).toBe(404)
  })

  test('cannot change it once the bar started', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' }, { ...json, ...barAuth })
    const res = await patch(order.id, { guestId: order.guestId, quantity: 3 })
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('not_editable')
  })

  test('cannot move it along the lifecycle', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, status: 'ready' })
    expect(res.status).toBe(403)
  })

  test('its guest id is recognised in upper case too, and a new nickname is stored composed and trimmed', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId.toUpperCase(), nickname: ' Zoe\u0308 👩\u200D💻 ' })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { order: Order }).order.nickname).toBe('Zoë 👩\u200D💻')
  })

  test('a note with a right-to-left override is refused', async () => {
    const order = await placed()
    const res = await patch(order.id, { guestId: order.guestId, note: 'oat\u202Emilk' })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_input')
  })

  test('without the bar token or a guestId, nothing changes', async () => {
    const order = await placed()
    const res = await patch(order.id, { status: 'cancelled' })
    expect(res.status).toBe(401)
  })
})

test('the bar cannot edit what the guest ordered', async () => {
  const order = await placed()
  const res = await patch(order.id, { quantity: 5 }, { ...json, ...barAuth })
  expect(res.status).toBe(400)
  expect(testTokens.barToken).not.toBe('')
})
