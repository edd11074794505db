import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { expect, test } from 'vitest'
import { type Order, topics } from '../contract/index.ts'
import { collect, connectClient, quiet, testTokens } from '../test/harness.ts'
import { stackForFile } from '../test/stack.ts'
import { startStack } from './stack.ts'

const stack = stackForFile()

test('an order placed over HTTP reaches a bar subscribed over WebSocket, and its guest over TCP', async () => {
  const guestId = randomUUID()
  const bar = await connectClient(stack.wsUrl, { username: 'bar', password: testTokens.barToken })
  const guest = await connectClient(stack.mqttUrl)
  await bar.subscribeAsync(topics.barOrders, { qos: 1 })
  await guest.subscribeAsync(topics.guestOrders(guestId), { qos: 1 })
  const barInbox = collect(bar)
  const guestInbox = collect(guest)

  const res = await fetch(`${stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId, nickname: 'Ada', drinkId: 'espresso' }),
  })
  expect(res.status).toBe(201)
  const { order } = (await res.json()) as { order: Order }

  const seen = await barInbox.next((m) => m.payload.includes(order.id))
  expect(JSON.parse(seen.payload)).toEqual({ event: 'placed', order })

  const move = await fetch(`${stack.httpUrl}/api/orders/${order.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${testTokens.barToken}` },
    body: JSON.stringify({ status: 'preparing' }),
  })
  expect(move.status).toBe(200)
  const update = await guestInbox.next((m) => JSON.parse(m.payload).order.status === 'preparing')
  expect(JSON.parse(update.payload).event).toBe('updated')
  await Promise.all([bar.endAsync(), guest.endAsync()])
})

test('routes each path to its function and answers unknown ones in the error shape', async () => {
  expect((await fetch(`${stack.httpUrl}/api/healthz`)).status).toBe(200)
  expect((await fetch(`${stack.httpUrl}/api/readyz`)).status).toBe(200)
  const menu = (await (await fetch(`${stack.httpUrl}/api/menu`)).json()) as { drinks: unknown[] }
  expect(menu.drinks.length).toBeGreaterThan(5)
  const missing = await fetch(`${stack.httpUrl}/api/nothing`)
  expect(missing.status).toBe(404)
  expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })
})

test('the outbox relay delivers what was committed but never published', async () => {
  const bar = await connectClient(stack.mqttUrl, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/tickets', { qos: 1 })
  const inbox = collect(bar)
  // What a function leaves behind when its pod dies between the commit and the publish.
  const { default: postgres } = await import('postgres')
  const sql = postgres(stack.databaseUrl, { max: 1 })
  const marker = `ticket ${randomUUID()}`
  await sql`insert into outbox (topic, payload, qos) values ('bar/tickets', ${Buffer.from(marker)}, 1)`
  await sql.end()
  await inbox.next((m) => m.payload === marker, 10_000)
  await bar.endAsync()
})

test('requests reach the functions with their socket, so the per-address limit tells addresses apart', async () => {
  const limited = await startStack({
    databaseUrl: stack.databaseUrl,
    port: 0,
    mqttPort: 0,
    tokens: testTokens,
    orderLimits: { perGuest: { limit: 100, windowMs: 60_000 }, perAddress: { limit: 2, windowMs: 60_000 } },
    log: quiet,
  })
  const { port } = new URL(limited.httpUrl)
  // Two guests' phones: two source addresses of the loopback range.
  const placeFrom = (localAddress: string) =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ guestId: randomUUID(), nickname: 'Ada', drinkId: 'tea' })
      const req = request(
        {
          host: '127.0.0.1',
          port,
          localAddress,
          method: 'POST',
          path: '/api/orders',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  expect([await placeFrom('127.0.0.1'), await placeFrom('127.0.0.1'), await placeFrom('127.0.0.1')]).toEqual([
    201, 201, 429,
  ])
  expect(await placeFrom('127.0.0.2')).toBe(201)
  await limited.stop()
})

test('with TRUST_PROXY, the order and edit limits of the functions count each forwarded client address', async () => {
  const proxied = await startStack({
    databaseUrl: stack.databaseUrl,
    port: 0,
    mqttPort: 0,
    tokens: testTokens,
    trustProxy: true,
    orderLimits: { perGuest: { limit: 100, windowMs: 60_000 }, perAddress: { limit: 2, windowMs: 60_000 } },
    editLimits: { perGuest: { limit: 100, windowMs: 60_000 }, perAddress: { limit: 1, windowMs: 60_000 } },
    log: quiet,
  })
  // What the ingress sends: the guest's public address, then the proxies' private ones.
  const via = (client: string) => ({ 'content-type': 'application/json', 'x-forwarded-for': `${client}, 10.0.0.7` })
  const place = async (client: string) => {
    const res = await fetch(`${proxied.httpUrl}/api/orders`, {
      method: 'POST',
      headers: via(client),
      body: JSON.stringify({ guestId: randomUUID(), nickname: 'Ada', drinkId: 'tea' }),
    })
    return { status: res.status, order: res.ok ? ((await res.json()) as { order: Order }).order : null }
  }
  const edit = async (client: string, order: Order | null) =>
    (
      await fetch(`${proxied.httpUrl}/api/orders/${order?.id}`, {
        method: 'PATCH',
        headers: via(client),
        body: JSON.stringify({ guestId: order?.guestId, note: 'hot' }),
      })
    ).status
  const first = await place('203.0.113.1')
  const second = await place('203.0.113.1')
  expect([first.status, second.status, (await place('203.0.113.1')).status]).toEqual([201, 201, 429])
  const third = await place('198.51.100.2')
  expect(third.status).toBe(201)
  expect([await edit('203.0.113.1', first.order), await edit('203.0.113.1', second.order)]).toEqual([200, 429])
  expect(await edit('198.51.100.2', third.order)).toBe(200)
  await proxied.stop()
})
