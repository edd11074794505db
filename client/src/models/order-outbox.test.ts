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

function setup(answers: (order: QueuedOrder) => Promise<Order>, storage = memoryStore(), random = () => 0) {
  const timers = manualTimers()
  const accepted: Order[] = []
  const outbox = new OrderOutbox({
    storage,
    send: answers,
    accept: (o) => accepted.push(o),
    schedule: timers.schedule,
    random,
  })
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

  it('asks a busy server again after its Retry-After, jittered and bounded, with the same order', async () => {
    const sent: string[] = []
    let refusals = 1
    let random = 0.5
    const overloaded = (seconds: number) => new ApiError(503, 'overloaded', 'the bar is busy', seconds * 1000)
    const { outbox, timers, accepted } = setup(
      async (o) => {
        sent.push(o.id)
        // Ten minutes asked: held at 30 s.
        if (refusals-- > 0) throw overloaded(600)
        return makeOrder({ id: o.id })
      },
      memoryStore(),
      () => random,
    )
    // The page's own first try was refused: the order comes here with that refusal.
    outbox.add(queued('a'), overloaded(1))
    expect(outbox.busy.value).toBe(true)
    // No sooner than asked, and up to half as long again: a quarter at this draw.
    expect(timers.pending()).toEqual([1250])
    random = 0
    timers.runAll()
    await outbox.flush()
    expect(outbox.busy.value).toBe(true)
    expect(timers.pending()).toEqual([30_000])
    timers.runAll()
    await outbox.flush()
    expect(sent).toEqual(['a', 'a'])
    expect(accepted.map((o) => o.id)).toEqual(['a'])
    expect(outbox.busy.value).toBe(false)
    expect(timers.pending()).toEqual([])
  })

  it('says busy only while the server answers: no answer is "waiting for the network"', async () => {
    const { outbox, timers } = setup(async () => {
      throw new ApiError(0, 'network', 'offline')
    })
    outbox.add(queued('a'), new ApiError(503, 'overloaded', 'busy', 1000))
    expect(outbox.busy.value).toBe(true)
    timers.runAll()
    await outbox.flush()
    expect(outbox.busy.value).toBe(false)
    expect(timers.pending()).toEqual([2000])
  })

  it('sends nothing before the wait a busy server asked for, whatever asks for a flush', async () => {
    const sent: string[] = []
    const { outbox, timers } = setup(async (o) => {
      sent.push(o.id)
      return makeOrder({ id: o.id })
    })
    outbox.add(queued('a'), new ApiError(503, 'overloaded', 'busy', 1000))
    // The live connection comes back, the guest taps another order: both ask for a flush.
    outbox.add(queued('b'))
    await outbox.flush()
    expect(sent).toEqual([])
    expect(timers.pending()).toEqual([1000])
    timers.runAll()
    await outbox.flush()
    expect(sent).toEqual(['a', 'b'])
  })
})
