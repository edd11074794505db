import { computed, createModel, signal } from '@preact/signals'
import type { Order, OrderEvent, PlaceOrderInput } from '../../../contract/index.ts'
import { openStatuses } from '../../../contract/index.ts'
import type { GuestApi } from '../lib/api-client.ts'
import { ApiError } from '../lib/api-client.ts'
import type { KeyValueStore } from '../lib/storage.ts'
import { isUuid } from '../lib/uuid.ts'
import type { MenuModel } from './menu-model.ts'
import type { OrderStore } from './order-store.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'

export interface GuestDeps {
  api: Pick<GuestApi, 'placeOrder' | 'guestOrders'>
  storage: KeyValueStore
  store: OrderStore
  menu: MenuModel
  newId: () => string
}

/** Worth sending again with the same id: the server may have stored it, or may take it later. */
const retriable = (error: unknown) =>
  error instanceof ApiError && (error.status === 0 || error.status === 429 || error.status >= 500)

/** The guest: who they are, the order they are composing, and their orders as they move. */
export const GuestModel = createModel(({ api, storage, store, menu, newId }: GuestDeps) => {
  const storedId = storage.get('guestId')
  const guestId = isUuid(storedId) ? storedId : newId()
  storage.set('guestId', guestId)

  const nickname = signal(storage.get('nickname') ?? '')
  const drinkId = signal<string | null>(null)
  const quantity = signal(1)
  const note = signal('')
  const placing = signal(false)
  const problem = signal<Problem | null>(null)
  /** The latest status change heard live, for the screen reader. */
  const announcement = signal<Order | null>(null)
  const orders = computed(() => store.list.value.filter((order) => order.guestId === guestId))
  const openCount = computed(() => orders.value.filter((order) => openStatuses.includes(order.status)).length)

  // The id of an attempt that may have reached the server: sent again with the same body,
  // it makes the retry idempotent instead of ordering twice.
  let pending: { id: string; body: string } | null = null

  function take(orders: readonly Order[]) {
    for (const change of store.merge(orders)) {
      if (change.previous && change.previous.status !== change.order.status) announcement.value = change.order
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
    /** This guest's orders, newest first. */
    orders,
    openCount,
    setNickname(value: string) {
      nickname.value = value
      storage.set('nickname', value.trim())
    },
    chooseDrink(id: string) {
      drinkId.value = id
      problem.value = null
    },
    setQuantity(value: number) {
      quantity.value = value
    },
    setNote(value: string) {
      note.value = value
    },
    /** Sends the composed order; resolves to it, or to null with `problem` set. */
    async place(): Promise<Order | null> {
      if (placing.value) return null
      const name = nickname.value.trim()
      const drink = drinkId.value ? menu.byId.value.get(drinkId.value) : undefined
      const missing = !name ? 'nickname_missing' : !drink ? 'drink_missing' : drink.available ? null : 'sold_out'
      if (missing || !drink) {
        problem.value = { code: missing ?? 'drink_missing', message: '' }
        return null
      }

      const fields = { guestId, nickname: name, drinkId: drink.id, quantity: quantity.value, note: note.value.trim() }
      const body = JSON.stringify(fields)
      if (pending?.body !== body) pending = { id: newId(), body }
      const input: PlaceOrderInput = { id: pending.id, ...fields }
      placing.value = true
      problem.value = null
      try {
        const order = await api.placeOrder(input)
        pending = null
        take([order])
        announcement.value = order
        drinkId.value = null
        quantity.value = 1
        note.value = ''
        return order
      } catch (error) {
        if (!retriable(error)) pending = null
        problem.value = toProblem(error)
        return null
      } finally {
        placing.value = false
      }
    },
    /** Catches up from the API: on start and after every (re)connect. */
    async refresh() {
      try {
        take(await api.guestOrders(guestId))
        // A failed earlier catch-up said "no connection"; it is no longer true.
        if (problem.value?.code === 'network') problem.value = null
      } catch (error) {
        problem.value = toProblem(error)
      }
    },
    /** An order from elsewhere: a change the guest made, or the API's answer to one. */
    accept(order: Order) {
      if (order.guestId === guestId) take([order])
    },
    /** A live `guests/<id>/orders` event. */
    receive(event: OrderEvent) {
      if (event.order.guestId === guestId) take([event.order])
    },
  }
})

export type GuestModel = InstanceType<typeof GuestModel>
