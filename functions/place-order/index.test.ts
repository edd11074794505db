import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { type Order, topics } from '../../contract/index.ts'
import { builtOnFirstUse } from '../../test/for-file.ts'
import { collect, connectClient, functionDepsForFile, json, testTokens } from '../../test/harness.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))

const place = (body: unknown, headers: Record<string, string> = json) =>
  app.request('/api/orders', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

interface Body {
  id?: string
  guestId: string
  nickname: string
  drinkId: string
  [field: string]: unknown
}
const anOrder = (overrides: Record<string, unknown> = {}): Body => ({
  guestId: randomUUID(),
  nickname: 'Max',
  drinkId: 'coffee',
  ...overrides,
})

describe('POST /api/orders', () => {
  test('stores the order and answers 201 with it', async () => {
    const body = anOrder({ quantity: 2, note: 'oat milk' })
    const res = await place(body)
    expect(res.status).toBe(201)
    const { order } = (await res.json()) as { order: Order }
    expect(order).toMatchObject({ ...body, status: 'placed' })
    expect(order.number).toBeGreaterThan(0)
    const [row] = await deps.sql`select nickname, quantity, note from orders where id = ${order.id}`
    expect(row).toEqual({ nickname: 'Max', quantity: 2, note: 'oat milk' })
  })

  test('gives increasing pickup numbers', async () => {
    const first = (await (await place(anOrder())).json()) as { order: Order }
    const second = (await (await place(anOrder())).json()) as { order: Order }
    expect(second.order.number).toBeGreaterThan(first.order.number)
  })

  test('trims the nickname and defaults quantity and note', async () => {
    const res = await place(anOrder({ nickname: '  Anna  ' }))
    const { order } = (await res.json()) as { order: Order }
    expect(order).toMatchObject({ nickname: 'Anna', quantity: 1, note: '' })
  })

  test('publishes the order to the bar, the printers, the ticker and the guest', async () => {
    const bar = await connectClient(deps.broker.url, { username: 'bar', password: testTokens.barToken })
    const body = anOrder({ nickname: 'Jürg', drinkId: 'beer', note: 'no foam' })
    await bar.subscribeAsync(['bar/#', 'public/ticker', topics.guestOrders(body.guestId)], { qos: 1 })
    const inbox = collect(bar)
    const { order } = (await (await place(body)).json()) as { order: Order }

    const barEvent = await inbox.next((m) => m.topic === topics.barOrders && m.payload.includes(order.id))
    expect(JSON.parse(barEvent.payload)).toEqual({ event: 'placed', order })
    const guestEvent = await inbox.next((m) => m.topic === topics.guestOrders(body.guestId))
    expect(JSON.parse(guestEvent.payload)).toEqual({ event: 'placed', order })
    const ticket = await inbox.next((m) => m.topic === topics.barTickets && m.payload.includes(`#${order.number}`))
    expect(ticket.payload).toContain('1 x Beer')
    expect(ticket.payload).toContain('for Jürg')
    expect(ticket.payload).toContain('note: no foam')
    const ticker = await inbox.next((m) => m.topic === topics.publicTicker && m.payload.includes('Jürg'))
    expect(JSON.parse(ticker.payload)).toEqual({ nickname: 'Jürg', drinkId: 'beer', at: order.createdAt })
    await bar.endAsync()
  })

  test('a retry with the same id and body answers 200 with the stored order', async () => {
    const body = anOrder({ id: randomUUID() })
    const first = await place(body)
    expect(first.status).toBe(201)
    const again = await place(body)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual(await first.json())
    const rows = await deps.sql`select 1 from orders where id = ${body.id ?? ''}`
    expect(rows).toHaveLength(1)
  })

  test('the same id with another body is a conflict', async () => {
    const body = anOrder({ id: randomUUID() })
    await place(body)
    const res = await place({ ...body, drinkId: 'tea' })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('id_conflict')
  })

  test('a guest has at most three orders open', async () => {
    const guestId = randomUUID()
    for (let i = 0; i < 3; i++) expect((await place(anOrder({ guestId }))).status).toBe(201)
    const res = await place(anOrder({ guestId }))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'too_many_open_orders' } })
  })

  test('a sold-out drink is refused with 409 sold_out', async () => {
    await deps.sql`insert into drinks (id, name, available) values ('mate', ${deps.sql.json({ en: 'Mate', de: 'Mate', fr: 'Maté', it: 'Mate' })}, false) on conflict (id) do update set available = false`
    const res = await place(anOrder({ drinkId: 'mate' }))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'sold_out' } })
  })
})

describe('POST /api/orders refuses bad input and stores nothing', () => {
  const cases: [string, unknown, number, string][] = [
    ['a missing nickname', { guestId: randomUUID(), drinkId: 'coffee' }, 400, 'invalid_input'],
    ['a blank nickname', anOrder({ nickname: '   ' }), 400, 'invalid_input'],
    ['a nickname of 33 characters', anOrder({ nickname: 'x'.repeat(33) }), 400, 'invalid_input'],
    ['a control character', anOrder({ nickname: 'Max\u0007' }), 400, 'invalid_input'],
    ['a guest id that is no UUID', anOrder({ guestId: 'guest-1' }), 400, 'invalid_input'],
    ['quantity 0', anOrder({ quantity: 0 }), 400, 'invalid_input'],
    ['quantity 11', anOrder({ quantity: 11 }), 400, 'invalid_input'],
    ['quantity 1.5', anOrder({ quantity: 1.5 }), 400, 'invalid_input'],
    ['a note of 141 characters', anOrder({ note: 'n'.repeat(141) }), 400, 'invalid_input'],
    ['an unknown field', anOrder({ price: 0 }), 400, 'invalid_input'],
    ['an unknown drink', anOrder({ drinkId: 'champagne' }), 400, 'invalid_input'],
    ['malformed JSON', '{"guestId": ', 400, 'malformed_json'],
    ['a body over 4 KiB', anOrder({ note: 'x'.repeat(5000) }), 413, 'body_too_large'],
  ]
  test.each(cases)('%s', async (_, body, status, code) => {
    const guestId = String((body as Body).guestId ?? '')
    const res = await place(body)
    expect(res.status).toBe(status)
    const error = ((await res.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe(code)
    expect(error.message).toMatch(/\w/)
    const stored = await deps.sql`select 1 from orders where guest_id::text = ${guestId}`
    expect(stored).toHaveLength(0)
  })

  test('a body that is not JSON is 415', async () => {
    const res = await place('nickname=Max', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ error: { code: 'unsupported_media_type' } })
  })

  test('validation errors list every issue with its path', async () => {
    const res = await place({ guestId: 'x', nickname: '', drinkId: 'coffee' })
    const { error } = (await res.json()) as { error: { issues: { path: string }[] } }
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['guestId', 'nickname'])
  })
})

describe('POST /api/orders under load', () => {
  test('over the per-guest limit: 429 with Retry-After, nothing stored', async () => {
    const limited = createApp({
      ...deps,
      orderLimits: { perGuest: { limit: 2, windowMs: 60_000 }, perAddress: { limit: 100, windowMs: 60_000 } },
    })
    const guestId = randomUUID()
    const send = (body: Body) =>
      limited.request('/api/orders', { method: 'POST', headers: json, body: JSON.stringify(body) })
    const firstId = randomUUID()
    expect((await send(anOrder({ guestId, id: firstId }))).status).toBe(201)
    expect((await send(anOrder({ guestId }))).status).toBe(201)
    const res = await send(anOrder({ guestId }))
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await res.json()).toMatchObject({ error: { code: 'rate_limited' } })
    // Retrying an order that was stored is still answered: a lost response must not cost the guest.
    expect((await send(anOrder({ guestId, id: firstId }))).status).toBe(200)
    expect(await deps.sql`select 1 from orders where guest_id = ${guestId}`).toHaveLength(2)
  })

  test('over the per-address limit: 429 for everyone behind that address', async () => {
    const limited = createApp({
      ...deps,
      orderLimits: { perGuest: { limit: 100, windowMs: 60_000 }, perAddress: { limit: 3, windowMs: 60_000 } },
    })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await limited.request('/api/orders', {
        method: 'POST',
        headers: json,
        body: JSON.stringify(anOrder()),
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([201, 201, 201, 429])
  })

  test('pickup numbers never repeat, also when 60 orders arrive at once', async () => {
    const responses = await Promise.all(Array.from({ length: 60 }, () => place(anOrder())))
    const numbers = await Promise.all(
      responses.map(async (res) => ((await res.json()) as { order: Order }).order.number),
    )
    expect(responses.every((res) => res.status === 201)).toBe(true)
    expect(new Set(numbers).size).toBe(60)
  })
})

test('with ticker nicknames switched off, the public ticker shows the drink but not who ordered it', async () => {
  const discreet = createApp({ ...deps, tickerNicknames: false })
  const watcher = await connectClient(deps.broker.url)
  await watcher.subscribeAsync(topics.publicTicker)
  const inbox = collect(watcher)
  const res = await discreet.request('/api/orders', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(anOrder({ nickname: 'Secret Agent', drinkId: 'tea' })),
  })
  const { order } = (await res.json()) as { order: Order }
  const ticker = await inbox.next(
    (m) => JSON.parse(m.payload).at === order.createdAt && JSON.parse(m.payload).drinkId === 'tea',
  )
  expect(JSON.parse(ticker.payload)).toEqual({ nickname: null, drinkId: 'tea', at: order.createdAt })
  await watcher.endAsync()
})
