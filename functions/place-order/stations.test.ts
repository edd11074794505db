import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type Order, type OrderList, topics } from '../../contract/index.ts'
import { barAuth, collect, connectClient, json, startFunctionDeps, testTokens } from '../../test/harness.ts'
import { createApp as createListOrders } from '../list-orders/index.ts'
import { createApp as createUpdateOrder } from '../update-order/index.ts'
import { createApp } from './index.ts'

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  deps = await startFunctionDeps()
  app = createApp(deps)
})
afterAll(() => deps.close())

async function place(drinkId: string, nickname = 'Max'): Promise<Order> {
  const body = { guestId: randomUUID(), nickname, drinkId }
  const res = await app.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

async function barInbox() {
  const bar = await connectClient(deps.broker.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/#', { qos: 1 })
  return { bar, inbox: collect(bar) }
}

test("an order carries its drink's station and goes to that station's topics too, with the same payloads", async () => {
  const { bar, inbox } = await barInbox()
  const order = await place('espresso', 'Zoë')
  expect(order.station).toBe('coffee')
  const [row] = await deps.sql`select station from orders where id = ${order.id}`
  expect(row?.station).toBe('coffee')

  const mine = (m: { payload: string }) => m.payload.includes(order.id) || m.payload.includes(`#${order.number}\n`)
  const event = await inbox.next((m) => m.topic === topics.stationOrders('coffee') && mine(m))
  expect(JSON.parse(event.payload)).toEqual({ event: 'placed', order })
  const ticket = await inbox.next((m) => m.topic === topics.stationTickets('coffee') && mine(m))
  const allTickets = await inbox.next((m) => m.topic === topics.barTickets && mine(m))
  expect(ticket.payload).toBe(allTickets.payload)
  expect(ticket.payload).toContain('1 x Espresso')
  expect((await inbox.next((m) => m.topic === topics.barOrders && mine(m))).payload).toBe(event.payload)

  // Published in one go: once another order's station messages are here, this one's would be too.
  const fence = await place('beer')
  await inbox.next((m) => m.topic === topics.stationTickets('bar') && m.payload.includes(`#${fence.number}\n`))
  expect(inbox.received.filter((m) => m.topic.startsWith('bar/stations/bar/') && mine(m))).toEqual([])
  await bar.endAsync()
})

test("a guest's change to a drink of another station moves the order there; both stations hear of it", async () => {
  const { bar, inbox } = await barInbox()
  const order = await place('tea')
  const update = createUpdateOrder(deps)
  const res = await update.request(`/api/orders/${order.id}`, {
    method: 'PATCH',
    headers: json,
    body: JSON.stringify({ guestId: order.guestId, drinkId: 'white-wine' }),
  })
  expect(res.status).toBe(200)
  const changed = ((await res.json()) as { order: Order }).order
  expect(changed).toMatchObject({ drinkId: 'white-wine', station: 'bar' })
  for (const station of ['coffee', 'bar']) {
    const event = await inbox.next(
      (m) =>
        m.topic === topics.stationOrders(station) && m.payload.includes('"updated"') && m.payload.includes(order.id),
    )
    expect(JSON.parse(event.payload)).toEqual({ event: 'updated', order: changed })
  }
  await bar.endAsync()
})

test("the bar lists one station's orders", async () => {
  const coffee = await place('coffee')
  const beer = await place('beer')
  const list = createListOrders(deps)
  const res = await list.request('/api/orders?station=coffee&limit=500', { headers: barAuth })
  expect(res.status).toBe(200)
  const { orders } = (await res.json()) as OrderList
  expect(orders.map((o) => o.id)).toContain(coffee.id)
  expect(orders.map((o) => o.id)).not.toContain(beer.id)
  expect(orders.every((o) => o.station === 'coffee')).toBe(true)
  const bad = await list.request('/api/orders?station=Coffee!', { headers: barAuth })
  expect(bad.status).toBe(400)
})
