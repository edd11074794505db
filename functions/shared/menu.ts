import type { Sql, TransactionSql } from 'postgres'
import type { Drink, Menu } from '../../contract/index.ts'
import { currentEvent } from './events.ts'

type Db = Sql | TransactionSql

interface DrinkRow {
  id: string
  name: Drink['name']
  image: string | null
  available: boolean
  station: string | null
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

/** The drinks, and the current event, for whose pages the menu is. */
export async function loadMenu(db: Db): Promise<Menu> {
  const [rows, event] = await Promise.all([
    db<DrinkRow[]>`select id, name, image, available, station from drinks order by position, id`,
    currentEvent(db),
  ])
  return { drinks: rows.map(toDrink), event }
}

export async function findDrink(db: Db, id: string): Promise<Drink | null> {
  const [row] = await db<DrinkRow[]>`select id, name, image, available, station from drinks where id = ${id}`
  return row ? toDrink(row) : null
}
