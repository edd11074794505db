import type { Drink, Locale, Order, Station } from '../../../contract/index.ts'

/** Where to pick up, in one language: the station's name and, when the bar gave one, its place. */
export interface PickupPlace {
  name: string
  location: string | null
}

/** Where the order is picked up, in `locale`; null when it has no station the menu knows. */
export function pickupPlace(
  stations: readonly Station[],
  stationId: string | undefined,
  locale: Locale,
): PickupPlace | null {
  const station = stationId ? stations.find((s) => s.id === stationId) : undefined
  return station ? { name: station.name[locale], location: station.location?.[locale] ?? null } : null
}

/** The orders of one station, or all of them when `stationId` is null. */
export function ofStation<T extends Pick<Order, 'station'>>(orders: readonly T[], stationId: string | null): T[] {
  return stationId === null ? [...orders] : orders.filter((order) => order.station === stationId)
}

/** The drinks made at one station, or all of them when `stationId` is null. */
export function drinksOf(drinks: readonly Drink[], stationId: string | null): Drink[] {
  return stationId === null ? [...drinks] : drinks.filter((drink) => drink.station === stationId)
}

/**
 * The station a page was opened for (`?bar&station=coffee`); null: all of them, also for an id
 * that is no station id (`StationIdSchema`), which would make a topic filter of `#` or `+`. The
 * pattern is written out here: taking it from the contract would place it in the guest page's
 * first download, where the contract's code lives.
 */
export function stationParam(search: string): string | null {
  const id = new URLSearchParams(search).get('station')
  return id && /^[a-z0-9-]{1,32}$/.test(id) ? id : null
}
