/**
 * Thousands of malformed and hostile requests against the order endpoints: none may cause a
 * 5xx, every refusal is in the spec's error shape, and Postgres holds exactly the orders that
 * were acknowledged.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { Order } from '../contract/index.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { barAuth, functionDepsForFile, json } from '../test/harness.ts'
import { createApp as createPlaceOrder } from './place-order/index.ts'
import { createApp as createUpdateOrder } from './update-order/index.ts'

const deps = functionDepsForFile()
const generous = { limit: 1_000_000, windowMs: 60_000 }
const place = builtOnFirstUse('place-order', () =>
  createPlaceOrder({ ...deps, orderLimits: { perGuest: generous, perAddress: generous } }),
)
const update = builtOnFirstUse('update-order', () =>
  createUpdateOrder({ ...deps, editLimits: { perGuest: generous, perAddress: generous } }),
)

// Every valid guest id the generators can produce: the orders table is checked against them.
const guests = Array.from({ length: 40 }, () => randomUUID())

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    "'; drop table orders; --",
    '" or 1=1 --',
    '=HYPERLINK("http://evil")',
    '\u0000',
    '\u202eevil',
    '\uD800',
    'a'.repeat(5000),
    '../../etc/passwd',
    '{{7*7}}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, sent as text
    '${process.exit()}',
    '__proto__',
  ),
)
const anyJson = fc.jsonValue({ maxDepth: 3 })
const field = fc.oneof(hostileString, anyJson, fc.integer(), fc.double(), fc.constant(null))

const orderBody = fc.record(
  {
    id: fc.oneof(fc.uuid({ version: 4 }), field),
    guestId: fc.oneof(fc.constantFrom(...guests), field),
    nickname: fc.oneof(fc.constantFrom('Max', ' Zoë ', 'Łukasz'), hostileString, field),
    drinkId: fc.oneof(fc.constantFrom('coffee', 'tea', 'beer', 'water'), hostileString, field),
    quantity: fc.oneof(fc.integer({ min: -2, max: 12 }), field),
    note: fc.oneof(fc.constant(''), hostileString, field),
    __proto__: field,
    constructor: field,
    status: fc.constantFrom('placed', 'ready', 'cancelled'),
  },
  { requiredKeys: [] },
)

const validOrder = fc.record({
  id: fc.uuid({ version: 4 }),
  guestId: fc.constantFrom(...guests),
  nickname: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((n) => n.trim().length > 0),
  drinkId: fc.constantFrom('coffee', 'tea', 'beer', 'water', 'red-wine'),
  quantity: fc.integer({ min: 1, max: 10 }),
  note: fc.string({ maxLength: 60 }),
})

// `cancel` and `advance` are a guest's and the bar's legitimate moves, so guests free their
// slots and the success paths stay reachable among the hostile ones.
type Request = {
  kind: 'post' | 'patch' | 'cancel' | 'advance'
  target: number
  contentType: string
  body: string
  bar: boolean
}
const request: fc.Arbitrary<Request> = fc.record({
  kind: fc.constantFrom('post', 'post', 'post', 'patch', 'cancel', 'advance'),
  target: fc.nat(),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'text/plain',
    'application/json; charset=utf-8',
    '',
  ),
  body: fc.oneof(
    validOrder.map((b) => JSON.stringify(b)),
    validOrder.map((b) => JSON.stringify(b)),
    orderBody.map((b) => JSON.stringify(b)),
    orderBody.map((b) => JSON.stringify(b)),
    anyJson.map((v) => JSON.stringify(v)),
    fc.string(),
    orderBody.map((b) => JSON.stringify(b).slice(0, -3)),
  ),
  bar: fc.boolean(),
})

test('10,000 hostile requests: no 5xx, clear errors, and exactly the acknowledged orders stored', async () => {
  const acknowledged = new Map<string, Order>()
  const placed: string[] = []
  let count = 0
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 100, maxLength: 100 }), async (requests) => {
      for (const r of requests) {
        const headers: Record<string, string> = r.contentType ? { 'content-type': r.contentType } : {}
        if (r.bar) Object.assign(headers, barAuth)
        const target = placed.length > 0 ? (placed[r.target % placed.length] as string) : randomUUID()
        const order = acknowledged.get(target)
        const res =
          r.kind === 'post'
            ? await place.request('/api/orders', { method: 'POST', headers, body: r.body })
            : r.kind === 'patch'
              ? await update.request(`/api/orders/${target}`, { method: 'PATCH', headers, body: r.body })
              : await update.request(`/api/orders/${target}`, {
                  method: 'PATCH',
                  headers: r.kind === 'advance' ? { ...json, ...barAuth } : json,
                  body: JSON.stringify(
                    r.kind === 'advance' ? { status: 'preparing' } : { guestId: order?.guestId, status: 'cancelled' },
                  ),
                })
        count++
        expect(res.status).toBeLessThan(500)
        const body = (await res.json()) as { order?: Order; error?: { code: string; message: string } }
        if (res.status >= 400) {
          expect(body.error?.code).toMatch(/^[a-z_]+$/)
          expect(body.error?.message).toBeTruthy()
          expect(JSON.stringify(body)).not.toMatch(/at \w+ \(|postgres|select |insert /i)
        } else if (body.order) {
          if (!acknowledged.has(body.order.id)) placed.push(body.order.id)
          acknowledged.set(body.order.id, body.order)
        }
      }
    }),
    { numRuns: 100, seed: 20261125 },
  )
  expect(count).toBeGreaterThanOrEqual(10_000)
  const stored = await deps.sql<{ id: string }[]>`select id from orders where guest_id = any(${guests}::uuid[])`
  expect(new Set(stored.map((row) => row.id))).toEqual(new Set(acknowledged.keys()))
  // The generators reach the success paths too, not only refusals.
  expect(acknowledged.size).toBeGreaterThan(200)
}, 300_000)
