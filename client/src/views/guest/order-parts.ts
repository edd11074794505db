import type { GuestApi } from '../../lib/api-client.ts'
import { browserNotices, registerWorker } from '../../lib/notices.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import { OrderEditor } from '../../models/order-editor.ts'
import type { OrderStore } from '../../models/order-store.ts'
import { ReadyAlert } from '../../models/ready-alert.ts'
import type { ReadyText } from '../../models/ready-notifier.ts'
import { ReadyNotifier } from '../../models/ready-notifier.ts'
import '../../styles/guest-orders.css'

// What the guest page shows once there is something to show: the orders with their change
// form, the ready moment, the ticker. Their data comes from the API and MQTT after the first
// paint anyway, so their code is loaded then too, keeping the first download small.
export { MyOrders } from './my-orders.tsx'
export { ReadyBanner } from './ready-banner.tsx'
export { Ticker } from './ticker.tsx'

export interface OrderPartsDeps {
  api: GuestApi
  guest: GuestModel
  store: OrderStore
  readyText: ReadyText
}

/** The models behind those parts: the change form, and the ready moment with its notification. */
export function createOrderParts({ api, guest, store, readyText }: OrderPartsDeps) {
  const notifier = new ReadyNotifier(browserNotices())
  // Registered again on each visit once allowed, so notifications still work after a reload;
  // a little later, to leave the first screen alone.
  setTimeout(() => {
    if (notifier.permission.peek() === 'granted') void registerWorker()
  }, 2000)
  return {
    editor: new OrderEditor({ api, guestId: guest.guestId.value, store, accept: guest.accept, refresh: guest.refresh }),
    notifier,
    alert: new ReadyAlert(guest.orders, (order) => notifier.ready(order, readyText)),
  }
}
