import type { Context, Hono } from 'hono'
import { type Order, OrderListQuerySchema, routes } from '../../contract/index.ts'
import { createBaseApp, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { Refusal } from '../shared/errors.ts'
import { type OrderRow, toOrder } from '../shared/orders.ts'
import { check } from '../shared/validate.ts'
import { toCsv } from './csv.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'

/** `GET /api/orders`: a guest's own orders by `guestId`, or every order for the bar. */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, barToken } = deps
  return createBaseApp(deps).get(routes.orders, async (c) => {
    const query = check(OrderListQuerySchema, c.req.query())
    const bar = isBar(c.req.header('authorization'), barToken)
    if (!bar && !query.guestId) throw new Refusal(401, 'unauthorized', 'listing all orders needs the bar token')

    const after = query.cursor ? decodeCursor(query.cursor) : null
    const since = query.since ? new Date(query.since) : null
    const page = async (limit: number, from: typeof after) => {
      const rows = await sql<OrderRow[]>`
        select * from orders
        where true
          ${query.guestId ? sql`and guest_id = ${query.guestId}` : sql``}
          ${query.station ? sql`and station = ${query.station}` : sql``}
          ${query.status ? sql`and status in ${sql(query.status)}` : sql``}
          ${since ? sql`and updated_at >= ${since}` : sql``}
          ${from ? sql`and (created_at, id) < (${from.createdAt}, ${from.id})` : sql``}
        order by created_at desc, id desc
        limit ${limit + 1}`
      const orders = rows.slice(0, limit).map(toOrder)
      const last = orders.at(-1)
      return { orders, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
    }

    if (query.format === 'csv') return csvDownload(c, await everything(page, after))
    return c.json(await page(query.limit, after))
  })
}

async function everything(
  page: (
    limit: number,
    from: { createdAt: Date; id: string } | null,
  ) => Promise<{ orders: Order[]; nextCursor: string | null }>,
  from: { createdAt: Date; id: string } | null,
): Promise<Order[]> {
  const all: Order[] = []
  for (let cursor = from; ; ) {
    const { orders, nextCursor } = await page(1000, cursor)
    all.push(...orders)
    if (!nextCursor) return all
    cursor = decodeCursor(nextCursor)
  }
}

function csvDownload(c: Context, orders: Order[]): Response {
  c.header('content-type', 'text/csv; charset=utf-8')
  c.header('content-disposition', `attachment; filename="orders-${new Date().toISOString().slice(0, 10)}.csv"`)
  return c.body(toCsv(orders))
}
