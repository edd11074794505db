import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import type { Order } from '../../../contract/index.ts'
import { makeOrder } from '../../../test/client/models.ts'
import { ReadyAlert } from './ready-alert.ts'

describe('ReadyAlert', () => {
  it('notifies once per order that becomes ready, and shows it until dismissed', () => {
    const order = makeOrder()
    const orders = signal<readonly Order[]>([order])
    const notified: number[] = []
    const alert = new ReadyAlert(orders, (o) => notified.push(o.number))
    expect(alert.ready.value).toEqual([])

    const ready = { ...order, status: 'ready' as const }
    orders.value = [ready]
    orders.value = [{ ...ready }]
    expect(notified).toEqual([order.number])
    expect(alert.ready.value).toEqual([ready])

    alert.dismiss(order.id)
    expect(alert.ready.value).toEqual([])
    orders.value = [{ ...ready, status: 'delivered' }]
    expect(notified).toEqual([order.number])
  })

  it('stops listening when disposed', () => {
    const orders = signal<readonly Order[]>([])
    const notified: Order[] = []
    const alert = new ReadyAlert(orders, (o) => notified.push(o))
    alert[Symbol.dispose]()
    orders.value = [makeOrder({ status: 'ready' })]
    expect(notified).toEqual([])
  })
})
