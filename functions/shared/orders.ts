import type { Sql, TransactionSql } from 'postgres'
import type { Order, OrderStatus, PickupBoard } from '../../contract/index.ts'

type Db = Sql | TransactionSql

export interface OrderRow {
  id: string
  number: number
  event_id: number
  guest_id: string
  nickname: string
  drink_id: string
  station: string | null
  quantity: number
  note: string
  status: OrderStatus
  created_at: Date
  updated_at: Date
  /** The status the bar's last move left, while that move may still be undone; not in the API. */
  previous_status: OrderStatus | null
  moved_at: Date | null
}

export function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    number: row.number,
    eventId: row.event_id,
    guestId: row.guest_id,
    nickname: row.nickname,
    drinkId: row.drink_id,
    ...(row.station ? { station: row.station } : {}),
    quantity: row.quantity,
    note: row.note,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}

export async function findOrder(db: Db, id: string, { lock = false } = {}): Promise<Order | null> {
  const [row] = lock
    ? await db<OrderRow[]>`select * from orders where id = ${id} for update`
    : await db<OrderRow[]>`select * from orders where id = ${id}`
  return row ? toOrder(row) : null
}

export async function countOpenOrders(db: Db, guestId: string): Promise<number> {
  const [row] = await db<{ count: number }[]>`
    select count(*)::int as count from orders
    where guest_id = ${guestId} and status in ('placed', 'preparing', 'ready') and event_id = current_event_id()`
  return row?.count ?? 0
}

/** The bar's last move of an order: the status it left, and how long ago it was made. */
export interface LastMove {
  from: OrderStatus
  ageMs: number
}

/** The bar's last move of an order, by the database's clock; null when there is none to undo. */
export async function findLastMove(db: Db, id: string): Promise<LastMove | null> {
  const [row] = await db<{ from: OrderStatus | null; ageMs: number | null }[]>`
    select previous_status as "from",
      (extract(epoch from clock_timestamp() - moved_at) * 1000)::float8 as "ageMs"
    from orders where id = ${id}`
  return row?.from && row.ageMs !== null ? { from: row.from, ageMs: row.ageMs } : null
}

/**
 * The pickup numbers of the current event that are ready, oldest first, read inside the transaction that changed
 * one. A transaction lock makes concurrent changes take turns, so each reads the list with the
 * others' committed changes and the last message published is the current list.
 */
export async function readPickupBoard(tx: TransactionSql): Promise<PickupBoard> {
  await tx`select pg_advisory_xact_lock(hashtext('public/pickup'))`
  // Aggregates without GROUP BY: exactly one row, also when nothing is ready.
  const [row] = await tx<{ numbers: number[]; stations: Record<string, number[]>; at: Date }[]>`
    select
      (select coalesce(array_agg(number order by updated_at, number), '{}') from orders where status = 'ready' and event_id = current_event_id())
        as numbers,
      (select coalesce(jsonb_object_agg(station, numbers), '{}') from (
         select station, jsonb_agg(number order by updated_at, number) as numbers
         from orders where status = 'ready' and event_id = current_event_id() and station is not null
         group by station) per_station)
        as stations,
      clock_timestamp() as at`
  return { numbers: row?.numbers ?? [], stations: row?.stations ?? {}, at: (row?.at ?? new Date()).toISOString() }
}
