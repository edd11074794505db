import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import type { Order } from '../../../contract/index.ts'
import { makeOrder } from '../../../test/client/models.ts'
import { BarQueue, groupQueue, tally } from './bar-queue.ts'

describe('groupQueue', () => {
  it('puts open orders in their column, oldest first, and leaves finished ones out', () => {
    const orders = [
      makeOrder({ number: 5, status: 'placed' }),
      makeOrder({ number: 3, status: 'placed' }),
      makeOrder({ number: 4, status: 'preparing' }),
      makeOrder({ number: 2, status: 'ready' }),
      makeOrder({ number: 1, status: 'delivered' }),
      makeOrder({ number: 6, status: 'cancelled' }),
    ]
    const columns = groupQueue(orders)
    expect(columns.placed.map((o) => o.number)).toEqual([3, 5])
    expect(columns.preparing.map((o) => o.number)).toEqual([4])
    expect(columns.ready.map((o) => o.number)).toEqual([2])
  })
})

describe('tally', () => {
  it('sums what is still to make per drink, most first', () => {
    const lines = tally([
      makeOrder({ drinkId: 'tea', quantity: 2, status: 'placed' }),
      makeOrder({ drinkId: 'beer', quantity: 1, status: 'preparing' }),
      makeOrder({ drinkId: 'tea', quantity: 1, status: 'preparing' }),
      makeOrder({ drinkId: 'beer', quantity: 5, status: 'ready' }),
      makeOrder({ drinkId: 'wine', quantity: 3, status: 'cancelled' }),
    ])
    expect(lines).toEqual([
      { drinkId: 'tea', quantity: 3, orders: 2 },
      { drinkId: 'beer', quantity: 1, orders: 1 },
    ])
  })
})

describe('BarQueue', () => {
  it('follows the orders it reads', () => {
    const orders = signal<readonly Order[]>([])
    const queue = new BarQueue(orders)
    expect(queue.readyNumbers.value).toEqual([])
    const order = makeOrder({ status: 'ready' })
    orders.value = [order]
    expect(queue.readyNumbers.value).toEqual([order.number])
    expect(queue.tally.value).toEqual([])
  })
})
