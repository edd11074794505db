import type { ReadonlySignal } from '@preact/signals'
import { computed, signal } from '@preact/signals'
import type { Locale, Order } from '../../../../contract/index.ts'
import { topics } from '../../../../contract/index.ts'
import { isMenu, isOrderEvent } from '../../lib/payloads.ts'
import type { StaffApi } from '../../lib/staff-api.ts'
import type { BarAuth } from '../../models/bar-auth.ts'
import { BarModel } from '../../models/bar-model.ts'
import { BarQueue } from '../../models/bar-queue.ts'
import { drinkName, MenuModel } from '../../models/menu-model.ts'
import { OrderStore } from '../../models/order-store.ts'
import type { TableColumn } from '../../models/order-table.ts'
import { OrderTable } from '../../models/order-table.ts'
import { createStaffLive } from '../shared/staff-live.ts'

export interface BarAppDeps {
  auth: BarAuth
  api: StaffApi
  liveUrl: string
  locale: ReadonlySignal<Locale>
  /** Sound on a new order; only called while the bar has the sound switched on. */
  beep: () => void
}

/** Puts the bar display's models together and feeds them from the API and `bar/orders`. */
export function createBarApp({ auth, api, liveUrl, locale, beep }: BarAppDeps) {
  const store = new OrderStore()
  const menu = new MenuModel()
  const sound = signal(false)
  const bar = new BarModel({
    api,
    store,
    menu,
    onNewOrder: () => {
      if (sound.value) beep()
    },
    onUnauthorized: auth.reject,
  })
  const queue = new BarQueue(store.list)
  const label = computed(() => {
    const drinks = menu.byId.value
    const current = locale.value
    return (column: TableColumn, order: Order) =>
      column === 'drinkId' ? drinkName(drinks, order.drinkId, current) : order[column]
  })
  const table = new OrderTable(store.list, label)
  const live = createStaffLive({
    auth,
    url: liveUrl,
    topics: [topics.barOrders, topics.publicMenu],
    onConnect: () => void bar.refresh(),
    onMessage: (topic, payload) => {
      if (topic === topics.barOrders && isOrderEvent(payload)) bar.receive(payload)
      else if (topic === topics.publicMenu && isMenu(payload)) menu.apply(payload)
    },
  })
  return { auth, store, menu, bar, queue, table, live, sound }
}

export type BarApp = ReturnType<typeof createBarApp>
