import type { Context, Hono } from 'hono'
import { OrderListQuerySchema, routes } from '../../contract/index.ts'
import { createBaseApp, type FunctionDeps } from '../shared/app.ts'
import { isBar } from '../shared/auth.ts'
import { Refusal } from '../shared/errors.ts'
import { type OrderRow, toOrder } from '../shared/orders.ts'
import { check } from '../shared/validate.ts'
import { type CsvOrder, toCsv } from './csv.ts'
import { decodeCursor, encodeCursor } from './cursor.ts'

type Page = (
  limit: number,
  from: { createdAt: Date; id: string } | null,
) => Promise<{ orders: CsvOrder[]; nextCursor: string | null }>

/**
 * `GET /api/orders`: a guest's own orders by `guestId`, or every order for the bar; those of the
 * current event unless `event` asks for another one or `all`.
 */
export function createApp(deps: FunctionDeps): Hono {
  const { sql, barToken } = deps
  return createBaseApp(deps).get(routes.orders, async (c) => {
    const query = check(OrderListQuerySchema, c.req.query())
    const bar = isBar(c.req.header('authorization'), barToken)
    if (!bar && !query.guestId) throw new Refusal(401, 'unauthorized', 'listing all orders needs the bar token')

    const after = query.cursor ? decodeCursor(query.cursor) : null
    const since = query.since ? new Date(query.since) : null
    const event =
      query.event === 'all'
        ? sql``
        : query.event === 'current'
          ? sql`and o.event_id = current_event_id()`
          : sql`and o.event_id = ${Number(query.event)}`
    const page: Page = async (limit, from) => {
      const rows = await sql<(OrderRow & { event_name: string | null })[]>`
        select o.*, e.name as event_name from orders o join events e on e.id = o.event_id
        where true
          ${event}
          ${query.guestId ? sql`and o.guest_id = ${query.guestId}` : sql``}
          ${query.station ? sql`and o.station = ${query.station}` : sql``}
          ${query.status ? sql`and o.status in ${sql(query.status)}` : sql``}
          ${since ? sql`and o.updated_at >= ${since}` : sql``}
          ${from ? sql`and (o.created_at, o.id) < (${from.createdAt}, ${from.id})` : sql``}
        order by o.created_at desc, o.id desc
        limit ${limit + 1}`
      const orders = rows.slice(0, limit).map((row) => ({ ...toOrder(row), event: row.event_name ?? '' }))
      const last = orders.at(-1)
      return { orders, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
    }

    if (query.format === 'csv') return csvDownload(c, await everything(page, after))
    const { orders, nextCursor } = await page(query.limit, after)
    return c.json({ orders: orders.map(({ event: _, ...order }) => order), nextCursor })
  })
}

async function everything(page: Page, from: { createdAt: Date; id: string } | null): Promise<CsvOrder[]> {
  const all: CsvOrder[] = []
  for (let cursor = from; ; ) {
    const { orders, nextCursor } = await page(1000, cursor)
    all.push(...orders)
    if (!nextCursor) return all
    cursor = decodeCursor(nextCursor)
  }
}

function csvDownload(c: Context, orders: CsvOrder[]): Response {
  c.header('content-type', 'text/csv; charset=utf-8')
  c.header('content-disposition', `attachment; filename="orders-${new Date().toISOString().slice(0, 10)}.csv"`)
  return c.body(toCsv(orders))
}
