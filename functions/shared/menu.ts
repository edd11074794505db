import type { Sql, TransactionSql } from 'postgres'
import type { Drink, Menu, Station } from '../../contract/index.ts'
import { currentEvent } from './events.ts'

type Db = Sql | TransactionSql

interface DrinkRow {
  id: string
  name: Drink['name']
  image: string | null
  available: boolean
  station: string | null
}

interface StationRow {
  id: string
  name: Station['name']
  location: Station['name'] | null
}

function toDrink(row: DrinkRow): Drink {
  return {
    id: row.id,
    name: row.name,
    available: row.available,
    ...(row.image ? { image: row.image } : {}),
    ...(row.station ? { station: row.station } : {}),
  }
}

function toStation(row: StationRow): Station {
  return { id: row.id, name: row.name, ...(row.location ? { location: row.location } : {}) }
}

/**
 * The menu: drinks and stations in one statement, then the current event, for whose pages the
 * menu is; one connection of the pool at a time.
 */
export async function loadMenu(db: Db): Promise<Menu> {
  const rows = await db<(DrinkRow & StationRow & { kind: 'drink' | 'station' })[]>`
    select 'drink' as kind, id, name, image, available, station, null::jsonb as location, position from drinks
    union all
    select 'station', id, name, null, null, null, location, position from stations
    order by kind, position, id`
  return {
    drinks: rows.filter((row) => row.kind === 'drink').map(toDrink),
    stations: rows.filter((row) => row.kind === 'station').map(toStation),
    event: await currentEvent(db),
  }
}

export async function findDrink(db: Db, id: string): Promise<Drink | null> {
  const [row] = await db<DrinkRow[]>`select id, name, image, available, station from drinks where id = ${id}`
  return row ? toDrink(row) : null
}

export async function findStation(db: Db, id: string): Promise<Station | null> {
  const [row] = await db<StationRow[]>`select id, name, location from stations where id = ${id}`
  return row ? toStation(row) : null
}
