import { computed, createModel, signal } from '@preact/signals-core'
import type { Order, OrderEvent } from '../../../contract/index.ts'
import { isOpen } from '../../../contract/order-status.ts'
import type { ApiError, GuestApi } from '../lib/api-client.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import { isUuid } from '../lib/uuid.ts'
import type { MenuModel } from './menu-model.ts'
import type { OrderOutbox, QueuedOrder } from './order-outbox.ts'
import { worthRetrying } from './order-outbox.ts'
import type { OrderStore } from './order-store.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'

export interface GuestDeps {
  api: Pick<GuestApi, 'placeOrder' | 'guestOrders'>
  storage: KeyValueStore
  store: OrderStore
  menu: MenuModel
  /** Where an order goes that could not reach the server. */
  outbox: OrderOutbox
  /** Makes ids: the guest's on the first visit, and one per order. */
  newId: () => string
}

/** The guest id kept on this device; made on the first visit. */
export function guestIdFrom(storage: KeyValueStore, newId: () => string): string {
  const stored = storage.get('guestId')
  const guestId = isUuid(stored) ? stored : newId()
  storage.set('guestId', guestId)
  return guestId
}

/** The guest: who they are, the order they are composing, and their orders as they move. */
export const GuestModel = createModel(({ api, storage, store, menu, outbox, newId }: GuestDeps) => {
  const guestId = guestIdFrom(storage, newId)

  const nickname = signal(storage.get('nickname') ?? '')
  const drinkId = signal<string | null>(null)
  const quantity = signal(1)
  const note = signal('')
  const placing = signal(false)
  const problem = signal<Problem | null>(null)
  /** When the server last gave this page the guest's orders (ms since the epoch); 0: not yet. */
  const syncedAt = signal(0)
  /** The latest status change heard live, for the screen reader. */
  const announcement = signal<Order | null>(null)
  /** What became of the last tap on "Order": placed (with its number), or kept for later. */
  const outcome = signal<{ placed: Order } | { queued: QueuedOrder } | null>(null)
  const orders = computed(() => store.list.value.filter((order) => order.guestId === guestId))
  const openCount = computed(() => orders.value.filter((order) => isOpen(order.status)).length)
  /** Orders waiting for the network, until the server's copy is here. */
  const queued = computed(() => outbox.items.value.filter((item) => !store.byId.value.has(item.id)))

  function clearDraft() {
    drinkId.value = null
    quantity.value = 1
    note.value = ''
  }

  /** Merges orders; announces status changes, and new orders when they come from the guest's own act. */
  function take(orders: readonly Order[], announceNew = false) {
    for (const change of store.merge(orders)) {
      if (change.previous ? change.previous.status !== change.order.status : announceNew) {
        announcement.value = change.order
      }
    }
  }

  return {
    guestId: signal(guestId),
    nickname,
    drinkId,
    quantity,
    note,
    placing,
    problem,
    announcement,
    /** The last tap's outcome; a kept order reads as placed once the server has it. */
    outcome: computed(() => {
      const last = outcome.value
      const sent = last && 'queued' in last ? store.byId.value.get(last.queued.id) : undefined
      return sent ? { placed: sent } : last
    }),
    /** This guest's orders, newest first. */
    orders,
    syncedAt,
    openCount,
    queued,
    /** The server is busy: kept orders are sent again by themselves after the wait it asked for. */
    busy: outbox.busy,
    setNickname(value: string) {
      nickname.value = value
      storage.set('nickname', value.trim())
    },
    chooseDrink(id: string) {
      drinkId.value = id
      problem.value = null
      outcome.value = null
    },
    setQuantity(value: number) {
      quantity.value = value
    },
    setNote(value: string) {
      note.value = value
    },
    /**
     * Sends the composed order under a fresh id; resolves to it, or to null with `problem` set.
     * When the server cannot be reached the order goes to the outbox, which sends it, under the
     * same id, once it can: the guest's tap is kept, and never counted twice.
     */
    async place(): Promise<Order | null> {
      if (placing.value) return null
      const name = nickname.value.trim()
      const drink = drinkId.value ? menu.byId.value.get(drinkId.value) : undefined
      const missing = !name ? 'nickname_missing' : !drink ? 'drink_missing' : drink.available ? null : 'sold_out'
      if (missing || !drink) {
        problem.value = { code: missing ?? 'drink_missing', message: '' }
        return null
      }

      const input: QueuedOrder = {
        id: newId(),
        guestId,
        nickname: name,
        drinkId: drink.id,
        quantity: quantity.value,
        note: note.value.trim(),
      }
      problem.value = null
      outcome.value = null
      const keep = (reason?: ApiError) => {
        outbox.add(input, reason)
        outcome.value = { queued: input }
        clearDraft()
      }
      // Behind orders already waiting, so they reach the bar in the order they were tapped.
      if (outbox.items.value.length > 0) {
        keep()
        void outbox.flush()
        return null
      }
      placing.value = true
      try {
        const order = await api.placeOrder(input)
        take([order])
        outcome.value = { placed: order }
        clearDraft()
        return order
      } catch (error) {
        if (worthRetrying(error)) keep(error)
        else problem.value = toProblem(error)
        return null
      } finally {
        placing.value = false
      }
    },
    /** Catches up from the API: on start and after every (re)connect. */
    async refresh() {
      try {
        take(await api.guestOrders(guestId))
        syncedAt.value = Date.now()
        // A failed earlier catch-up said "no connection"; it is no longer true.
        if (problem.value?.code === 'network') problem.value = null
      } catch (error) {
        problem.value = toProblem(error)
      }
    },
    /** The API's answer to something the guest did: a change, a cancel, a queued order sent. */
    accept(order: Order) {
      if (order.guestId === guestId) take([order], true)
    },
    /** A live `guests/<id>/orders` event. */
    receive(event: OrderEvent) {
      if (event.order.guestId === guestId) take([event.order])
    },
  }
})

export type GuestModel = InstanceType<typeof GuestModel>
