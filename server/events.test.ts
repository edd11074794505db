import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Event, type Menu, type Order, type PickupBoard, topics } from '../contract/index.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { createTestDatabase } from '../test/db.ts'
import { barAuth, collect, connectClient, json, quiet, testTokens } from '../test/harness.ts'
import { startPart, startProcess } from '../test/processes.ts'
import { type Stack, startStack } from './stack.ts'

let stack: Stack
let database: Awaited<ReturnType<typeof createTestDatabase>>
// Generous, so that the orders of these tests meet only the limits they are about.
const roomy = { limit: 1000, windowMs: 60_000 }
beforeAll(async () => {
  database = await createTestDatabase()
  stack = await startStack({
    databaseUrl: database.url,
    port: 0,
    mqttPort: 0,
    tokens: testTokens,
    clientConfig: { publicUrl: '', eventName: 'Opening night', waitMinutes: [3, 5, 7], undoSeconds: 5 },
    orderLimits: { perGuest: roomy, perAddress: roomy },
    log: quiet,
  })
})
afterAll(async () => {
  await stack.stop()
  await database.drop()
})

const place = async (body: Record<string, unknown>, base = stack.httpUrl) => {
  const res = await fetch(`${base}/api/orders`, { method: 'POST', headers: json, body: JSON.stringify(body) })
  return {
    status: res.status,
    body: (await res.json()) as { order: Order; error?: { code: string } },
    retryAfterMs: Number(res.headers.get('retry-after') ?? 1) * 1000,
  }
}
/** Attempts of one order in a rush, as the guest page makes them: 503 is tried again under the same id. */
const rushAttempts = 10
const placeInRush = async (body: Record<string, unknown>, base = stack.httpUrl) => {
  for (let attempt = 1; ; attempt++) {
    const placed = await place(body, base)
    if (placed.status !== 503 || attempt === rushAttempts) return placed
    // On a loaded machine the broker acknowledges late and admission says so; the page waits
    // the Retry-After the function answered, and so does this guest.
    await new Promise((resolve) => setTimeout(resolve, placed.retryAfterMs))
  }
}
const order = (guestId: string, fields: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  guestId,
  nickname: 'Ada',
  drinkId: 'tea',
  ...fields,
})
const startEvent = async (name: string, headers: Record<string, string> = barAuth) => {
  const res = await fetch(`${stack.httpUrl}/api/events`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify({ name }),
  })
  return { status: res.status, body: (await res.json()) as { event: Event; error?: unknown } }
}
const move = (id: string, status: string) =>
  fetch(`${stack.httpUrl}/api/orders/${id}`, {
    method: 'PATCH',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ status }),
  })
const csv = async (query: string) => {
  const res = await fetch(`${stack.httpUrl}/api/orders?format=csv&${query}`, { headers: barAuth })
  return (await res.text())
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
}
const menu = async () => (await (await fetch(`${stack.httpUrl}/api/menu`)).json()) as Menu

describe('events', () => {
  test('EVENT_NAME names the first event; the menu says which event is current', async () => {
    expect((await menu()).event).toMatchObject({ id: 1, name: 'Opening night' })
  })

  test('the API document describes starting an event', async () => {
    const document = (await (await fetch(`${stack.httpUrl}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>
    }
    const start = document.paths['/api/events']?.post
    expect(start?.security).toEqual([{ bar: [] }])
    expect(Object.keys(start?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401']))
  })

  test('only the bar starts an event, with a name', async () => {
    const none = await startEvent('Sneaky', {})
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
    const wrong = await startEvent('Sneaky', { authorization: 'Bearer nope' })
    expect(wrong.status).toBe(401)
    const unnamed = await startEvent('  ')
    expect(unnamed.status).toBe(400)
    expect(unnamed.body).toMatchObject({ error: { code: 'invalid_input', issues: [{ path: 'name' }] } })
    expect((await menu()).event?.name).toBe('Opening night')
  })

  test('a new event while orders are open: numbers from 1, empty board, the old orders kept under their event', async () => {
    const before = (await menu()).event as Event
    const guestId = randomUUID()
    const old = []
    for (let i = 0; i < 3; i++) old.push(await place(order(guestId)))
    expect(old.map((o) => o.status)).toEqual([201, 201, 201])
    const [first, second] = old.map((o) => o.body.order) as [Order, Order, Order]
    expect((await move(first.id, 'preparing')).status).toBe(200)
    expect((await move(first.id, 'ready')).status).toBe(200)
    // The guest's limit holds before the switch.
    expect((await place(order(guestId))).body.error?.code).toBe('too_many_open_orders')

    const watcher = await connectClient(stack.mqttUrl)
    const inbox = collect(watcher)
    await watcher.subscribeAsync([topics.publicPickup, topics.publicMenu], { qos: 1 })
    await inbox.next((m) => m.topic === topics.publicPickup && JSON.parse(m.payload).numbers.includes(first.number))

    const started = await startEvent('Summer party')
    expect(started.status).toBe(201)
    expect(started.body.event).toEqual({ id: before.id + 1, name: 'Summer party', startedAt: expect.any(String) })
    // What clears the screens: the retained menu names the new event, the board has no number.
    await inbox.next(
      (m) => m.topic === topics.publicMenu && (JSON.parse(m.payload) as Menu).event?.name === 'Summer party',
    )
    await inbox.next(
      (m) => m.topic === topics.publicPickup && (JSON.parse(m.payload) as PickupBoard).numbers.length === 0,
    )
    await watcher.endAsync()

    // The guest's open orders of the last event do not count against the new one.
    const next = await place(order(guestId))
    expect(next.status).toBe(201)
    expect(next.body.order).toMatchObject({ number: 1, eventId: started.body.event.id })
    // A retry of an order of the last event is answered with that order, its number and event.
    const retry = await place({ ...order(guestId), id: second.id })
    expect(retry.status).toBe(200)
    expect(retry.body.order).toMatchObject({ id: second.id, number: second.number, eventId: before.id })
    // The limit holds in the new event.
    expect((await place(order(guestId))).status).toBe(201)
    expect((await place(order(guestId))).status).toBe(201)
    expect((await place(order(guestId))).body.error?.code).toBe('too_many_open_orders')

    // The bar's list is the new event's; the old orders are closed as they were.
    const listed = (await (await fetch(`${stack.httpUrl}/api/orders`, { headers: barAuth })).json()) as {
      orders: Order[]
    }
    expect(listed.orders.every((o) => o.eventId === started.body.event.id)).toBe(true)
    expect(listed.orders.map((o) => o.id)).toContain(next.body.order.id)
    expect(listed.orders).toHaveLength(3)
    expect((await move(second.id, 'preparing')).status).toBe(409)

    const rows = await csv('event=all')
    expect(rows[0]?.startsWith('event,number,status,')).toBe(true)
    for (const o of old.map((p) => p.body.order)) {
      expect(rows.find((row) => row.includes(o.id))).toMatch(new RegExp(`^Opening night,${o.number},`))
    }
    expect(rows.find((row) => row.includes(next.body.order.id))).toMatch(/^Summer party,1,placed,/)
    expect(await csv('')).toHaveLength(1 + 3)
    expect(await csv(`event=${before.id}`)).toHaveLength(1 + 3)
  })

  test('60 orders at once on two pods, while an event starts: distinct numbers in each event, from 1', async () => {
    // A second pod of place-order: a process of its own, with its own pool and order writer.
    const port = await anyFreePort()
    const pod = await startPart(
      'functions/serve.ts',
      ['place-order'],
      {
        DATABASE_URL: database.url,
        BROKER_URL: stack.mqttUrl,
        PORT: String(port),
        BAR_TOKEN: testTokens.barToken,
        PRINTER_TOKEN: testTokens.printerToken,
        SERVICE_TOKEN: testTokens.serviceToken,
        RATE_LIMIT_GUEST: '1000',
        RATE_LIMIT_ADDRESS: '1000',
      },
      `http://127.0.0.1:${port}/api/healthz`,
    )
    const onPod = (body: Record<string, unknown>) => placeInRush(body, `http://127.0.0.1:${port}`)
    try {
      const started = await startEvent('Rush')
      const rush = Array.from({ length: 60 }, (_, i) => order(randomUUID(), { drinkId: i % 2 ? 'beer' : 'water' }))
      const placed = await Promise.all(rush.map((body, i) => (i % 2 ? onPod(body) : placeInRush(body))))
      expect(placed.map((p) => p.status)).toEqual(rush.map(() => 201))
      const numbers = placed.map((p) => p.body.order.number)
      expect(new Set(numbers).size).toBe(60)
      // Refused and retried orders may skip a number (as a sequence does); the count starts at 1.
      expect(Math.min(...numbers)).toBe(1)
      expect(new Set(placed.map((p) => p.body.order.eventId))).toEqual(new Set([started.body.event.id]))

      // Orders still arriving while the next event starts belong to one or the other, never twice a number.
      const during = Array.from({ length: 60 }, () => order(randomUUID()))
      const [switched, ...raced] = await Promise.all([
        startEvent('Encore'),
        ...during.map((body, i) => (i % 2 ? onPod(body) : placeInRush(body))),
      ])
      expect(raced.map((p) => p.status)).toEqual(during.map(() => 201))
      const byEvent = new Map<number, number[]>()
      for (const { body } of raced)
        byEvent.set(body.order.eventId, [...(byEvent.get(body.order.eventId) ?? []), body.order.number])
      for (const list of byEvent.values()) expect(new Set(list).size).toBe(list.length)
      const encore = byEvent.get(switched.body.event.id) ?? []
      if (encore.length > 0) expect(Math.min(...encore)).toBe(1)
    } finally {
      await pod.stop()
    }
  })

  test('`npm run event -- start` starts one from a script', async () => {
    const script = startProcess('npx', ['tsx', 'scripts/event.ts', 'start', 'From the script'], {
      env: { API_URL: stack.httpUrl, BAR_TOKEN: testTokens.barToken },
    })
    expect(await script.exited).toBe(0)
    expect(script.output()).toMatch(/Event \d+ started: From the script/)
    expect((await menu()).event?.name).toBe('From the script')
    const wrong = startProcess('npx', ['tsx', 'scripts/event.ts', 'start', 'Nope'], {
      env: { API_URL: stack.httpUrl, BAR_TOKEN: 'wrong' },
    })
    expect(await wrong.exited).toBe(1)
    expect(wrong.output()).toMatch(/401 \(unauthorized/)
    expect((await menu()).event?.name).toBe('From the script')
  })
})
