import type { ReadonlySignal } from '@preact/signals-core'
import { computed, effect, signal, untracked } from '@preact/signals-core'
import { topics } from '../../../../contract/topics.ts'
import type { GuestApi } from '../../lib/api-client.ts'
import type { LiveConnection, LiveState } from '../../lib/live-connection.ts'
import type { KeyValueStore } from '../../lib/storage.ts'
import { newId } from '../../lib/uuid.ts'
import { GuestModel } from '../../models/guest-model.ts'
import { MenuModel } from '../../models/menu-model.ts'
import { OrderOutbox } from '../../models/order-outbox.ts'
import { OrderStore } from '../../models/order-store.ts'
import type { ReadyText } from '../../models/ready-notifier.ts'
import { TickerModel } from '../../models/ticker-model.ts'

type OrderParts = typeof import('./order-parts.ts')
/** The lazily loaded components, and the models behind them. */
export type LoadedParts = OrderParts & ReturnType<OrderParts['createOrderParts']>

export interface GuestAppDeps {
  api: GuestApi
  storage: KeyValueStore
  liveUrl: string
  /** The words of the "ready" notification. */
  readyText: ReadyText
  /** Whether the device has a network (`navigator.onLine`, followed). */
  online: ReadonlySignal<boolean>
}

/** Puts the guest page's models together and feeds them from the API and MQTT. */
export function createGuestApp({ api, storage, liveUrl, readyText, online }: GuestAppDeps) {
  const store = new OrderStore()
  const menu = new MenuModel()
  const ticker = new TickerModel()
  const outbox = new OrderOutbox({ storage, send: api.placeOrder, accept: (order) => guest.accept(order) })
  const guest = new GuestModel({ api, storage, store, menu, outbox, newId })
  /** The current event's name, from the menu. */
  const eventName = computed(() => menu.event.value?.name ?? '')
  /** The lazily loaded order list, ready moment and ticker; null until they arrive. */
  const parts = signal<LoadedParts | null>(null)
  const ownTopic = topics.guestOrders(guest.guestId.value)

  async function loadMenu() {
    try {
      menu.apply(await api.menu())
    } catch {
      // The retained `public/menu` and the next reconnect bring it too.
    }
  }

  /** Everything from the API again, and what waited for the network sent: nothing stays stale. */
  function catchUp(): Promise<unknown> {
    return Promise.all([loadMenu(), guest.refresh(), outbox.flush()])
  }

  // The MQTT connection's code comes after the first paint (`afterPaint`); until then its state
  // is what a connection not yet open shows: connecting, or offline without a network.
  const connection = signal<LiveConnection | null>(null)
  const live = {
    state: computed<LiveState>(() => connection.value?.state.value ?? (online.value ? 'connecting' : 'offline')),
  }

  /** Loads the MQTT connection's code and connects; tried again like the order list's code. */
  function loadLive(): Promise<void> {
    return import('../../lib/live-connection.ts').then(
      ({ LiveConnection }) => {
        connection.value = new LiveConnection({
          url: liveUrl,
          online,
          topics: { [topics.publicMenu]: 'menu', [topics.publicTicker]: 'ticker', [ownTopic]: 'orderEvent' },
          onConnect: () => void catchUp(),
          onMessage: (message) => {
            if (message.kind === 'menu') menu.apply(message.payload)
            else if (message.kind === 'ticker') ticker.push(message.payload)
            else if (message.kind === 'orderEvent') guest.receive(message.payload)
          },
        })
        connection.value.start()
      },
      () => {
        setTimeout(loadLive, 3000)
      },
    )
  }

  // The network coming back is the moment to send and to catch up, before MQTT even notices.
  let wasOnline = online.peek()
  effect(() => {
    const now = online.value
    if (now && !wasOnline) untracked(() => void catchUp())
    wasOnline = now
  })

  /** Loads the order list, ready moment and ticker; resolves after the first attempt either way. */
  function loadParts(): Promise<void> {
    return import('./order-parts.ts').then(
      (loaded) => {
        parts.value = { ...loaded, ...loaded.createOrderParts({ api, guest, store, storage, menu, readyText }) }
      },
      () => {
        setTimeout(loadParts, 3000)
      },
    )
  }

  return {
    menu,
    ticker,
    guest,
    outbox,
    live,
    eventName,
    parts,
    offline: computed(() => !online.value),
    /**
     * Asks, all in parallel, for what the first screen shows: the menu (with the event's name)
     * and the guest's orders. Resolves when they are here, so the form renders complete in one
     * go rather than shifting as each arrives.
     */
    start: catchUp,
    /**
     * Once the page is on screen: the code of the order list, the ready moment and the ticker,
     * and mqtt.js. The first paint waits for neither, so neither counts against its budget; the
     * list's heading holds its place below the form meanwhile.
     */
    afterPaint() {
      void loadParts()
      void loadLive()
    },
    /** The guest came back to the page: a phone may have frozen it, so catch up at once. */
    resume: () => void catchUp(),
  }
}

export type GuestApp = ReturnType<typeof createGuestApp>
