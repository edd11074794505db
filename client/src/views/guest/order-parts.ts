import type { GuestApi } from '../../lib/api-client.ts'
import { browserNotices, linkManifest, registerWorker } from '../../lib/notices.ts'
import type { KeyValueStore } from '../../lib/storage.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import { OrderEditor } from '../../models/order-editor.ts'
import { OrderMemory } from '../../models/order-memory.ts'
import type { OrderStore } from '../../models/order-store.ts'
import { ReadyAlert } from '../../models/ready-alert.ts'
import type { ReadyText } from '../../models/ready-notifier.ts'
import { ReadyNotifier } from '../../models/ready-notifier.ts'

// What the guest page shows once there is something to show: the orders with their change
// form, the ready moment, the ticker. Their data comes from the API and MQTT after the first
// paint anyway, so their code is loaded then too, keeping the first download small.
export { MyOrders } from './my-orders.tsx'
export { ReadyBanner } from './ready-banner.tsx'
export { Ticker } from './ticker.tsx'

/** How long after the order list's code arrives the service worker is registered and the manifest linked. */
const workerDelayMs = 2000

export interface OrderPartsDeps {
  api: GuestApi
  guest: GuestModel
  store: OrderStore
  storage: KeyValueStore
  readyText: ReadyText
}

/**
 * The models behind those parts: the change form, the ready moment with its notification, and
 * the orders kept on the device for a visit without a connection.
 */
export function createOrderParts({ api, guest, store, storage, readyText }: OrderPartsDeps) {
  const notifier = new ReadyNotifier(browserNotices())
  // The service worker keeps the page for a visit without a connection and shows the ready
  // notification. This module loads after the first paint, and the worker's downloads wait a
  // little more, to leave the first screen's requests alone.
  setTimeout(() => {
    linkManifest()
    void registerWorker()
  }, workerDelayMs)
  return {
    memory: new OrderMemory({ storage, guest, store }),
    editor: new OrderEditor({ api, guestId: guest.guestId.value, store, accept: guest.accept, refresh: guest.refresh }),
    notifier,
    alert: new ReadyAlert(guest.orders, (order) => notifier.ready(order, readyText)),
  }
}
