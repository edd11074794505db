import type { Locale, PickupBoard, Station } from '../../../contract/index.ts'
import { type PickupPlace, pickupPlace } from './stations.ts'

/** One column of the pickup board: a station's ready numbers, or those of drinks of no station. */
export interface PickupColumn {
  key: string
  /** Null for the drinks of no station, and for a board of an event without stations. */
  place: PickupPlace | null
  numbers: readonly number[]
}

/**
 * What the pickup board shows. For one station: its ready numbers. For all: a column per
 * station with numbers ready, then the numbers of drinks of no station; without stations (or
 * from a server that does not send them per station) the one list, as before.
 */
export function pickupColumns(
  board: PickupBoard,
  stations: readonly Station[],
  station: string | null,
  locale: Locale,
): PickupColumn[] {
  const perStation = board.stations
  if (station !== null) {
    const numbers = perStation ? (perStation[station] ?? []) : board.numbers
    return [{ key: station, place: pickupPlace(stations, station, locale), numbers }]
  }
  if (!perStation || stations.length === 0) return [{ key: '', place: null, numbers: board.numbers }]
  const columns: PickupColumn[] = []
  const placed = new Set<number>()
  for (const { id } of stations) {
    const numbers = perStation[id] ?? []
    for (const number of numbers) placed.add(number)
    if (numbers.length > 0) columns.push({ key: id, place: pickupPlace(stations, id, locale), numbers })
  }
  // Drinks of no station, and of a station the menu no longer lists.
  const others = board.numbers.filter((number) => !placed.has(number))
  if (others.length > 0) columns.push({ key: '', place: null, numbers: others })
  return columns
}
