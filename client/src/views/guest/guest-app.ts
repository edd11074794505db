import { signal } from '@preact/signals'
import type { Order } from '../../../../contract/index.ts'
import { topics } from '../../../../contract/index.ts'
import type { GuestApi } from '../../lib/api-client.ts'
import { LiveConnection } from '../../lib/live-connection.ts'
import { isMenu, isOrderEvent, isTickerEvent } from '../../lib/payloads.ts'
import type { KeyValueStore } from '../../lib/storage.ts'
import { newId } from '../../lib/uuid.ts'
import { GuestModel } from '../../models/guest-model.ts'
import { MenuModel } from '../../models/menu-model.ts'
import type { OrderEditor } from '../../models/order-editor.ts'
import { OrderStore } from '../../models/order-store.ts'
import { ReadyAlert } from '../../models/ready-alert.ts'
import { TickerModel } from '../../models/ticker-model.ts'

type OrderParts = typeof import('./order-parts.ts')

export interface GuestAppDeps {
  api: GuestApi
  storage: KeyValueStore
  liveUrl: string
  /** The phone's buzz when an order is ready. */
  onReady: (order: Order) => void
}

/** Puts the guest page's models together and feeds them from the API and MQTT. */
export function createGuestApp({ api, storage, liveUrl, onReady }: GuestAppDeps) {
  const store = new OrderStore()
  const menu = new MenuModel()
  const ticker = new TickerModel()
  const guest = new GuestModel({ api, storage, store, menu, newId })
  const alert = new ReadyAlert(guest.orders, onReady)
  const eventName = signal('')
  /** The lazily loaded order list and its editor; null until they arrive. */
  const parts = signal<(OrderParts & { editor: OrderEditor }) | null>(null)
  const ownTopic = topics.guestOrders(guest.guestId.value)

  async function loadMenu() {
    try {
      menu.apply(await api.menu())
    } catch {
      // The retained `public/menu` and the next reconnect bring it too.
    }
  }

  const live = new LiveConnection({
    url: liveUrl,
    topics: [topics.publicMenu, topics.publicTicker, ownTopic],
    onConnect: () => {
      void loadMenu()
      void guest.refresh()
    },
    onMessage: (topic, payload) => {
      if (topic === topics.publicMenu && isMenu(payload)) menu.apply(payload)
      else if (topic === topics.publicTicker && isTickerEvent(payload)) ticker.push(payload)
      else if (topic === ownTopic && isOrderEvent(payload)) guest.receive(payload)
    },
  })

  function loadParts() {
    import('./order-parts.ts').then(
      (loaded) => {
        const editor = new loaded.OrderEditor({ api, guestId: guest.guestId.value, store, accept: guest.accept })
        parts.value = { ...loaded, editor }
      },
      () => setTimeout(loadParts, 3000),
    )
  }

  return {
    menu,
    ticker,
    guest,
    alert,
    live,
    eventName,
    parts,
    /** Loads what the first screen needs and, in parallel, the code to show the guest's orders. */
    start() {
      void loadMenu()
      void guest.refresh()
      loadParts()
    },
    /** Loads mqtt.js and the event's name: both wait until the page is on screen. */
    afterPaint() {
      live.start()
      api.config().then(
        (config) => {
          eventName.value = config.eventName
        },
        () => {},
      )
    },
  }
}

export type GuestApp = ReturnType<typeof createGuestApp>
