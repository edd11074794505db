import { randomUUID } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import type { Order, OrderList } from '../../contract/index.ts'
import { builtOnFirstUse } from '../../test/for-file.ts'
import { barAuth, functionDepsForFile, json } from '../../test/harness.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp } from './index.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp(deps))
const placeApp = builtOnFirstUse('place-order', () => createPlaceOrder(deps))

async function place(guestId: string, nickname = 'Tom', note = ''): Promise<Order> {
  const res = await placeApp.request('/api/orders', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId, nickname, drinkId: 'water', note }),
  })
  return ((await res.json()) as { order: Order }).order
}

const list = async (query: string, headers: Record<string, string> = {}) => {
  const res = await app.request(`/api/orders${query}`, { headers })
  return {
    res,
    body: (await res
      .clone()
      .json()
      .catch(() => null)) as OrderList,
  }
}

describe('GET /api/orders', () => {
  test('a guest sees its own orders, newest first, and nobody else’s', async () => {
    const guestId = randomUUID()
    const first = await place(guestId)
    const second = await place(guestId)
    await place(randomUUID())
    const { res, body } = await list(`?guestId=${guestId}`)
    expect(res.status).toBe(200)
    expect(body.orders.map((o) => o.id)).toEqual([second.id, first.id])
    expect(body.nextCursor).toBeNull()
  })

  test('all orders need the bar token', async () => {
    expect((await list('')).res.status).toBe(401)
    expect((await list('', barAuth)).res.status).toBe(200)
  })

  test('the bar pages through with a cursor that stays stable while orders arrive', async () => {
    const orders = [] as Order[]
    for (let i = 0; i < 5; i++) orders.push(await place(randomUUID()))
    const since = encodeURIComponent(orders[0]?.createdAt ?? '')
    const seen: string[] = []
    let late: Order | undefined
    for (let cursor = ''; ; ) {
      const { body } = await list(`?limit=2&since=${since}${cursor ? `&cursor=${cursor}` : ''}`, barAuth)
      expect(body.orders.length).toBeLessThanOrEqual(2)
      seen.push(...body.orders.map((o) => o.id))
      // An order that arrives while paging is newer than every page after the first.
      late ??= await place(randomUUID())
      if (!body.nextCursor) break
      cursor = body.nextCursor
    }
    // Other suites place orders meanwhile; ours come in order, none twice, the late one not at all.
    expect(seen.filter((id) => orders.some((o) => o.id === id))).toEqual(orders.map((o) => o.id).reverse())
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen).not.toContain(late?.id)
  })

  test('pages through orders placed in the same millisecond without skipping or repeating one', async () => {
    const guestId = randomUUID()
    const ids = Array.from({ length: 5 }, () => randomUUID())
    for (const id of ids) {
      await deps.sql`
        insert into orders (id, guest_id, nickname, drink_id, quantity, created_at)
        values (${id}, ${guestId}, 'Same', 'tea', 1, '2026-11-25T20:15:00.123456Z')`
    }
    const seen: string[] = []
    for (let cursor = ''; ; ) {
      const { body } = await list(`?guestId=${guestId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...body.orders.map((o) => o.id))
      if (!body.nextCursor) break
      cursor = body.nextCursor
    }
    expect(seen).toEqual([...ids].sort().reverse())
  })

  test('filters by status: the orders in those statuses, and only those', async () => {
    const guestId = randomUUID()
    const byStatus: Record<string, string> = {}
    const statuses = ['placed', 'preparing', 'ready', 'delivered', 'cancelled'] as const
    for (const [i, status] of statuses.entries()) {
      const id = randomUUID()
      await deps.sql`
        insert into orders (id, guest_id, nickname, drink_id, quantity, status, created_at)
        values (${id}, ${guestId}, 'Mia', 'tea', 1, ${status}, now() + ${`${i} milliseconds`}::interval)`
      byStatus[status] = id
    }
    const { res, body } = await list(`?guestId=${guestId}&status=cancelled,delivered`, barAuth)
    expect(res.status).toBe(200)
    expect(body.orders.map((o) => [o.id, o.status])).toEqual([
      [byStatus.cancelled, 'cancelled'],
      [byStatus.delivered, 'delivered'],
    ])
    // Across every guest too: ours are there, and no order of another status.
    const all = await list('?status=ready&limit=500', barAuth)
    expect(all.res.status).toBe(200)
    expect(all.body.orders.map((o) => o.id)).toContain(byStatus.ready)
    expect(new Set(all.body.orders.map((o) => o.status))).toEqual(new Set(['ready']))
  })

  test('bad filters are 400 with the reason', async () => {
    for (const query of ['?status=lost', '?limit=0', '?since=yesterday', '?cursor=abc', '?colour=red']) {
      const { res, body } = await list(query, barAuth)
      expect(res.status, query).toBe(400)
      expect((body as unknown as { error: { code: string } }).error.code).toBe('invalid_input')
    }
  })

  test('format=csv downloads a CSV with a header row, quoting and umlauts intact', async () => {
    const guestId = randomUUID()
    await place(guestId, 'Zoë "Z"', 'with ice, please')
    const res = await app.request(`/api/orders?format=csv&guestId=${guestId}`, { headers: barAuth })
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-/)
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer())
    expect(text.startsWith('\uFEFFevent,number,status,nickname,drinkId')).toBe(true)
    expect(text).toContain('"Zoë ""Z""",water,1,"with ice, please"')
  })
})
