import type { DrinkUpdate } from '../../../contract/index.ts'
import { api } from '../../../contract/index.ts'
import type { ApiClientOptions } from './api-client.ts'
import { createHttp } from './api-client.ts'
import { type PageConfig, readPageConfig } from './page-config.ts'

/** What the bar display, the pickup board and the QR poster ask of the API, with the bar token. */
export function createStaffApi(options: ApiClientOptions = {}) {
  const http = createHttp(options)
  return {
    menu: http.menu,
    config: async (): Promise<PageConfig> => readPageConfig(await http.config()),
    updateOrder: http.updateOrder,
    /** Every order, all pages; with a station, that station's. */
    allOrders: (station: string | null = null) => http.orders(station ? { station } : {}),
    updateDrink: async (drinkId: string, change: DrinkUpdate) => {
      await http.send('PUT', api.drink(drinkId), change)
    },
    /** The CSV export; fetched rather than linked, since a link cannot send the token. */
    ordersCsv: async () =>
      (await http.send('GET', `${api.orders}?format=csv`, undefined, { accept: 'text/csv' })).blob(),
  }
}

export type StaffApi = ReturnType<typeof createStaffApi>
