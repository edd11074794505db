import { describe, expect, it } from 'vitest'
import { makeOrder } from '../../../test/client/models.ts'
import { OrderStore } from './order-store.ts'

describe('OrderStore', () => {
  it('keeps one copy per id and lists newest first', () => {
    const store = new OrderStore()
    const first = makeOrder({ number: 1 })
    const second = makeOrder({ number: 2 })
    store.merge([first, second, first])
    expect(store.list.value.map((o) => o.number)).toEqual([2, 1])
  })

  it('drops a copy older than the one it has', () => {
    const store = new OrderStore()
    const placed = makeOrder({ updatedAt: '2026-11-25T20:00:00.000Z' })
    const ready = { ...placed, status: 'ready' as const, updatedAt: '2026-11-25T20:05:00.000Z' }
    store.merge([ready])
    expect(store.merge([placed])).toEqual([])
    expect(store.byId.value.get(placed.id)?.status).toBe('ready')
  })

  it('on equal updatedAt, keeps the status further along', () => {
    const store = new OrderStore()
    const preparing = makeOrder({ status: 'preparing' })
    store.merge([preparing])
    expect(store.merge([{ ...preparing, status: 'placed' }])).toEqual([])
    expect(store.merge([{ ...preparing, status: 'ready' }])).toHaveLength(1)
  })

  it('reports what changed, with the copy it replaced', () => {
    const store = new OrderStore()
    const order = makeOrder()
    expect(store.merge([order])).toEqual([{ order, previous: undefined }])
    const later = { ...order, status: 'preparing' as const, updatedAt: '2026-11-25T21:00:00.000Z' }
    expect(store.merge([later])).toEqual([{ order: later, previous: order }])
    expect(store.merge([later])).toEqual([])
  })

  it('does not notify readers when nothing changed', () => {
    const store = new OrderStore()
    store.merge([makeOrder()])
    const before = store.list.value
    store.merge([...store.list.value])
    expect(store.list.value).toBe(before)
  })
})
