/**
 * The order limits count orders: a refused request gives its place back, and a retry of a stored
 * order is recognised after normalisation, answered, and not counted.
 */
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import { functionDepsForFile, json } from '../../test/harness.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
beforeAll(async () => {
  await deps.sql`
    insert into drinks (id, name, available)
    values ('sold-out-soda', ${deps.sql.json({ en: 'Soda', de: 'Soda', fr: 'Soda', it: 'Soda' })}, false)
    on conflict (id) do update set available = false`
})

const minute = 60_000
const appWith = (perGuest: number, perAddress: number) =>
  createApp({
    ...deps,
    orderLimits: {
      perGuest: { limit: perGuest, windowMs: minute },
      perAddress: { limit: perAddress, windowMs: minute },
    },
  })
const anOrder = (overrides: Record<string, unknown> = {}) => ({
  guestId: randomUUID(),
  nickname: 'Max',
  drinkId: 'coffee',
  ...overrides,
})
const sender =
  (app: ReturnType<typeof createApp>) =>
  (body: unknown, headers: Record<string, string> = json) =>
    app.request('/api/orders', {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

describe('the per-address limit counts orders, not refusals', () => {
  test('invalid, unknown-drink, oversized, non-JSON and refused requests leave it untouched', async () => {
    const send = sender(appWith(100, 2))
    const refusals = [
      await send(anOrder({ nickname: '' })),
      await send(anOrder({ drinkId: 'champagne' })),
      await send(anOrder({ note: 'x'.repeat(5000) })),
      await send('{"guestId": '),
      await send('nickname=Max', { 'content-type': 'application/x-www-form-urlencoded' }),
      await send(anOrder({ drinkId: 'sold-out-soda' })),
    ]
    expect(refusals.map((res) => res.status)).toEqual([400, 400, 413, 400, 415, 409])
    // The two places of this address are still free for real orders.
    expect((await send(anOrder())).status).toBe(201)
    expect((await send(anOrder())).status).toBe(201)
    const over = await send(anOrder())
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await over.json()).toMatchObject({ error: { code: 'rate_limited' } })
  })

  test('a guest over its own limit does not use up the address', async () => {
    const send = sender(appWith(1, 2))
    const guestId = randomUUID()
    expect((await send(anOrder({ guestId }))).status).toBe(201)
    expect((await send(anOrder({ guestId }))).status).toBe(429)
    expect((await send(anOrder())).status).toBe(201)
  })

  test('a retry of a stored order is answered, also when the address is at its limit, and not counted', async () => {
    const send = sender(appWith(100, 2))
    const first = anOrder({ id: randomUUID() })
    expect((await send(first)).status).toBe(201)
    expect((await send(first)).status).toBe(200)
    expect((await send(anOrder())).status).toBe(201)
    expect((await send(first)).status).toBe(200)
    expect((await send(anOrder())).status).toBe(429)
  })
})

describe('identical retries are recognised after normalisation', () => {
  const send = (body: unknown) => sender(createApp(deps))(body)

  test('an upper-case guest id and order id', async () => {
    const id = randomUUID()
    const body = anOrder({ id, note: 'oat milk' })
    const first = await send(body)
    expect(first.status).toBe(201)
    const { order } = (await first.json()) as { order: Order }
    const again = await send({ ...body, id: id.toUpperCase(), guestId: body.guestId.toUpperCase() })
    expect(again.status).toBe(200)
    expect(((await again.json()) as { order: Order }).order).toEqual(order)
  })

  test('a nickname and a note sent decomposed, then composed, then with spaces around', async () => {
    const id = randomUUID()
    const body = anOrder({ id, nickname: 'Zoe\u0308', note: 'cre\u0300me' })
    const first = await send(body)
    expect(first.status).toBe(201)
    expect(((await first.json()) as { order: Order }).order).toMatchObject({ nickname: 'Zoë', note: 'crème' })
    expect((await send({ ...body, nickname: 'Zoë', note: 'crème' })).status).toBe(200)
    expect((await send({ ...body, nickname: ' Zoë ', note: ' crème ' })).status).toBe(200)
    const [row] = await deps.sql`select nickname, note from orders where id = ${id}`
    expect(row).toEqual({ nickname: 'Zoë', note: 'crème' })
  })

  test('a lone surrogate is refused with 400 rather than stored as something else', async () => {
    for (const body of [anOrder({ nickname: 'Max\uD800' }), anOrder({ note: 'oat\uDFFF' })]) {
      const res = await send(body)
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_input' } })
      expect(await deps.sql`select 1 from orders where guest_id = ${body.guestId}`).toHaveLength(0)
    }
  })

  test('a joined-emoji nickname is stored and retried as sent', async () => {
    const body = anOrder({ id: randomUUID(), nickname: 'Ada \u{1F469}\u200D\u{1F4BB} \u{1F3F3}\uFE0F\u200D\u{1F308}' })
    const first = await send(body)
    expect(first.status).toBe(201)
    expect(((await first.json()) as { order: Order }).order.nickname).toBe(body.nickname)
    expect((await send(body)).status).toBe(200)
  })
})
