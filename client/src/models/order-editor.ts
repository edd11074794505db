import { createModel, signal } from '@preact/signals-core'
import type { Order, UpdateOrder } from '../../../contract/index.ts'
import type { GuestApi } from '../lib/api-client.ts'
import type { OrderStore } from './order-store.ts'
import type { Problem } from './problem.ts'
import { toProblem } from './problem.ts'

/** The change form of an order that is still placed. */
export interface EditDraft {
  orderId: string
  drinkId: string
  quantity: number
  note: string
}

export interface OrderEditorDeps {
  api: Pick<GuestApi, 'updateOrder'>
  guestId: string
  store: OrderStore
  /** Where the API's answer goes: the guest model, which keeps and announces it. */
  accept: (order: Order) => void
  /** Catches up from the API: after a refusal because the order moved on meanwhile. */
  refresh?: () => Promise<void>
}

/** A guest's changes to their orders while the bar has not started: change or cancel. */
export const OrderEditor = createModel(({ api, guestId, store, accept, refresh }: OrderEditorDeps) => {
  /** The open change form, if any: one order at a time. */
  const editing = signal<EditDraft | null>(null)
  /** Orders with a change or cancel on the way. */
  const busy = signal<ReadonlySet<string>>(new Set())
  const problem = signal<Problem | null>(null)

  async function send(orderId: string, change: UpdateOrder) {
    busy.value = new Set(busy.value).add(orderId)
    problem.value = null
    try {
      accept(await api.updateOrder(orderId, { guestId, ...change }))
      if (editing.value?.orderId === orderId) editing.value = null
    } catch (error) {
      problem.value = toProblem(error)
      // The bar started (or the order is gone) before this page heard of it: show it as it is.
      if (problem.value.code === 'not_editable' || problem.value.code === 'not_found') {
        if (editing.value?.orderId === orderId) editing.value = null
        await refresh?.()
      }
    } finally {
      const next = new Set(busy.value)
      next.delete(orderId)
      busy.value = next
    }
  }

  return {
    editing,
    busy,
    problem,
    /** Opens the change form of an order (null closes it). */
    edit(order: Order | null) {
      editing.value = order && { orderId: order.id, drinkId: order.drinkId, quantity: order.quantity, note: order.note }
      problem.value = null
    },
    updateDraft(fields: Partial<Omit<EditDraft, 'orderId'>>) {
      if (editing.value) editing.value = { ...editing.value, ...fields }
    },
    /** Sends what the change form changed; closes it when nothing did. */
    async save() {
      const draft = editing.value
      const order = draft && store.byId.value.get(draft.orderId)
      if (!draft || !order) return
      const change: UpdateOrder = {}
      if (draft.drinkId !== order.drinkId) change.drinkId = draft.drinkId
      if (draft.quantity !== order.quantity) change.quantity = draft.quantity
      if (draft.note.trim() !== order.note) change.note = draft.note.trim()
      if (Object.keys(change).length === 0) editing.value = null
      else await send(order.id, change)
    },
    cancel(orderId: string) {
      return send(orderId, { status: 'cancelled' })
    },
  }
})

export type OrderEditor = InstanceType<typeof OrderEditor>
