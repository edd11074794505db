import type { DrinkUpdate, Event } from '../../../contract/index.ts'
import { api } from '../../../contract/index.ts'
import type { ApiClientOptions } from './api-client.ts'
import { createHttp } from './api-client.ts'
import { type PageConfig, readPageConfig } from './page-config.ts'

/** What the bar display, the pickup board and the QR poster ask of the API, with the bar token. */
export function createStaffApi(options: ApiClientOptions = {}) {
  const http = createHttp(options)
  return {
    menu: http.menu,
    /** `/config.json`, read by lib/page-config.ts. */
    config: async (): Promise<PageConfig> => readPageConfig(await http.json<unknown>('GET', '/config.json')),
    updateOrder: http.updateOrder,
    /** Every order, all pages; with a station, that station's. */
    allOrders: (station: string | null = null) => http.orders(station ? { station } : {}),
    updateDrink: async (drinkId: string, change: DrinkUpdate) => {
      await http.send('PUT', api.drink(drinkId), change)
    },
    /** The CSV export of every event; fetched rather than linked, since a link cannot send the token. */
    ordersCsv: async () =>
      (await http.send('GET', `${api.orders}?format=csv&event=all`, undefined, { accept: 'text/csv' })).blob(),
    /** Starts a new event: pickup numbers from 1, an empty queue and board. */
    startEvent: async (name: string) => (await http.json<{ event: Event }>('POST', api.events, { name })).event,
  }
}

export type StaffApi = ReturnType<typeof createStaffApi>
