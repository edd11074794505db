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
}

/** Puts the bar display's models together and feeds them from the API and `bar/orders`. */
export function createBarApp({ auth, api, storage, liveUrl, locale, beep, online }: BarAppDeps) {
  const store = new OrderStore()
  const menu = new MenuModel()
  const config = signal<PageConfig>(defaultPageConfig)
  /** Remembered on the device; the browser still wants a tap before it plays anything. */
  const sound = signal(storage.get('barSound') === 'on')
  const bar = new BarModel({
    api,
    store,
    menu,
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
    topics: { [topics.barOrders]: 'orderEvent', [topics.publicMenu]: 'menu', [topics.barStatus]: 'barStatus' },
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
      storage.set('barSound', on ? 'on' : 'off')
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
