import type { ReadonlySignal } from '@preact/signals-core'
import { computed, signal } from '@preact/signals-core'
import type { BarStatus, Locale, Order } from '../../../../contract/index.ts'
import { topics } from '../../../../contract/index.ts'
import { defaultPageConfig, type PageConfig } from '../../lib/page-config.ts'
import type { StaffApi } from '../../lib/staff-api.ts'
import type { KeyValueStore } from '../../lib/storage.ts'
import type { BarAuth } from '../../models/bar-auth.ts'
import { BarModel } from '../../models/bar-model.ts'
import { BarQueue } from '../../models/bar-queue.ts'
import { drinkName, MenuModel } from '../../models/menu-model.ts'
import { OrderStore } from '../../models/order-store.ts'
import type { TableColumn } from '../../models/order-table.ts'
import { OrderTable } from '../../models/order-table.ts'
import { drinksOf, pickupPlace } from '../../models/stations.ts'
import { Clock } from '../../models/wait-time.ts'
import { createStaffLive } from '../shared/staff-live.ts'

export interface BarAppDeps {
  auth: BarAuth
  api: StaffApi
  storage: KeyValueStore
  liveUrl: string
  locale: ReadonlySignal<Locale>
  /** Sound on a new order; only called while the bar has the sound switched on. */
  beep: () => void
  /** Whether the device has a network (`navigator.onLine`, followed). */
  online?: ReadonlySignal<boolean>
  /** The station this display works for (`?bar&station=coffee`); null or unset: all of them. */
  station?: string | null
}

/**
 * Puts the bar display's models together and feeds them from the API and `bar/orders`, or for a
 * station from its `bar/stations/<id>/orders`.
 */
export function createBarApp({ auth, api, storage, liveUrl, locale, beep, online, station = null }: BarAppDeps) {
  const store = new OrderStore()
  const menu = new MenuModel()
  const config = signal<PageConfig>(defaultPageConfig)
  /** Remembered on the device, per station; the browser still wants a tap before it plays anything. */
  const soundKey = station ? `barSound:${station}` : 'barSound'
  const sound = signal(storage.get(soundKey) === 'on')
  const bar = new BarModel({
    api,
    store,
    menu,
    station,
    onNewOrder: () => {
      if (sound.value) beep()
    },
    onUnauthorized: auth.reject,
    undoMs: computed(() => config.value.undoSeconds * 1000),
  })
  const queue = new BarQueue(bar.orders)
  const label = computed(() => {
    const drinks = menu.byId.value
    const current = locale.value
    return (column: TableColumn, order: Order) =>
      column === 'drinkId' ? drinkName(drinks, order.drinkId, current) : order[column]
  })
  const table = new OrderTable(bar.orders, label)
  /** The printers and the outbox as the broker last told (retained `bar/status`). */
  const status = signal<BarStatus | null>(null)
  const live = createStaffLive({
    auth,
    url: liveUrl,
    online,
    topics: {
      [station ? topics.stationOrders(station) : topics.barOrders]: 'orderEvent',
      [topics.publicMenu]: 'menu',
      [topics.barStatus]: 'barStatus',
    },
    onConnect: () => void bar.refresh(),
    onMessage: (message) => {
      if (message.kind === 'orderEvent') bar.receive(message.payload)
      else if (message.kind === 'menu') menu.apply(message.payload)
      else if (message.kind === 'barStatus') status.value = message.payload
    },
  })
  return {
    auth,
    store,
    menu,
    station,
    /** The station's name and place in the page's language; null for a display of all stations. */
    place: computed(() => (station ? pickupPlace(menu.stations.value, station, locale.value) : null)),
    /** The drinks whose sold-out switch this display shows: its station's. */
    drinks: computed(() => drinksOf(menu.drinks.value ?? [], station)),
    bar,
    queue,
    table,
    live,
    status,
    sound,
    config,
    clock: new Clock(),
    setSound(on: boolean) {
      sound.value = on
      storage.set(soundKey, on ? 'on' : 'off')
    },
    /** The wait-time colours and the undo time of this event, from `/config.json`. */
    loadConfig() {
      api.config().then(
        (loaded) => {
          config.value = loaded
        },
        () => {},
      )
    },
  }
}

export type BarApp = ReturnType<typeof createBarApp>
