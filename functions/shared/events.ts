import type { Sql, TransactionSql } from 'postgres'
import type { Event } from '../../contract/index.ts'

type Db = Sql | TransactionSql

interface EventRow {
  id: number
  name: string | null
  started_at: Date
}

function toEvent(row: EventRow): Event {
  return { id: row.id, name: row.name ?? '', startedAt: row.started_at.toISOString() }
}

/** The event started last: new orders belong to it. */
export async function currentEvent(db: Db): Promise<Event> {
  const [row] = await db<EventRow[]>`select id, name, started_at from events order by id desc limit 1`
  if (!row) throw new Error('there is no event: the migrations start the first one')
  return toEvent(row)
}

/**
 * Starts a new event in `tx`: its pickup numbers start at 1. Orders of earlier events stay as
 * they are, under their event.
 */
export async function startEvent(tx: TransactionSql, name: string): Promise<Event> {
  // Two starts at once each get an event; this makes them take turns, so that the later one is current.
  await tx`select pg_advisory_xact_lock(hashtext('drinks.events'))`
  const [row] = await tx<EventRow[]>`select id, name, started_at from start_event(${name})`
  return toEvent(row as EventRow)
}

/**
 * `EVENT_NAME` names the first event, also again after a restart with another name, while it is
 * the only one; once an operator started a second event, the events carry their own names.
 */
export async function nameFirstEvent(sql: Sql, eventName: string): Promise<void> {
  const name = eventName.trim().slice(0, 200)
  if (!name) return
  await sql`update events set name = ${name} where (select count(*) from events) = 1 and name is distinct from ${name}`
}
