import { signal } from '@preact/signals-core'
import { describe, expect, it } from 'vitest'
import type { Order } from '../../../contract/index.ts'
import { makeOrder } from '../../../test/client/models.ts'
import { OrderTable, sortOrders } from './order-table.ts'

const orders = [
  makeOrder({ number: 1, nickname: 'bea', drinkId: 'tea', status: 'ready', quantity: 2 }),
  makeOrder({ number: 2, nickname: 'Ana', drinkId: 'beer', status: 'placed', quantity: 1 }),
  makeOrder({ number: 3, nickname: 'Cem', drinkId: 'tea', status: 'delivered', quantity: 1 }),
]
const numbers = (list: readonly Order[]) => list.map((o) => o.number)

describe('sortOrders', () => {
  it('sorts text without regard to case, numbers as numbers, statuses by lifecycle', () => {
    expect(numbers(sortOrders(orders, { column: 'nickname', direction: 'ascending' }))).toEqual([2, 1, 3])
    expect(numbers(sortOrders(orders, { column: 'quantity', direction: 'descending' }))).toEqual([1, 3, 2])
    expect(numbers(sortOrders(orders, { column: 'status', direction: 'ascending' }))).toEqual([2, 1, 3])
  })

  it('breaks ties newest first, whatever the direction', () => {
    expect(numbers(sortOrders(orders, { column: 'drinkId', direction: 'descending' }))).toEqual([3, 1, 2])
  })

  it('sorts by what the column shows', () => {
    const names: Record<string, string> = { tea: 'Ambrosia tea', beer: 'Zesty beer' }
    const label = (column: string, order: Order) => (column === 'drinkId' ? (names[order.drinkId] ?? '') : order.number)
    expect(numbers(sortOrders(orders, { column: 'drinkId', direction: 'ascending' }, label))).toEqual([3, 1, 2])
  })
})

describe('OrderTable', () => {
  it('starts newest first and toggles the direction of the same column', () => {
    const table = new OrderTable(signal(orders))
    expect(numbers(table.rows.value)).toEqual([3, 2, 1])
    table.sortBy('nickname')
    expect(table.sort.value).toEqual({ column: 'nickname', direction: 'ascending' })
    table.sortBy('nickname')
    expect(numbers(table.rows.value)).toEqual([3, 1, 2])
  })
})
