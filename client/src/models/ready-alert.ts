import type { ReadonlySignal } from '@preact/signals-core'
import { computed, createModel, effect, signal, untracked } from '@preact/signals-core'
import type { Order } from '../../../contract/index.ts'

/**
 * The guest's "your drink is ready" moment: the ready orders not yet acknowledged, and one
 * `notify` per order (vibration) the first time the page sees it ready.
 */
export const ReadyAlert = createModel((orders: ReadonlySignal<readonly Order[]>, notify: (order: Order) => void) => {
  const dismissed = signal<ReadonlySet<string>>(new Set())
  const notified = new Set<string>()
  const ready = computed(() => orders.value.filter((o) => o.status === 'ready' && !dismissed.value.has(o.id)))

  effect(() => {
    for (const order of ready.value) {
      if (notified.has(order.id)) continue
      notified.add(order.id)
      untracked(() => notify(order))
    }
  })

  return {
    /** Ready orders still shown large, newest first. */
    ready,
    dismiss(orderId: string) {
      dismissed.value = new Set(dismissed.value).add(orderId)
    },
  }
})

export type ReadyAlert = InstanceType<typeof ReadyAlert>
