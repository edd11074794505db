import * as v from 'valibot'
import { api, type Locale, MenuSchema } from '../contract/index.ts'
import type { Logger } from '../runtime/logger.ts'

/** Resolves a drink id to the name printed on the ticket. */
export type DrinkNames = (drinkId: string) => Promise<string>

export interface DrinkNamesOptions {
  /** Base URL of the API (`http://host:8080`); without it every drink shows as its id. */
  apiUrl?: string
  lang: Locale
  log: Logger
  fetch?: typeof fetch
  /** How long a ticket may wait for the menu. Default 2 s. */
  timeoutMs?: number
  /** A known menu is fetched again after this long. Default 60 s. */
  refreshMs?: number
  /** An unknown drink id fetches the menu again, at most this often. Default 10 s. */
  retryMs?: number
}

/**
 * Drink names from `GET /api/menu`, cached. The printer role may not read the retained
 * `public/menu`, and the order carries only the drink id. An unknown id triggers a fetch (a new
 * drink), at most every `retryMs`, so a down API costs a short wait now and then, not one per
 * ticket. When nothing is known, `orange-juice` prints as `Orange juice`.
 */
export function createDrinkNames({
  apiUrl,
  lang,
  log,
  fetch: fetchMenu = fetch,
  timeoutMs = 2000,
  refreshMs = 60_000,
  retryMs = 10_000,
}: DrinkNamesOptions): DrinkNames {
  let names = new Map<string, string>()
  let fetchedAt = Number.NEGATIVE_INFINITY
  let pending: Promise<void> | null = null

  const refresh = async () => {
    fetchedAt = Date.now()
    try {
      const url = new URL(api.menu, apiUrl)
      const res = await fetchMenu(url, { signal: AbortSignal.timeout(timeoutMs) })
      if (!res.ok) throw new Error(`${url} answered ${res.status}`)
      const menu = v.parse(MenuSchema, await res.json())
      names = new Map(menu.drinks.map((drink) => [drink.id, drink.name[lang] || drink.name.en]))
    } catch (error) {
      log.warn(`cannot read the menu (${(error as Error).message}); printing drink ids where names are unknown`)
    }
  }

  const start = () => {
    pending ??= refresh().finally(() => {
      pending = null
    })
    return pending
  }

  return async (drinkId) => {
    if (apiUrl) {
      const age = Date.now() - fetchedAt
      // A drink not seen yet (added since) is worth a short wait; a known one is refreshed behind the ticket.
      if (!names.has(drinkId) && age > retryMs) await start()
      else if (age > refreshMs) void start()
    }
    return names.get(drinkId) ?? fallbackName(drinkId)
  }
}

/** `orange-juice` → `Orange juice`. */
export function fallbackName(drinkId: string): string {
  const words = drinkId.replace(/-/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
