import type { ReservedSql } from 'postgres'
import { type Drink, type Message, type Order, type OutboxRow, outboxLeaseMs } from '../../contract/index.ts'
import { type OrderRow, toOrder } from './orders.ts'

export type BatchDrink = Pick<Drink, 'id' | 'name' | 'available'> & { station: string | null }

/** What one batch of orders needs to know before deciding, read in one round trip. */
export interface BatchFacts {
  stored: Map<string, Order>
  drinks: Map<string, BatchDrink>
  /** Open orders per guest id (lower case). */
  open: Map<string, number>
  /** Pickup numbers reserved for this batch, one per order in it, increasing. */
  numbers: number[]
  /** The event the numbers were taken in: the batch's orders belong to it. */
  event: number
  /** The transaction's time, as stored (milliseconds). */
  now: Date
}

/**
 * Locks the batch's guests, then reads stored ids, drinks, open orders and pickup numbers of the
 * current event, and the time: sent together, answered in one round trip, run in this order.
 * Locks are taken in one order by every batch, so two batches sharing guests wait for each
 * other, never deadlock.
 * Numbers reserved for orders that are then refused are skipped, as a rolled-back insert's are.
 */
export async function readBatchFacts(
  tx: ReservedSql,
  orders: { id: string; guestId: string; drinkId: string }[],
): Promise<BatchFacts> {
  const guests = [...new Set(orders.map((o) => o.guestId.toLowerCase()))]
  const [, storedRows, drinkRows, openRows, numberRows, [clock]] = await Promise.all([
    tx`select pg_advisory_xact_lock(h) from (
         select distinct hashtext(g) as h from unnest(${tx.array(guests)}::text[]) as g order by h) as locks`.execute(),
    tx<OrderRow[]>`select * from orders where id = any(${tx.array(orders.map((o) => o.id))}::uuid[])`.execute(),
    tx<BatchDrink[]>`
      select id, name, available, station from drinks where id = any(${tx.array(orders.map((o) => o.drinkId))}::text[])`.execute(),
    // By the guests' open orders (orders_guest_open_idx). `+ 0` keeps the event out of the index
    // choice: with the statistics of a table that grew since its last analyze (the start of a
    // night), the planner took the event's index and read every order of the event.
    tx<{ guest_id: string; open: number }[]>`
      select guest_id, count(*)::int as open from orders
      where guest_id = any(${tx.array(guests)}::uuid[]) and status in ('placed', 'preparing', 'ready')
        and event_id + 0 = current_event_id()
      group by guest_id`.execute(),
    // The current event and its numbers in one statement, so they agree while an event starts.
    tx<{ event: number; number: number }[]>`
      select e.id as event, nextval(e.numbers)::int as number
      from (select id, numbers from events order by id desc limit 1) as e, generate_series(1, ${orders.length})`.execute(),
    tx<{ now: Date }[]>`select now()::timestamptz(3) as now`.execute(),
  ])
  return {
    stored: new Map(storedRows.map((row) => [row.id, toOrder(row)])),
    drinks: new Map(drinkRows.map((drink) => [drink.id, drink])),
    open: new Map(openRows.map((row) => [row.guest_id, row.open])),
    numbers: numberRows.map((row) => row.number).sort((a, b) => a - b),
    event: (numberRows[0] as { event: number }).event,
    now: (clock as { now: Date }).now,
  }
}

/**
 * Inserts the orders and the outbox messages of those inserted, in one statement: an order whose
 * id another request stored meanwhile is skipped, and so are its messages. Resolves to the ids
 * of the orders inserted and to the outbox ids of their messages, in the order given.
 */
export async function insertOrdersWithMessages(
  tx: ReservedSql,
  placed: { order: Order; messages: Message[] }[],
): Promise<{ orders: Set<string>; messageIds: OutboxRow['id'][] }> {
  const orders = placed.map((p) => p.order)
  const col = <T>(pick: (order: Order) => T) => tx.array(orders.map(pick) as never[])
  // The messages as one JSON document (postgres.js stringifies it once): their payloads are JSON
  // themselves, which a text[] parameter would escape element by element, two copies each.
  const messages = tx.json(
    placed.flatMap((p) =>
      p.messages.map(({ topic, payload, qos, retain }) => ({ order_id: p.order.id, topic, payload, qos, retain })),
    ),
  )
  const query = tx<{ orders: string[] | null; messages: string[] | null }[]>`
    with inserted as (
      insert into orders (id, number, guest_id, nickname, drink_id, quantity, note, station, created_at, updated_at, event_id)
      select o.*, ${orders[0]?.createdAt ?? null}::timestamptz, ${orders[0]?.createdAt ?? null}::timestamptz,
        ${orders[0]?.eventId ?? null}::int
      from unnest(
        ${col((o) => o.id)}::uuid[], ${col((o) => o.number)}::int[], ${col((o) => o.guestId)}::uuid[],
        ${col((o) => o.nickname)}::text[], ${col((o) => o.drinkId)}::text[],
        ${col((o) => o.quantity)}::int[], ${col((o) => o.note)}::text[], ${col((o) => o.station ?? null)}::text[]) as o
      on conflict (id) do nothing
      returning id
    ), queued as (
      insert into outbox (topic, payload, qos, retain, lease_until)
      select m.topic, convert_to(m.payload, 'UTF8'), m.qos, m.retain,
        clock_timestamp() + ${outboxLeaseMs} * interval '1 millisecond'
      from rows from (
        json_to_recordset(${messages}::json) as (order_id uuid, topic text, payload text, qos smallint, retain boolean)
      ) with ordinality as m(order_id, topic, payload, qos, retain, position)
      join inserted on inserted.id = m.order_id
      order by m.position
      returning id
    )
    select (select array_agg(id) from inserted) as orders, (select array_agg(id order by id) from queued) as messages`
  // Sent now: the caller's COMMIT follows it on this connection in the same write.
  const [result] = await query.execute()
  return { orders: new Set(result?.orders ?? []), messageIds: result?.messages ?? [] }
}
