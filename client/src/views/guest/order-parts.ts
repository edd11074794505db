import { effect } from '@preact/signals-core'
import { isOpen } from '../../../../contract/index.ts'
import type { GuestApi } from '../../lib/api-client.ts'
import { browserNotices, linkManifest, registerWorker } from '../../lib/notices.ts'
import type { KeyValueStore } from '../../lib/storage.ts'
import { pushSupport, subscribePush } from '../../lib/web-push.ts'
import { followEvent } from '../../models/event-switch.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { OrderEditor } from '../../models/order-editor.ts'
import { OrderMemory } from '../../models/order-memory.ts'
import type { OrderStore } from '../../models/order-store.ts'
import { ReadyAlert } from '../../models/ready-alert.ts'
import type { ReadyText } from '../../models/ready-notifier.ts'
import { ReadyNotifier } from '../../models/ready-notifier.ts'
import '../../styles/guest-orders.css'

// What the guest page shows once there is something to show: the orders with their change
// form, the ready moment, the ticker. Their data comes from the API and MQTT after the first
// paint anyway, so their code is loaded then too, keeping the first download small; so is the
// push subscription's.
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
  menu: MenuModel
  readyText: ReadyText
}

/**
 * The models behind those parts: the change form, the ready moment with its notification (and
 * push), and the orders kept on the device for a visit without a connection.
 */
export function createOrderParts({ api, guest, store, storage, menu, readyText }: OrderPartsDeps) {
  // A new event started while the page is open: the guest's orders of the last one leave it.
  followEvent(menu, store)
  const guestId = guest.guestId.value
  const notifier = new ReadyNotifier(browserNotices(pushSupport, () => subscribePush(guestId)))
  // The service worker keeps the page for a visit without a connection and shows the ready
  // notification. This module loads after the first paint, and the worker's downloads wait a
  // little more, to leave the first screen's requests alone.
  setTimeout(() => {
    linkManifest()
    void registerWorker()
  }, workerDelayMs)
  // The server forgets a guest's push subscription once none of their orders is open: each new
  // open order registers it again (the first seen after a reload too).
  const seen = new Set<string>()
  effect(() => {
    const fresh = guest.orders.value.filter((order) => isOpen(order.status) && !seen.has(order.id))
    for (const order of fresh) seen.add(order.id)
    if (fresh.length > 0) void notifier.sync()
  })
  // Pushes speak the page's language: a switch of it registers the subscription in the new one.
  new MutationObserver(() => void notifier.sync()).observe(document.documentElement, { attributeFilter: ['lang'] })
  showOrderFromNotification()
  return {
    memory: new OrderMemory({ storage, guest, store }),
    editor: new OrderEditor({ api, guestId, store, accept: guest.accept, refresh: guest.refresh }),
    notifier,
    alert: new ReadyAlert(guest.orders, (order) => notifier.ready(order, readyText)),
  }
}

/**
 * A tap on a push notification opens the page at `/?order=<id>`, or, when the page is open,
 * the service worker asks it to show that order: it is scrolled into view once listed.
 */
function showOrderFromNotification() {
  const show = (orderId: unknown) => {
    if (typeof orderId !== 'string') return
    let tries = 0
    const look = () => {
      const item = document.querySelector(`[data-order-id="${CSS.escape(orderId)}"]`)
      if (item) item.scrollIntoView({ block: 'center' })
      else if (++tries < 20) setTimeout(look, 100)
    }
    look()
  }
  show(new URLSearchParams(location.search).get('order') ?? undefined)
  navigator.serviceWorker?.addEventListener('message', (event) => {
    const data = event.data as { kind?: string; orderId?: unknown } | null
    if (data?.kind === 'show-order') show(data.orderId)
  })
}
