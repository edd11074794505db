import { describe, expect, it } from 'vitest'
import type { Order } from '../../../contract/index.ts'
import { makeOrder, manualTimers } from '../../../test/client/models.ts'
import { ApiError } from '../lib/api-client.ts'
import { memoryStore } from '../lib/storage.ts'
import { OrderOutbox, type QueuedOrder } from './order-outbox.ts'

const queued = (id: string): QueuedOrder => ({
  id,
  guestId: '11111111-1111-4111-8111-111111111111',
  nickname: 'Ana',
  drinkId: 'tea',
})

function setup(answers: (order: QueuedOrder) => Promise<Order>, storage = memoryStore()) {
  const timers = manualTimers()
  const accepted: Order[] = []
  const outbox = new OrderOutbox({ storage, send: answers, accept: (o) => accepted.push(o), schedule: timers.schedule })
  return { outbox, timers, accepted, storage }
}

describe('OrderOutbox', () => {
  it('survives a reload', () => {
    const storage = memoryStore()
    setup(() => new Promise(() => {}), storage).outbox.add(queued('a'))
    expect(setup(() => new Promise(() => {}), storage).outbox.items.value.map((o) => o.id)).toEqual(['a'])
    expect(setup(() => new Promise(() => {}), memoryStore({ outbox: 'not json' })).outbox.items.value).toEqual([])
  })

  it('tries again later, waiting longer each time, until the server answers', async () => {
    let online = false
    const { outbox, timers, accepted, storage } = setup(async (o) => {
      if (!online) throw new ApiError(0, 'network', 'offline')
      return makeOrder({ id: o.id })
    })
    outbox.add(queued('a'))
    expect(timers.pending()).toEqual([2000])
    timers.runAll()
    await outbox.flush()
    expect(timers.pending()).toEqual([4000])
    online = true
    timers.runAll()
    await outbox.flush()
    expect(accepted.map((o) => o.id)).toEqual(['a'])
    expect(outbox.items.value).toEqual([])
    expect(storage.get('outbox')).toBeNull()
    expect(timers.pending()).toEqual([])
  })

  it('drops an order the server refuses and says why', async () => {
    const { outbox, accepted } = setup(async (o) => {
      if (o.id === 'a') throw new ApiError(409, 'sold_out', 'sold out')
      return makeOrder({ id: o.id })
    })
    outbox.add(queued('a'))
    outbox.add(queued('b'))
    await outbox.flush()
    expect(outbox.problem.value).toMatchObject({ code: 'sold_out', order: { id: 'a' } })
    expect(accepted.map((o) => o.id)).toEqual(['b'])
    expect(outbox.items.value).toEqual([])
  })

  it('sends each order once when flushes overlap', async () => {
    const sent: string[] = []
    const { outbox } = setup(async (o) => {
      sent.push(o.id)
      await new Promise((resolve) => setTimeout(resolve, 5))
      return makeOrder({ id: o.id })
    })
    outbox.add(queued('a'))
    await Promise.all([outbox.flush(), outbox.flush(), outbox.flush()])
    expect(sent).toEqual(['a'])
  })

  it('lets the guest take an order back before it is sent', () => {
    const { outbox } = setup(() => new Promise(() => {}))
    outbox.add(queued('a'))
    outbox.remove('a')
    expect(outbox.items.value).toEqual([])
  })
})
