import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, signal } from '@preact/signals-core'
import type { Order, OrderEvent, OrderStatus } from '../../../contract/index.ts'
import { nextStatus } from '../../../contract/index.ts'
import { ApiError } from '../lib/api-client.ts'
import type { StaffApi } from '../lib/staff-api.ts'
import { LastMove, type Move } from './last-move.ts'
import type { MenuModel } from './menu-model.ts'
import type { OrderStore } from './order-store.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'
import { ofStation } from './stations.ts'

export interface BarDeps {
  api: Pick<StaffApi, 'allOrders' | 'menu' | 'updateOrder' | 'updateDrink' | 'ordersCsv' | 'startEvent'>
  store: OrderStore
  menu: MenuModel
  /** The station this display works for: only its orders are shown and beep. Null: every order. */
  station?: string | null
  /** Called for an order the bar has not seen before (the beep). */
  onNewOrder?: (order: Order) => void
  /** Called when the API refuses the bar token. */
  onUnauthorized?: () => void
  /** How long the server lets the bar undo a move; none by default. */
  undoMs?: ReadonlySignal<number>
  /** Timers of the undo, for tests. */
  schedule?: (task: () => void, ms: number) => () => void
  /** Milliseconds now, for how much of the undo window is left; `Date.now` by default. */
  now?: () => number
}

/** The bar's side: catching up, live events, and moving orders and drinks along through the API. */
export const BarModel = createModel((deps: BarDeps) => {
  const { api, store, menu, onNewOrder, onUnauthorized } = deps
  const station = deps.station ?? null
  const ours = (order: Order) => station === null || order.station === station
  /** Orders and drinks with a request on the way, so a second tap does not send it twice. */
  const busy = signal<ReadonlySet<string>>(new Set())
  const problem = signal<Problem | null>(null)
  /** False until the first catch-up finished: the first load must not beep for every old order. */
  const loaded = signal(false)

  function fail(error: unknown) {
    // The bar token is missing or wrong.
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) onUnauthorized?.()
    problem.value = toProblem(error)
  }

  async function withBusy(key: string, work: () => Promise<void>) {
    if (busy.value.has(key)) return
    busy.value = new Set(busy.value).add(key)
    problem.value = null
    try {
      await work()
    } catch (error) {
      fail(error)
    } finally {
      const next = new Set(busy.value)
      next.delete(key)
      busy.value = next
    }
  }

  const now = deps.now ?? Date.now
  const last = new LastMove({ windowMs: deps.undoMs ?? signal(0), schedule: deps.schedule })
  /** Moves on their way to the server, shown as made meanwhile. */
  const sending = signal<ReadonlyMap<string, Move>>(new Map())

  function setSending(id: string, move: Move | null) {
    const next = new Map(sending.value)
    if (move) next.set(id, move)
    else next.delete(id)
    sending.value = next
  }

  /** Sends a move at once (or its undo); the guest's screen follows from the broker. */
  function send(move: Move, undo = false) {
    const tapped = now()
    return withBusy(move.orderId, async () => {
      setSending(move.orderId, move)
      try {
        const order = await api.updateOrder(move.orderId, undo ? { status: move.to, undo } : { status: move.to })
        store.merge([order])
        if (!undo) last.remember(move, now() - tapped)
      } finally {
        setSending(move.orderId, null)
      }
    })
  }

  const move = (order: Order, to: OrderStatus) =>
    send({ orderId: order.id, number: order.number, from: order.status, to })

  return {
    busy,
    problem,
    loaded,
    /**
     * The orders as this screen shows them: those of the current event (a new one, started here
     * or elsewhere, empties the queue and the table), a move on its way already made.
     */
    orders: computed(() => {
      const moving = sending.value
      // The store keeps what it heard of other stations too (an order a guest moved away), and
      // of earlier events (a new one empties the queue).
      const event = menu.event.value?.id ?? 0
      const list = ofStation(store.list.value, station).filter((o) => o.eventId >= event)
      if (moving.size === 0) return list
      return list.map((o) => {
        const move = moving.get(o.id)
        return move && o.status === move.from ? { ...o, status: move.to } : o
      })
    }),
    /** The last move, while the server still lets the bar undo it. */
    lastMove: last.move,
    /** Asks the server to take the last move back to the status it left. */
    undo() {
      const move = last.take()
      return move ? send({ ...move, from: move.to, to: move.from }, true) : Promise.resolve()
    },
    /** Catches up from the API: on every (re)connect, so nothing missed while offline stays stale. */
    async refresh() {
      try {
        const [orders, drinks] = await Promise.all([api.allOrders(station), api.menu()])
        menu.apply(drinks)
        const fresh = store.merge(orders).filter((c) => !c.previous && c.order.status === 'placed' && ours(c.order))
        const first = fresh[0]
        if (loaded.value && first) onNewOrder?.(first.order)
        loaded.value = true
        problem.value = null
      } catch (error) {
        fail(error)
      }
    },
    /** A live `bar/orders` event (or the station's `bar/stations/<id>/orders`). */
    receive(event: OrderEvent) {
      const [change] = store.merge([event.order])
      if (change && !change.previous && event.event === 'placed' && ours(change.order)) onNewOrder?.(change.order)
    },
    /** One tap: to the next status of the lifecycle, sent at once. */
    advance(order: Order) {
      const next = nextStatus(order.status)
      return next ? move(order, next) : Promise.resolve()
    },
    cancel(order: Order) {
      return move(order, 'cancelled')
    },
    /**
     * Starts a new event; resolves true once the server did. The menu names it at once (the
     * queue follows it, bar-app.ts); its retained `public/menu` tells every other screen.
     */
    async startEvent(name: string): Promise<boolean> {
      let started = false
      await withBusy('event', async () => {
        const event = await api.startEvent(name)
        menu.event.value = event
        started = true
      })
      return started
    },
    /** Fetches the CSV with the bar token (a plain link could not send it) and hands it to `save`. */
    exportCsv(save: (csv: Blob) => void) {
      return withBusy('csv', async () => save(await api.ordersCsv()))
    },
    setAvailable(drinkId: string, available: boolean) {
      return withBusy(`drink:${drinkId}`, async () => {
        const before = menu.byId.value.get(drinkId)?.available
        menu.setAvailable(drinkId, available)
        try {
          await api.updateDrink(drinkId, { available })
        } catch (error) {
          if (before !== undefined) menu.setAvailable(drinkId, before)
          throw error
        }
      })
    },
  }
})

export type BarModel = InstanceType<typeof BarModel>
