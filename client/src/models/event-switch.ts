import { effect } from '@preact/signals-core'
import type { MenuModel } from './menu-model.ts'
import type { OrderStore } from './order-store.ts'

/**
 * Keeps `store` to the orders of the menu's current event: when a new event starts, the earlier
 * events' orders leave the page, and so does any copy of one heard late. Returns the cleanup.
 */
export function followEvent(menu: MenuModel, store: OrderStore): () => void {
  return effect(() => {
    const current = menu.event.value?.id
    const orders = store.byId.value
    if (!current || ![...orders.values()].some((order) => order.eventId < current)) return
    store.byId.value = new Map([...orders].filter(([, order]) => order.eventId >= current))
  })
}
