import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, signal } from '@preact/signals-core'
import type { Order, OrderEvent, OrderStatus } from '../../../contract/index.ts'
import { nextStatus } from '../../../contract/index.ts'
import { ApiError } from '../lib/api-client.ts'
import type { StaffApi } from '../lib/staff-api.ts'
import type { MenuModel } from './menu-model.ts'
import type { Move } from './move-hold.ts'
import { MoveHold } from './move-hold.ts'
import type { OrderStore } from './order-store.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'

export interface BarDeps {
  api: Pick<StaffApi, 'allOrders' | 'menu' | 'updateOrder' | 'updateDrink' | 'ordersCsv'>
  store: OrderStore
  menu: MenuModel
  /** Called for an order the bar has not seen before (the beep). */
  onNewOrder?: (order: Order) => void
  /** Called when the API refuses the bar token. */
  onUnauthorized?: () => void
  /** How long a move can be undone before it is sent; none by default. */
  holdMs?: ReadonlySignal<number>
  /** Timers of the undo, for tests. */
  schedule?: (task: () => void, ms: number) => () => void
}

/** The bar's side: catching up, live events, and moving orders and drinks along through the API. */
export const BarModel = createModel((deps: BarDeps) => {
  const { api, store, menu, onNewOrder, onUnauthorized } = deps
  /** Orders and drinks with a request on the way, so a second tap does not send it twice. */
  const busy = signal<ReadonlySet<string>>(new Set())
  const problem = signal<Problem | null>(null)
  /** False until the first catch-up finished: the first load must not beep for every old order. */
  const loaded = signal(false)

  function fail(error: unknown) {
    if (error instanceof ApiError && error.unauthorized) onUnauthorized?.()
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

  const moves = new MoveHold({
    holdMs: deps.holdMs ?? signal(0),
    schedule: deps.schedule,
    send: (move, { leaving }) =>
      withBusy(move.orderId, async () => {
        store.merge([await api.updateOrder(move.orderId, { status: move.to }, leaving)])
      }),
  })

  const move = (order: Order, to: OrderStatus) =>
    moves.move({ orderId: order.id, number: order.number, from: order.status, to } satisfies Move)

  return {
    busy,
    problem,
    loaded,
    /** The orders as this screen shows them: the held move already made. */
    orders: computed(() => {
      const held = moves.held.value
      const list = store.list.value
      if (!held) return list
      return list.map((o) => (o.id === held.orderId && o.status === held.from ? { ...o, status: held.to } : o))
    }),
    /** The last move, while it can be undone. */
    held: moves.held,
    undo: moves.undo,
    /** Sends the held move at once, as the page is hidden or closed. */
    release: moves.release,
    /** Catches up from the API: on every (re)connect, so nothing missed while offline stays stale. */
    async refresh() {
      try {
        const [orders, drinks] = await Promise.all([api.allOrders(), api.menu()])
        menu.apply(drinks)
        const fresh = store.merge(orders).filter((c) => !c.previous && c.order.status === 'placed')
        const first = fresh[0]
        if (loaded.value && first) onNewOrder?.(first.order)
        loaded.value = true
        problem.value = null
      } catch (error) {
        fail(error)
      }
    },
    /** A live `bar/orders` event. */
    receive(event: OrderEvent) {
      const [change] = store.merge([event.order])
      if (change && !change.previous && event.event === 'placed') onNewOrder?.(change.order)
    },
    /** One tap: to the next status of the lifecycle (held for the undo time, then sent). */
    advance(order: Order) {
      const next = nextStatus(order.status)
      return next ? move(order, next) : Promise.resolve()
    },
    cancel(order: Order) {
      return move(order, 'cancelled')
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
